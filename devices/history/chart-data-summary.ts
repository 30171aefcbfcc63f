// The chart in words: min, max, mean and last of a line, time in each state of a timeline. The text is
// what a screen reader hears for the chart, and what everyone reads under it.

import { formatChartValue, formatDuration, type LineSeries, type TimelineSeries } from "./chart-data";

export interface LineSummary {
  min: number;
  max: number;
  /** Time-weighted: each value counts for as long as it held (statistics: each period for its length). */
  mean: number;
  last: number;
}

interface Window {
  start: number;
  end: number;
}

/** min / max / mean / last of the part of a line inside the window; undefined when it has no number there. */
export function summarizeLine(line: LineSeries, w: Window): LineSummary | undefined {
  let min = Infinity;
  let max = -Infinity;
  let weighted = 0;
  let covered = 0;
  let last: number | undefined;
  const n = line.xs.length;
  for (let i = 0; i < n; i++) {
    const y = line.ys[i] ?? null;
    const from = Math.max(line.xs[i] ?? 0, w.start);
    const next = line.xs[i + 1];
    const to = Math.min(next ?? w.end, w.end);
    // A point counts when it holds for some of the window, or is the window's last point.
    const inside = to > from || (next === undefined && from <= w.end && (line.xs[i] ?? 0) >= w.start);
    if (y === null || !inside) continue;
    const lo = line.min?.[i] ?? y;
    const hi = line.max?.[i] ?? y;
    if (lo < min) min = lo;
    if (hi > max) max = hi;
    const duration = Math.max(0, to - from);
    weighted += y * duration;
    covered += duration;
    last = y;
  }
  if (last === undefined) return undefined;
  return { min, max, mean: covered > 0 ? weighted / covered : last, last };
}

/** "min 19.8 °C, max 23.4 °C, mean 21.6 °C, last 23.4 °C". */
export function describeLine(line: LineSeries, s: LineSummary | undefined): string {
  if (!s) return `${line.name}: no numbers in this range`;
  const f = (v: number, computed = false) => formatChartValue(v, line, computed);
  return `${line.name}: min ${f(s.min)}, max ${f(s.max)}, mean ${f(s.mean, true)}, last ${f(s.last)}`;
}

export interface StateTime {
  label: string;
  tone: string;
  ms: number;
  /** How often the state began inside the window. */
  times: number;
}

/** Time spent in each state inside the window, longest first. */
export function summarizeTimeline(t: TimelineSeries, w: Window): StateTime[] {
  const by = new Map<string, StateTime>();
  for (const seg of t.segments) {
    const ms = Math.min(seg.end, w.end) - Math.max(seg.start, w.start);
    if (ms <= 0) continue;
    const entry = by.get(seg.label) ?? { label: seg.label, tone: seg.tone, ms: 0, times: 0 };
    entry.ms += ms;
    if (seg.start >= w.start) entry.times += 1;
    by.set(seg.label, entry);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms);
}

/** "Door: Closed 23 h 48 min (3 times), Open 12 min (2 times); last Closed" — last: the state at the window's end. */
export function describeTimeline(t: TimelineSeries, w: Window): string {
  const parts = summarizeTimeline(t, w).map((s) => `${s.label} ${formatDuration(s.ms)}${s.times > 1 ? ` (${s.times} times)` : ""}`);
  if (parts.length === 0) return `${t.name}: no states in this range`;
  const last = t.segments.findLast((s) => s.start < w.end);
  return `${t.name}: ${parts.join(", ")}${last ? `; last ${last.label}` : ""}`;
}
