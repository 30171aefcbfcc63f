import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { devices } from "./devices";

/**
 * When each device last spoke (a live state, attribute or own-availability message; not a retained replay).
 * Written in batches (every minute and at shutdown) so a hub restart still knows "last seen 3 h ago".
 */
export const deviceLastSeen = sqliteTable("device_last_seen", {
  deviceId: text("device_id")
    .primaryKey()
    .references(() => devices.id, { onDelete: "cascade" }),
  seenAt: integer("seen_at").notNull(),
});
