import type { Metadata } from "next";
import { headers } from "next/headers";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";
import { MqttUserManager } from "../../_components/mqtt-user-manager";

export const metadata: Metadata = { title: "MQTT users" };

export default async function MqttSettingsPage() {
  const { api, principal } = await requireUser();
  const home = api.home();
  const canManage = principal.user.role !== "user";
  const hostHeader = (await headers()).get("host") ?? "localhost";
  const hostname = hostHeader.startsWith("[") ? hostHeader.slice(0, hostHeader.indexOf("]") + 1) : (hostHeader.split(":")[0] ?? hostHeader);
  const tcp = api.status().listeners.find((l) => l.protocol === "mqtt");
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <h1 className="page-title">MQTT users</h1>
      <p className="muted lead">
        Each device or bridge signs in to the broker with its own username and password. Revoking one disconnects it at once.
      </p>
      {canManage ? (
        <MqttUserManager
          initial={api.mqttUsers.list()}
          renderedAt={Date.now()}
          timeZone={home?.timeZone ?? "UTC"}
          brokerUrl={tcp ? `mqtt://${hostname}:${tcp.port}` : undefined}
        />
      ) : (
        <p role="alert" className="alert alert-error">
          Only the home’s owner or an admin can manage MQTT users. Ask them to add a login for your device.
        </p>
      )}
    </AppShell>
  );
}
