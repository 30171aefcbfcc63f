import type { HubDatabase } from "@/db/open-database";
import { END_OF_ENTITY, RetentionQueries, type StateKey, type StateRowKey } from "@/db/queries/retention";
import { zoneOffsetMinutes } from "@/devices/templates/ha-datetime";
import type { Logger } from "../logger";
import type { WalKeeper } from "./wal-checkpointer";
import type { Recorder } from "./recorder";
import type { RecorderPolicies } from "./recorder-policies";

const DAY_MS = 86_400_000;
/** The nightly purge runs at this local time in the home's time zone (a quiet hour, off the full hour). */
export const PURGE_AT = { hour: 4, minute: 12 } as const;
const CHECK_MS = 30_000;
const PURGE_AUTOCHECKPOINT_PAGES = 200;
/**
 * Purge time between checkpoints. The fastest phase (incremental vacuum) writes about 1000 WAL pages in this
 * time on the dev box: SQLite's own default threshold.
 */
const CHECKPOINT_EVERY_MS = 25;

export type PurgeTrigger = "nightly" | "startup" | "manual";

/** What one purge did (the "database" page shows the last one). */
export interface PurgeReport {
  trigger: PurgeTrigger;
  started_at: number;
  finished_at: number;
  duration_ms: number;
  removed: {
    /** Raw state rows older than their entity's keep days, and every row of excluded entities. */
    states: number;
    /** Events older than the default keep days. */
    events: number;
    /** 5-minute statistics older than the default keep days (hourly statistics are kept for ever). */
    statistics_short_term: number;
    /** Attribute sets and contexts no row refers to any more. */
    attributes: number;
    contexts: number;
  };
  /** Excluded entities whose recorded history was deleted. */
  excluded_entities: number;
  /** Pages given back to the file system by incremental vacuum, and their bytes. */
  pages_freed: number;
  bytes_freed: number;
  /** Times the purge let the event loop run, and the longest stretch it held it, in ms. */
  steps: number;
  longest_step_ms: number;
  /** False when it was stopped early (the hub stopped) or failed; the next purge picks up the rest. */
  completed: boolean;
  error: string | null;
}

export interface RetentionStatus {
  /** HEARTH_HISTORY_KEEP_DAYS. */
  default_keep_days: number;
  running: boolean;
  /** When the next scheduled purge runs (the hub's clock). */
  next_purge_at: number;
  last_purge: PurgeReport | null;
}

export interface RetentionDeps {
  db: HubDatabase;
  /** The hub's WAL checkpoint thread, when it runs: the purge waits for its checkpoints between steps. */
  wal?: () => WalKeeper | undefined;
  log: Logger;
  policies: Pick<RecorderPolicies, "keepDays" | "isExcluded" | "defaultKeepDays">;
  /** The orphan sweep must not delete a key a buffered row is about to use. */
  recorder: Pick<Recorder, "idle" | "watchKeys" | "forgetKeys">;
  /** True while the hub still has the entity: its last change before the cutoff is then kept. */
  isKnownEntity: (entityId: string) => boolean;
  now: () => number;
  timeZone: () => string | undefined;
  /** At most this many rows per delete transaction (steps start smaller and grow while they stay quick). */
  chunkRows?: number;
  /** At most this many rows read per step of the orphan sweep's scan. */
  scanRows?: number;
  /** At most this many pages per incremental_vacuum step. */
  vacuumPages?: number;
  /** The purge yields to the event loop once it has held it this long. */
  sliceMs?: number;
  /** The first purge after start runs this long after it (the last purge time is not kept across restarts). */
  startDelayMs?: number;
  /** How often the schedule is looked at (real time). */
  checkMs?: number;
}

class PurgeStopped extends Error {}

/**
 * Retention: deletes raw history past each entity's keep days, old events and 5-minute statistics, then attribute
 * sets and contexts nothing refers to, and gives the freed pages back with PRAGMA incremental_vacuum. Nightly at
 * 04:12 home time and once shortly after start; every step is a small transaction (a chunk of one entity's
 * clustered key range) and the event loop runs between steps, so MQTT and HTTP never wait long.
 */
