import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The recorder's tables (server/history). Like Home Assistant's current schema, entity ids, attribute sets
 * and contexts are stored once and referred to by integer keys, and times are epoch milliseconds. Unlike
 * it, a state row is clustered by (entity, time) (WITHOUT ROWID, see the migration): one entity's history
 * is one contiguous range of the table, with no separate index to keep.
 */

/** Entity ids the recorder has seen (HA: states_meta). */
export const recorderEntities = sqliteTable("recorder_entities", {
  id: integer("id").primaryKey(),
  entityId: text("entity_id").notNull().unique(),
});

/** Distinct attribute sets as JSON, found again by a 32-bit hash of the text (HA: state_attributes). */
export const stateAttributes = sqliteTable(
  "state_attributes",
  {
    id: integer("id").primaryKey(),
    hash: integer("hash").notNull(),
    attributes: text("attributes").notNull(),
  },
  (t) => [index("state_attributes_hash").on(t.hash)],
);

/**
 * Contexts worth keeping: those of a person or an automation (a user id or a parent). A state row made by
 * the device itself has no context row, which is most of them.
 */
export const recorderContexts = sqliteTable("recorder_contexts", {
  id: integer("id").primaryKey(),
  contextId: text("context_id").notNull().unique(),
  userId: text("user_id"),
  parentId: text("parent_id"),
});

/**
 * One row per recorded state change. `seq` tells apart changes of one entity within the same millisecond
 * (0 almost always, which SQLite stores in no bytes). `changedTs` is null when the state itself changed at
 * `ts`, and holds the earlier last_changed when only attributes changed.
 */
export const stateHistory = sqliteTable(
  "state_history",
  {
    entityRef: integer("entity_ref").notNull(),
    ts: integer("ts").notNull(),
    seq: integer("seq").notNull().default(0),
    state: text("state").notNull(),
    attributesRef: integer("attributes_ref"),
    changedTs: integer("changed_ts"),
    contextRef: integer("context_ref"),
  },
  (t) => [primaryKey({ columns: [t.entityRef, t.ts, t.seq] })],
);

/** Events: service calls, device triggers, devices joining and leaving, automation runs. */
export const recorderEvents = sqliteTable(
  "recorder_events",
  {
    id: integer("id").primaryKey(),
    ts: integer("ts").notNull(),
    eventType: text("event_type").notNull(),
    /** JSON. */
    data: text("data").notNull(),
    contextRef: integer("context_ref"),
  },
  (t) => [index("recorder_events_ts").on(t.ts)],
);
