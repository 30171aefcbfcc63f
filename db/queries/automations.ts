import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import type { HubDatabase } from "../open-database";
import { automationPending, automationRevisions, automations, automationTraces } from "../schema";

export type AutomationRow = typeof automations.$inferSelect;
export type RevisionRow = typeof automationRevisions.$inferSelect;
export type TraceRow = typeof automationTraces.$inferSelect;
/**
 * What a pending row holds: "run" (a run waiting in a delay or a wait), "hold" (a trigger's `for:`), "queued" (a
 * run of a `mode: queued` rule waiting its turn). The column is plain text (migration 0007), so a kind added
 * here needs no migration.
 */
export type PendingKind = "run" | "hold" | "queued";
export type PendingRow = Omit<typeof automationPending.$inferSelect, "kind"> & { kind: PendingKind };
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
   * `keep` traces of each automation and outcome written. Prepared statements: this runs every 100 ms under load.
   */
  putTraces(rows: TraceRow[], keep: number, triggered: Array<[automationId: string, last: { at: number; outcome: string }]>): void {
    this.#traceWrite ??= this.#prepareTraceWrite();
    this.#traceWrite(rows, keep, triggered);
  }

  #traceWrite: ((rows: TraceRow[], keep: number, triggered: Array<[string, { at: number; outcome: string }]>) => void) | undefined;

  #prepareTraceWrite() {
    const c = this.#db.$client;
    const upsert = c.prepare(
      "INSERT INTO automation_traces (run_id, automation_id, started_at, finished_at, outcome, trace) VALUES (?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, outcome = excluded.outcome, trace = excluded.trace",
    );
    const prune = c.prepare(
      "DELETE FROM automation_traces WHERE run_id IN (SELECT run_id FROM automation_traces WHERE automation_id = ? AND outcome = ? ORDER BY started_at DESC, run_id DESC LIMIT -1 OFFSET ?)",
    );
    const mark = c.prepare("UPDATE automations SET last_triggered_at = ?, last_outcome = ? WHERE id = ?");
    return c.transaction((rows: TraceRow[], keep: number, triggered: Array<[string, { at: number; outcome: string }]>) => {
      const groups = new Map<string, [string, string]>();
      for (const r of rows) {
        upsert.run(r.runId, r.automationId, r.startedAt, r.finishedAt, r.outcome, r.trace);
        groups.set(`${r.automationId}\u0000${r.outcome}`, [r.automationId, r.outcome]);
      }
      for (const [automationId, outcome] of groups.values()) prune.run(automationId, outcome, keep);
      for (const [id, last] of triggered) mark.run(last.at, last.outcome, id);
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
    this.#putPending ??= this.#db.$client.prepare(
      "INSERT INTO automation_pending (id, automation_id, kind, due_at, state, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, state = excluded.state",
    );
    this.#putPending.run(row.id, row.automationId, row.kind, row.dueAt, row.state, row.createdAt);
  }

  removePending(id: string): void {
    this.#removePending ??= this.#db.$client.prepare("DELETE FROM automation_pending WHERE id = ?");
    this.#removePending.run(id);
  }

  #putPending: Database.Statement | undefined;
  #removePending: Database.Statement | undefined;

  pending(): PendingRow[] {
    return this.#db.select().from(automationPending).orderBy(asc(automationPending.createdAt), asc(automationPending.id)).all();
  }
}
