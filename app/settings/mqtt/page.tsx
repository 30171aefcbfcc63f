import { canManage as mayManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";
import { MqttUserManager } from "../../_components/mqtt-user-manager";
import { listenerUrl, requestHost } from "../../_components/request-host";
import "../../mqtt-acl.css";

export const metadata: Metadata = { title: "MQTT users" };

export default async function MqttSettingsPage() {
  const { api, principal } = await requireUser("/settings/mqtt");
  const home = api.home();
  const canManage = mayManage(principal.user);
  const h = await headers();
  const host = requestHost(h.get("host"));
  const status = api.status();
  const tcp = status.listeners.find((l) => l.protocol === "mqtt");
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <h1 className="page-title">MQTT users</h1>
      <p className="muted lead">
        Each device or bridge signs in to the broker with its own username and password. Revoking one disconnects it at once.
      </p>
      {status.mqtt.mode === "external" && (
        <p className="note note-warn">
          Hearth is using an external MQTT broker, so these logins don’t apply to your devices: manage users on that broker instead.
        </p>
      )}
      {canManage && (
        <p className="lead">
          <Link href="/settings/mqtt/explorer" className="btn btn-secondary">
            Open the MQTT explorer
          </Link>
        </p>
      )}
      <p className="lead">
        <Link href="/settings/database" className="btn btn-secondary">
          Database and history
        </Link>
      </p>
      <p className="lead">
        <Link href="/settings/people" className="btn btn-secondary">
          People
        </Link>
      </p>
      <p className="lead">
        <Link href="/settings/backups" className="btn btn-secondary">
          Backups
        </Link>
      </p>
      <p className="lead">
        <Link href="/settings/https" className="btn btn-secondary">
          HTTPS certificate
        </Link>
      </p>
      {canManage ? (
        <MqttUserManager
          initial={api.mqttUsers.list()}
          renderedAt={Date.now()}
          timeZone={home?.timeZone ?? "UTC"}
          brokerUrl={tcp ? listenerUrl(tcp, host) : undefined}
        />
      ) : (
        <p role="alert" className="alert alert-error">
          Only the home’s owner or an admin can manage MQTT users. Ask them to add a login for your device.
        </p>
      )}
    </AppShell>
  );
}
