import type { AutomationQueries, PendingRow } from "@/db/queries/automations";
import type { RuleTrace } from "./rule-runtime";
import type { Resume } from "./run-position";

/** The state of a "run" pending row: a run waiting in a delay or a wait, where (Resume) and with what. */
export interface StoredRun extends Resume {
  trace: RuleTrace;
  variables: Record<string, unknown>;
  /** The rule's revision that stored it: a run of another revision is not resumed. */
  revision: number;
}

/** The state of a "queued" pending row: a run of a `mode: queued` rule waiting its turn. */
export interface StoredQueued {
  /** The trace as the trigger left it (trigger, conditions, context); its run starts with it. */
  trace: RuleTrace;
  variables: Record<string, unknown>;
  /** Its place in line: lower goes first (rows of one instant share `created_at`). */
  position: number;
  revision: number;
}

/**
 * The runs of a `mode: queued` rule that wait for the running one, in order. Each is stored as it joins
 * (pending row `queued:<run id>`) and its row goes as it starts, so a restart takes the line up again.
 */
export class RunQueue {
  readonly #store: AutomationQueries;
  readonly #automationId: string;
  readonly #revision: number;
  #items: StoredQueued[] = [];
  #next = 0;

  constructor(deps: { store: AutomationQueries; automationId: string; revision: number }) {
    this.#store = deps.store;
    this.#automationId = deps.automationId;
    this.#revision = deps.revision;
  }

  get length(): number {
    return this.#items.length;
  }

  /** Adds a run at the end of the line, and stores it. */
  push(trace: RuleTrace, variables: Record<string, unknown>): void {
    const item: StoredQueued = { trace, variables, position: this.#next++, revision: this.#revision };
    this.#items.push(item);
    this.#store.putPending({ id: queuedId(trace.run_id), automationId: this.#automationId, kind: "queued", dueAt: null, state: JSON.stringify(item), createdAt: trace.started_at });
  }

  /** The next run, its row removed: it starts now. */
  shift(): StoredQueued | undefined {
    const item = this.#items.shift();
    if (item) this.#store.removePending(queuedId(item.trace.run_id));
    return item;
  }

  /** Runs the last start left in line, in their order, ahead of any queued since. Their rows stay until they start. */
  restore(items: StoredQueued[]): void {
    const sorted = [...items].sort((a, b) => a.position - b.position);
    this.#items = [...sorted, ...this.#items];
    this.#next = Math.max(this.#next, ...sorted.map((q) => q.position + 1));
  }

  /** Empties the line and answers what was in it. The rows stay for the next start when `keepRows` (the hub stops). */
  clear(keepRows: boolean): StoredQueued[] {
    const items = this.#items;
    this.#items = [];
    if (!keepRows) for (const q of items) this.#store.removePending(queuedId(q.trace.run_id));
    return items;
  }
}

export function queuedId(runId: string): string {
  return `queued:${runId}`;
}

/**
 * The "run" and "queued" rows a start finds for a rule, read: the runs to resume, the queued runs, what another
 * revision stored (dropped: the rule changed meanwhile) and rows that do not parse.
 */
export function readStored(rows: PendingRow[], revision: number) {
  const out = { resume: [] as StoredRun[], queued: [] as StoredQueued[], stale: [] as Array<{ row: PendingRow; saved: StoredRun | StoredQueued }>, unreadable: [] as Array<{ row: PendingRow; err: unknown }> };
  for (const row of rows) {
    let saved: StoredRun | StoredQueued;
    try {
      saved = JSON.parse(row.state) as StoredRun | StoredQueued;
      const ok = typeof saved?.trace?.run_id === "string" && (row.kind === "queued" ? typeof (saved as StoredQueued).position === "number" : Array.isArray((saved as StoredRun).path));
      if (!ok) throw new Error(`not a stored ${row.kind}`);
    } catch (err) {
      out.unreadable.push({ row, err });
      continue;
    }
    if (saved.revision !== revision) out.stale.push({ row, saved });
    else if (row.kind === "queued") out.queued.push(saved as StoredQueued);
    else out.resume.push(saved as StoredRun);
  }
  return out;
}
