import type Database from "better-sqlite3";
import type { HubDatabase } from "../open-database";

/** A position in state_history's clustered key within one entity: (ts, seq). */
export type StateKey = [ts: number, seq: number];
/** A position in state_history's whole clustered key: (entity_ref, ts, seq). */
export type StateRowKey = [entityRef: number, ts: number, seq: number];

/** Past every real key: "up to the end". */
export const END_OF_ENTITY: StateKey = [Number.MAX_SAFE_INTEGER, 0];

/**
 * Retention's statements (server/history/retention.ts), prepared once. Every delete is bounded: a chunk ends at
 * the key of the (n+1)-th row, found by walking the clustered key, so one transaction touches at most n rows.
 */
export class RetentionQueries {
  readonly #db: Database.Database;
  readonly #entities: Database.Statement<[], { id: number; entityId: string }>;
  readonly #lastBefore: Database.Statement<[number, number], StateKey>;
  readonly #stateBoundary: Database.Statement<[number, number, number, number], StateKey>;
  readonly #deleteStates: Database.Statement<[number, number, number]>;
  readonly #deleteEvents: Database.Statement<[number, number]>;
  readonly #metas: Database.Statement<[], number>;
  readonly #shortTermBoundary: Database.Statement<[number, number, number], number>;
  readonly #deleteShortTerm: Database.Statement<[number, number]>;
  readonly #scanBoundary: Database.Statement<[number, number, number, number], StateRowKey>;
  readonly #scanKeys: Database.Statement<[number, number, number, number, number, number], [number | null, number | null]>;
  readonly #eventContexts: Database.Statement<[number, number], number>;
  readonly #maxEventId: Database.Statement<[], number>;
  readonly #attributeIds: Database.Statement<[number, number, number], number>;
  readonly #contextIds: Database.Statement<[number, number, number], number>;
  readonly #deleteAttribute: Database.Statement<[number]>;
  readonly #deleteContext: Database.Statement<[number]>;
  readonly #deleteStatesTx: (entityRef: number, until: StateKey) => number;
  readonly #deleteIdsTx: (statement: Database.Statement<[number]>, ids: readonly number[]) => number;

