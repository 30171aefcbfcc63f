import Link from "next/link";
import type { HubStatus } from "@/server/hub-api";
import { CopyButton } from "./copy-button";
import { listenerUrl, type RequestHost } from "./request-host";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function AddressRow({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="address">
      <dt>{label}</dt>
      <dd>
        <code className="address-value">{value}</code>
        <CopyButton value={value} label="Copy" iconOnly accessibleName={`Copy ${copyLabel}`} className="btn btn-ghost btn-copy" />
      </dd>
    </div>
  );
}

/** The broker address and login rules a person types into a device's MQTT settings. */
export function ConnectDevice({ status, host }: { status: HubStatus; host: RequestHost }) {
  const tcp = status.listeners.find((l) => l.protocol === "mqtt");
  const tls = status.listeners.find((l) => l.protocol === "mqtts");
  const ws = status.listeners.find((l) => l.protocol === "ws" || l.protocol === "wss");
  const loopbackOnly = tcp !== undefined && LOOPBACK.has(tcp.address);
  if (status.mqtt.mode === "external") {
    return (
      <section className="card" aria-labelledby="connect-title">
        <h2 id="connect-title" className="card-title">
          Connect a device
        </h2>
        <p>
          Hearth is connected to an external MQTT broker. Point your devices at that broker, with discovery prefix{" "}
          <code>{status.discoveryPrefix}</code>; Hearth picks them up from there.
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="connect-title">
      <h2 id="connect-title" className="card-title">
        Connect a device
      </h2>
      <p className="muted">
        Enter these in your device’s MQTT settings (Tasmota, ESPHome, Zigbee2MQTT, Shelly…), or let the <Link href="/devices/add">Add device</Link> wizard make a login and
        the settings for you.
      </p>
      <dl className="addresses">
        {tcp && <AddressRow label="Broker (MQTT)" value={listenerUrl(tcp, host)} copyLabel="the MQTT broker address" />}
        {tls && <AddressRow label="Broker (MQTT over TLS)" value={listenerUrl(tls, host)} copyLabel="the TLS broker address" />}
        {ws && (
          <AddressRow
            label="MQTT over WebSocket"
            value={listenerUrl(ws, host)}
            copyLabel="the WebSocket address"
          />
        )}
        <div className="address">
          <dt>Discovery prefix</dt>
          <dd>
            <code className="address-value">{status.discoveryPrefix}</code>
          </dd>
        </div>
      </dl>
      {status.mqtt.anonymous ? (
        <p className="note note-warn">
          <strong>Anonymous connections are allowed.</strong> Anything on your network can connect without a password. Set{" "}
          <code>HEARTH_MQTT_ANONYMOUS=false</code> to require a login.
        </p>
      ) : (
        <p className="note note-ok">
          <strong>A username and password are required.</strong> Anonymous connections are refused.{" "}
          <Link href="/settings/mqtt">Create MQTT credentials</Link> for each device.
        </p>
      )}
      {loopbackOnly && (
        <p className="note note-warn">
          The broker listens on {tcp.address} only, so other devices can’t reach it. Start the hub with <code>HEARTH_HOST=0.0.0.0</code> to
          let them in.
        </p>
      )}
    </section>
  );
}
