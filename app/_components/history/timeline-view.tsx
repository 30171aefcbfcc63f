"use client";
import { useId, useMemo, useState } from "react";
import { coalesceSegments, formatDuration, type TimelineSeries } from "@/devices/history/chart-data";
import type { TimeWindow } from "./history-load";
import { makeTimeFormat } from "./time-format";

/** Discrete states over the window as coloured bars with their words; each bar tells its times when tapped. */
export function TimelineView({ timelines, view, timeZone }: { timelines: TimelineSeries[]; view: TimeWindow; timeZone: string }) {
  const id = useId();
  const time = useMemo(() => makeTimeFormat(timeZone), [timeZone]);
  const [readout, setReadout] = useState("");
  const span = Math.max(1, view.end - view.start);
  const pct = (ms: number) => `${((ms / span) * 100).toFixed(3)}%`;
  return (
    <div className="history-timelines">
      {timelines.map((t, row) => {
        // Runs of bars narrower than a sixth of a percent merge, so a flapping sensor stays a few hundred bars.
        const segments = coalesceSegments(t.segments, view, span / 600);
        const nameId = `${id}-t${row}`;
        return (
          <div className="timeline-row" key={t.entityId}>
            <p className="timeline-name" id={nameId}>
              {t.name}
            </p>
            {segments.length === 0 ? (
              <p className="muted small">No states in this range.</p>
            ) : (
              <ol className="timeline" aria-labelledby={nameId}>
                {segments.map((s) => {
                  const when = `${time.full(s.start)} – ${time.full(s.end)} (${formatDuration(s.end - s.start)})`;
                  return (
                    <li
                      key={s.start}
                      className={`timeline-seg tone-${s.tone}`}
                      style={{ left: pct(s.start - view.start), width: pct(s.end - s.start) }}
                      title={`${s.label} · ${when}`}
                      onClick={() => setReadout(`${t.name}: ${s.label} · ${when}`)}
                    >
                      <span className="timeline-label">{s.label}</span>
                      <span className="visually-hidden">, {when}</span>
                    </li>
                  );
                })}
              </ol>
            )}
          </div>
        );
      })}
      <div className="timeline-axis" aria-hidden="true">
        <span>{time.full(view.start)}</span>
        <span>{time.full(view.end)}</span>
      </div>
      <p className="history-readout" aria-live="polite">
        {readout}
      </p>
    </div>
  );
}
