import type { Metadata } from "next";
import { headers } from "next/headers";
import { requireUser } from "./_lib/current-user";
import { AppShell } from "./_components/app-shell";
import type { RequestHost } from "./_components/connect-device";
import { StatusDashboard } from "./_components/status-dashboard";

export const metadata: Metadata = { title: "Status" };

// The Host header is how this browser reached the hub, so a device on the same network can use it too.
function requestHost(hostHeader: string | null, forwardedProto: string | null): RequestHost {
  const host = hostHeader?.trim() || "localhost";
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : (host.split(":")[0] ?? host);
  return { host, hostname, secure: forwardedProto === "https" };
}

export default async function StatusPage() {
  const { api } = await requireUser();
  const h = await headers();
  const home = api.home();
  const homeName = home?.locationName ?? "Hearth";
  return (
    <AppShell homeName={homeName}>
      <StatusDashboard
        initial={api.status()}
        host={requestHost(h.get("host"), h.get("x-forwarded-proto"))}
        homeName={homeName}
        timeZone={home?.timeZone ?? "UTC"}
      />
    </AppShell>
  );
}
