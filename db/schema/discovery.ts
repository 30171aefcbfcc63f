import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A fingerprint (SHA-256) of the last retained discovery payload fully applied per config topic. On restart
 * the broker replays every retained config; a payload whose fingerprint matches, on a topic whose slots are
 * still registered, is known already and skips parsing and validation.
 */
export const discoveryPayloads = sqliteTable("discovery_payloads", {
  topic: text("topic").primaryKey(),
  fingerprint: text("fingerprint").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
