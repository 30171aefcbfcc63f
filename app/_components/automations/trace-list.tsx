"use client";
import { useState } from "react";
import type { RuleTrace } from "@/server/automations/rule-runtime";
import { callApi } from "../api-client";
import { formatDateTime, formatRelative } from "../format";
import { useNow } from "../use-now";
import { usePolling } from "../use-polling";
import type { DisplayNames } from "./display-text";
import { NamedText } from "./named-text";
import { outcomeWords, summaryReason } from "./outcome";
import { TraceDetail } from "./trace-detail";

const REFRESH_MS = 2500;
const SHOWN = 20;

/** The rule's recent runs, newest first, each opening to its trigger, conditions and steps; kept fresh while open. */
export function TraceList({ id, initial, renderedAt, timeZone, names }: { id: string; initial: RuleTrace[]; renderedAt: number; timeZone: string; names: DisplayNames }) {
  const [traces, setTraces] = useState(initial);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const now = useNow(renderedAt);
  usePolling(async (signal) => {
    const res = await callApi<{ traces: RuleTrace[] }>(`/api/automations/${encodeURIComponent(id)}/traces`, { signal });
    if (res.ok) setTraces(res.data.traces);
  }, REFRESH_MS);

  const toggle = (runId: string, isOpen: boolean) => {
    const next = new Set(open);
    if (isOpen) next.add(runId);
    else next.delete(runId);
    setOpen(next);
  };

  return (
    <section className="card" aria-labelledby="traces-title">
      <h2 id="traces-title" className="card-title">
        Runs <span className="count">{traces.length}</span>
      </h2>
      {traces.length === 0 ? (
        <p className="muted">No runs yet. Each time a trigger fires, the run shows here with what it did, or why it did not.</p>
      ) : (
        <ol className="trace-list" aria-label="Runs, newest first">
          {traces.slice(0, SHOWN).map((t) => {
            const words = outcomeWords(t.outcome, t.summary);
            // A near miss or failure says why in its badge; the rest of the line is what set it off.
            const text = t.outcome === "near_miss" || t.outcome === "failure" ? t.summary.slice(0, Math.max(0, t.summary.length - summaryReason(t.summary).length - 2)) : t.summary;
            return (
              <li key={t.run_id}>
                <details className="trace" open={open.has(t.run_id)} onToggle={(e) => toggle(t.run_id, e.currentTarget.open)}>
                  <summary className="trace-summary">
                    <span className={`outcome outcome-${words.tone}`}>
                      <NamedText text={words.label} names={names} timeZone={timeZone} ids="title" />
                    </span>
                    <time dateTime={new Date(t.started_at).toISOString()} title={formatDateTime(t.started_at, timeZone)}>
                      {formatRelative(t.started_at, now, timeZone)}
                    </time>
                    {text && (
                      <span className="trace-text">
                        <NamedText text={text} names={names} timeZone={timeZone} ids="title" />
                      </span>
                    )}
                  </summary>
                  <TraceDetail trace={t} names={names} timeZone={timeZone} />
                </details>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
