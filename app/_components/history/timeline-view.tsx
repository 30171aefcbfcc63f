"use client";
import { useId, useMemo, useState } from "react";
import { coalesceSegments, formatDuration, type TimelineSeries } from "@/devices/history/chart-data";
import type { TimeWindow } from "./history-load";
import { makeTimeFormat } from "./time-format";

/** The least width of a bar (its padding): a shorter state still shows. */
const MIN_BAR_PX = 8;

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
        // An entity recorded only lately: say since when, rather than leave most of the row looking empty.
        const since = segments[0] && segments[0].start - view.start > span / 50 ? segments[0].start : undefined;
        return (
          <div className="timeline-row" key={t.entityId}>
            <p className="timeline-name" id={nameId}>
              {t.name}
              {since !== undefined && <span className="muted timeline-since"> · recorded since {time.full(since)}</span>}
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
                      // A bar of a few seconds at the right edge stays in view: its left edge moves in by its least width.
                      style={{ left: `min(${pct(s.start - view.start)}, calc(100% - ${MIN_BAR_PX}px))`, width: pct(s.end - s.start) }}
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