export class Retention {
  readonly #deps: RetentionDeps;
  readonly #q: RetentionQueries;
  readonly #deleteRows: StepSize;
  readonly #scanRows: StepSize;
  readonly #vacuumPages: StepSize;
  readonly #sliceMs: number;
  #timer: NodeJS.Timeout | undefined;
  #nextAt = Number.POSITIVE_INFINITY;
  #startupPending = false;
  #running: Promise<PurgeReport> | undefined;
  #stopping = false;
  #last: PurgeReport | null = null;
  /** The orphan sweep runs after a purge that deleted rows, and once per process (for an earlier interrupted one). */
  #sweptOnce = false;
  #sliceStart = 0;
  #report: PurgeReport | undefined;
  #checkpointer: WalKeeper | undefined;
  #lastCheckpoint = 0;

  constructor(deps: RetentionDeps) {
    this.#deps = deps;
    this.#q = new RetentionQueries(deps.db);
    this.#sliceMs = deps.sliceMs ?? 4;
    this.#deleteRows = new StepSize(500, 50, deps.chunkRows ?? 5000, this.#sliceMs);
    this.#scanRows = new StepSize(1000, 100, deps.scanRows ?? 20_000, this.#sliceMs);
    this.#vacuumPages = new StepSize(16, 4, deps.vacuumPages ?? 256, this.#sliceMs);
  }

  start(): void {
    this.#stopping = false;
    this.#startupPending = true;
    this.#nextAt = this.#deps.now() + (this.#deps.startDelayMs ?? 120_000);
    this.#timer = setInterval(() => this.#tick(), this.#deps.checkMs ?? CHECK_MS);
    this.#timer.unref();
  }

