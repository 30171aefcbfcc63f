// Chart series from Home Assistant's history and statistics answers: what to fetch for a time window,
// numeric lines (with a min/max band from statistics), and timelines for discrete states. Pure: the UI
// fetches, this shapes.

import { formatNumber, withUnit } from "../presentation/value-format";
import type { TimelineSeries } from "./chart-data-timeline";
import { numericValue, type HistoryStateWire, type StatisticsPeriod, type StatisticsRow } from "./chart-data-wire";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export type HistoryRange = "1h" | "24h" | "7d" | "30d" | "1y";

/** The range buttons: what they show and what a screen reader says. */
export const HISTORY_RANGES: ReadonlyArray<{ key: HistoryRange; ms: number; short: string; long: string }> = [
  { key: "1h", ms: HOUR_MS, short: "1 h", long: "Last hour" },
  { key: "24h", ms: DAY_MS, short: "24 h", long: "Last 24 hours" },
  { key: "7d", ms: 7 * DAY_MS, short: "7 d", long: "Last 7 days" },
  { key: "30d", ms: 30 * DAY_MS, short: "30 d", long: "Last 30 days" },
  { key: "1y", ms: 365 * DAY_MS, short: "1 y", long: "Last year" },
];

export function rangeMs(range: HistoryRange): number {
  return HISTORY_RANGES.find((r) => r.key === range)?.ms ?? DAY_MS;
}

export { chartKindOf, hasStatistics, historyByEntity, numericValue } from "./chart-data-wire";
export { coalesceSegments, historyToTimeline, toneOf } from "./chart-data-timeline";
export type { TimelineSegment, TimelineSeries } from "./chart-data-timeline";
export type { ChartKind, HistoryAnswer, HistoryStateWire, StatisticsAnswer, StatisticsPeriod, StatisticsRow } from "./chart-data-wire";

// ---------- Which source for which window ----------

export type ChartSource = { kind: "history" } | { kind: "statistics"; period: StatisticsPeriod };

/** How many raw points a window may hold before statistics are the better source. */
export const RAW_POINT_BUDGET = 5000;
/** Raw history and 5-minute statistics are kept this long by default (the recorder's purge_keep_days). */
export const RAW_RETENTION_MS = 10 * DAY_MS;

export interface SourceContext {
  start: number;
  end: number;
  now: number;
  /** The entity has long-term statistics (a state_class) and the hub serves them. */
  hasStatistics: boolean;
  /** Raw state changes per day, when a recent raw answer tells. */
  rawPointsPerDay?: number | undefined;
  rawRetentionMs?: number;
}

/**
 * The source for a window: raw history up to a day or two, 7 days raw when that is few points, else 5-minute
 * statistics; hourly statistics up to about two months, daily beyond. Windows older than the raw retention
 * can only come from hourly or daily statistics; entities without statistics always use raw history.
 */
export function chooseSource(c: SourceContext): ChartSource {
  if (!c.hasStatistics) return { kind: "history" };
  const span = c.end - c.start;
  const rawKept = c.now - c.start <= (c.rawRetentionMs ?? RAW_RETENTION_MS);
  if (span <= 2 * DAY_MS && rawKept) return { kind: "history" };
  if (span <= 8 * DAY_MS) {
    if (!rawKept) return { kind: "statistics", period: "hour" };
    const fewPoints = c.rawPointsPerDay !== undefined && (c.rawPointsPerDay * span) / DAY_MS <= RAW_POINT_BUDGET;
    return fewPoints ? { kind: "history" } : { kind: "statistics", period: "5minute" };
  }
  if (span <= 62 * DAY_MS) return { kind: "statistics", period: "hour" };
  return { kind: "statistics", period: "day" };
}

export function sameSource(a: ChartSource, b: ChartSource): boolean {
  return a.kind === b.kind && (a.kind === "history" || (b.kind === "statistics" && a.period === b.period));
}

// ---------- What an entity looks like on a chart ----------

