import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { HubDatabase } from "../open-database";
import { automationPending, automationRevisions, automations, automationTraces } from "../schema";

export type AutomationRow = typeof automations.$inferSelect;
export type RevisionRow = typeof automationRevisions.$inferSelect;
export type TraceRow = typeof automationTraces.$inferSelect;
export type PendingRow = typeof automationPending.$inferSelect;
export type SourceFormat = "yaml" | "json";

/** Automations, their revisions, traces and what waits across restarts (db/schema/automations.ts). */
export class AutomationQueries {
  readonly #db: HubDatabase;

  constructor(db: HubDatabase) {
    this.#db = db;
  }

  list(): AutomationRow[] {
    return this.#db.select().from(automations).orderBy(asc(automations.position), asc(automations.createdAt)).all();
  }

  get(id: string): AutomationRow | undefined {
    return this.#db.select().from(automations).where(eq(automations.id, id)).get();
  }

  /** Creates or replaces the automation and stores the save as its next revision, in one transaction. */
  save(input: { id: string; source: string; format: SourceFormat; enabled: boolean; at: number; by: string | null; action: "create" | "update" | "restore" }): AutomationRow {
    return this.#db.transaction((tx) => {
      const existing = tx.select().from(automations).where(eq(automations.id, input.id)).get();
      const lastRevision = tx
        .select({ r: sql<number>`coalesce(max(${automationRevisions.revision}), 0)` })
        .from(automationRevisions)
        .where(eq(automationRevisions.automationId, input.id))
        .get();
      const revision = (lastRevision?.r ?? 0) + 1;
      const position = existing?.position ?? (tx.select({ p: sql<number>`coalesce(max(${automations.position}), -1)` }).from(automations).get()?.p ?? -1) + 1;
      const row: AutomationRow = {
        id: input.id,
        source: input.source,
        format: input.format,
        enabled: input.enabled,
        revision,
        position,
        createdAt: existing?.createdAt ?? input.at,
        updatedAt: input.at,
        lastTriggeredAt: existing?.lastTriggeredAt ?? null,
        lastOutcome: existing?.lastOutcome ?? null,
      };
      tx.insert(automations).values(row).onConflictDoUpdate({ target: automations.id, set: { source: row.source, format: row.format, enabled: row.enabled, revision, updatedAt: row.updatedAt } }).run();
      tx.insert(automationRevisions).values({ automationId: input.id, revision, source: input.source, format: input.format, savedAt: input.at, savedBy: input.by, action: input.action }).run();
      return row;
    });
  }

  setEnabled(id: string, enabled: boolean, at: number): void {
    this.#db.update(automations).set({ enabled, updatedAt: at }).where(eq(automations.id, id)).run();
  }

  /** Deletes the automation with its traces and pending runs; its revisions stay, ending with a "delete" one. */
  remove(id: string, at: number, by: string | null): boolean {
    return this.#db.transaction((tx) => {
      const existing = tx.select().from(automations).where(eq(automations.id, id)).get();
      if (!existing) return false;
      tx.insert(automationRevisions).values({ automationId: id, revision: existing.revision + 1, source: existing.source, format: existing.format, savedAt: at, savedBy: by, action: "delete" }).run();
      tx.delete(automations).where(eq(automations.id, id)).run();
      tx.delete(automationTraces).where(eq(automationTraces.automationId, id)).run();
      tx.delete(automationPending).where(eq(automationPending.automationId, id)).run();
      return true;
    });
  }

  revisions(id: string): RevisionRow[] {
    return this.#db.select().from(automationRevisions).where(eq(automationRevisions.automationId, id)).orderBy(desc(automationRevisions.revision)).all();
  }

  revision(id: string, revision: number): RevisionRow | undefined {
    return this.#db
      .select()
      .from(automationRevisions)
      .where(and(eq(automationRevisions.automationId, id), eq(automationRevisions.revision, revision)))
      .get();
  }

  /**
   * Stores (or updates) traces and the automations' last trigger, in one transaction; then keeps only the newest
   * `keep` traces of each automation and outcome written.
   */
  putTraces(rows: TraceRow[], keep: number, triggered: Array<[automationId: string, last: { at: number; outcome: string }]>): void {
    this.#db.transaction((tx) => {
      const groups = new Set<string>();
      for (const row of rows) {
        tx.insert(automationTraces)
          .values(row)
          .onConflictDoUpdate({ target: automationTraces.runId, set: { finishedAt: row.finishedAt, outcome: row.outcome, trace: row.trace } })
          .run();
        groups.add(JSON.stringify([row.automationId, row.outcome]));
      }
      for (const g of groups) {
        const [automationId, outcome] = JSON.parse(g) as [string, string];
        const old = tx
          .select({ runId: automationTraces.runId })
          .from(automationTraces)
          .where(and(eq(automationTraces.automationId, automationId), eq(automationTraces.outcome, outcome)))
          .orderBy(desc(automationTraces.startedAt), desc(automationTraces.runId))
          .limit(1000)
          .offset(keep)
          .all();
        for (const o of old) tx.delete(automationTraces).where(eq(automationTraces.runId, o.runId)).run();
      }
      for (const [id, last] of triggered) tx.update(automations).set({ lastTriggeredAt: last.at, lastOutcome: last.outcome }).where(eq(automations.id, id)).run();
    });
  }

  traces(automationId: string, limit: number): TraceRow[] {
    return this.#db.select().from(automationTraces).where(eq(automationTraces.automationId, automationId)).orderBy(desc(automationTraces.startedAt)).limit(limit).all();
  }

  trace(runId: string): TraceRow | undefined {
    return this.#db.select().from(automationTraces).where(eq(automationTraces.runId, runId)).get();
  }

  /** Traces a crash left "running": they end as aborted (their run is resumed from `pending` if it was waiting). */
  abortRunning(before: number, at: number): number {
    return this.#db
      .update(automationTraces)
      .set({ outcome: "aborted", finishedAt: at })
      .where(and(eq(automationTraces.outcome, "running"), lt(automationTraces.startedAt, before)))
      .run().changes;
  }

  putPending(row: PendingRow): void {
    this.#db.insert(automationPending).values(row).onConflictDoUpdate({ target: automationPending.id, set: { dueAt: row.dueAt, state: row.state } }).run();
  }

  removePending(id: string): void {
    this.#db.delete(automationPending).where(eq(automationPending.id, id)).run();
  }

  pending(): PendingRow[] {
    return this.#db.select().from(automationPending).orderBy(asc(automationPending.createdAt)).all();
  }
}
