import type Database from "better-sqlite3";
import type { HubDatabase } from "../open-database";

/** State rows bound to one INSERT statement (7 parameters each). */
const ROWS_PER_INSERT = 64;

/** One state change as stored (schema/history.ts). */
export interface StateRow {
  entityRef: number;
  ts: number;
  seq: number;
  state: string;
  attributesRef: number | null;
  changedTs: number | null;
  contextRef: number | null;
}

export interface EventRow {
  ts: number;
  eventType: string;
  data: string;
  contextRef: number | null;
}

/** What one commit writes: new keys first, then the rows that refer to them. */
export interface RecorderBatch {
  entities: Array<[id: number, entityId: string]>;
  attributes: Array<[id: number, hash: number, json: string]>;
  contexts: Array<[id: number, contextId: string, userId: string | null, parentId: string | null]>;
  states: StateRow[];
  events: EventRow[];
}

/**
 * The recorder's statements, prepared once. Writes happen only through `write`, one transaction per call;
 * rows that would repeat a stored key (a state of the same entity, millisecond and sequence, which only a
 * clock running backwards across a restart can produce) are skipped rather than failing the batch.
 */
export class RecorderStore {
  readonly #db: Database.Database;
  readonly #write: (batch: RecorderBatch) => number;
  readonly #findAttributes: Database.Statement<[number], { id: number; attributes: string }>;
  readonly #findContext: Database.Statement<[string], { id: number }>;

