import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../_lib/current-user";
import { AppShell } from "../_components/app-shell";
import { AutomationList, type AutomationItem } from "../_components/automations/automation-list";
import { HomeLocationForm } from "../_components/automations/home-location-form";
import "../automations.css";

export const metadata: Metadata = { title: "Automations" };

export default async function AutomationsPage() {
  const { api, principal } = await requireUser("/automations");
  const home = api.home();
  const items: AutomationItem[] = api.automations.list().map((automation) => {
    const t = api.automations.traces(automation.id)[0];
    return { automation, latest: t ? { outcome: t.outcome, summary: t.summary, started_at: t.started_at } : null };
  });
  items.sort((a, b) => a.automation.alias.localeCompare(b.automation.alias));
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <div className="automations">
        <div className="page-head">
          <div>
            <h1 className="page-title">Automations</h1>
            <p className="muted">Rules that act on their own when something happens.</p>
          </div>
          {canManage(principal.user) && (
            <Link className="btn btn-primary" href="/automations/new">
              New automation
            </Link>
          )}
        </div>
        <HomeLocationForm latitude={home?.latitude ?? null} longitude={home?.longitude ?? null} canEdit={canManage(principal.user)} />
        <AutomationList items={items} renderedAt={Date.now()} timeZone={home?.timeZone ?? "UTC"} />
      </div>
    </AppShell>
  );
}
