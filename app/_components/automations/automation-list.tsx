"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AutomationView } from "@/server/automations/automation-engine";
import { callApi, goToLogin } from "../api-client";
import { Switch } from "../entity/primitives";
import { formatDateTime, formatRelative } from "../format";
import { useNow } from "../use-now";
import { outcomeWords } from "./outcome";

/** The newest run of a rule, as far as the list needs it. */
export interface LatestRun {
  outcome: string;
  summary: string;
  started_at: number;
}

export interface AutomationItem {
  automation: AutomationView;
  /** The newest trace: a run still waiting shows here first, and a near miss says why. */
  latest: LatestRun | null;
}

/** The status line of one rule: running now, or how its last run ended, and when. */
export function LastRun({ automation, latest, now, timeZone }: { automation: AutomationView; latest: LatestRun | null; now: number; timeZone: string }) {
  const words = automation.running > 0 ? outcomeWords("running") : latest ? outcomeWords(latest.outcome, latest.summary) : outcomeWords(automation.last_outcome);
  const at = latest?.started_at ?? (automation.last_triggered ? Date.parse(automation.last_triggered) : null);
  return (
    <p className="automation-meta">
      <span className={`outcome outcome-${words.tone}`}>{words.label}</span>
      {at !== null && (
        <time dateTime={new Date(at).toISOString()} title={formatDateTime(at, timeZone)}>
          {formatRelative(at, now, timeZone)}
        </time>
      )}
    </p>
  );
}

/** Turns a rule on or off (PATCH enabled); the switch follows the hub's answer. `refresh` re-reads the page after. */
export function EnabledSwitch({ id, alias, enabled, refresh = false }: { id: string; alias: string; enabled: boolean; refresh?: boolean }) {
  const router = useRouter();
  const [on, setOn] = useState(enabled);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async (next: boolean) => {
    setBusy(true);
    setOn(next);
    const res = await callApi<AutomationView>(`/api/automations/${encodeURIComponent(id)}`, { method: "PATCH", body: { enabled: next } });
    setBusy(false);
    if (!res.ok) {
      if (res.error.status === 401) return goToLogin();
      setOn(!next);
      return setError(res.error.message);
    }
    setError(null);
    setOn(res.data.enabled);
    if (refresh) router.refresh();
  };
  return (
    <div className="automation-switch">
      <Switch label={`${alias} enabled`} checked={on} busy={busy} disabled={busy} onToggle={(next) => void toggle(next)} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Every rule: name, on/off, how and when it last ran, and what keeps it from running. */
export function AutomationList({ items, renderedAt, timeZone }: { items: AutomationItem[]; renderedAt: number; timeZone: string }) {
  const now = useNow(renderedAt);
  if (items.length === 0) {
    return (
      <div className="empty">
        <p className="empty-title">No automations yet</p>
        <p className="muted">An automation does something when something happens: a light when a door opens after dark, say.</p>
      </div>
    );
  }
  return (
    <ul className="automation-list">
      {items.map(({ automation: a, latest }) => (
        <li key={a.id} className="automation-item">
          <div className="automation-main">
            <Link className="automation-name" href={`/automations/${encodeURIComponent(a.id)}`}>
              {a.alias}
            </Link>
            {a.description && <p className="muted small">{a.description}</p>}
            <LastRun automation={a} latest={latest} now={now} timeZone={timeZone} />
            {a.errors.length > 0 && <IssueList issues={a.errors} label={`Problems with ${a.alias}`} />}
          </div>
          <EnabledSwitch id={a.id} alias={a.alias} enabled={a.enabled} />
        </li>
      ))}
    </ul>
  );
}

/** Problems with a rule, each with where in the rule it is. */
export function IssueList({ issues, label }: { issues: ReadonlyArray<{ path: string; message: string }>; label: string }) {
  return (
    <ul className="issue-list" aria-label={label}>
      {issues.map((i, n) => (
        <li key={n}>
          {i.path && <code className="issue-path">{i.path}</code>} {i.message}
        </li>
      ))}
    </ul>
  );
}
