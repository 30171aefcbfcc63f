import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { mqttUsers } from "./accounts";

/**
 * Access rules per MQTT user, Mosquitto acl_file style (devices/mqtt-acl). A user without rows keeps full
 * access (installs from before the rules existed); `position` keeps the order the rules were written in.
 */
export const mqttAclRules = sqliteTable(
  "mqtt_acl_rules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    mqttUserId: integer("mqtt_user_id")
      .notNull()
      .references(() => mqttUsers.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    access: text("access", { enum: ["read", "write", "readwrite", "deny"] }).notNull(),
    pattern: text("pattern").notNull(),
  },
  (t) => [index("mqtt_acl_rules_user_idx").on(t.mqttUserId, t.position)],
);
