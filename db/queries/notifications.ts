import { and, desc, eq, isNotNull, isNull, lt, or, gt, sql } from "drizzle-orm";
import type { HubDatabase, Queryable } from "../open-database";
import { notifications } from "../schema";

/** One in-app notification as stored (`data` is JSON text). */
export type StoredNotification = typeof notifications.$inferSelect;

export function findNotification(db: Queryable, id: string): StoredNotification | undefined {
  return db.select().from(notifications).where(eq(notifications.id, id)).get();
}

/** Inserts, or replaces the row with the same id (HA: creating with an existing notification_id replaces it). */
export function upsertNotification(db: Queryable, row: StoredNotification): void {
  const { id: _key, ...rest } = row;
  db.insert(notifications).values(row).onConflictDoUpdate({ target: notifications.id, set: rest }).run();
}

/** Active ones and those dismissed after `dismissedSince`, newest first, at most `limit`. */
export function listNotifications(db: Queryable, dismissedSince: number, limit: number): StoredNotification[] {
  return db
    .select()
    .from(notifications)
    .where(or(isNull(notifications.dismissedAt), gt(notifications.dismissedAt, dismissedSince)))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .all();
}

export function listActiveNotifications(db: Queryable): StoredNotification[] {
  return db.select().from(notifications).where(isNull(notifications.dismissedAt)).orderBy(desc(notifications.createdAt), desc(notifications.id)).all();
}

export function countActiveNotifications(db: Queryable): number {
  return db.select({ n: sql<number>`count(*)` }).from(notifications).where(isNull(notifications.dismissedAt)).get()?.n ?? 0;
}

/** Marks active notifications dismissed (all of them without `id`); answers the rows it dismissed, as they were. */
export function dismissNotifications(db: HubDatabase, at: number, id?: string): StoredNotification[] {
  return db.transaction((tx) => {
    const where = id === undefined ? isNull(notifications.dismissedAt) : and(eq(notifications.id, id), isNull(notifications.dismissedAt));
    const rows = tx.select().from(notifications).where(where).all();
    if (rows.length > 0) tx.update(notifications).set({ dismissedAt: at }).where(where).run();
    return rows;
  });
}

/**
 * Keeps the table bounded: drops notifications dismissed before `dismissedBefore`, then, beyond `maxRows`,
 * the oldest rows (dismissed ones first). Answers the rows removed while still active.
 */
export function pruneNotifications(db: HubDatabase, dismissedBefore: number, maxRows: number): StoredNotification[] {
  return db.transaction((tx) => {
    tx.delete(notifications).where(and(isNotNull(notifications.dismissedAt), lt(notifications.dismissedAt, dismissedBefore))).run();
    const total = tx.select({ n: sql<number>`count(*)` }).from(notifications).get()?.n ?? 0;
    if (total <= maxRows) return [];
    const victims = tx
      .select()
      .from(notifications)
      .orderBy(sql`${notifications.dismissedAt} is null`, notifications.createdAt)
      .limit(total - maxRows)
      .all();
    for (const v of victims) tx.delete(notifications).where(eq(notifications.id, v.id)).run();
    return victims.filter((v) => v.dismissedAt === null);
  });
}
