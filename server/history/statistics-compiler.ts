import { StatisticsStore, type CompiledPeriod, type StatisticMetaInput, type StatisticMetaRow, type StatisticValues } from "@/db/queries/statistics";
import type { HubDatabase } from "@/db/open-database";
import {
  HOUR_MS,
  SHORT_TERM_MS,
  SPIKE_WINDOW_MS,
  compileMeter,
  floorToShortTerm,
  hourFromShortTerm,
  numericState,
  spikeReference,
  timeWeighted,
} from "@/devices/history/statistics-math";
import type { HaState } from "../hub-api";
import type { Logger } from "../logger";
import { PeriodStates, readingOf, sampleOf, statisticsSources, unitOf, type RecordedState, type StatisticsSource } from "./statistics-sources";

export interface StatisticsCompilerDeps {
  db: HubDatabase;
  log: Logger;
  now?: () => number;
  /** The current states: which sensors get statistics (those with a state_class, as in HA) and their names. */
  states: () => readonly HaState[];
  /** Writes what the recorder has buffered, so a finished period is complete in the database. */
  flush: () => Promise<void>;
  /** After downtime, missed periods are compiled going back at most this many days (HEARTH_HISTORY_KEEP_DAYS). */
  keepDays: number;
  /** Compiling gives the event loop a turn after this many ms of work. */
  sliceMs?: number;
}

export interface StatisticsCompilerStatus {
  /** Start of the newest compiled 5-minute period (epoch ms); null before the first. */
  lastPeriod: number | null;
  /** Periods compiled since start. */
  periods: number;
  /** How long the last run took, in ms, and the longest stretch it held the event loop. */
  lastRunMs: number;
  longestSliceMs: number;
  lastError: string | null;
}

/** Runs start this long after a 5-minute boundary, once the recorder has had its commit. */
const RUN_OFFSET_MS = 10_000;
const DAY_MS = 86_400_000;
const DEFAULT_SLICE_MS = 8;
const SHORT_TERM_ROWS_PER_HOUR = HOUR_MS / SHORT_TERM_MS;

interface Compiled {
  statisticId: string;
  meta: StatisticMetaInput;
  /** The metadata must be written (new, or its kind or name changed). */
  metaChanged: boolean;
  row: StatisticValues;
  issues: CompiledPeriod["issues"];
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Long-term statistics (HA: recorder statistics + sensor/recorder.py). Every 5 minutes, a little after the
 * boundary, the finished period(s) are compiled from the recorded states of every sensor with a state_class:
 * 5-minute rows, and at each full hour the hourly row from them. Each period is written in one transaction
 * with its statistics_runs row, so a restart resumes with the first period not compiled (going back at most
 * `keepDays`). Work is done in slices of a few milliseconds with the event loop free in between.
 */
export class StatisticsCompiler {
  readonly #deps: StatisticsCompilerDeps;
  readonly #store: StatisticsStore;
  readonly #states: PeriodStates;
  readonly #now: () => number;
  readonly #sliceMs: number;
  #metas = new Map<string, StatisticMetaRow>();
  readonly #references = new Map<number, { hour: number; value: number | null }>();
  readonly #warnedUnits = new Set<string>();
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #status: StatisticsCompilerStatus = { lastPeriod: null, periods: 0, lastRunMs: 0, longestSliceMs: 0, lastError: null };

  constructor(deps: StatisticsCompilerDeps) {
    this.#deps = deps;
    this.#store = new StatisticsStore(deps.db);
    this.#states = new PeriodStates(deps.db);
    this.#now = deps.now ?? Date.now;
    this.#sliceMs = deps.sliceMs ?? DEFAULT_SLICE_MS;
  }

  /** Loads the metadata and compiles what was missed, then runs every 5 minutes. */
  start(): void {
    this.#stopping = false;
    this.#metas = new Map(this.#store.metas().map((m) => [m.statisticId, m]));
    this.#status.lastPeriod = this.#store.lastRun() ?? null;
    // The first run waits a turn: the hub finishes restoring entities (and their states) first.
    this.#schedule(0);
  }

