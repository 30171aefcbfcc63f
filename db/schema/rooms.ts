import { integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Rooms (Home Assistant's areas). `room_id` is the slug of the first name and never changes. */
export const rooms = sqliteTable("rooms", {
  roomId: text("room_id").primaryKey(),
  name: text("name").notNull(),
  icon: text("icon"),
  position: integer("position").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * What a person set on one entity, keyed by entity id (ids never change, so settings outlive a discovery
 * config that goes away and comes back). `room_id` overrides the device's room; null follows the device.
 */
export const entitySettings = sqliteTable("entity_settings", {
  entityId: text("entity_id").primaryKey(),
  roomId: text("room_id").references(() => rooms.roomId, { onDelete: "set null" }),
  hidden: integer("hidden", { mode: "boolean" }).notNull().default(false),
  pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
  position: real("position"),
  updatedAt: integer("updated_at").notNull(),
});
