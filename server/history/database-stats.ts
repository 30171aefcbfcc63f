import fs from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { HubDatabase } from "@/db/open-database";
import { HubError } from "../errors";
import type { Logger } from "../logger";
import type { RecorderStatus } from "./recorder";
import type { RecorderPolicies, RecorderPolicyView } from "./recorder-policies";
import type { RetentionStatus } from "./retention";
import { MEASURE_WORKER_SOURCE, type Measurement } from "./database-stats-worker";

const DAY_MS = 86_400_000;
/** Measurements are reused this long (a refresh, or a purge since, measures again). */
const MAX_AGE_MS = 60_000;
const MEASURE_TIMEOUT_MS = 120_000;
const RETRY_AFTER_ERROR_MS = 10_000;
const TOP_WRITERS = 10;

/** One entity on the "database" page: what it has recorded and its policy. */
export interface DatabaseEntityView {
  entity_id: string;
  /** Its friendly name while the hub has it. */
  name: string | null;
  /** Raw state rows, and those of the last 24 hours. */
  rows: number;
  rows_24h: number;
  /** Estimated bytes of its rows (see `DatabaseStatsView.history.bytes_per_row`). */
  bytes: number;
  oldest: number | null;
  newest: number | null;
  /** Days its raw history is kept (its policy's or the default). */
  keep_days: number;
  policy: RecorderPolicyView | null;
}

export interface DatabaseTableView {
  name: string;
  rows: number;
  /** The table's own pages (for a WITHOUT ROWID table, its clustered key), and its indexes' pages, in bytes. */
  bytes: number;
  index_bytes: number;
}

/** GET /api/history/database. */
export interface DatabaseStatsView {
  /** When the row counts and table sizes were measured (a worker thread reads them), and how long it took. */
  measured_at: number | null;
  measure_ms: number | null;
  measure_error: string | null;
  file: {
    path: string;
    db_bytes: number;
    wal_bytes: number;
    total_bytes: number;
    page_size: number;
    pages: number;
    /** Pages freed by deletes and not yet given back (the purge's incremental vacuum gives them back). */
    free_pages: number;
    free_bytes: number;
  };
  tables: DatabaseTableView[];
  history: {
    rows: number;
    rows_24h: number;
    entities: number;
    oldest: number | null;
    newest: number | null;
    /**
     * state_history's measured size (dbstat) over its rows. An entity's bytes are its rows times the fixed part
     * of that, plus its own average state length (from its latest 200 rows).
     */
    bytes_per_row: number;
    /** What the last 24 hours added. */
    bytes_per_day: number;
    /** Where raw history levels off at the last 24 hours' rate with each entity's keep days. */
    projected_bytes: number;
  };
  /** Every entity with rows, a policy or a state, most bytes first. */
  entities: DatabaseEntityView[];
  /** Entity ids with the most rows: in the last 24 hours, and overall. */
  top_writers: { last_24h: string[]; overall: string[] };
  recorder: RecorderStatus;
  retention: RetentionStatus;
}

export interface DatabaseStatsDeps {
  db: HubDatabase;
  dbFile: string;
  log: Logger;
  policies: Pick<RecorderPolicies, "list" | "keepDays" | "isExcluded">;
  recorder: () => RecorderStatus;
  retention: () => RetentionStatus;
  /** Entities the hub has now, with their friendly names. */
  entities: () => Array<{ entityId: string; name: string | null }>;
  now: () => number;
}

/**
 * The "database" page's figures. Counting rows per entity and sizing tables (dbstat) reads the whole history,
 * so it runs in a worker thread on its own read-only connection (WAL lets it read beside the recorder's writes)
 * and is reused for a minute; sizes, free pages, policies and the recorder's state are read fresh every time.
 */
export class DatabaseStats {
  readonly #deps: DatabaseStatsDeps;
  #measured: { at: number; ms: number; m: Measurement } | undefined;
  #error: string | null = null;
  #measuring: Promise<void> | undefined;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #worker: Worker | undefined;
  #stopped = false;

  constructor(deps: DatabaseStatsDeps) {
    this.#deps = deps;
  }

  /** The figures; `fresh` measures again unless a measurement is under way (then it waits for that one). */
  async view(opts: { fresh?: boolean } = {}): Promise<DatabaseStatsView> {
    const lastPurge = this.#deps.retention().last_purge?.finished_at ?? 0;
    const m = this.#measured;
    const now = this.#deps.now();
    // After a failure, not again for a while: every page load would start a thread.
    const mayRetry = this.#error === null || now - this.#lastAttempt > RETRY_AFTER_ERROR_MS;
    if (mayRetry && (opts.fresh || !m || now - m.at > MAX_AGE_MS || lastPurge >= m.at)) await this.#measure();
    return this.#assemble();
  }

