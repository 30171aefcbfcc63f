import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { requireUser } from "../../_lib/current-user";
import { editorCatalog } from "../../_lib/editor-catalog";
import { AppShell } from "../../_components/app-shell";
import { AutomationEditor, NEW_RULE_TEMPLATE } from "../../_components/automations/automation-editor";
import "../../automations.css";

export const metadata: Metadata = { title: "New automation" };

export default async function NewAutomationPage() {
  const { api, principal } = await requireUser("/automations/new");
  if (!canManage(principal.user)) redirect("/automations");
  return (
    <AppShell homeName={api.home()?.locationName ?? "Hearth"}>
      <div className="automations">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link href="/automations">← Automations</Link>
        </nav>
        <div className="page-head">
          <div>
            <h1 className="page-title">New automation</h1>
            <p className="muted">Start from this example: change it with the forms, or paste a rule in Home Assistant&apos;s YAML.</p>
          </div>
        </div>
        <section className="card">
          <AutomationEditor id={null} source={NEW_RULE_TEMPLATE} canEdit catalog={editorCatalog(api, principal)} />
        </section>
      </div>
    </AppShell>
  );
}
