import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  name: text("name").notNull(),
  role: text("role", { enum: ["owner", "admin", "user", "kiosk"] }).notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  /** The rooms a person may see and control (JSON array of room ids); null: every room. */
  rooms: text("rooms", { mode: "json" }).$type<string[]>(),
  /** Signs in only from the home network (private, loopback and link-local addresses). */
  localOnly: integer("local_only", { mode: "boolean" }).notNull().default(false),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull().unique(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    userAgent: text("user_agent"),
    /** The address the session signed in from. */
    clientAddress: text("client_address"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull().unique(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

export const mqttUsers = sqliteTable("mqtt_users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  description: text("description").notNull().default(""),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  lastConnectedAt: integer("last_connected_at"),
});

/** One row (id = 1): the home as onboarding named it. */
export const home = sqliteTable("home", {
  id: integer("id").primaryKey().default(sql`1`),
  locationName: text("location_name").notNull(),
  timeZone: text("time_zone").notNull(),
  unitSystem: text("unit_system", { enum: ["metric", "us_customary"] }).notNull(),
  createdAt: integer("created_at").notNull(),
  /** Where the home is, for sun triggers and conditions; null until set. */
  latitude: real("latitude"),
  longitude: real("longitude"),
});
