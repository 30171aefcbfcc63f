import type { DeviceDiagnosticsView } from "@/server/hub-api";
import { formatClock } from "@/devices/presentation/value-format";

function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

const OUTCOME: Record<DeviceDiagnosticsView["discovery"][number]["outcome"], string> = {
  accepted: "Accepted",
  unchanged: "Unchanged",
  removed: "Removed",
  rejected: "Rejected",
  illegal: "Illegal",
  migrated: "Migrated",
};

/** The raw discovery payloads, recent MQTT messages and problems of one device. */
export function DeviceDiagnostics({ diagnostics, now, timeZone }: { diagnostics: DeviceDiagnosticsView; now: number; timeZone: string }) {
  const { discovery, recent_messages: messages, problems } = diagnostics;
  return (
    <div className="stack">
      {problems.length > 0 && (
        <div className="note note-warn">
          <strong>
            {problems.length} {problems.length === 1 ? "problem" : "problems"}
          </strong>
          <ul className="problems">
            {problems.map((p) => (
              <li key={`${p.topic}-${p.kind}-${p.reason}`}>
                <code>{p.topic}</code> ({p.kind}): {p.reason} {p.count > 1 ? `×${p.count}` : ""} · {formatClock(p.at, now, timeZone)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <details className="more-section">
        <summary>Discovery payloads ({discovery.length})</summary>
        <ul className="raw-list">
          {discovery.map((d) => (
            <li key={`${d.topic}-${d.at}`}>
              <p className="raw-head">
                <code>{d.topic}</code>
                <span className={d.outcome === "accepted" || d.outcome === "unchanged" ? "pill pill-ok" : "pill"}>{OUTCOME[d.outcome]}</span>
                {d.retained && <span className="pill">retained</span>}
                <span className="muted small">{formatClock(d.at, now, timeZone)}</span>
              </p>
              {d.reason && <p className="muted small">{d.reason}</p>}
              <pre className="raw">{pretty(d.payload)}</pre>
            </li>
          ))}
        </ul>
      </details>
      <details className="more-section">
        <summary>Recent messages ({messages.length})</summary>
        {messages.length === 0 ? (
          <p className="muted">No messages yet.</p>
        ) : (
          <ul className="raw-list">
            {[...messages].reverse().map((m, i) => (
              <li key={`${m.topic}-${m.at}-${i}`}>
                <p className="raw-head">
                  <code>{m.topic}</code>
                  {m.retained && <span className="pill">retained</span>}
                  <span className="muted small">{formatClock(m.at, now, timeZone)}</span>
                </p>
                <pre className="raw">{pretty(m.payload)}</pre>
              </li>
            ))}
          </ul>
        )}
      </details>
    </div>
  );
}
