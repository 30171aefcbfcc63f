import Link from "next/link";
import type { MqttClientView } from "@/server/hub-api";
import { formatDateTime, formatRelative } from "./format";

const TRANSPORT: Record<MqttClientView["transport"], string> = { tcp: "TCP", ws: "WebSocket", tls: "TLS" };

/** Connected MQTT clients, newest last, or help for getting the first one connected. */
export function ClientList({
  clients,
  now,
  timeZone,
  brokerUrl,
}: {
  clients: MqttClientView[];
  now: number;
  timeZone: string;
  brokerUrl: string | undefined;
}) {
  if (clients.length === 0) {
    return (
      <div className="empty">
        <p className="empty-title">No devices connected yet</p>
        <ol className="steps">
          <li>
            <Link href="/settings/mqtt">Add MQTT credentials</Link> for your device.
          </li>
          <li>Point the device at {brokerUrl ? <code>{brokerUrl}</code> : "the broker"} with that username and password.</li>
          <li>
            No hardware at hand? Run <code>npm run simulate</code> on the hub for a few pretend devices.
          </li>
        </ol>
      </div>
    );
  }
  return (
    <ul className="clients" aria-label="Connected clients">
      {clients.map((client) => (
        <li key={`${client.clientId}-${client.connectedAt}`} className="client">
          <div className="client-head">
            <span className="client-id">{client.clientId}</span>
            <span className="pill">{TRANSPORT[client.transport]}</span>
          </div>
          <dl className="client-meta">
            <div>
              <dt>MQTT user</dt>
              <dd>{client.username ?? <em>anonymous</em>}</dd>
            </div>
            <div>
              <dt>Address</dt>
              <dd>{client.address ?? "unknown"}</dd>
            </div>
            <div>
              <dt>Connected</dt>
              <dd>
                <time dateTime={new Date(client.connectedAt).toISOString()} title={formatDateTime(client.connectedAt, timeZone)}>
                  {formatRelative(client.connectedAt, now, timeZone)}
                </time>
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
