import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Automations as the person wrote them: `source` is the YAML (comments and all) or JSON text of the rule in
 * Home Assistant's format, exactly as saved; the engine parses it at load. `revision` counts saves.
 */
export const automations = sqliteTable("automations", {
  id: text("id").primaryKey(),
  source: text("source").notNull(),
  format: text("format", { enum: ["yaml", "json"] }).notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  revision: integer("revision").notNull(),
  position: integer("position").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  lastTriggeredAt: integer("last_triggered_at"),
  lastOutcome: text("last_outcome"),
});

/** Every save of every automation: what it said, when and by whom; a restore is a new save of an old source. */
export const automationRevisions = sqliteTable(
  "automation_revisions",
  {
    automationId: text("automation_id").notNull(),
    revision: integer("revision").notNull(),
    source: text("source").notNull(),
    format: text("format", { enum: ["yaml", "json"] }).notNull(),
    savedAt: integer("saved_at").notNull(),
    savedBy: text("saved_by"),
    /** "create", "update", "restore", "delete" (the source then is the last one before it went). */
    action: text("action").notNull(),
  },
  (t) => [primaryKey({ columns: [t.automationId, t.revision] })],
);

/**
 * Runs and near misses, each with its whole trace as JSON. Kept per automation and outcome (the last N of
 * each), so a run of near misses never pushes out the last failure.
 */
export const automationTraces = sqliteTable(
  "automation_traces",
  {
    runId: text("run_id").primaryKey(),
    automationId: text("automation_id").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    /** "running", "success", "failure", "near_miss", "stopped", "aborted". */
    outcome: text("outcome").notNull(),
    trace: text("trace").notNull(),
  },
  (t) => [index("automation_traces_by_outcome").on(t.automationId, t.outcome, t.startedAt)],
);

/**
 * What must survive a restart: a run waiting in a delay or a wait (where it is in its actions, its variables),
 * a trigger's `for:` hold under way, a queued run. `due_at` is when it wakes (null: only on an event).
 */
export const automationPending = sqliteTable(
  "automation_pending",
  {
    id: text("id").primaryKey(),
    automationId: text("automation_id").notNull(),
    kind: text("kind", { enum: ["run", "hold"] }).notNull(),
    dueAt: integer("due_at"),
    state: text("state").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("automation_pending_by_automation").on(t.automationId)],
);
