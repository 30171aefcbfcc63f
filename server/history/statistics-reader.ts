import { z } from "zod";
import { StatisticsStore, type RowTuple, type StatisticMetaRow, type StatisticsTable } from "@/db/queries/statistics";
import type { HubDatabase } from "@/db/open-database";
import { calendarBounds, isTimeZone, type CalendarPeriod } from "@/devices/history/local-periods";
import { HOUR_MS, SHORT_TERM_MS, changes, reduceToCalendar, type StatisticRow } from "@/devices/history/statistics-math";
import { parseIsoDateTime } from "@/devices/templates/ha-datetime";
import { HubError, formatIssues } from "../errors";
import type { HaState } from "../hub-api";
import { statisticsSources } from "./statistics-sources";

export const STATISTIC_PERIODS = ["5minute", "hour", "day", "week", "month"] as const;
export type StatisticPeriod = (typeof STATISTIC_PERIODS)[number];
export const STATISTIC_TYPES = ["change", "last_reset", "max", "mean", "min", "state", "sum"] as const;
export type StatisticType = (typeof STATISTIC_TYPES)[number];

/** HA's recorder/statistics_during_period request; lists may also be comma-separated text (query strings). */
export interface StatisticsQuery {
  statistic_ids: readonly string[] | string;
  period: string;
  start_time: string;
  end_time?: string | undefined;
  /** Default: all seven. */
  types?: readonly string[] | string | undefined;
}

/** One row of the answer; times in epoch ms. Only the requested types are present (null when not known). */
export interface StatisticsPoint {
  start: number;
  end: number;
  mean?: number | null;
  min?: number | null;
  max?: number | null;
  last_reset?: number | null;
  state?: number | null;
  sum?: number | null;
  change?: number | null;
}

/** `{statistic_id: rows}`; statistics with no rows in the range are left out, as in HA. */
export type StatisticsResult = Record<string, StatisticsPoint[]>;

/** HA's recorder/list_statistic_ids entry. */
export interface StatisticIdView {
  statistic_id: string;
  display_unit_of_measurement: string | null;
  has_mean: boolean;
  /** HA's StatisticMeanType: 0 none, 1 arithmetic. */
  mean_type: 0 | 1;
  has_sum: boolean;
  name: string | null;
  source: string;
  statistics_unit_of_measurement: string | null;
  unit_class: null;
}

/** One answer holds at most this many rows; a longer range needs a coarser period. */
export const MAX_STATISTICS_ROWS = 500_000;

const toRow = (r: RowTuple): StatisticRow => ({ start: r[0], mean: r[1], min: r[2], max: r[3], lastReset: r[4], state: r[5], sum: r[6] });

const listOf = (value: readonly string[] | string | undefined): string[] =>
  (typeof value === "string" ? value.split(",") : (value ?? [])).map((s) => s.trim()).filter(Boolean);

const querySchema = z.object({
  statistic_ids: z.array(z.string().min(1)).min(1, "statistic_ids is missing"),
  period: z.enum(STATISTIC_PERIODS, { error: `period must be one of ${STATISTIC_PERIODS.join(", ")}` }),
  types: z.array(z.enum(STATISTIC_TYPES, { error: `types must be among ${STATISTIC_TYPES.join(", ")}` })),
});

/**
 * Reads long-term statistics in Home Assistant's shapes. 5-minute and hourly rows are read as stored; days,
 * weeks (from Monday) and months are reduced from hourly rows in the home's time zone, with the range widened
 * to whole periods as HA does. Each statistic is one range read of its clustered rows.
 */
export class StatisticsReader {
  readonly #store: StatisticsStore;
  readonly #now: () => number;
  readonly #timeZone: () => string | undefined;
  readonly #states: () => readonly HaState[];

  constructor(deps: { db: HubDatabase; now?: () => number; timeZone?: () => string | undefined; states?: () => readonly HaState[] }) {
    this.#store = new StatisticsStore(deps.db);
    this.#now = deps.now ?? Date.now;
    this.#timeZone = deps.timeZone ?? (() => undefined);
    this.#states = deps.states ?? (() => []);
  }

