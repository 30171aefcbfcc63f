import type { AutomationQueries, TraceRow } from "@/db/queries/automations";
import type { Logger } from "../logger";

const FLUSH_MS = 100;

/**
 * Traces reach SQLite in one transaction every 100 ms, not inside a run: a run that publishes on an MQTT trigger
 * should not wait for two trace writes first (the trigger-to-action latency goal is 5 ms at p99). A trace written
 * twice before a flush (started, then finished) is written once. Readers flush first.
 */
export class TraceWriter {
  readonly #store: AutomationQueries;
  readonly #log: Logger;
  readonly #keep: number;
  readonly #traces = new Map<string, TraceRow>();
  readonly #triggered = new Map<string, { at: number; outcome: string }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: { store: AutomationQueries; log: Logger; keep: number }) {
    this.#store = deps.store;
    this.#log = deps.log;
    this.#keep = deps.keep;
  }

  put(row: TraceRow, triggered: boolean): void {
    this.#traces.set(row.runId, row);
    if (triggered) this.#triggered.set(row.automationId, { at: row.startedAt, outcome: row.outcome });
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what waits; a failure is logged and the traces are dropped (they are a record, not state). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#traces.size === 0 && this.#triggered.size === 0) return;
    const traces = [...this.#traces.values()];
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
