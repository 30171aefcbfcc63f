// Long-term statistics as Home Assistant computes them (sensor/recorder.py, recorder/statistics.py): pure
// arithmetic over recorded states and statistics rows. The compiler (server/history) reads and writes them.

import { periodFinder, type CalendarPeriod } from "./local-periods";

export const SHORT_TERM_MS = 5 * 60_000;
export const HOUR_MS = 60 * 60_000;

/** The state classes that get statistics; measurement_angle (a circular mean) is not compiled here. */
export type StatisticsStateClass = "measurement" | "total" | "total_increasing";

export function isStatisticsStateClass(value: unknown): value is StatisticsStateClass {
  return value === "measurement" || value === "total" || value === "total_increasing";
}

const PYTHON_FLOAT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** HA's float(state) for statistics: decimal or exponent notation; unavailable, unknown, text, NaN and inf are not numbers. */
export function numericState(state: string): number | null {
  if (!PYTHON_FLOAT.test(state)) return null;
  const value = Number(state);
  return Number.isFinite(value) ? value : null;
}

/** One recorded state: when it took effect and its value (null when it was not a number). */
export interface Sample {
  ts: number;
  value: number | null;
}

export interface MeanMinMax {
  mean: number;
  min: number;
  max: number;
  /** How much of the period had a numeric state, in ms. */
  coveredMs: number;
}

/**
 * Time-weighted mean, min and max over [start, end) (HA: _time_weighted_arithmetic_mean). `initial` is the
 * state in effect at `start` (the last change before it, if any); `changes` are the changes within, oldest first.
 * No interpolation: each value holds until the next change. Time in a non-numeric state (unavailable, unknown)
 * counts for nothing, neither in the sum nor in the duration; HA drops such states instead, which stretches the
 * previous number over the gap. min and max are over the values that held for some time in the period.
 * Null when no numeric value held at all.
 */
export function timeWeighted(initial: number | null | undefined, changes: readonly Sample[], start: number, end: number): MeanMinMax | null {
  let weighted = 0;
  let covered = 0;
  let min = Infinity;
  let max = -Infinity;
  let value = initial ?? null;
  let since = start;
  const close = (until: number) => {
    const duration = until - since;
    if (value === null || duration <= 0) return;
    weighted += value * duration;
    covered += duration;
    if (value < min) min = value;
    if (value > max) max = value;
  };
  for (const change of changes) {
    const at = Math.min(Math.max(change.ts, start), end);
    close(at);
    value = change.value;
    since = at;
  }
  close(end);
  if (covered === 0) return null;
  return { mean: weighted / covered, min, max, coveredMs: covered };
}

/** A meter reading: a sample plus the `last_reset` attribute in effect (epoch ms; only `total` meters use it). */
export interface MeterReading extends Sample {
  lastReset: number | null;
}

/** What the previous statistics row of a meter carries over: its state, running sum and last reset. */
export interface MeterCarry {
  state: number | null;
  sum: number | null;
  lastReset: number | null;
}

/** What compiling a meter noticed: a counter reset taken as such, or an absurd step left out of the sum. */
export interface MeterIssue {
  kind: "reset" | "spike";
  ts: number;
  detail: Record<string, number | boolean | null>;
}

export interface MeterResult {
  state: number;
  sum: number;
  lastReset: number | null;
  issues: MeterIssue[];
}

/** A meter's value dropping below this share of the previous one is a new cycle (HA: reset_detected). */
export const RESET_RATIO = 0.9;
/**
 * Absurd spikes. A single step of a meter (from one reading to the next, or a new cycle's first reading counted
 * from zero) is absurd when it is more than SPIKE_FACTOR times the meter's largest hourly change over the
 * SPIKE_WINDOW_MS before the period. Such a step is recorded as an issue and not added to the sum: the meter
 * carries on from the new value. The classic case is a glitch (a meter reading 0 and then its whole count
 * again, or a bit flip) that would otherwise add years of consumption in one hour. A meter with no hourly
 * change yet in the window is not checked.
 */
export const SPIKE_FACTOR = 10;
export const SPIKE_WINDOW_MS = 7 * 24 * HOUR_MS;

/**
 * The reference for spike detection: the largest absolute change between consecutive hourly sums. `before` is
 * the sum of the hourly row just before the window, or null when the window starts with the meter's first row
 * (whose sum is then its change: sums start at zero).
 */
export function spikeReference(before: number | null, sums: readonly (number | null)[]): number | null {
  let previous = before ?? 0;
  let largest = 0;
  for (const sum of sums) {
    if (sum === null) continue;
    largest = Math.max(largest, Math.abs(sum - previous));
    previous = sum;
  }
  return largest > 0 ? largest : null;
}

/**
 * A meter's state and running sum at the end of a period (HA: compile_statistics, the "sum" part).
 * `readings` start with the state in effect at the period's start; non-numeric ones are skipped.
 * - The first reading ever sets the zero point: the sum starts at 0 there.
 * - total_increasing: a drop below 90 % of the previous value is a reset; the new cycle counts from 0
 *   (a smaller drop is taken as is and lowers the sum, as in HA). Negative readings are skipped.
 * - total: a change of the last_reset attribute starts a new cycle counted from 0.
 * - A step more than SPIKE_FACTOR × `reference` is an absurd spike (see SPIKE_FACTOR).
 * Null when there was no numeric reading and nothing to carry.
 */
