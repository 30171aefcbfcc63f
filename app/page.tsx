import type { Metadata } from "next";
import { requireUser } from "./_lib/current-user";
import { readHome, statesFor } from "./_lib/home-snapshot";
import { LiveStatesProvider } from "./_lib/use-live-states";
import { AppShell } from "./_components/app-shell";
import { HomeDashboard } from "./_components/home/home-dashboard";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  const { api } = await requireUser();
  const snapshot = readHome(api);
  return (
    <AppShell homeName={snapshot.homeName}>
      <LiveStatesProvider initial={statesFor(api, snapshot.entities.map((e) => e.entity_id))} renderedAt={snapshot.renderedAt}>
        <HomeDashboard snapshot={snapshot} health={api.deviceHealth.summary()} />
      </LiveStatesProvider>
    </AppShell>
  );
}