  constructor(db: HubDatabase) {
    const c = db.$client;
    this.#db = c;
    this.#entities = c.prepare("SELECT id, entity_id AS entityId FROM recorder_entities ORDER BY id");
    this.#lastBefore = c.prepare("SELECT ts, seq FROM state_history WHERE entity_ref = ? AND ts < ? ORDER BY ts DESC, seq DESC LIMIT 1").raw() as never;
    this.#stateBoundary = c.prepare("SELECT ts, seq FROM state_history WHERE entity_ref = ? AND (ts, seq) < (?, ?) ORDER BY ts, seq LIMIT 1 OFFSET ?").raw() as never;
    this.#deleteStates = c.prepare("DELETE FROM state_history WHERE entity_ref = ? AND (ts, seq) < (?, ?)");
    this.#deleteEvents = c.prepare("DELETE FROM recorder_events WHERE id IN (SELECT id FROM recorder_events WHERE ts < ? ORDER BY ts LIMIT ?)");
    this.#metas = c.prepare("SELECT id FROM statistics_meta ORDER BY id").pluck() as never;
    this.#shortTermBoundary = c.prepare("SELECT start_ts FROM statistics_short_term WHERE meta_ref = ? AND start_ts < ? ORDER BY start_ts LIMIT 1 OFFSET ?").pluck() as never;
    this.#deleteShortTerm = c.prepare("DELETE FROM statistics_short_term WHERE meta_ref = ? AND start_ts < ?");
    this.#scanBoundary = c
      .prepare("SELECT entity_ref, ts, seq FROM state_history WHERE (entity_ref, ts, seq) > (?, ?, ?) ORDER BY entity_ref, ts, seq LIMIT 1 OFFSET ?")
      .raw() as never;
    this.#scanKeys = c
      .prepare("SELECT DISTINCT attributes_ref, context_ref FROM state_history WHERE (entity_ref, ts, seq) > (?, ?, ?) AND (entity_ref, ts, seq) <= (?, ?, ?)")
      .raw() as never;
    this.#eventContexts = c.prepare("SELECT DISTINCT context_ref FROM recorder_events WHERE id > ? AND id <= ? AND context_ref IS NOT NULL").pluck() as never;
    this.#maxEventId = c.prepare("SELECT coalesce(max(id), 0) FROM recorder_events").pluck() as never;
    this.#attributeIds = c.prepare("SELECT id FROM state_attributes WHERE id > ? AND id <= ? ORDER BY id LIMIT ?").pluck() as never;
    this.#contextIds = c.prepare("SELECT id FROM recorder_contexts WHERE id > ? AND id <= ? ORDER BY id LIMIT ?").pluck() as never;
    this.#deleteAttribute = c.prepare("DELETE FROM state_attributes WHERE id = ?");
    this.#deleteContext = c.prepare("DELETE FROM recorder_contexts WHERE id = ?");
    this.#deleteStatesTx = c.transaction((entityRef: number, until: StateKey) => this.#deleteStates.run(entityRef, until[0], until[1]).changes);
    this.#deleteIdsTx = c.transaction((statement: Database.Statement<[number]>, ids: readonly number[]) => {
      let n = 0;
      for (const id of ids) n += statement.run(id).changes;
      return n;
    });
  }

  /** Every entity the recorder has a key for. */
  entities(): Array<{ id: number; entityId: string }> {
    return this.#entities.all();
  }

  /** The entity's last change before `ts`: the state it was in at that moment. */
  lastBefore(entityRef: number, ts: number): StateKey | undefined {
    return this.#lastBefore.get(entityRef, ts);
  }

  /**
   * Deletes at most `chunk` of the entity's oldest rows before `until` (exclusive), in one transaction. Answers
   * how many went and whether rows before `until` are left.
   */
  deleteStatesChunk(entityRef: number, until: StateKey, chunk: number): { removed: number; more: boolean } {
    const boundary = this.#stateBoundary.get(entityRef, until[0], until[1], chunk);
    return { removed: this.#deleteStatesTx(entityRef, boundary ?? until), more: boundary !== undefined };
  }

  /** Deletes at most `chunk` of the oldest events before `ts`. */
  deleteEventsChunk(ts: number, chunk: number): number {
    return this.#deleteEvents.run(ts, chunk).changes;
  }

  statisticIds(): number[] {
    return this.#metas.all();
  }

  /** Deletes at most `chunk` of one statistic's oldest 5-minute rows before `ts`. */
  deleteShortTermChunk(metaRef: number, ts: number, chunk: number): { removed: number; more: boolean } {
    const boundary = this.#shortTermBoundary.get(metaRef, ts, chunk);
    return { removed: this.#deleteShortTerm.run(metaRef, boundary ?? ts).changes, more: boundary !== undefined };
  }

  /**
   * The attribute and context keys used by the next `chunk` state rows after `after` (whole-table key order),
   * and the key to continue from; undefined `next` when the table is done.
   */
  stateKeysChunk(after: StateRowKey, chunk: number, attributes: Set<number>, contexts: Set<number>): StateRowKey | undefined {
    const last = this.#scanBoundary.get(after[0], after[1], after[2], chunk - 1);
    const until = last ?? [Number.MAX_SAFE_INTEGER, 0, 0];
    for (const [a, c] of this.#scanKeys.all(after[0], after[1], after[2], until[0], until[1], until[2])) {
      if (a !== null) attributes.add(a);
      if (c !== null) contexts.add(c);
    }
    return last;
  }

  /** Adds the context keys of events with ids in (after, after + span]. */
  eventContexts(after: number, span: number, contexts: Set<number>): void {
    for (const c of this.#eventContexts.all(after, after + span)) contexts.add(c);
  }

  maxEventId(): number {
    return this.#maxEventId.get() ?? 0;
  }

  /** Up to `limit` attribute-set ids in (after, max]. */
  attributeIds(after: number, max: number, limit: number): number[] {
    return this.#attributeIds.all(after, max, limit);
  }

  contextIds(after: number, max: number, limit: number): number[] {
    return this.#contextIds.all(after, max, limit);
  }

  deleteAttributes(ids: readonly number[]): number {
    return ids.length === 0 ? 0 : this.#deleteIdsTx(this.#deleteAttribute, ids);
  }

  deleteContexts(ids: readonly number[]): number {
    return ids.length === 0 ? 0 : this.#deleteIdsTx(this.#deleteContext, ids);
  }

  maxKeys(): { attributes: number; contexts: number } {
    const max = (table: string) => this.#db.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get() as number;
    return { attributes: max("state_attributes"), contexts: max("recorder_contexts") };
  }

  /** Free pages in the file (left by deletes, given back by `vacuumStep`). */
  freePages(): number {
    return this.#db.pragma("freelist_count", { simple: true }) as number;
  }

  pageCount(): number {
    return this.#db.pragma("page_count", { simple: true }) as number;
  }

  pageSize(): number {
    return this.#db.pragma("page_size", { simple: true }) as number;
  }

  /** SQLite's automatic WAL checkpoint threshold in pages: read, or set and read. */
  walAutocheckpoint(pages?: number): number {
    if (pages !== undefined) this.#db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(pages))}`);
    return this.#db.pragma("wal_autocheckpoint", { simple: true }) as number;
  }

  /** Gives up to `pages` free pages back to the file system (auto_vacuum = INCREMENTAL, set by openDatabase). */
  vacuumStep(pages: number): void {
    this.#db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  }
}