  constructor(db: HubDatabase) {
    const client = db.$client;
    this.#db = client;
    const insertEntity = client.prepare("INSERT OR IGNORE INTO recorder_entities (id, entity_id) VALUES (?, ?)");
    const insertAttributes = client.prepare("INSERT OR IGNORE INTO state_attributes (id, hash, attributes) VALUES (?, ?, ?)");
    const insertContext = client.prepare("INSERT OR IGNORE INTO recorder_contexts (id, context_id, user_id, parent_id) VALUES (?, ?, ?, ?)");
    const insertStates = "INSERT OR IGNORE INTO state_history (entity_ref, ts, seq, state, attributes_ref, changed_ts, context_ref) VALUES ";
    const insertState = client.prepare(`${insertStates}(?, ?, ?, ?, ?, ?, ?)`);
    // Many rows per statement: one bind-step-reset instead of ROWS_PER_INSERT (about a third of the cost per row).
    const insertStateMany = client.prepare(insertStates + Array<string>(ROWS_PER_INSERT).fill("(?, ?, ?, ?, ?, ?, ?)").join(", "));
    const params: Array<string | number | null> = new Array<null>(ROWS_PER_INSERT * 7).fill(null);
    const insertEvent = client.prepare("INSERT INTO recorder_events (ts, event_type, data, context_ref) VALUES (?, ?, ?, ?)");
    this.#write = client.transaction((batch: RecorderBatch) => {
      for (const e of batch.entities) insertEntity.run(e[0], e[1]);
      for (const a of batch.attributes) insertAttributes.run(a[0], a[1], a[2]);
      for (const c of batch.contexts) insertContext.run(c[0], c[1], c[2], c[3]);
      let written = 0;
      const states = batch.states;
      let i = 0;
      for (; i + ROWS_PER_INSERT <= states.length; i += ROWS_PER_INSERT) {
        for (let k = 0; k < ROWS_PER_INSERT; k++) {
          const r = states[i + k]!;
          const o = k * 7;
          params[o] = r.entityRef;
          params[o + 1] = r.ts;
          params[o + 2] = r.seq;
          params[o + 3] = r.state;
          params[o + 4] = r.attributesRef;
          params[o + 5] = r.changedTs;
          params[o + 6] = r.contextRef;
        }
        written += insertStateMany.run(params).changes;
      }
      for (; i < states.length; i++) {
        const r = states[i]!;
        written += insertState.run(r.entityRef, r.ts, r.seq, r.state, r.attributesRef, r.changedTs, r.contextRef).changes;
      }
      for (const e of batch.events) insertEvent.run(e.ts, e.eventType, e.data, e.contextRef);
      return written;
    });
    this.#findAttributes = client.prepare("SELECT id, attributes FROM state_attributes WHERE hash = ?");
    this.#findContext = client.prepare("SELECT id FROM recorder_contexts WHERE context_id = ?");
  }

  /** Writes the batch in one transaction; answers how many state rows were stored. */
  write(batch: RecorderBatch): number {
    return this.#write(batch);
  }

  /** Every recorded entity id and its key. */
  entities(): Map<string, number> {
    const rows = this.#db.prepare("SELECT id, entity_id AS entityId FROM recorder_entities").all() as Array<{ id: number; entityId: string }>;
    return new Map(rows.map((r) => [r.entityId, r.id]));
  }

  /** The highest key in use per key table, so new keys can be handed out in memory. */
  maxIds(): { entities: number; attributes: number; contexts: number } {
    const max = (table: string) => (this.#db.prepare(`SELECT coalesce(max(id), 0) AS m FROM ${table}`).get() as { m: number }).m;
    return { entities: max("recorder_entities"), attributes: max("state_attributes"), contexts: max("recorder_contexts") };
  }

  /** The key of a stored context, if any. */
  findContext(contextId: string): number | undefined {
    return this.#findContext.get(contextId)?.id;
  }

  /** The stored attribute set with exactly this text, if any. */
  findAttributes(hash: number, json: string): number | undefined {
    for (const row of this.#findAttributes.iterate(hash)) if (row.attributes === json) return row.id;
    return undefined;
  }

  /** The last stored change (time and sequence) of each entity, so a restart continues their sequences. */
  lastTimes(): Map<number, { ts: number; seq: number; state: string; attributesRef: number | null }> {
    const last = this.#db.prepare("SELECT ts, seq, state, attributes_ref AS attributesRef FROM state_history WHERE entity_ref = ? ORDER BY ts DESC, seq DESC LIMIT 1");
    const out = new Map<number, { ts: number; seq: number; state: string; attributesRef: number | null }>();
    for (const { id } of this.#db.prepare("SELECT id FROM recorder_entities").all() as Array<{ id: number }>) {
      const row = last.get(id) as { ts: number; seq: number; state: string; attributesRef: number | null } | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }
}

/**
 * One stored state as the history reader takes it (server/history/history-json.ts), in ASCII: ts "," changed_ts ","
 * attributes_ref "," state as a JSON string, a missing changed_ts or attributes_ref left empty; the minimal form
 * (minimal_response after its first state) is ts "," state. json_quote escapes every control character, so the
 * record separator (0x1e) never appears inside a record.
 */
const FULL_RECORD = "ts || ',' || coalesce(changed_ts, '') || ',' || coalesce(attributes_ref, '') || ',' || json_quote(state)";
const MINIMAL_RECORD = "ts || ',' || json_quote(state)";
type RangeStatement = Database.Statement<[number, number, number, number], Buffer | null>;

/** Reads of recorded history (server/history/history-reader.ts), as record blobs. */
export class HistoryQueries {
  readonly #before: Database.Statement<[number, number], Buffer | null>;
  /** [full, minimal] x [every change, changes of state only]. */
  readonly #ranges: Record<"full" | "minimal", [RangeStatement, RangeStatement]>;
  readonly #attributes: Database.Statement<[number], string>;
  readonly #entityRef: Database.Statement<[string], { id: number }>;

  constructor(db: HubDatabase) {
    const client = db.$client;
    this.#before = client.prepare<[number, number], Buffer | null>(`SELECT CAST(${FULL_RECORD} AS BLOB) FROM state_history WHERE entity_ref = ? AND ts < ? ORDER BY ts DESC, seq DESC LIMIT 1`).pluck();
    // One blob per range: a row at a time out of better-sqlite3 costs more than everything else here together.
    const range = (record: string, where: string) =>
      client
        .prepare<[number, number, number, number], Buffer | null>(
          `SELECT CAST(group_concat(r, char(30)) AS BLOB) FROM (SELECT ${record} AS r FROM state_history WHERE entity_ref = ? AND ts >= ? AND ts < ?${where} ORDER BY ts, seq LIMIT ?)`,
        )
        .pluck();
    const changesOnly = " AND changed_ts IS NULL";
    this.#ranges = {
      full: [range(FULL_RECORD, ""), range(FULL_RECORD, changesOnly)],
      minimal: [range(MINIMAL_RECORD, ""), range(MINIMAL_RECORD, changesOnly)],
    };
    this.#attributes = client.prepare<[number], string>("SELECT attributes FROM state_attributes WHERE id = ?").pluck();
    this.#entityRef = client.prepare("SELECT id FROM recorder_entities WHERE entity_id = ?");
  }

  entityRef(entityId: string): number | undefined {
    return this.#entityRef.get(entityId)?.id;
  }

  /** The last change before `ts` (the state an entity was in at that moment), as one full record. */
  stateBefore(entityRef: number, ts: number): Buffer | undefined {
    return this.#before.get(entityRef, ts) ?? undefined;
  }

  /**
   * At most `limit` changes in [start, end), oldest first, as records joined by 0x1e (`form`: full or minimal);
   * `changesOnly` leaves out attribute-only changes.
   */
  changes(entityRef: number, start: number, end: number, o: { changesOnly: boolean; form: "full" | "minimal"; limit: number }): Buffer | undefined {
    return this.#ranges[o.form][o.changesOnly ? 1 : 0].get(entityRef, start, end, o.limit) ?? undefined;
  }

  /** A stored attribute set's JSON text. */
  attributes(ref: number): string | undefined {
    return this.#attributes.get(ref);
  }
}
