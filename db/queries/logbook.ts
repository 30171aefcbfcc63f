import type Database from "better-sqlite3";
import type { HubDatabase } from "../open-database";

/** A state change worth a logbook line: the state differs from the last known one before it. */
export interface LogbookStateRow {
  entityRef: number;
  ts: number;
  seq: number;
  state: string;
  /** The state before was "unavailable": the entity came back. */
  cameBack: boolean;
  attributesRef: number | null;
  contextRef: number | null;
}

export interface LogbookEventRow {
  id: number;
  ts: number;
  eventType: string;
  data: string;
  contextRef: number | null;
}

export interface ContextRow {
  id: number;
  contextId: string;
  userId: string | null;
  parentId: string | null;
}

/** A window of time and which way to read it: newest first (desc) or oldest first (asc). */
export interface LogbookWindow {
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
  desc: boolean;
  limit: number;
}

/** Which events a window query returns: all of them (both null), or those naming one of these devices or entities. */
export interface EventFilter {
  deviceIds: readonly string[] | null;
  entityIds: readonly string[] | null;
}

// How a change relates to the state before it, one step back along the entity's clustered range (entity_ref,
// ts, seq), skipping "unknown" (so a restart's unknown → same value is no change): 0 the same state, 1 a change,
// 2 going unavailable, 3 coming back from unavailable; NULL for the first state ever. One subquery gives the
// verdict, so SQLite evaluates it once per row (a column used several times would be evaluated each time).
const VERDICT =
  "(SELECT CASE WHEN p.state = s.state THEN 0 WHEN p.state = 'unavailable' THEN 3 WHEN s.state = 'unavailable' THEN 2 ELSE 1 END " +
  "FROM state_history p WHERE p.entity_ref = s.entity_ref AND (p.ts, p.seq) < (s.ts, s.seq) AND p.state <> 'unknown' ORDER BY p.ts DESC, p.seq DESC LIMIT 1)";

// Going unavailable, or coming back, before the entity ever had a value is its start, not news: an entity with
// availability starts "unavailable" until its first value.
const HAD_VALUE =
  "EXISTS (SELECT 1 FROM state_history v WHERE v.entity_ref = c.entityRef AND (v.ts, v.seq) < (c.ts, c.seq) AND v.state NOT IN ('unknown', 'unavailable'))";

function stateWindowSql(desc: boolean): string {
  const dir = desc ? "DESC" : "ASC";
  return (
    "SELECT entityRef, ts, seq, state, verdict = 3 AS cameBack, attributesRef, contextRef FROM (" +
    `SELECT s.entity_ref AS entityRef, s.ts AS ts, s.seq AS seq, s.state AS state, s.attributes_ref AS attributesRef, s.context_ref AS contextRef, ${VERDICT} AS verdict ` +
    "FROM state_history s WHERE s.entity_ref IN (SELECT value FROM json_each(@refs)) AND s.ts >= @from AND s.ts < @to " +
    "AND s.changed_ts IS NULL AND s.state <> 'unknown'" +
    `) c WHERE CASE verdict WHEN 1 THEN 1 WHEN 2 THEN ${HAD_VALUE} WHEN 3 THEN ${HAD_VALUE} ELSE 0 END ` +
    `ORDER BY ts ${dir}, entityRef ${dir}, seq ${dir} LIMIT @limit`
  );
}

function eventWindowSql(desc: boolean): string {
  const dir = desc ? "DESC" : "ASC";
  return (
    "SELECT id, ts, event_type AS eventType, data, context_ref AS contextRef FROM recorder_events " +
    "WHERE ts >= @from AND ts < @to AND event_type IN (SELECT value FROM json_each(@types)) " +
    "AND ((@devices IS NULL AND @entities IS NULL) " +
    "OR json_extract(data, '$.device_id') IN (SELECT value FROM json_each(@devices)) " +
    "OR json_extract(data, '$.entity_id') IN (SELECT value FROM json_each(@entities))) " +
    `ORDER BY ts ${dir}, id ${dir} LIMIT @limit`
  );
}

type Bindings = Record<string, number | string | null>;

/**
 * The logbook's reads of the recorder's tables (db/schema/history.ts), prepared once. State changes come
 * from per-entity range scans of the clustered state table (entity ids passed as one JSON array, so one
 * statement serves any number of entities); events from the time index.
 */
