import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Scenes made by `scene.create` (or saved from the UI): the states to restore, as JSON
 * `{ "light.hall": { "state": "on", "brightness": 120 }, ... }`. Unlike Home Assistant's, they survive a restart.
 */
export const scenes = sqliteTable("scenes", {
  /** The object id: the entity is `scene.<id>`. */
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  entities: text("entities").notNull(),
  /** "created" (scene.create, a snapshot) or "saved" (by a person). */
  origin: text("origin").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
