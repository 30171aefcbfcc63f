import type { Metadata } from "next";
import { headers } from "next/headers";
import { requireUser } from "../_lib/current-user";
import { AppShell } from "../_components/app-shell";
import { requestHost } from "../_components/request-host";
import { StatusDashboard } from "../_components/status-dashboard";
import { dashboardUrl } from "@/devices/onboarding/dashboard-url";
import { PhoneQrCard } from "../_components/pairing/phone-qr-card";

export const metadata: Metadata = { title: "Status" };

export default async function StatusPage() {
  const { api } = await requireUser("/status");
  const h = await headers();
  const home = api.home();
  const homeName = home?.locationName ?? "Hearth";
  const status = api.status();
  const http = status.listeners.find((l) => l.protocol === "http" || l.protocol === "https");
  const phoneUrl = dashboardUrl({ requestHostname: requestHost(h.get("host")).hostname, hosts: api.pairing.hosts(), http });
  return (
    <AppShell homeName={homeName}>
      <StatusDashboard
        initial={status}
        host={requestHost(h.get("host"))}
        homeName={homeName}
        timeZone={home?.timeZone ?? "UTC"}
      />
      <PhoneQrCard url={phoneUrl} />
    </AppShell>
  );
}
