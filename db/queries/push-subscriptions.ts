import { asc, eq, sql } from "drizzle-orm";
import type { Queryable } from "../open-database";
import { hubSettings, pushSubscriptions } from "../schema";

/** One phone's Web Push subscription as stored. */
export type StoredPushSubscription = typeof pushSubscriptions.$inferSelect;

/** Every subscription, oldest first (the order `notify.mobile_app_<slug>` names are handed out in). */
export function loadPushSubscriptions(db: Queryable): StoredPushSubscription[] {
  return db.select().from(pushSubscriptions).orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.endpoint)).all();
}

export function findPushSubscription(db: Queryable, endpoint: string): StoredPushSubscription | undefined {
  return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).get();
}

/** Inserts, or takes over the row with the same endpoint (a browser subscribing again gets new keys). */
export function upsertPushSubscription(db: Queryable, row: StoredPushSubscription): void {
  const { endpoint: _key, createdAt: _created, ...rest } = row;
  db.insert(pushSubscriptions).values(row).onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: rest }).run();
}

export function deletePushSubscription(db: Queryable, endpoint: string): boolean {
  return db.delete(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).run().changes > 0;
}

export function recordPushSuccess(db: Queryable, endpoint: string, at: number): void {
  db.update(pushSubscriptions).set({ lastSuccessAt: at, lastError: null, failures: 0 }).where(eq(pushSubscriptions.endpoint, endpoint)).run();
}

export function recordPushFailure(db: Queryable, endpoint: string, error: string): void {
  db.update(pushSubscriptions)
    .set({ lastError: error, failures: sql`${pushSubscriptions.failures} + 1` })
    .where(eq(pushSubscriptions.endpoint, endpoint))
    .run();
}

export function findHubSetting(db: Queryable, key: string): string | undefined {
  return db.select().from(hubSettings).where(eq(hubSettings.key, key)).get()?.value;
}

/** Writes a setting only if it is not there yet; answers the value that is stored afterwards. */
export function insertHubSettingOnce(db: Queryable, key: string, value: string): string {
  db.insert(hubSettings).values({ key, value }).onConflictDoNothing().run();
  return findHubSetting(db, key) ?? value;
}
