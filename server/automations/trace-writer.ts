import type { AutomationQueries } from "@/db/queries/automations";
import type { Logger } from "../logger";

const FLUSH_MS = 100;

/** What the writer needs of a trace (server/automations/rule-runtime.ts RuleTrace). */
export interface StoredTrace {
  run_id: string;
  automation_id: string;
  started_at: number;
  finished_at: number | null;
  outcome: string;
}

/**
 * Traces reach SQLite in one transaction every 100 ms, not inside a run: a run that publishes on an MQTT trigger
 * should not wait for two trace writes first (the trigger-to-action latency goal is 5 ms at p99). A trace written
 * twice before a flush (started, then finished) is written once. Readers flush first.
 */
export class TraceWriter {
  readonly #store: AutomationQueries;
  readonly #log: Logger;
  readonly #keep: number;
  /** By run id: the trace object itself, serialized at the flush (a run that ends first is written once). */
  readonly #traces = new Map<string, StoredTrace>();
  readonly #triggered = new Map<string, { at: number; outcome: string }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: { store: AutomationQueries; log: Logger; keep: number }) {
    this.#store = deps.store;
    this.#log = deps.log;
    this.#keep = deps.keep;
  }

  put(trace: StoredTrace, triggered: boolean): void {
    this.#traces.set(trace.run_id, trace);
    if (triggered) this.#triggered.set(trace.automation_id, { at: trace.started_at, outcome: trace.outcome });
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what waits; a failure is logged and the traces are dropped (they are a record, not state). */
  /** A trace not yet written (or written last flush): what a run looks like right now, without a read. */
  peek(runId: string): StoredTrace | undefined {
    return this.#traces.get(runId);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#traces.size === 0 && this.#triggered.size === 0) return;
    const traces = [...this.#traces.values()].map((t) => ({ runId: t.run_id, automationId: t.automation_id, startedAt: t.started_at, finishedAt: t.finished_at, outcome: t.outcome, trace: JSON.stringify(t) }));
    const triggered = [...this.#triggered];
    this.#traces.clear();
    this.#triggered.clear();
    try {
      this.#store.putTraces(traces, this.#keep, triggered);
    } catch (err) {
      this.#log.error({ err, traces: traces.length }, "storing automation traces failed");
    }
  }
}
