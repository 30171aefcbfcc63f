import type Database from "better-sqlite3";
import type { HubDatabase } from "../open-database";

/** One statistic's metadata (schema/statistics.ts statistics_meta). */
export interface StatisticMetaRow {
  id: number;
  statisticId: string;
  source: string;
  unit: string | null;
  hasMean: boolean;
  hasSum: boolean;
  name: string | null;
}

export type StatisticMetaInput = Omit<StatisticMetaRow, "id" | "source">;

/** A 5-minute or hourly row; times are epoch ms. */
export interface StatisticValues {
  start: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  lastReset: number | null;
  state: number | null;
  sum: number | null;
}

/** statistics_short_term (5-minute rows) or statistics (hourly rows). */
export type StatisticsTable = "5minute" | "hour";

export interface StatisticIssueRow {
  statisticId: string;
  ts: number;
  kind: string;
  /** JSON. */
  detail: string;
}

/** Everything one compiled 5-minute period writes, in one transaction. */
export interface CompiledPeriod {
  start: number;
  metas: StatisticMetaInput[];
  shortTerm: Array<{ statisticId: string; row: StatisticValues }>;
  hourly: Array<{ statisticId: string; row: StatisticValues }>;
  issues: StatisticIssueRow[];
}

const TABLE: Record<StatisticsTable, string> = { "5minute": "statistics_short_term", hour: "statistics" };
const COLUMNS = "start_ts AS start, mean, min, max, last_reset_ts AS lastReset, state, sum";

interface MetaRaw {
  id: number;
  statisticId: string;
  source: string;
  unit: string | null;
  hasMean: number;
  hasSum: number;
  name: string | null;
}

/** A row as an array, in StatisticValues' order: the cheapest form for reading many. */
export type RowTuple = [start: number, mean: number | null, min: number | null, max: number | null, lastReset: number | null, state: number | null, sum: number | null];

const toMeta = (r: MetaRaw): StatisticMetaRow => ({ ...r, hasMean: r.hasMean === 1, hasSum: r.hasSum === 1 });

/**
 * The statistics tables' statements, prepared once. Rows are clustered by (statistic, start), so every read
 * here is one range of one statistic. A compiled period is written in one transaction together with its
 * statistics_runs row, so a crash never leaves a period half written or written twice.
 */
export class StatisticsStore {
  readonly #db: Database.Database;
  readonly #metas: Database.Statement<[], MetaRaw>;
  readonly #lastRun: Database.Statement<[], { start: number | null }>;
  readonly #firstRecorded: Database.Statement<[], { ts: number | null }>;
  readonly #lastBefore: Record<StatisticsTable, Database.Statement<[number, number], StatisticValues>>;
  readonly #sumBefore: Record<StatisticsTable, Database.Statement<[number, number], { sum: number }>>;
  readonly #range: Record<StatisticsTable, Database.Statement<[number, number, number, number], RowTuple>>;
  readonly #issues: Database.Statement<[{ id: string; since: number }], StatisticIssueRow>;
  readonly #write: (period: CompiledPeriod) => Map<string, number>;

