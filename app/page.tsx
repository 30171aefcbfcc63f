import type { Metadata } from "next";
import { headers } from "next/headers";
import { requireUser } from "./_lib/current-user";
import { AppShell } from "./_components/app-shell";
import { requestHost } from "./_components/request-host";
import { StatusDashboard } from "./_components/status-dashboard";

export const metadata: Metadata = { title: "Status" };

export default async function StatusPage() {
  const { api } = await requireUser();
  const h = await headers();
  const home = api.home();
  const homeName = home?.locationName ?? "Hearth";
  return (
    <AppShell homeName={homeName}>
      <StatusDashboard
        initial={api.status()}
        host={requestHost(h.get("host"))}
        homeName={homeName}
        timeZone={home?.timeZone ?? "UTC"}
      />
    </AppShell>
  );
}
