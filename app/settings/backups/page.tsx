import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";
import { BackupPanel } from "../../_components/backup-panel";

export const metadata: Metadata = { title: "Backups" };

/** Backups: download one now (optionally encrypted) and the nightly automatic ones. */
export default async function BackupsPage() {
  const { api, principal } = await requireUser("/settings/backups");
  const home = api.home();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <p className="db-back">
        <Link href="/settings/mqtt">← Settings</Link>
      </p>
      <h1 className="page-title">Backups</h1>
      <p className="muted lead">Everything that makes this hub yours in one file: devices, rooms, automations, history, MQTT logins and retained messages.</p>
      {principal.user.role === "owner" ? <BackupPanel timeZone={home?.timeZone ?? "UTC"} /> : <p className="note">Only the owner can make and download backups.</p>}
    </AppShell>
  );
}
