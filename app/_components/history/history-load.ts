import {
  DAY_MS,
  RAW_POINT_BUDGET,
  RAW_RETENTION_MS,
  chartKindOf,
  chooseSource,
  climateToLines,
  hasStatistics,
  historyByEntity,
  historyToLine,
  historyToTimeline,
  numericValue,
  sameSource,
  statisticsToLine,
  type ChartEntity,
  type ChartSource,
  type HistoryStateWire,
  type LineSeries,
  type StatisticsPeriod,
  type StatisticsRow,
  type TimeRange,
  type TimelineSeries,
} from "@/devices/history/chart-data";
import { downsampleLine } from "@/devices/history/chart-data-plot";
import { fetchHistory, fetchHistoryWithAttributes, fetchStatistics, statisticsAvailable } from "./history-api";

export type TimeWindow = TimeRange;

/** What one load brought: lines and timelines over `window`, and where each entity's came from. */
export interface LoadedHistory {
  window: TimeWindow;
  lines: LineSeries[];
  timelines: TimelineSeries[];
  sources: Map<string, ChartSource>;
}

export interface LoadOptions {
  now: number;
  temperatureUnit: string;
  /** Pixel columns of the chart: raw lines are thinned to a few points per column. */
  buckets: number;
  /** The entity's state now, appended to statistics lines (their newest period is not compiled yet). */
  current?: (entityId: string) => string | undefined;
}

// Raw changes per day per entity, learnt from raw answers: decides whether 7 days can be raw.
const rawRates = new Map<string, number>();

/** The source each entity needs for a window. */
export function sourcesFor(entities: readonly ChartEntity[], w: TimeWindow, now: number): Map<string, ChartSource> {
  const out = new Map<string, ChartSource>();
  for (const e of entities) {
    const stats = chartKindOf(e) === "line" && hasStatistics(e) && statisticsAvailable();
    out.set(e.entityId, chooseSource({ ...w, now, hasStatistics: stats, rawPointsPerDay: rawRates.get(e.entityId) }));
  }
  return out;
}

/** Whether `loaded` already answers for the window (same sources, covering it). */
export function covers(loaded: LoadedHistory | undefined, entities: readonly ChartEntity[], w: TimeWindow, now: number): boolean {
  if (!loaded || loaded.window.start > w.start || loaded.window.end < Math.min(w.end, now) - 1000) return false;
  const needed = sourcesFor(entities, w, now);
  return entities.every((e) => {
    const have = loaded.sources.get(e.entityId);
    const want = needed.get(e.entityId);
    return have !== undefined && want !== undefined && sameSource(have, want);
  });
}

const STAT_TYPES = ["mean", "min", "max", "state"] as const;

/**
 * A sensor younger than the raw retention with few changes: raw history holds its whole life, newer than
 * statistics (whose current period is not compiled yet), and is small.
 */
function rawIsBetter(entityId: string, rows: readonly StatisticsRow[], now: number): boolean {
  const first = rows[0]?.start ?? now;
  const rate = rawRates.get(entityId);
  return first >= now - RAW_RETENTION_MS && rate !== undefined && (rate * (now - first)) / DAY_MS <= RAW_POINT_BUDGET;
}

/**
 * Loads the window for the entities: one raw request for every raw entity, one statistics request per period,
 * and a raw request for those the statistics had nothing for (new sensors, a hub without statistics).
 */
export async function loadHistory(entities: readonly ChartEntity[], w: TimeWindow, o: LoadOptions): Promise<LoadedHistory> {
  const sources = sourcesFor(entities, w, o.now);
  const raw: ChartEntity[] = [];
  const climate: ChartEntity[] = [];
  const byPeriod = new Map<StatisticsPeriod, ChartEntity[]>();
  for (const e of entities) {
    const source = sources.get(e.entityId);
    if (chartKindOf(e) === "climate") climate.push(e);
    else if (source?.kind === "statistics") byPeriod.set(source.period, [...(byPeriod.get(source.period) ?? []), e]);
    else raw.push(e);
  }
  const ids = (list: readonly ChartEntity[]) => list.map((e) => e.entityId);
  const rawAnswer = raw.length > 0 ? fetchHistory(ids(raw), w.start, w.end) : Promise.resolve([]);
  const climateAnswer = climate.length > 0 ? fetchHistoryWithAttributes(ids(climate), w.start, w.end) : Promise.resolve([]);
  const statRows = new Map<string, StatisticsRow[]>();
  const fallback: ChartEntity[] = [];
  await Promise.all(
    [...byPeriod].map(async ([period, list]) => {
      const answer = await fetchStatistics(ids(list), period, w.start, w.end, STAT_TYPES);
      for (const e of list) {
        const rows = answer?.[e.entityId];
        if (rows && rows.length > 0 && !rawIsBetter(e.entityId, rows, o.now)) statRows.set(e.entityId, rows);
        else {
          fallback.push(e);
          sources.set(e.entityId, { kind: "history" });
        }
      }
    }),
  );
  const [rawStates, climateStates, fallbackStates] = await Promise.all([
    rawAnswer.then(historyByEntity),
    climateAnswer.then(historyByEntity),
    fallback.length > 0 ? fetchHistory(ids(fallback), w.start, w.end).then(historyByEntity) : Promise.resolve(new Map<string, HistoryStateWire[]>()),
  ]);

  const lines: LineSeries[] = [];
  const timelines: TimelineSeries[] = [];
  const spanDays = Math.max(1 / 24, (w.end - w.start) / DAY_MS);
  for (const e of entities) {
    const kind = chartKindOf(e);
    if (kind === "climate") {
      const states = climateStates.get(e.entityId) ?? [];
      lines.push(...climateToLines(e, states, w, o.temperatureUnit));
      timelines.push(historyToTimeline(e, states, w));
      continue;
    }
    const rows = statRows.get(e.entityId);
    if (rows) {
      const line = statisticsToLine(e, rows, w);
      const now = o.current?.(e.entityId);
      const value = now === undefined ? null : numericValue(now);
      if (value !== null && w.end >= o.now - 60_000 && (line.xs[line.xs.length - 1] ?? w.end) < w.end) {
        line.xs.push(w.end);
        line.ys.push(value);
        line.min?.push(value);
        line.max?.push(value);
      }
      lines.push(line);
      continue;
    }
    const states = rawStates.get(e.entityId) ?? fallbackStates.get(e.entityId) ?? [];
    rawRates.set(e.entityId, states.length / spanDays);
    if (kind === "line") lines.push(downsampleLine(historyToLine(e, states, w), w.start, w.end, o.buckets));
    else timelines.push(historyToTimeline(e, states, w));
  }
  return { window: w, lines, timelines, sources };
}
