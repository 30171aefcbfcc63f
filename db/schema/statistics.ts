import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Long-term statistics, as Home Assistant keeps them: one metadata row per statistic (a sensor's entity id),
 * 5-minute rows (kept as long as raw history) and hourly rows (kept for ever), clustered by (statistic, start)
 * (WITHOUT ROWID, see the migration). Means are time-weighted; meters carry their state and running sum.
 */
export const statisticsMeta = sqliteTable("statistics_meta", {
  id: integer("id").primaryKey(),
  statisticId: text("statistic_id").notNull().unique(),
  source: text("source").notNull().default("recorder"),
  unit: text("unit"),
  hasMean: integer("has_mean", { mode: "boolean" }).notNull(),
  hasSum: integer("has_sum", { mode: "boolean" }).notNull(),
  name: text("name"),
});

const statisticColumns = {
  metaRef: integer("meta_ref").notNull(),
  /** Start of the period, epoch ms. */
  startTs: integer("start_ts").notNull(),
  mean: real("mean"),
  min: real("min"),
  max: real("max"),
  lastResetTs: integer("last_reset_ts"),
  state: real("state"),
  sum: real("sum"),
};

export const statisticsShortTerm = sqliteTable("statistics_short_term", statisticColumns, (t) => [primaryKey({ columns: [t.metaRef, t.startTs] })]);

export const statisticsHourly = sqliteTable("statistics", statisticColumns, (t) => [primaryKey({ columns: [t.metaRef, t.startTs] })]);

/** The 5-minute periods already compiled (HA: statistics_runs), so a restart resumes where it stopped. */
export const statisticsRuns = sqliteTable("statistics_runs", {
  startTs: integer("start_ts").primaryKey(),
});

/** What compiling noticed and left out: counter resets taken as such, absurd spikes not added to a sum. */
export const statisticsIssues = sqliteTable("statistics_issues", {
  id: integer("id").primaryKey(),
  metaRef: integer("meta_ref").notNull(),
  ts: integer("ts").notNull(),
  kind: text("kind").notNull(),
  /** JSON: the values involved. */
  detail: text("detail").notNull(),
});

/**
 * Per-entity recording policies beyond Home Assistant's include/exclude: keep raw history longer or shorter
 * than HEARTH_HISTORY_KEEP_DAYS, record only changes larger than a minimum, or at most one change per
 * debounce interval. No row means the defaults (record everything, keep the default days).
 */
export const recorderPolicies = sqliteTable("recorder_policies", {
  entityId: text("entity_id").primaryKey(),
  exclude: integer("exclude", { mode: "boolean" }).notNull().default(false),
  keepDays: integer("keep_days"),
  minChange: real("min_change"),
  debounceMs: integer("debounce_ms"),
  updatedAt: integer("updated_at").notNull(),
});
