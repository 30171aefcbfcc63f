import { eq } from "drizzle-orm";
import type { Queryable } from "../open-database";
import { recorderPolicies } from "../schema";

/** One entity's recording policy as stored (schema/statistics.ts: recorder_policies). */
export type StoredRecorderPolicy = typeof recorderPolicies.$inferSelect;

export function loadRecorderPolicies(db: Queryable): StoredRecorderPolicy[] {
  return db.select().from(recorderPolicies).all();
}

/** Inserts or replaces the policy of `policy.entityId`. */
export function saveRecorderPolicy(db: Queryable, policy: StoredRecorderPolicy): void {
  const { entityId: _, ...rest } = policy;
  db.insert(recorderPolicies).values(policy).onConflictDoUpdate({ target: recorderPolicies.entityId, set: rest }).run();
}

/** Answers whether a policy was there to delete. */
export function deleteRecorderPolicy(db: Queryable, entityId: string): boolean {
  return db.delete(recorderPolicies).where(eq(recorderPolicies.entityId, entityId)).run().changes > 0;
}