export class LogbookQueries {
  readonly #states: { desc: Database.Statement<[Bindings], LogbookStateRow>; asc: Database.Statement<[Bindings], LogbookStateRow> };
  readonly #events: { desc: Database.Statement<[Bindings], LogbookEventRow>; asc: Database.Statement<[Bindings], LogbookEventRow> };
  readonly #entities: Database.Statement<[number], { id: number; entityId: string }>;
  readonly #attributes: Database.Statement<[number], { attributes: string }>;
  readonly #lastAttributes: Database.Statement<[number], { attributes: string }>;
  readonly #context: Database.Statement<[number], ContextRow>;
  readonly #contextById: Database.Statement<[string], ContextRow>;
  readonly #contextEvents: Database.Statement<[number, number, number], { eventType: string; data: string; ts: number; id: number }>;

  constructor(db: HubDatabase) {
    const c = db.$client;
    this.#states = { desc: c.prepare(stateWindowSql(true)), asc: c.prepare(stateWindowSql(false)) };
    this.#events = { desc: c.prepare(eventWindowSql(true)), asc: c.prepare(eventWindowSql(false)) };
    this.#entities = c.prepare("SELECT id, entity_id AS entityId FROM recorder_entities WHERE id > ? ORDER BY id");
    this.#attributes = c.prepare("SELECT attributes FROM state_attributes WHERE id = ?");
    this.#lastAttributes = c.prepare(
      "SELECT a.attributes AS attributes FROM state_history s JOIN state_attributes a ON a.id = s.attributes_ref WHERE s.entity_ref = ? ORDER BY s.ts DESC, s.seq DESC LIMIT 1",
    );
    const context = "SELECT id, context_id AS contextId, user_id AS userId, parent_id AS parentId FROM recorder_contexts";
    this.#context = c.prepare(`${context} WHERE id = ?`);
    this.#contextById = c.prepare(`${context} WHERE context_id = ?`);
    this.#contextEvents = c.prepare(
      "SELECT event_type AS eventType, data, ts, id FROM recorder_events WHERE ts >= ? AND ts <= ? AND context_ref = ? ORDER BY ts, id LIMIT 8",
    );
  }

  /** The entities the recorder knows with a key above `afterId` (keys only grow), oldest first. */
  entities(afterId = 0): Array<{ id: number; entityId: string }> {
    return this.#entities.all(afterId);
  }

  /** State changes of these entities in the window, in the window's order, at most `limit`. */
  states(entityRefs: readonly number[], w: LogbookWindow): LogbookStateRow[] {
    if (entityRefs.length === 0) return [];
    const rows = (w.desc ? this.#states.desc : this.#states.asc).all({ refs: JSON.stringify(entityRefs), from: w.from, to: w.to, limit: w.limit });
    for (const r of rows) r.cameBack = Boolean(r.cameBack);
    return rows;
  }

  /** Events of these types in the window, in the window's order, at most `limit`. */
  events(types: readonly string[], filter: EventFilter, w: LogbookWindow): LogbookEventRow[] {
    return (w.desc ? this.#events.desc : this.#events.asc).all({
      types: JSON.stringify(types),
      devices: filter.deviceIds ? JSON.stringify(filter.deviceIds) : null,
      entities: filter.entityIds ? JSON.stringify(filter.entityIds) : null,
      from: w.from,
      to: w.to,
      limit: w.limit,
    });
  }

  /** A stored attribute set's JSON text. */
  attributes(attributesRef: number): string | undefined {
    return this.#attributes.get(attributesRef)?.attributes;
  }

  /** The attributes of an entity's last recorded state (for entities the hub no longer has). */
  lastAttributes(entityRef: number): string | undefined {
    return this.#lastAttributes.get(entityRef)?.attributes;
  }

  context(contextRef: number): ContextRow | undefined {
    return this.#context.get(contextRef);
  }

  contextById(contextId: string): ContextRow | undefined {
    return this.#contextById.get(contextId);
  }

  /** The events recorded in a context within [from, to] (a bounded scan of the time index), oldest first. */
  contextEvents(contextRef: number, from: number, to: number): Array<{ eventType: string; data: string; ts: number; id: number }> {
    return this.#contextEvents.all(from, to, contextRef);
  }
}