  constructor(db: HubDatabase) {
    const client = db.$client;
    this.#db = client;
    this.#metas = client.prepare(
      "SELECT id, statistic_id AS statisticId, source, unit, has_mean AS hasMean, has_sum AS hasSum, name FROM statistics_meta ORDER BY statistic_id",
    );
    this.#lastRun = client.prepare("SELECT max(start_ts) AS start FROM statistics_runs");
    // One indexed lookup per recorded entity (state_history is clustered by entity, not by time).
    this.#firstRecorded = client.prepare(
      "SELECT min((SELECT ts FROM state_history s WHERE s.entity_ref = e.id ORDER BY s.ts LIMIT 1)) AS ts FROM recorder_entities e",
    );
    const per = <T>(make: (table: string) => T): Record<StatisticsTable, T> => ({ "5minute": make(TABLE["5minute"]), hour: make(TABLE.hour) });
    this.#lastBefore = per((t) => client.prepare(`SELECT ${COLUMNS} FROM ${t} WHERE meta_ref = ? AND start_ts < ? ORDER BY start_ts DESC LIMIT 1`));
    this.#sumBefore = per((t) => client.prepare(`SELECT sum FROM ${t} WHERE meta_ref = ? AND start_ts < ? AND sum IS NOT NULL ORDER BY start_ts DESC LIMIT 1`));
    // Arrays, made into objects here: about twice as fast as named rows for a year of hours.
    this.#range = per((t) =>
      client.prepare<[number, number, number, number], RowTuple>(`SELECT ${COLUMNS} FROM ${t} WHERE meta_ref = ? AND start_ts >= ? AND start_ts < ? ORDER BY start_ts LIMIT ?`).raw(true),
    );
    this.#issues = client.prepare(
      "SELECT m.statistic_id AS statisticId, i.ts AS ts, i.kind AS kind, i.detail AS detail FROM statistics_issues i JOIN statistics_meta m ON m.id = i.meta_ref " +
        "WHERE (@id = '' OR m.statistic_id = @id) AND i.ts >= @since ORDER BY i.ts, i.id",
    );

    const upsertMeta = client.prepare(
      "INSERT INTO statistics_meta (statistic_id, source, unit, has_mean, has_sum, name) VALUES (?, 'recorder', ?, ?, ?, ?) " +
        "ON CONFLICT (statistic_id) DO UPDATE SET has_mean = excluded.has_mean, has_sum = excluded.has_sum, name = excluded.name",
    );
    const metaId = client.prepare<[string], { id: number }>("SELECT id FROM statistics_meta WHERE statistic_id = ?");
    const insertRow = per((t) =>
      client.prepare(`INSERT OR REPLACE INTO ${t} (meta_ref, start_ts, mean, min, max, last_reset_ts, state, sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    );
    const insertIssue = client.prepare("INSERT INTO statistics_issues (meta_ref, ts, kind, detail) VALUES (?, ?, ?, ?)");
    const insertRun = client.prepare("INSERT OR IGNORE INTO statistics_runs (start_ts) VALUES (?)");
    this.#write = client.transaction((period: CompiledPeriod) => {
      const refs = new Map<string, number>();
      for (const m of period.metas) {
        upsertMeta.run(m.statisticId, m.unit, m.hasMean ? 1 : 0, m.hasSum ? 1 : 0, m.name);
        refs.set(m.statisticId, metaId.get(m.statisticId)!.id);
      }
      const ref = (statisticId: string) => {
        let id = refs.get(statisticId);
        if (id === undefined) {
          id = metaId.get(statisticId)?.id;
          if (id === undefined) throw new Error(`no statistics_meta row for ${statisticId}`);
          refs.set(statisticId, id);
        }
        return id;
      };
      const put = (table: StatisticsTable, statisticId: string, r: StatisticValues) =>
        insertRow[table].run(ref(statisticId), r.start, r.mean, r.min, r.max, r.lastReset, r.state, r.sum);
      for (const { statisticId, row } of period.shortTerm) put("5minute", statisticId, row);
      for (const { statisticId, row } of period.hourly) put("hour", statisticId, row);
      for (const i of period.issues) insertIssue.run(ref(i.statisticId), i.ts, i.kind, i.detail);
      insertRun.run(period.start);
      return refs;
    });
  }

  /** Every statistic's metadata, by statistic id. */
  metas(): StatisticMetaRow[] {
    return this.#metas.all().map(toMeta);
  }

  /** The start of the newest compiled 5-minute period, if any. */
  lastRun(): number | undefined {
    return this.#lastRun.get()?.start ?? undefined;
  }

  /** The time of the oldest recorded state, if any. */
  firstRecorded(): number | undefined {
    return this.#firstRecorded.get()?.ts ?? undefined;
  }

  /** The last row before `ts`. */
  lastRowBefore(table: StatisticsTable, metaRef: number, ts: number): StatisticValues | undefined {
    return this.#lastBefore[table].get(metaRef, ts);
  }

  /** The last non-null sum before `ts` (HA's baseline for `change`). */
  sumBefore(table: StatisticsTable, metaRef: number, ts: number): number | undefined {
    return this.#sumBefore[table].get(metaRef, ts)?.sum;
  }

  /** Rows in [start, end), oldest first, at most `limit`. */
  rows(table: StatisticsTable, metaRef: number, start: number, end: number, limit: number): StatisticValues[] {
    return this.#range[table].all(metaRef, start, end, limit).map((r) => ({ start: r[0], mean: r[1], min: r[2], max: r[3], lastReset: r[4], state: r[5], sum: r[6] }));
  }

  /** Rows in [start, end) as arrays, oldest first, at most `limit`. */
  rowTuples(table: StatisticsTable, metaRef: number, start: number, end: number, limit: number): RowTuple[] {
    return this.#range[table].all(metaRef, start, end, limit);
  }

  /** Writes a compiled period and marks it compiled, in one transaction; answers the metadata keys used. */
  writePeriod(period: CompiledPeriod): Map<string, number> {
    return this.#write(period);
  }

  /** Recorded issues (resets, spikes) since `since`, of one statistic or ("") all. */
  issues(statisticId: string, since = 0): StatisticIssueRow[] {
    return this.#issues.all({ id: statisticId, since });
  }

  /** How many 5-minute periods are marked compiled in [start, end). */
  runsBetween(start: number, end: number): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM statistics_runs WHERE start_ts >= ? AND start_ts < ?").get(start, end) as { n: number }).n;
  }
}

/** A recorded state as the compiler reads it: [time, state, attribute-set key]. */
export type SourceStateTuple = [ts: number, state: string, attributesRef: number | null];

/**
 * The compiler's reads of recorded states, as arrays and without the attribute text (fetched once per set by
 * key): a period of one sensor is a handful of rows, read for every sensor every 5 minutes.
 */
export class StatisticsSourceQueries {
  readonly #entities: Database.Statement<[], { id: number; entityId: string }>;
  readonly #before: Database.Statement<[number, number], SourceStateTuple>;
  readonly #range: Database.Statement<[number, number, number], SourceStateTuple>;
  readonly #attributes: Database.Statement<[number], string>;

  constructor(db: HubDatabase) {
    const client = db.$client;
    this.#entities = client.prepare("SELECT id, entity_id AS entityId FROM recorder_entities");
    this.#before = client.prepare<[number, number], SourceStateTuple>("SELECT ts, state, attributes_ref FROM state_history WHERE entity_ref = ? AND ts < ? ORDER BY ts DESC, seq DESC LIMIT 1").raw(true);
    this.#range = client.prepare<[number, number, number], SourceStateTuple>("SELECT ts, state, attributes_ref FROM state_history WHERE entity_ref = ? AND ts >= ? AND ts < ? ORDER BY ts, seq").raw(true);
    this.#attributes = client.prepare<[number], string>("SELECT attributes FROM state_attributes WHERE id = ?").pluck(true);
  }

  /** Every recorded entity id and its key. */
  entityRefs(): Map<string, number> {
    return new Map(this.#entities.all().map((r) => [r.entityId, r.id]));
  }

  /** The last state before `ts`. */
  stateBefore(entityRef: number, ts: number): SourceStateTuple | undefined {
    return this.#before.get(entityRef, ts);
  }

  /** States in [start, end), oldest first. */
  states(entityRef: number, start: number, end: number): SourceStateTuple[] {
    return this.#range.all(entityRef, start, end);
  }

  /** The JSON text of an attribute set. */
  attributes(ref: number): string | undefined {
    return this.#attributes.get(ref);
  }
}

export interface ExportStateRow {
  ts: number;
  seq: number;
  state: string;
  changedTs: number;
  attributes: string | null;
}

/** Raw history for the CSV export: counted first, then read in pages by (time, sequence) so no read stays open. */
export class HistoryExportQueries {
  readonly #count: Database.Statement<[number, number, number], { n: number }>;
  readonly #page: Database.Statement<[{ ref: number; afterTs: number; afterSeq: number; end: number; limit: number }], ExportStateRow>;

  constructor(db: HubDatabase) {
    const client = db.$client;
    this.#count = client.prepare("SELECT count(*) AS n FROM state_history WHERE entity_ref = ? AND ts >= ? AND ts < ?");
    this.#page = client.prepare(
      "SELECT s.ts AS ts, s.seq AS seq, s.state AS state, coalesce(s.changed_ts, s.ts) AS changedTs, a.attributes AS attributes " +
        "FROM state_history s LEFT JOIN state_attributes a ON a.id = s.attributes_ref " +
        "WHERE s.entity_ref = @ref AND s.ts >= @afterTs AND s.ts < @end AND (s.ts > @afterTs OR s.seq > @afterSeq) ORDER BY s.ts, s.seq LIMIT @limit",
    );
  }

  count(entityRef: number, start: number, end: number): number {
    return this.#count.get(entityRef, start, end)?.n ?? 0;
  }

  /** The next `limit` rows after (afterTs, afterSeq) and before `end`; start a range with (start, -1). */
  page(entityRef: number, afterTs: number, afterSeq: number, end: number, limit: number): ExportStateRow[] {
    return this.#page.all({ ref: entityRef, afterTs, afterSeq, end, limit });
  }
}
