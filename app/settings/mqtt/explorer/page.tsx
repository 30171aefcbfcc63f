import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../../../_lib/current-user";
import { AppShell } from "../../../_components/app-shell";
import { MqttExplorer } from "../../../_components/explorer/mqtt-explorer";
import "../../../explorer.css";

export const metadata: Metadata = { title: "MQTT explorer" };

/** Topics the broker has seen, their last messages, a live log, publishing and clearing retained messages (admins). */
export default async function MqttExplorerPage() {
  const { api, principal } = await requireUser("/settings/mqtt/explorer");
  const home = api.home();
  const canUse = canManage(principal.user);
  const external = api.status().mqtt.mode === "external";
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <p className="explorer-back">
        <Link href="/settings/mqtt">← MQTT users</Link>
      </p>
      <h1 className="page-title">MQTT explorer</h1>
      <p className="muted lead">What devices publish, topic by topic. Publishing and clearing here act as Hearth itself.</p>
      {external && (
        <p className="note note-warn">
          Hearth is using an external MQTT broker: the explorer shows what Hearth has received since it was opened, and can’t tell which client published a message.
        </p>
      )}
      {canUse ? (
        <MqttExplorer initialTopics={await api.mqtt.topics("")} renderedAt={Date.now()} timeZone={home?.timeZone ?? "UTC"} />
      ) : (
        <p role="alert" className="alert alert-error">
          Only the home’s owner or an admin can use the MQTT explorer: it shows every message, including other people’s devices. Ask them if you need something looked up.
        </p>
      )}
    </AppShell>
  );
}
