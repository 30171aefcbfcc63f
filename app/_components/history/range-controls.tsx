"use client";
import { useId } from "react";
import { HISTORY_RANGES, type HistoryRange } from "@/devices/history/chart-data";

export type ZoomAction = "in" | "out" | "earlier" | "later" | "reset";

/** The range as a radio group (1 h … 1 y) and zoom/pan buttons big enough for a thumb. */
export function RangeControls({ range, onRange, onZoom, zoomed, atNow }: { range: HistoryRange | undefined; onRange: (r: HistoryRange) => void; onZoom: (a: ZoomAction) => void; zoomed: boolean; atNow: boolean }) {
  const name = useId();
  return (
    <div className="history-controls">
      <fieldset className="history-ranges" role="radiogroup" aria-label="History range">
        <legend className="visually-hidden">History range</legend>
        {HISTORY_RANGES.map((r) => (
          <label key={r.key} className="history-range">
            <input type="radio" name={name} value={r.key} checked={range === r.key} aria-label={`${r.short} (${r.long.toLowerCase()})`} onChange={() => onRange(r.key)} />
            <span aria-hidden="true">{r.short}</span>
          </label>
        ))}
      </fieldset>
      <div className="history-zoom" role="group" aria-label="Zoom and pan">
        <button type="button" className="btn btn-secondary btn-small" aria-label="Earlier" onClick={() => onZoom("earlier")}>
          ‹
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-label="Zoom out" onClick={() => onZoom("out")}>
          −
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-label="Zoom in" onClick={() => onZoom("in")}>
          +
        </button>
        <button type="button" className="btn btn-secondary btn-small" aria-label="Later" disabled={atNow} onClick={() => onZoom("later")}>
          ›
        </button>
        {zoomed && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => onZoom("reset")}>
            Reset zoom
          </button>
        )}
      </div>
    </div>
  );
}
