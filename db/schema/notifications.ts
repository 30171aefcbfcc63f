import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * In-app notifications (HA's persistent notifications, and what `notify.*` sends): kept until dismissed, and a
 * while after (the inbox shows recent dismissed ones greyed). Creating one with an existing id replaces it.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    title: text("title"),
    message: text("message").notNull(),
    /** Extra data as JSON (a `url` to open, a `tag`), or null. */
    data: text("data"),
    createdAt: integer("created_at").notNull(),
    dismissedAt: integer("dismissed_at"),
    /** What sent it: "automation:<id>", "api", "user:<id>". */
    source: text("source"),
    contextId: text("context_id"),
  },
  (t) => [index("notifications_by_created").on(t.createdAt)],
);

/** Phones that accepted Web Push: one row per browser subscription (the endpoint is the push service's URL). */
export const pushSubscriptions = sqliteTable("push_subscriptions", {
  endpoint: text("endpoint").primaryKey(),
  p256dh: text("p256dh").notNull(),
  auth: text("auth").notNull(),
  userId: text("user_id").notNull(),
  /** What the person called this phone ("Anna's phone"); `notify.mobile_app_<slug>` targets it. */
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
  lastSuccessAt: integer("last_success_at"),
  lastError: text("last_error"),
  failures: integer("failures").notNull().default(0),
});

/** Hub-wide secrets and settings that are not the home's own row (the VAPID key pair for Web Push). */
export const hubSettings = sqliteTable("hub_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