  /** Stops the timer and lets a run in progress end at its next slice. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#chain;
  }

  status(): StatisticsCompilerStatus {
    return { ...this.#status };
  }

  /** Compiles every finished 5-minute period up to `until` (default now) not compiled yet; answers how many. */
  compileNow(until: number = this.#now()): Promise<number> {
    const run = this.#chain.then(() => this.#run(until));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #schedule(delay: number): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      void this.compileNow().finally(() => this.#schedule(this.#delayToNextRun()));
    }, delay);
    this.#timer.unref();
  }

  #delayToNextRun(): number {
    const now = this.#now();
    const next = floorToShortTerm(now - RUN_OFFSET_MS) + SHORT_TERM_MS + RUN_OFFSET_MS;
    return Math.min(Math.max(next - now, 1000), SHORT_TERM_MS + RUN_OFFSET_MS);
  }

  async #run(until: number): Promise<number> {
    const started = performance.now();
    let compiled = 0;
    try {
      await this.#deps.flush();
      const last = this.#store.lastRun();
      const oldest = floorToShortTerm(until - this.#deps.keepDays * DAY_MS);
      let start = Math.max(last === undefined ? floorToShortTerm(this.#store.firstRecorded() ?? until) : last + SHORT_TERM_MS, oldest);
      while (start + SHORT_TERM_MS <= until && !this.#stopping) {
        if (!(await this.#compilePeriod(start))) break;
        compiled++;
        start += SHORT_TERM_MS;
        await nextTurn();
      }
      this.#status.lastError = null;
    } catch (err) {
      this.#status.lastError = (err as Error).message;
      this.#deps.log.error({ err }, "compiling statistics failed; will retry at the next run");
    }
    this.#status.lastRunMs = performance.now() - started;
    return compiled;
  }

  /** One 5-minute period for every sensor, and its hour when it is the hour's last; false when stopped midway. */
  async #compilePeriod(start: number): Promise<boolean> {
    const end = start + SHORT_TERM_MS;
    const sources = statisticsSources(this.#deps.states());
    const results: Compiled[] = [];
    let sliceStarted = performance.now();
    for (const source of sources) {
      const result = this.#compileSensor(source, start, end);
      if (result) results.push(result);
      const busy = performance.now() - sliceStarted;
      if (busy >= this.#sliceMs) {
        this.#status.longestSliceMs = Math.max(this.#status.longestSliceMs, busy);
        await nextTurn();
        if (this.#stopping) return false;
        sliceStarted = performance.now();
      }
    }
    this.#status.longestSliceMs = Math.max(this.#status.longestSliceMs, performance.now() - sliceStarted);
    const period: CompiledPeriod = {
      start,
      metas: results.filter((r) => r.metaChanged).map((r) => r.meta),
      shortTerm: results.map((r) => ({ statisticId: r.statisticId, row: r.row })),
      hourly: end % HOUR_MS === 0 ? this.#hourRows(end - HOUR_MS, start, results) : [],
      issues: results.flatMap((r) => r.issues),
    };
    const refs = this.#store.writePeriod(period);
    for (const meta of period.metas) this.#metas.set(meta.statisticId, { ...meta, id: refs.get(meta.statisticId)!, source: "recorder" });
    this.#status.lastPeriod = start;
    this.#status.periods++;
    return true;
  }

  #compileSensor(source: StatisticsSource, start: number, end: number): Compiled | null {
    const { entityId, stateClass } = source;
    const read = this.#states.read(entityId, start, end);
    const changes = read.changes;
    let initial = read.initial;
    if (initial === undefined && changes.length === 0) {
      // HA: a sensor with no recorded history at all (purged, or quiet since before it) is in its current state.
      if (source.lastChanged >= end || end < this.#now() - 2 * SHORT_TERM_MS) return null;
      initial = { ts: source.lastChanged, state: source.state.state, attributes: source.state.attributes };
    }
    const existing = this.#metas.get(entityId);
    const all: RecordedState[] = initial ? [initial, ...changes] : changes;
    // A new statistic takes the unit of its first numeric state (HA: _normalize_states).
    const firstNumeric = all.find((s) => numericState(s.state) !== null);
    const unit = existing ? existing.unit : firstNumeric ? unitOf(firstNumeric.attributes) : null;
    this.#checkUnits(entityId, unit, all);
    const hasMean = stateClass === "measurement";
    const meta: StatisticMetaInput = { statisticId: entityId, unit, hasMean, hasSum: !hasMean, name: source.name };
    const empty = { mean: null, min: null, max: null, lastReset: null, state: null, sum: null };
    let row: StatisticValues;
    let issues: CompiledPeriod["issues"] = [];
    if (stateClass === "measurement") {
      const stats = timeWeighted(initial && sampleOf(initial, unit).value, changes.map((c) => sampleOf(c, unit)), start, end);
      if (!stats) return null;
      row = { ...empty, start, mean: stats.mean, min: stats.min, max: stats.max };
    } else {
      const carry = existing ? (this.#store.lastRowBefore("5minute", existing.id, start) ?? this.#store.lastRowBefore("hour", existing.id, start)) : undefined;
      const reference = existing ? this.#reference(existing.id, start) : null;
      const meter = compileMeter(stateClass, carry ?? null, all.map((s) => readingOf(s, unit)), reference);
      if (!meter) return null;
      row = { ...empty, start, state: meter.state, sum: meter.sum, lastReset: meter.lastReset };
      issues = meter.issues.map((i) => ({ statisticId: entityId, ts: i.ts, kind: i.kind, detail: JSON.stringify(i.detail) }));
    }
    const metaChanged = !existing || existing.hasMean !== meta.hasMean || existing.hasSum !== meta.hasSum || existing.name !== meta.name;
    return { statisticId: entityId, meta, metaChanged, row, issues };
  }

  /** The spike reference of a meter: its largest hourly change in the window before this hour (cached per hour). */
  #reference(metaRef: number, start: number): number | null {
    const hour = start - (start % HOUR_MS);
    const cached = this.#references.get(metaRef);
    if (cached?.hour === hour) return cached.value;
    const from = hour - SPIKE_WINDOW_MS;
    const rows = this.#store.rows("hour", metaRef, from, hour, SPIKE_WINDOW_MS / HOUR_MS);
    const before = this.#store.lastRowBefore("hour", metaRef, from)?.sum ?? null;
    const value = spikeReference(before, rows.map((r) => r.sum));
    this.#references.set(metaRef, { hour, value });
    return value;
  }

  /** The hourly rows for [hourStart, hourStart + 1 h): the stored 5-minute rows of the hour plus this period's. */
  #hourRows(hourStart: number, periodStart: number, current: Compiled[]): CompiledPeriod["hourly"] {
    const now = new Map(current.map((c) => [c.statisticId, c.row]));
    const ids = new Set([...this.#metas.keys(), ...now.keys()]);
    const out: CompiledPeriod["hourly"] = [];
    for (const statisticId of ids) {
      const meta = this.#metas.get(statisticId);
      const rows = meta ? this.#store.rows("5minute", meta.id, hourStart, periodStart, SHORT_TERM_ROWS_PER_HOUR) : [];
      const last = now.get(statisticId);
      if (last) rows.push(last);
      const hour = hourFromShortTerm(hourStart, rows);
      if (hour) out.push({ statisticId, row: hour });
    }
    return out;
  }

  /** A state in a unit other than the statistic's is left out (HA does the same); say so once per sensor. */
  #checkUnits(entityId: string, unit: string | null, states: readonly RecordedState[]): void {
    if (this.#warnedUnits.has(entityId)) return;
    const other = states.find((s) => unitOf(s.attributes) !== unit && numericState(s.state) !== null);
    if (!other) return;
    this.#warnedUnits.add(entityId);
    this.#deps.log.warn({ entityId, unit, stateUnit: unitOf(other.attributes) }, "a sensor's unit differs from its statistics' unit: those states are left out of statistics");
  }
}