export function compileMeter(stateClass: "total" | "total_increasing", carry: MeterCarry | null, readings: readonly MeterReading[], reference: number | null): MeterResult | null {
  let sum = carry?.sum ?? 0;
  let oldState = carry?.state ?? null;
  let newState = oldState;
  let oldLastReset = carry?.lastReset ?? null;
  let lastReset = oldLastReset;
  const issues: MeterIssue[] = [];
  const limit = reference === null ? Infinity : SPIKE_FACTOR * reference;
  const spike = (ts: number, from: number | null, to: number, step: number, afterReset: boolean) =>
    issues.push({ kind: "spike", ts, detail: { from, to, step, reference, factor: SPIKE_FACTOR, after_reset: afterReset } });

  for (const r of readings) {
    if (r.value === null) continue;
    const value = r.value;
    let reset = false;
    if (stateClass === "total") {
      lastReset = r.lastReset;
      if (lastReset !== null && lastReset !== oldLastReset) reset = true;
      else if (oldState === null && lastReset === null) reset = true;
    } else if (oldState === null) {
      reset = true;
    } else if (value < 0) {
      continue;
    } else if (newState !== null && value < RESET_RATIO * newState) {
      reset = true;
      issues.push({ kind: "reset", ts: r.ts, detail: { from: newState, to: value } });
    }

    if (reset) {
      const firstEver = oldState === null;
      if (oldState !== null && newState !== null) sum += newState - oldState;
      newState = value;
      oldLastReset = lastReset;
      // A new cycle counts from zero; the very first reading is the zero point.
      oldState = firstEver ? value : 0;
      if (!firstEver && Math.abs(value) > limit) {
        spike(r.ts, 0, value, value, true);
        oldState = value;
      }
    } else {
      const step = newState === null ? 0 : value - newState;
      if (Math.abs(step) > limit) {
        spike(r.ts, newState, value, step, false);
        // Close the cycle so far and carry on from the new value without counting the step.
        if (oldState !== null && newState !== null) sum += newState - oldState;
        oldState = value;
      }
      newState = value;
    }
  }
  if (newState === null || oldState === null) return null;
  sum += newState - oldState;
  return { state: newState, sum, lastReset, issues };
}

/** A statistics row (5-minute or hourly): mean/min/max for measurements, state/sum/last reset for meters. */
export interface StatisticRow {
  start: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  lastReset: number | null;
  state: number | null;
  sum: number | null;
}

/**
 * Several consecutive rows as one (5-minute rows into an hour, hours into a day): the mean weighted by each
 * row's duration (rows without a mean weigh nothing), the lowest min, the highest max, and the meter's state,
 * sum and last reset of the last row that has a sum. Null when no row has anything.
 */
export function combineRows(rows: readonly StatisticRow[], durationOf: (row: StatisticRow) => number): Omit<StatisticRow, "start"> | null {
  let weighted = 0;
  let weight = 0;
  let min: number | null = null;
  let max: number | null = null;
  let last: StatisticRow | null = null;
  for (const row of rows) {
    if (row.mean !== null) {
      const d = durationOf(row);
      weighted += row.mean * d;
      weight += d;
    }
    if (row.min !== null && (min === null || row.min < min)) min = row.min;
    if (row.max !== null && (max === null || row.max > max)) max = row.max;
    if (row.sum !== null) last = row;
  }
  const mean = weight > 0 ? weighted / weight : null;
  if (mean === null && min === null && max === null && last === null) return null;
  return { mean, min, max, lastReset: last?.lastReset ?? null, state: last?.state ?? null, sum: last?.sum ?? null };
}

/** An hourly row from that hour's 5-minute rows (HA: _compile_hourly_statistics). */
export function hourFromShortTerm(hourStart: number, rows: readonly StatisticRow[]): StatisticRow | null {
  const combined = combineRows(rows, () => SHORT_TERM_MS);
  return combined && { start: hourStart, ...combined };
}

export interface PeriodRow extends StatisticRow {
  end: number;
}

/**
 * Hourly rows (oldest first) reduced to local days, weeks (from Monday) or months in `timeZone`
 * (HA: _reduce_statistics). Every hour weighs the same; a DST day simply has 23 or 25 of them.
 */
export function reduceToCalendar(hourly: readonly StatisticRow[], period: CalendarPeriod, timeZone: string): PeriodRow[] {
  const find = periodFinder(period, timeZone);
  const out: PeriodRow[] = [];
  let group: StatisticRow[] = [];
  let bounds: { start: number; end: number } | null = null;
  const flush = () => {
    if (bounds === null || group.length === 0) return;
    const combined = combineRows(group, () => HOUR_MS);
    if (combined) out.push({ start: bounds.start, end: bounds.end, ...combined });
    group = [];
  };
  for (const row of hourly) {
    if (bounds === null || row.start < bounds.start || row.start >= bounds.end) {
      flush();
      bounds = { ...find(row.start) };
    }
    group.push(row);
  }
  flush();
  return out;
}

/**
 * HA's `change` column: each row's sum minus the previous row's (the first against `sumBefore`, the last sum
 * before the range, or 0 when there is none). Rows without a sum have no change.
 */
export function changes(rows: readonly { sum: number | null }[], sumBefore: number | null): Array<number | null> {
  let previous = sumBefore ?? 0;
  return rows.map((row) => {
    if (row.sum === null) return null;
    const change = row.sum - previous;
    previous = row.sum;
    return change;
  });
}

/** The start of the 5-minute period containing `ts`. */
export function floorToShortTerm(ts: number): number {
  return Math.floor(ts / SHORT_TERM_MS) * SHORT_TERM_MS;
}