/** What the chart needs to know about an entity, from its live state's attributes. */
export interface ChartEntity {
  entityId: string;
  name: string;
  attributes: Readonly<Record<string, unknown>>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

const NO_HISTORY_DOMAINS = new Set(["button", "scene", "event", "image", "camera", "notify", "tag", "text", "update", "device_automation"]);

/** Whether an entity's history makes a chart (buttons, scenes, events and images do not). */
export function hasHistoryChart(entityId: string): boolean {
  return !NO_HISTORY_DOMAINS.has(entityId.slice(0, entityId.indexOf(".")));
}

export function unitOf(e: Pick<ChartEntity, "attributes">): string | null {
  return str(e.attributes.unit_of_measurement) ?? null;
}

function precisionOf(attributes: Readonly<Record<string, unknown>>): number | undefined {
  for (const key of ["display_precision", "suggested_display_precision"]) {
    const p = attributes[key];
    if (typeof p === "number" && Number.isInteger(p) && p >= 0 && p <= 10) return p;
  }
  return undefined;
}

// ---------- Series ----------

export interface LineSeries {
  kind: "line";
  entityId: string;
  /** The key of this line: the entity id, or "<entity id>#<attribute>" for climate temperatures. */
  key: string;
  name: string;
  unit: string | null;
  precision: number | undefined;
  /** Hold each value until the next one (HA draws sensors without a measurement state class this way). */
  step: boolean;
  xs: number[];
  /** null is a gap (unavailable, unknown, a missing statistics period). */
  ys: Array<number | null>;
  /** The statistics band, parallel to xs. */
  min?: Array<number | null>;
  max?: Array<number | null>;
  /** Statistics means: the summary weighs each point by its period. */
  fromStatistics: boolean;
}

export type ChartSeries = LineSeries | TimelineSeries;

/** A time window in epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

const timeOf = (s: HistoryStateWire): number => Date.parse(s.last_changed);

function lineBase(e: ChartEntity, fromStatistics: boolean): Omit<LineSeries, "xs" | "ys"> {
  const stateClass = str(e.attributes.state_class);
  return {
    kind: "line",
    entityId: e.entityId,
    key: e.entityId,
    name: e.name,
    unit: unitOf(e),
    precision: precisionOf(e.attributes),
    step: fromStatistics ? false : !(stateClass === "measurement" || stateClass === "measurement_angle"),
    fromStatistics,
  };
}

/** Raw states as a line from the window's start to its end; unavailable and unknown break it. */
export function historyToLine(e: ChartEntity, states: readonly HistoryStateWire[], w: TimeRange, value: (s: HistoryStateWire) => number | null = (s) => numericValue(s.state)): LineSeries {
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  let last: number | null = null;
  for (const s of states) {
    const at = Math.max(timeOf(s), w.start);
    if (Number.isNaN(at) || at > w.end) continue;
    const v = value(s);
    if (xs.length > 0 && xs[xs.length - 1] === at) {
      ys[ys.length - 1] = v;
    } else {
      xs.push(at);
      ys.push(v);
    }
    last = v;
  }
  // The last state holds until the end of the window (HA extends it to "now").
  if (xs.length > 0 && (xs[xs.length - 1] ?? w.end) < w.end) {
    xs.push(w.end);
    ys.push(last);
  }
  return { ...lineBase(e, false), xs, ys };
}

/** Statistics rows as a line of means (or states, for totals) with the min/max band; missing periods are gaps. */
export function statisticsToLine(e: ChartEntity, rows: readonly StatisticsRow[], w: TimeRange): LineSeries {
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  const min: Array<number | null> = [];
  const max: Array<number | null> = [];
  let band = false;
  let previousEnd: number | undefined;
  for (const r of rows) {
    if (r.end <= w.start || r.start > w.end) continue;
    if (previousEnd !== undefined && r.start > previousEnd) {
      xs.push(previousEnd);
      ys.push(null);
      min.push(null);
      max.push(null);
    }
    const lo = r.min ?? null;
    const hi = r.max ?? null;
    if (lo !== null || hi !== null) band = true;
    xs.push(Math.max(r.start, w.start));
    ys.push(r.mean ?? r.state ?? null);
    min.push(lo);
    max.push(hi);
    previousEnd = r.end;
  }
  const series: LineSeries = { ...lineBase(e, true), xs, ys };
  if (band) {
    series.min = min;
    series.max = max;
  }
  return series;
}

/** A climate entity's current and target temperatures (attributes; HA keeps them for climate in history). */
export function climateToLines(e: ChartEntity, states: readonly HistoryStateWire[], w: TimeRange, temperatureUnit: string): LineSeries[] {
  const attr = (key: string) => (s: HistoryStateWire) => {
    const v = s.attributes?.[key];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };
  const lines: LineSeries[] = [];
  for (const [key, label] of [
    ["current_temperature", "current temperature"],
    ["temperature", "target temperature"],
  ] as const) {
    const line = historyToLine(e, states, w, attr(key));
    if (line.ys.every((v) => v === null)) continue;
    lines.push({ ...line, key: `${e.entityId}#${key}`, name: `${e.name} ${label}`, unit: unitOf(e) ?? temperatureUnit, step: true });
  }
  return lines;
}

// ---------- Numbers for people ----------

/** A value with the entity's unit and precision; computed values (means) get at most two decimals. */
export function formatChartValue(value: number, line: Pick<LineSeries, "unit" | "precision">, computed = false): string {
  if (line.precision !== undefined) return withUnit(formatNumber(value, line.precision), line.unit);
  return withUnit(formatNumber(computed ? Math.round(value * 100) / 100 : value), line.unit);
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  if (ms < MINUTE_MS) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