  /** The home's zone, else the process's (as GET /api/config answers). */
  timeZone(): string {
    const zone = this.#timeZone();
    return zone !== undefined && isTimeZone(zone) ? zone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** HA's recorder/statistics_during_period. */
  during(query: StatisticsQuery): StatisticsResult {
    const parsed = querySchema.safeParse({
      statistic_ids: [...new Set(listOf(query.statistic_ids))],
      period: query.period,
      types: query.types === undefined ? [...STATISTIC_TYPES] : listOf(query.types),
    });
    if (!parsed.success) throw new HubError("invalid_input", formatIssues(parsed.error.issues));
    const { statistic_ids: ids, period, types } = parsed.data;
    let start = this.parseTime(query.start_time, "Invalid start_time");
    let end = query.end_time === undefined || query.end_time === "" ? undefined : this.parseTime(query.end_time, "Invalid end_time");
    const zone = this.timeZone();
    const calendar = period === "day" || period === "week" || period === "month" ? period : null;
    if (calendar) {
      // HA aligns both ends outwards to whole local periods (the end to the end of the period holding it).
      start = calendarBounds(start, calendar, zone).start;
      if (end !== undefined) end = calendarBounds(end, calendar, zone).end;
    }
    const metas = new Map(this.#store.metas().map((m) => [m.statisticId, m]));
    const wanted = ids.flatMap((id) => metas.get(id) ?? []);
    const want = new Set<StatisticType>(types);
    // HA drops the columns none of the asked-for statistics can have.
    if (!wanted.some((m) => m.hasMean)) for (const t of ["mean", "min", "max"] as const) want.delete(t);
    if (!wanted.some((m) => m.hasSum)) for (const t of ["sum", "state", "change"] as const) want.delete(t);
    const table: StatisticsTable = period === "5minute" ? "5minute" : "hour";
    const out: StatisticsResult = {};
    let budget = MAX_STATISTICS_ROWS;
    for (const meta of wanted) {
      const rows = this.#store.rowTuples(table, meta.id, start, end ?? Number.MAX_SAFE_INTEGER, budget + 1);
      if (rows.length > budget) {
        throw new HubError("payload_too_large", `more than ${MAX_STATISTICS_ROWS} statistics rows in this range: ask for a shorter range or a longer period`);
      }
      budget -= rows.length;
      if (rows.length === 0) continue;
      out[meta.statisticId] = this.#points(meta, rows, table, calendar, zone, start, want);
    }
    return out;
  }

  #points(meta: StatisticMetaRow, rows: RowTuple[], table: StatisticsTable, calendar: CalendarPeriod | null, zone: string, start: number, want: Set<StatisticType>): StatisticsPoint[] {
    const length = table === "5minute" ? SHORT_TERM_MS : HOUR_MS;
    // Tuples in the stored columns' order, plus the end: [start, mean, min, max, lastReset, state, sum, end].
    const periods: Array<[...RowTuple, number]> = calendar
      ? reduceToCalendar(rows.map(toRow), calendar, zone).map((r) => [r.start, r.mean, r.min, r.max, r.lastReset, r.state, r.sum, r.end])
      : rows.map((r) => [...r, r[0] + length]);
    const change = want.has("change") ? changes(periods.map((r) => ({ sum: r[6] })), this.#store.sumBefore(table, meta.id, start) ?? null) : [];
    const [mean, min, max, lastReset, state, sum, delta] = (["mean", "min", "max", "last_reset", "state", "sum", "change"] as const).map((t) => want.has(t));
    return periods.map((r, i) => {
      const point: StatisticsPoint = { start: r[0], end: r[7] };
      if (mean) point.mean = r[1];
      if (min) point.min = r[2];
      if (max) point.max = r[3];
      if (lastReset) point.last_reset = r[4];
      if (state) point.state = r[5];
      if (sum) point.sum = r[6];
      if (delta) point.change = change[i] ?? null;
      return point;
    });
  }

  /**
   * HA's recorder/list_statistic_ids: the statistics with rows, plus sensors that will get them at the next
   * compile. `statisticType` keeps those with a mean or those with a sum.
   */
  ids(statisticType?: "mean" | "sum"): StatisticIdView[] {
    const byId = new Map<string, StatisticIdView>();
    const view = (id: string, unit: string | null, hasMean: boolean, hasSum: boolean, name: string | null): StatisticIdView => ({
      statistic_id: id,
      display_unit_of_measurement: unit,
      has_mean: hasMean,
      mean_type: hasMean ? 1 : 0,
      has_sum: hasSum,
      name,
      source: "recorder",
      statistics_unit_of_measurement: unit,
      unit_class: null,
    });
    for (const m of this.#store.metas()) byId.set(m.statisticId, view(m.statisticId, m.unit, m.hasMean, m.hasSum, m.name));
    for (const s of statisticsSources(this.#states())) {
      if (byId.has(s.entityId)) continue;
      const unit = s.state.attributes.unit_of_measurement;
      const hasMean = s.stateClass === "measurement";
      byId.set(s.entityId, view(s.entityId, typeof unit === "string" ? unit : null, hasMean, !hasMean, s.name));
    }
    return [...byId.values()]
      .filter((v) => statisticType === undefined || (statisticType === "mean" ? v.has_mean : v.has_sum))
      .sort((a, b) => a.statistic_id.localeCompare(b.statistic_id));
  }

  /** An ISO time as HA reads it (naive times in the home's zone); invalid_input with `message` otherwise. */
  parseTime(text: string | undefined, message: string): number {
    if (text === undefined || text === "") throw new HubError("invalid_input", message);
    // A "+01:00" offset in an unencoded query string arrives as " 01:00".
    const parsed = parseIsoDateTime(text.replace(/ (\d{2}:?\d{2})$/, "+$1"), this.timeZone());
    if (!parsed) throw new HubError("invalid_input", message);
    return Math.floor(parsed.epochMs);
  }

  /** The current time, for callers that default an end. */
  now(): number {
    return this.#now();
  }
}
