import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";
import { DatabaseDashboard } from "../../_components/database/database-dashboard";
import "../../database.css";

export const metadata: Metadata = { title: "Database" };

/** What the database holds and what fills it: size, growth, top writers, per-entity recording policies, purge. */
export default async function DatabasePage() {
  const { api, principal } = await requireUser("/settings/database");
  const home = api.home();
  const stats = await api.history.database();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <p className="db-back">
        <Link href="/settings/mqtt">← Settings</Link>
      </p>
      <h1 className="page-title">Database</h1>
      <p className="muted lead">
        Everything Hearth records, how much room it takes and what fills it. Tune any entity: don’t record it, keep it longer or shorter, or store only the changes that matter.
      </p>
      <DatabaseDashboard initial={stats} canManage={canManage(principal.user)} renderedAt={Date.now()} timeZone={home?.timeZone ?? "UTC"} />
    </AppShell>
  );
}
