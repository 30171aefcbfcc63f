"use client";
import { useState } from "react";
import type { HubStatus, ListenerView } from "@/server/hub-api";
import { callApi, goToLogin } from "./api-client";
import { ClientList } from "./client-list";
import { ConnectDevice } from "./connect-device";
import { listenerUrl, type RequestHost } from "./request-host";
import { formatBytes, formatCount, formatDuration, formatRate } from "./format";
import { usePolling } from "./use-polling";

const REFRESH_MS = 2500;

type Link = "live" | "retrying";

// The hub's clock, not this device's: "connected 2 min ago" stays right if the phone's clock is off.
const serverNow = (s: HubStatus) => s.startedAt + s.uptimeS * 1000;

function listenerLabel(l: ListenerView): string {
  switch (l.protocol) {
    case "mqtt":
      return "MQTT (TCP)";
    case "mqtts":
      return "MQTT over TLS";
    case "ws":
      return "MQTT over WebSocket";
    case "wss":
      return "MQTT over secure WebSocket";
    case "http":
      return "Web app and API (HTTP)";
    case "https":
      return "Web app and API (HTTPS)";
  }
}

/** The live status page body: refreshes from GET /api/status while the tab is visible. */
export function StatusDashboard({ initial, host, homeName, timeZone }: { initial: HubStatus; host: RequestHost; homeName: string; timeZone: string }) {
  const [status, setStatus] = useState(initial);
  const [link, setLink] = useState<Link>("live");

  usePolling(async (signal) => {
    const result = await callApi<HubStatus>("/api/status", { signal });
    if (signal.aborted) return;
    if (result.ok) {
      setStatus(result.data);
      setLink("live");
    } else if (result.error.status === 401) {
      goToLogin();
    } else {
      setLink("retrying");
    }
  }, REFRESH_MS);

  const tcp = status.listeners.find((l) => l.protocol === "mqtt");
  const brokerUrl = tcp ? listenerUrl(tcp, host) : undefined;
  const external = status.mqtt.mode === "external";
  const clients = status.mqtt.clients;
  return (
    <div className="dashboard">
      <div className="page-head">
        <div>
          <h1 className="page-title">Status</h1>
          <p className="muted">
            {status.locationName ?? homeName} · Hearth {status.version} · up {formatDuration(status.uptimeS)}
          </p>
        </div>
        <p className={`live live-${link}`} role="status">
          <span className="live-dot" aria-hidden="true" />
          {link === "live" ? "Live" : "Reconnecting…"}
        </p>
      </div>

      <section aria-label="At a glance">
        <dl className="stats">
          <div className="stat stat-accent">
            <dt>Clients connected</dt>
            <dd>{formatCount(clients.length)}</dd>
          </div>
          <div className="stat">
            <dt>Messages per second</dt>
            <dd>{formatRate(status.mqtt.messagesPerSecond)}</dd>
          </div>
          <div className="stat">
            <dt>Messages in total</dt>
            <dd>{formatCount(status.mqtt.messagesTotal)}</dd>
          </div>
          <div className="stat">
            <dt>{external ? "External broker" : "Broker"}</dt>
            <dd className={status.mqtt.connected ? "text-ok" : "text-danger"}>
              {external ? (status.mqtt.connected ? "Connected" : "Offline") : status.mqtt.connected ? "Running" : "Stopped"}
            </dd>
          </div>
          <div className="stat">
            <dt>Database</dt>
            <dd>{formatBytes(status.db.sizeBytes)}</dd>
          </div>
          <div className="stat">
            <dt>Memory</dt>
            <dd>{formatBytes(status.memory.rssBytes)}</dd>
            <dd className="stat-sub">heap {formatBytes(status.memory.heapUsedBytes)}</dd>
          </div>
        </dl>
      </section>

      <div className="columns">
        <section className="card" aria-labelledby="clients-title">
          <h2 id="clients-title" className="card-title">
            Connected clients <span className="count">{clients.length}</span>
          </h2>
          {external ? (
            <p className="empty-inline">Hearth uses an external MQTT broker; its clients are listed by that broker.</p>
          ) : (
            <ClientList clients={clients} now={serverNow(status)} timeZone={timeZone} brokerUrl={brokerUrl} />
          )}
        </section>

        <div className="stack">
          <ConnectDevice status={status} host={host} />
          {status.listeners.length > 0 && (
            <section className="card" aria-labelledby="listeners-title">
              <h2 id="listeners-title" className="card-title">
                Listeners
              </h2>
              <ul className="rows" aria-label="Listeners">
                {status.listeners.map((l) => (
                  <li key={`${l.protocol}-${l.port}-${l.path ?? ""}`} className="row">
                    <span className="row-label">{listenerLabel(l)}</span>
                    <span className="row-value">
                      <code>{listenerUrl(l, host)}</code>
                      <span className="row-detail">
                        bound to {l.address}:{l.port}
                      </span>
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
