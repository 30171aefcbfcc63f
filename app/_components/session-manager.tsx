"use client";
import { useState } from "react";
import type { SessionView } from "@/server/hub-api";
import { callApi, goToLogin } from "./api-client";
import { sentence } from "./form-errors";
import { formatDate, formatRelative } from "./format";
import { useNow } from "./use-now";

/** A short name for a browser from its user agent ("Firefox on Android"); the full string is the tooltip. */
function deviceName(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

/** The signed-in person's sessions: when each started and was last used, revoke one, or sign out everywhere else. */
export function SessionManager({ initial, renderedAt, timeZone }: { initial: SessionView[]; renderedAt: number; timeZone: string }) {
  const now = useNow(renderedAt);
  const [sessions, setSessions] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function run(path: string, done: (list: SessionView[]) => SessionView[], message: string) {
    setBusy(true);
    setError(undefined);
    const result = await callApi(path, { method: "DELETE" });
    setBusy(false);
    if (!result.ok && result.error.status !== 404) {
      if (result.error.status === 401) goToLogin();
      setError(sentence(result.error.message));
      return;
    }
    setSessions(done);
    setNotice(message);
  }

  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="stack">
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <ul className="items" aria-label="Sessions">
        {sessions.map((s) => (
          <li key={s.id} className="item">
            <div className="item-main">
              <span className="item-title" title={s.user_agent ?? undefined}>
                {deviceName(s.user_agent)} {s.current && <span className="pill">This device</span>}
              </span>
              <span className="item-meta">
                Signed in {formatDate(s.created_at, timeZone)}
                {s.client_address && ` from ${s.client_address}`} ·{" "}
                {s.last_used_at ? `last used ${formatRelative(s.last_used_at, now, timeZone)}` : "not used since the hub started"}
              </span>
            </div>
            {!s.current && (
              <div className="item-actions">
                <button
                  type="button"
                  className="btn btn-danger-ghost"
                  disabled={busy}
                  aria-label={`Sign out ${deviceName(s.user_agent)} (session ${s.id})`}
                  onClick={() => void run(`/api/auth/sessions/${s.id}`, (list) => list.filter((x) => x.id !== s.id), "Session signed out.")}
                >
                  Sign out
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {others > 0 && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void run("/api/auth/sessions", (list) => list.filter((x) => x.current), "Signed out everywhere else.")}
        >
          Sign out everywhere else
        </button>
      )}
    </div>
  );
}
