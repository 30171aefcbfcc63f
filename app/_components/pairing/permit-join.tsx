"use client";
import { useCallback, useId, useState } from "react";
import type { BridgeEventsView, BridgeEventView } from "@/server/pairing/pairing-views";
import { callApi } from "../api-client";
import { useNow } from "../use-now";
import { usePolling } from "../use-polling";

const JOIN_SECONDS = 180;

function describe(e: BridgeEventView): string {
  const who = e.friendly_name;
  switch (e.type) {
    case "device_joined":
      return `${who} joined`;
    case "device_announce":
      return `${who} announced itself`;
    case "device_leave":
      return `${who} left`;
    case "device_interview":
      if (e.status === "started") return `Interviewing ${who}…`;
      if (e.status === "successful") return `${who} is ready${e.vendor || e.model ? `: ${[e.vendor, e.model].filter(Boolean).join(" ")}` : ""}${e.supported === false ? " (not supported by Zigbee2MQTT)" : ""}`;
      if (e.status === "failed") return `Interview of ${who} failed: reset it and try again`;
      return `Interviewing ${who}`;
  }
}

/** Zigbee2MQTT: open the network for a few minutes and watch devices join and get interviewed. */
export function PermitJoin({ baseTopic }: { baseTopic: string }) {
  const id = useId();
  const [view, setView] = useState<BridgeEventsView | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const now = useNow(0, 1000);
  const query = `/api/pairing/bridge/events?base_topic=${encodeURIComponent(baseTopic)}`;

  const refresh = useCallback(
    async (signal: AbortSignal) => {
      const res = await callApi<BridgeEventsView>(query, { signal });
      if (res.ok) setView(res.data);
    },
    [query],
  );
  usePolling(refresh, 1500);

  const permit = async (seconds: number) => {
    setBusy(true);
    setError(undefined);
    const res = await callApi<BridgeEventsView>("/api/pairing/bridge/permit-join", { method: "POST", body: { base_topic: baseTopic, seconds } });
    setBusy(false);
    if (res.ok) setView(res.data);
    else setError(res.error.message);
  };

  const until = view?.permit_join_until ?? null;
  const left = until !== null ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
  const open = left > 0;
  const events = view?.events ?? [];
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Pair Zigbee devices
      </h2>
      <p className="muted small">Open the network, then reset or power on each Zigbee device. It joins through the bridge and shows here.</p>
      <div className="permit-join">
        {open ? (
          <>
            <span className="countdown" role="timer" aria-live="off">
              Open for {Math.floor(left / 60)}:{String(left % 60).padStart(2, "0")}
            </span>
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void permit(0)}>
              Stop joining
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void permit(JOIN_SECONDS)}>
            Permit join ({JOIN_SECONDS / 60} min)
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      <ul className="join-events" aria-label="Joining devices" aria-live="polite">
        {events.length === 0 ? (
          <li className="muted">No devices have joined yet.</li>
        ) : (
          [...events].reverse().map((e) => (
            <li key={`${e.at}-${e.ieee_address}-${e.type}-${e.status ?? ""}`}>
              <span>{describe(e)}</span>
              <span className="muted small mono">{e.ieee_address}</span>
            </li>
          ))
        )}
      </ul>
    </section>
  );
}
