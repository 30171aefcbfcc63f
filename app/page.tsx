import type { Metadata } from "next";
import { canManage } from "@/devices/auth/access";
import { requireUser } from "./_lib/current-user";
import { readHome, statesFor } from "./_lib/home-snapshot";
import { LiveStatesProvider } from "./_lib/use-live-states";
import { AppShell } from "./_components/app-shell";
import { HomeDashboard } from "./_components/home/home-dashboard";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const { api, principal } = await requireUser("/", "limited");
  const snapshot = readHome(api, principal.user);
  return (
    <AppShell homeName={snapshot.homeName}>
      <LiveStatesProvider initial={statesFor(api, snapshot.entities.map((e) => e.entity_id))} renderedAt={snapshot.renderedAt}>
        {canManage(principal.user) ? <HomeDashboard snapshot={snapshot} health={api.deviceHealth.summary()} /> : <HomeDashboard snapshot={snapshot} manage={false} />}
      </LiveStatesProvider>
    </AppShell>
  );
}
