"use client";
import { useCallback, useId, useRef, useState } from "react";
import type { PairingDeviceView, PairingStatusView } from "@/server/pairing/pairing-views";
import { callApi, goToLogin } from "../api-client";
import { usePolling } from "../use-polling";

/** Pause between answers; each request itself waits on the hub until the session changes (long polling). */
const NEXT_MS = 50;
const AFTER_TROUBLE_MS = 3000;

/** Step 3: waits for the new login to connect and for what it announces, live (the hub answers on change). */
export function WaitingStep({
  sessionId,
  username,
  hint,
  onPick,
}: {
  sessionId: string;
  username: string;
  /** What to do after connecting, for kinds that announce nothing by themselves. */
  hint?: string | undefined;
  onPick: (device: PairingDeviceView) => void;
}) {
  const id = useId();
  const [status, setStatus] = useState<PairingStatusView | undefined>();
  const [expired, setExpired] = useState(false);
  const [trouble, setTrouble] = useState<string | undefined>();
  const version = useRef<string | undefined>(undefined);

  const tick = useCallback(
    async (signal: AbortSignal) => {
      if (expired) return;
      const since = version.current ? `?since=${encodeURIComponent(version.current)}` : "";
      const res = await callApi<PairingStatusView>(`/api/pairing/${encodeURIComponent(sessionId)}${since}`, { signal });
      if (res.ok) {
        version.current = res.data.version;
        setStatus(res.data);
        setTrouble(undefined);
        return;
      }
      if (res.error.status === 401) {
        goToLogin();
      } else if (res.error.status === 404) {
        setExpired(true);
      } else if (res.error.code !== "network" || !signal.aborted) {
        setTrouble(res.error.message);
      }
      // Do not hammer a hub that is restarting or refusing.
      await new Promise((resolve) => setTimeout(resolve, AFTER_TROUBLE_MS));
    },
    [sessionId, expired],
  );
  usePolling(tick, NEXT_MS);

  const state = status?.state ?? "waiting";
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Waiting for the device
      </h2>
      <div role="status" aria-live="polite" className="stack">
        {expired ? (
          <p className="note note-warn">This pairing session has expired. The login still works; start again to watch for the device.</p>
        ) : state === "waiting" ? (
          <p className="wait-line">
            <span className="spinner" aria-hidden="true" />
            <span>
              Waiting for <code>{username}</code> to connect…
            </span>
          </p>
        ) : state === "connected" ? (
          <>
            <p className="wait-line">
              <span className="spinner" aria-hidden="true" />
              <span>Connected, waiting for it to announce itself…</span>
            </p>
            {hint && <p className="muted small">{hint}</p>}
          </>
        ) : (
          <p className="wait-line">
            <span className="pill pill-ok">Found</span>
            <span>
              {status?.devices.length === 1 ? "1 device" : `${status?.devices.length ?? 0} devices`} announced by <code>{username}</code>
              {status?.online === false ? " (now disconnected)" : ""}
            </span>
          </p>
        )}
      </div>
      {trouble && <p className="note note-warn small">{trouble}</p>}
      {status && status.devices.length > 0 && (
        <ul className="found-list" aria-label="Found devices">
          {status.devices.map((d) => (
            <li key={d.id}>
              <span className="item-title">{d.name}</span>
              <span className="muted small">
                {[d.manufacturer, d.model].filter(Boolean).join(" · ") || "Unknown model"} · {d.entity_count} {d.entity_count === 1 ? "entity" : "entities"}
                {d.match === "timing" ? " · appeared right after it connected" : ""}
              </span>
              <div className="actions">
                <button type="button" className="btn btn-primary" onClick={() => onPick(d)} aria-label={`Name and place ${d.name}`}>
                  Name and place
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