  /** Ends a measurement in progress (the hub is stopping). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#worker?.terminate();
  }

  #measure(): Promise<void> {
    this.#measuring ??= this.#runWorker().finally(() => {
      this.#measuring = undefined;
    });
    return this.#measuring;
  }

  async #runWorker(): Promise<void> {
    if (this.#stopped) throw new HubError("hub_unavailable", "the hub is stopping");
    const started = performance.now();
    const at = this.#deps.now();
    this.#lastAttempt = at;
    try {
      const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
      const m = await new Promise<Measurement>((resolve, reject) => {
        const worker = new Worker(MEASURE_WORKER_SOURCE, { eval: true, workerData: { sqlite, file: this.#deps.dbFile, since: at - DAY_MS } });
        this.#worker = worker;
        const timer = setTimeout(() => {
          reject(new Error(`measuring took longer than ${MEASURE_TIMEOUT_MS / 1000} s`));
          void worker.terminate();
        }, MEASURE_TIMEOUT_MS);
        worker.once("message", (msg: Measurement | { error: string }) => {
          clearTimeout(timer);
          if ("error" in msg) reject(new Error(msg.error));
          else resolve(msg);
        });
        worker.once("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        worker.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`the measuring thread stopped (exit code ${code})`));
        });
      });
      this.#measured = { at, ms: Math.round(performance.now() - started), m };
      this.#error = null;
    } catch (err) {
      this.#error = (err as Error).message;
      this.#deps.log.warn({ err }, "measuring the database failed");
    } finally {
      this.#worker = undefined;
    }
  }

  #assemble(): DatabaseStatsView {
    const { db, dbFile, policies } = this.#deps;
    const client = db.$client;
    const pageSize = client.pragma("page_size", { simple: true }) as number;
    const pages = client.pragma("page_count", { simple: true }) as number;
    const freePages = client.pragma("freelist_count", { simple: true }) as number;
    const dbBytes = fileSize(dbFile);
    const walBytes = fileSize(`${dbFile}-wal`);
    const m = this.#measured?.m;

    const policyOf = new Map(policies.list().map((p) => [p.entity_id, p]));
    const names = new Map(this.#deps.entities().map((e) => [e.entityId, e.name]));
    const measured = new Map((m?.entities ?? []).map((e) => [e.entityId, e]));

    const historyBytes = m?.tables.find((t) => t.name === "state_history")?.bytes ?? 0;
    const totalRows = m?.entities.reduce((sum, e) => sum + e.rows, 0) ?? 0;
    const stateBytes = m?.entities.reduce((sum, e) => sum + e.rows * e.avgStateBytes, 0) ?? 0;
    // The part of a row that is not its state text: keys, time, references, b-tree overhead and slack.
    const fixedPerRow = totalRows > 0 ? Math.max(0, historyBytes - stateBytes) / totalRows : 0;

    const ids = new Set([...measured.keys(), ...policyOf.keys(), ...names.keys()]);
    const entities: DatabaseEntityView[] = [];
    let rows24h = 0;
    let bytesPerDay = 0;
    let projected = 0;
    let oldest: number | null = null;
    let newest: number | null = null;
    for (const entityId of ids) {
      const e = measured.get(entityId);
      const perRow = fixedPerRow + (e?.avgStateBytes ?? 0);
      const keepDays = policies.keepDays(entityId);
      const view: DatabaseEntityView = {
        entity_id: entityId,
        name: names.get(entityId) ?? null,
        rows: e?.rows ?? 0,
        rows_24h: e?.rows24h ?? 0,
        bytes: Math.round((e?.rows ?? 0) * perRow),
        oldest: e?.oldest ?? null,
        newest: e?.newest ?? null,
        keep_days: keepDays,
        policy: policyOf.get(entityId) ?? null,
      };
      entities.push(view);
      rows24h += view.rows_24h;
      bytesPerDay += view.rows_24h * perRow;
      if (!policies.isExcluded(entityId)) projected += view.rows_24h * perRow * keepDays;
      if (view.oldest !== null && (oldest === null || view.oldest < oldest)) oldest = view.oldest;
      if (view.newest !== null && (newest === null || view.newest > newest)) newest = view.newest;
    }
    entities.sort((a, b) => b.bytes - a.bytes || b.rows - a.rows || a.entity_id.localeCompare(b.entity_id));
    const top = (key: "rows" | "rows_24h") =>
      entities
        .filter((e) => e[key] > 0)
        .sort((a, b) => b[key] - a[key] || a.entity_id.localeCompare(b.entity_id))
        .slice(0, TOP_WRITERS)
        .map((e) => e.entity_id);

    return {
      measured_at: this.#measured?.at ?? null,
      measure_ms: this.#measured?.ms ?? null,
      measure_error: this.#error,
      file: {
        path: dbFile,
        db_bytes: dbBytes,
        wal_bytes: walBytes,
        total_bytes: dbBytes + walBytes,
        page_size: pageSize,
        pages,
        free_pages: freePages,
        free_bytes: freePages * pageSize,
      },
      tables: [...(m?.tables ?? [])].sort((a, b) => b.bytes + b.index_bytes - (a.bytes + a.index_bytes) || a.name.localeCompare(b.name)),
      history: {
        rows: totalRows,
        rows_24h: rows24h,
        entities: measured.size,
        oldest,
        newest,
        bytes_per_row: Math.round(totalRows > 0 ? historyBytes / totalRows : 0),
        bytes_per_day: Math.round(bytesPerDay),
        projected_bytes: Math.round(projected),
      },
      entities,
      top_writers: { last_24h: top("rows_24h"), overall: top("rows") },
      recorder: this.#deps.recorder(),
      retention: this.#deps.retention(),
    };
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