  /** Stops the schedule; a purge in progress ends after its current step. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopping = true;
    await this.#running;
  }

  status(): RetentionStatus {
    return {
      default_keep_days: this.#deps.policies.defaultKeepDays,
      running: this.#running !== undefined,
      next_purge_at: this.#nextAt,
      last_purge: this.#last,
    };
  }

  /** Purges now (or joins the purge in progress) and answers what it removed. */
  purgeNow(trigger: PurgeTrigger = "manual"): Promise<PurgeReport> {
    this.#running ??= this.#run(trigger).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #tick(): void {
    if (this.#running || this.#deps.now() < this.#nextAt) return;
    void this.purgeNow(this.#startupPending ? "startup" : "nightly");
  }

  async #run(trigger: PurgeTrigger): Promise<PurgeReport> {
    const startedAt = this.#deps.now();
    const began = performance.now();
    const report: PurgeReport = {
      trigger,
      started_at: startedAt,
      finished_at: startedAt,
      duration_ms: 0,
      removed: { states: 0, events: 0, statistics_short_term: 0, attributes: 0, contexts: 0 },
      excluded_entities: 0,
      pages_freed: 0,
      bytes_freed: 0,
      steps: 0,
      longest_step_ms: 0,
      completed: false,
      error: null,
    };
    this.#report = report;
    this.#sliceStart = performance.now();
    // SQLite's automatic WAL checkpoint runs inside the commit that crosses its threshold: while purging, the
    // hub's checkpoint thread checkpoints more often (or, without it, smaller automatic ones).
    const autocheckpoint = this.#q.walAutocheckpoint();
    const checkpointer = this.#deps.wal?.();
    this.#checkpointer = checkpointer?.alive ? checkpointer : undefined;
    this.#lastCheckpoint = performance.now();
    if (!this.#checkpointer) this.#q.walAutocheckpoint(Math.min(autocheckpoint || PURGE_AUTOCHECKPOINT_PAGES, PURGE_AUTOCHECKPOINT_PAGES));
    this.#sliceStart = performance.now();
    try {
      await this.#purgeRows(report, startedAt);
      const r = report.removed;
      if (!this.#sweptOnce || r.states + r.events > 0) {
        await this.#sweepOrphans(report);
        this.#sweptOnce = true;
      }
      await this.#vacuum(report);
      report.completed = true;
    } catch (err) {
      if (!(err instanceof PurgeStopped)) {
        report.error = (err as Error).message;
        this.#deps.log.error({ err }, "purging history failed; the next purge tries again");
      }
    } finally {
      this.#endSlice();
      if (this.#checkpointer) await this.#checkpointer.checkpoint();
      else this.#q.walAutocheckpoint(autocheckpoint);
      this.#checkpointer = undefined;
    }
    report.finished_at = this.#deps.now();
    report.duration_ms = Math.round(performance.now() - began);
    report.longest_step_ms = Math.round(report.longest_step_ms * 10) / 10;
    this.#last = report;
    this.#startupPending = false;
    this.#nextAt = nextLocalTime(this.#deps.now(), this.#deps.timeZone(), PURGE_AT.hour, PURGE_AT.minute);
    this.#deps.log.info(
      { trigger, removed: report.removed, pagesFreed: report.pages_freed, ms: report.duration_ms, longestStepMs: report.longest_step_ms, walCheckpoints: checkpointer?.alive ? "thread" : "sqlite" },
      "history purged",
    );
    return report;
  }

  async #purgeRows(report: PurgeReport, now: number): Promise<void> {
    const { policies, isKnownEntity } = this.#deps;
    const q = this.#q;
    for (const { id, entityId } of q.entities()) {
      const excluded = policies.isExcluded(entityId);
      let until: StateKey;
      if (excluded) {
        until = END_OF_ENTITY;
      } else {
        const last = q.lastBefore(id, now - policies.keepDays(entityId) * DAY_MS);
        if (last === undefined) {
          await this.#breathe();
          continue;
        }
        // The last change before the cutoff is the state the entity was in at the cutoff: without it a quiet
        // entity's history would start blank. Kept while the hub has the entity; a removed one's goes too.
        until = isKnownEntity(entityId) ? last : [last[0], last[1] + 1];
      }
      let removed = 0;
      for (let more = true; more; ) {
        const chunk = this.#deleteRows.run((rows) => q.deleteStatesChunk(id, until, rows));
        removed += chunk.removed;
        more = chunk.more && chunk.removed > 0;
        await this.#breathe();
      }
      report.removed.states += removed;
      if (excluded && removed > 0) report.excluded_entities++;
    }
    const cutoff = now - policies.defaultKeepDays * DAY_MS;
    for (let more = true; more; ) {
      more = this.#deleteRows.run((rows) => {
        const n = q.deleteEventsChunk(cutoff, rows);
        report.removed.events += n;
        return n === rows;
      });
      await this.#breathe();
    }
    for (const metaRef of q.statisticIds()) {
      for (let more = true; more; ) {
        const chunk = this.#deleteRows.run((rows) => q.deleteShortTermChunk(metaRef, cutoff, rows));
        report.removed.statistics_short_term += chunk.removed;
        more = chunk.more && chunk.removed > 0;
        await this.#breathe();
      }
    }
  }

  /**
   * Deletes attribute sets and contexts no state row or event refers to. state_history has no index on them,
   * so the sweep reads the table in key order, a chunk per step, collecting the keys in use. Rows written
   * meanwhile are seen through the recorder's key watch, and keys of rows still buffered are checked right
   * before each delete, in the same step, between commits.
   */
  async #sweepOrphans(report: PurgeReport): Promise<void> {
    const q = this.#q;
    const watch = this.#deps.recorder.watchKeys();
    try {
      // Keys handed out after this point are newer than the sweep: never candidates.
      const max = q.maxKeys();
      const attributes = new Set<number>();
      const contexts = new Set<number>();
      for (let after: StateRowKey | undefined = [Number.MIN_SAFE_INTEGER, 0, 0]; after !== undefined; ) {
        const from: StateRowKey = after;
        after = this.#scanRows.run((rows): StateRowKey | undefined => q.stateKeysChunk(from, rows, attributes, contexts));
        await this.#breathe();
      }
      const maxEvent = q.maxEventId();
      for (let id = 0; id < maxEvent; ) {
        const from = id;
        id += this.#scanRows.run((rows) => {
          q.eventContexts(from, rows, contexts);
          return rows;
        });
        await this.#breathe();
      }
      report.removed.attributes = await this.#deleteUnused(
        max.attributes,
        attributes,
        (after, limit) => q.attributeIds(after, max.attributes, limit),
        (ids) => q.deleteAttributes(ids),
        (inUse) => inUse.attributes,
        watch,
      );
      report.removed.contexts = await this.#deleteUnused(
        max.contexts,
        contexts,
        (after, limit) => q.contextIds(after, max.contexts, limit),
        (ids) => q.deleteContexts(ids),
        (inUse) => inUse.contexts,
        watch,
      );
    } finally {
      watch.stop();
    }
  }

  async #deleteUnused(
    max: number,
    used: ReadonlySet<number>,
    idsAfter: (after: number, limit: number) => number[],
    remove: (ids: number[]) => number,
    pick: (inUse: { attributes: ReadonlySet<number>; contexts: ReadonlySet<number> }) => ReadonlySet<number>,
    watch: ReturnType<Recorder["watchKeys"]>,
  ): Promise<number> {
    let removed = 0;
    for (let after = 0; after < max; ) {
      const ids = idsAfter(after, this.#deleteRows.max);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] ?? max;
      // Between commits, so every row the recorder has handed out is either written (watched) or buffered.
      let inUse = watch.inUse();
      for (let tries = 0; inUse === undefined && tries < 1000; tries++) {
        await this.#deps.recorder.idle();
        inUse = watch.inUse();
      }
      if (inUse === undefined) throw new Error("the recorder never became idle");
      const buffered = pick(inUse);
      const dead = ids.filter((id) => !used.has(id) && !buffered.has(id));
      if (dead.length > 0) {
        removed += remove(dead);
        // Its caches may still map a text or context to a deleted key.
        this.#deps.recorder.forgetKeys();
      }
      await this.#breathe();
    }
    return removed;
  }

  /** PRAGMA incremental_vacuum in small steps until no free page is left (bounded by the free pages at the start). */
  async #vacuum(report: PurgeReport): Promise<void> {
    const q = this.#q;
    const pagesBefore = q.pageCount();
    let free = q.freePages();
    const steps = Math.ceil(free / this.#vacuumPages.min) + 2;
    for (let i = 0; i < steps && free > 0; i++) {
      free = this.#vacuumPages.run((pages) => {
        q.vacuumStep(pages);
        return q.freePages();
      });
      await this.#breathe();
    }
    report.pages_freed = Math.max(0, pagesBefore - q.pageCount());
    report.bytes_freed = report.pages_freed * q.pageSize();
  }

  /**
   * Lets the event loop run once this stretch has held it `sliceMs`; every so often waits (loop free) for the
   * checkpoint thread to copy the WAL in, so it starts over instead of growing. Ends the purge early when stopping.
   */
  async #breathe(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.#sliceMs) return;
    this.#endSlice();
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.#checkpointer && performance.now() - this.#lastCheckpoint > CHECKPOINT_EVERY_MS) {
      await this.#checkpointer.checkpoint();
      this.#lastCheckpoint = performance.now();
    }
    if (this.#stopping) throw new PurgeStopped();
    this.#sliceStart = performance.now();
  }

  #endSlice(): void {
    const report = this.#report;
    if (!report) return;
    report.steps++;
    report.longest_step_ms = Math.max(report.longest_step_ms, performance.now() - this.#sliceStart);
  }
}

/**
 * The size of a step that follows how long steps take: doubled while they are quick, halved after a slow one,
 * so a step stays a few ms on a fast SSD and on a slow SD card alike.
 */
class StepSize {
  readonly min: number;
  readonly max: number;
  readonly #targetMs: number;
  #size: number;

  constructor(start: number, min: number, max: number, targetMs: number) {
    this.min = min;
    this.max = Math.max(min, max);
    this.#targetMs = targetMs;
    this.#size = Math.min(Math.max(start, min), this.max);
  }

  run<T>(step: (size: number) => T): T {
    const started = performance.now();
    const out = step(this.#size);
    const ms = performance.now() - started;
    if (ms > this.#targetMs * 2) this.#size = Math.max(this.min, Math.floor(this.#size / 2));
    else if (ms < this.#targetMs / 2) this.#size = Math.min(this.max, this.#size * 2);
    return out;
  }
}

/** The next moment (after `now`) the wall clock in `timeZone` shows hour:minute; DST changes are allowed for. */
export function nextLocalTime(now: number, timeZone: string | undefined, hour: number, minute: number): number {
  const offset = zoneOffsetMinutes(now, timeZone) * 60_000;
  const local = new Date(now + offset);
  for (let day = 0; day <= 2; day++) {
    const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + day, hour, minute);
    const at = wall - zoneOffsetMinutes(wall - offset, timeZone) * 60_000;
    if (at > now) return at;
  }
  return now + DAY_MS;
}
