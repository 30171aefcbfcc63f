import type { ConditionResult } from "@/devices/automations/conditions";
import type { AutomationConfig, Condition, Trigger } from "@/devices/automations/types";
import type { AutomationQueries, PendingRow } from "@/db/queries/automations";
import type { HaContext } from "../hub-api";
import type { Logger } from "../logger";
import { newContext } from "../state/context";
import type { Clock } from "./clock";
import { earliestDue, reenteredSteps, waitsOf, type Resume } from "./run-position";
import { readStored, RunQueue, type StoredRun } from "./stored-runs";
import { formatMs, RunStopped, StopAction, type RunPorts, type TraceStep } from "./script-ports";
import { ScriptRun } from "./script-run";
import { describeTrigger, redactVariables } from "./trace-text";
import type { TraceWriter } from "./trace-writer";
import { attachTrigger, type Hold, type TriggerData, type TriggerPorts } from "./triggers";

export type RunOutcome = "running" | "success" | "failure" | "near_miss" | "stopped" | "aborted";

export interface RuleTrace {
  run_id: string;
  automation_id: string;
  revision: number;
  started_at: number;
  finished_at: number | null;
  outcome: RunOutcome;
  /** One line for lists: "door opened, conditions passed, 3 steps", "condition failed: sun is up". */
  summary: string;
  trigger: TriggerData | null;
  conditions: ConditionResult | null;
  steps: TraceStep[];
  variables: Record<string, unknown>;
  error: string | null;
  context: HaContext;
}

export interface RuleDeps {
  clock: Clock;
  log: Logger;
  store: AutomationQueries;
  triggerPorts: TriggerPorts;
  runPorts: Omit<RunPorts, "checkpoint" | "waitForTrigger" | "condition">;
  conditions(cs: Condition[], variables: Record<string, unknown>): ConditionResult;
  onTriggered(rule: RuleRuntime, trigger: TriggerData, context: HaContext): void;
  /** Where traces go (batched writes). */
  traces: TraceWriter;
}

/**
 * Fires beyond this many in THROTTLE_WINDOW_MS are dropped and reported: a rule that keeps triggering itself
 * gets there in a second or two; a busy legitimate rule (every power reading of a hundred plugs) stays under it.
 */
const THROTTLE_FIRES = 500;
const THROTTLE_WINDOW_MS = 10_000;

interface LiveRun {
  id: string;
  script: ScriptRun;
  done: Promise<void>;
  /** Stopped because the hub stops: its stored wait stays, for the next start. */
  keep?: boolean;
}

/** One automation at run time: its triggers attached, its runs by mode, each run traced. */
export class RuleRuntime {
  readonly config: AutomationConfig;
  readonly revision: number;
  readonly #deps: RuleDeps;
  readonly #detach: Array<() => void> = [];
  readonly #runs = new Map<string, LiveRun>();
  readonly #queue: RunQueue;
  #fires: number[] = [];
  #throttledReported = false;
  #seq = 0;

  constructor(config: AutomationConfig, revision: number, deps: RuleDeps) {
    this.config = config;
    this.revision = revision;
    this.#deps = deps;
    this.#queue = new RunQueue({ store: deps.store, automationId: config.id, revision });
  }

  get running(): number {
    return this.#runs.size;
  }

  /** Attaches the triggers; holds a restart interrupted go on. Answers the errors of triggers that could not attach. */
  async attach(restoredHolds: Map<string, Hold>): Promise<string[]> {
    const errors: string[] = [];
    const vars = { ...this.config.triggerVariables };
    for (const [i, t] of this.config.triggers.entries()) {
      if (!t.enabled) continue;
      try {
        const detach = await attachTrigger(t, i, vars, this.#deps.triggerPorts, {
          fire: (data) => this.fire(data),
          hold: (key, dueAt, data) => this.#hold(`${i}:${key}`, dueAt, data),
          interrupted: (data, heldMs) => {
            const need = (data.for as { seconds?: number } | null)?.seconds ?? 0;
            this.#trace(this.#newTrace(data, newContext(null, null, this.#deps.clock.now())), "near_miss", `${describeTrigger(data)}, but for: was interrupted after ${formatMs(heldMs)} of ${formatMs(need * 1000)}`);
          },
          restored: new Map([...restoredHolds].filter(([k]) => k.startsWith(`${i}:`)).map(([k, h]) => [k.slice(String(i).length + 1), { ...h, key: k.slice(String(i).length + 1) }])),
        });
        this.#detach.push(detach);
      } catch (err) {
        errors.push(`triggers[${i}]: ${(err as Error).message}`);
      }
    }
    return errors;
  }

  /** Detaches triggers and stops runs (their waits and the queue stay stored when `keepPending`, to resume after a restart). */
  async detach(keepPending: boolean): Promise<void> {
    for (const d of this.#detach.splice(0)) d();
    const unqueued = this.#queue.clear(keepPending);
    if (!keepPending) for (const q of unqueued) this.#dropped(q.trace, "stopped", "not run: the automation changed or was turned off while it waited its turn");
    const runs = [...this.#runs.values()];
    for (const r of runs) {
      r.keep = keepPending;
      r.script.stop();
    }
    await Promise.allSettled(runs.map((r) => r.done));
  }

  /** A trigger fired (or a person ran the rule): a run by the rule's mode, or a near miss. */
  fire(trigger: TriggerData, opts: { skipConditions?: boolean; context?: HaContext } = {}): string | undefined {
    const now = this.#deps.clock.now();
    this.#fires = this.#fires.filter((t) => now - t < THROTTLE_WINDOW_MS);
    if (this.#fires.length >= THROTTLE_FIRES) {
      if (!this.#throttledReported) {
        this.#throttledReported = true;
        this.#deps.log.warn({ automation: this.config.id }, `automation triggered more than ${THROTTLE_FIRES} times in ${THROTTLE_WINDOW_MS / 1000} s: throttled (does it trigger itself?)`);
        this.#trace(this.#newTrace(trigger, newContext(null, null, now)), "near_miss", `throttled: more than ${THROTTLE_FIRES} triggers in ${THROTTLE_WINDOW_MS / 1000} s`);
      }
      return undefined;
    }
    this.#throttledReported = false;
    this.#fires.push(now);
    const context = opts.context ?? newContext(null, null, now);
    const trace = this.#newTrace(trigger, context);
    const variables = this.#variables(trigger, trace);
    if (!opts.skipConditions && this.config.conditions.length > 0) {
      const r = this.#deps.conditions(this.config.conditions, variables);
      trace.conditions = r;
      if (!r.ok) {
        this.#trace(trace, "near_miss", `${describeTrigger(trigger)}; condition failed: ${r.reason}`);
        return trace.run_id;
      }
    }
    const mode = this.config.mode;
    if (this.#runs.size > 0) {
      if (mode === "single") return this.#exceeded(trace, "already running (mode: single)");
      if (mode === "restart") for (const r of this.#runs.values()) r.script.stop();
      if ((mode === "queued" || mode === "parallel") && this.#runs.size + this.#queue.length >= this.config.max) return this.#exceeded(trace, `already ${this.config.max} runs (max)`);
    }
    this.#deps.onTriggered(this, trigger, context);
    // Queued runs are stored as they join the line (stored-runs.ts): a restart keeps them.
    if (mode === "queued" && this.#runs.size > 0) this.#queue.push(trace, variables);
    else this.#start(trace, variables, undefined);
    return trace.run_id;
  }

  /**
   * Takes up the pending rows (automation_pending: "run" and "queued") the last start left: runs that waited go on
   * where they were, and queued runs take their turns behind them, in order (a resumed run is the running one).
   * What another revision of the rule stored is dropped, with a log line and a trace that says why.
   */
  restore(rows: PendingRow[]): void {
    const { resume, queued, stale, unreadable } = readStored(rows, this.revision);
    for (const { row, err } of unreadable) {
      this.#deps.store.removePending(row.id);
      this.#deps.log.warn({ err, automation: this.config.id }, "a stored automation wait could not be read");
    }
    for (const { row, saved } of stale) {
      this.#deps.store.removePending(row.id);
      const was = row.kind === "queued" ? "queued" : "waiting";
      this.#deps.log.warn({ automation: this.config.id, run: saved.trace.run_id, revision: saved.revision, now: this.revision }, `a ${was} run was dropped: its automation changed meanwhile`);
      const why = `the automation changed from revision ${saved.revision} to ${this.revision} while the hub was down`;
      if (row.kind === "queued") this.#dropped(saved.trace, "stopped", `not run: it waited its turn in the queue, and ${why}`);
      else this.#dropped(saved.trace, "aborted", `not resumed: it waited at ${waitsOf(saved as StoredRun).map((w) => w.path).join(", ")}, and ${why}`);
    }
    for (const saved of resume) this.#resume(saved);
    this.#queue.restore(queued);
    if (this.#runs.size === 0) this.#startNext();
  }

  /** Continues a run that waited when the hub stopped. */
  #resume(saved: StoredRun): void {
    const at: Resume = { path: saved.path, dueAt: saved.dueAt, ...(saved.branches ? { branches: saved.branches } : {}) };
    // The steps it waited in, and those around them, run again from where they were (stored, they would show twice).
    const again = reenteredSteps(at);
    const trace = { ...saved.trace, outcome: "running" as const, steps: saved.trace.steps.filter((st) => !again.has(st.path)) };
    this.#start(trace, saved.variables, at);
  }

  #startNext(): void {
    const next = this.#queue.shift();
    if (next) this.#start(next.trace, next.variables, undefined);
  }

  /** A stored or queued run that will not run: its trace says why (not counted as the rule's last trigger). */
  #dropped(trace: RuleTrace, outcome: RunOutcome, summary: string): void {
    const ended: RuleTrace = { ...trace, outcome, summary, finished_at: this.#deps.clock.now() };
    this.#deps.traces.put(ended, false);
  }

  #start(trace: RuleTrace, variables: Record<string, unknown>, resume: Resume | undefined): void {
    const pendingId = `run:${trace.run_id}`;
    // Resumed runs come from a stored wait; others store one only when they reach a wait.
    let stored = resume !== undefined;
    const ports: RunPorts = {
      ...this.#deps.runPorts,
      condition: (cs, vars) => this.#deps.conditions(cs, vars),
      waitForTrigger: (triggers, vars, until, stopped) => this.#waitForTrigger(triggers, vars, until, stopped),
      checkpoint: (at, vars) => {
        if (at === null) {
          if (stored) this.#deps.store.removePending(pendingId);
          stored = false;
          return;
        }
        stored = true;
        const saved: StoredRun = { trace: { ...trace, steps: script.steps }, ...at, variables: vars, revision: this.revision };
        this.#deps.store.putPending({ id: pendingId, automationId: this.config.id, kind: "run", dueAt: earliestDue(at), state: JSON.stringify(saved), createdAt: trace.started_at });
        // The trace shows where the run waits while it waits.
        trace.steps = script.steps;
        const waits = waitsOf(at).map((w) => `${w.path}${w.dueAt === null ? "" : ` until ${new Date(w.dueAt).toISOString()}`}`);
        this.#trace(trace, "running", `${describeTrigger(trace.trigger)}; waiting at ${waits.join(", ")}`);
      },
    };
    const script = new ScriptRun(ports, variables, trace.context);
    if (resume) script.steps.push(...trace.steps);
    this.#trace(trace, "running", `${describeTrigger(trace.trigger)}; running`);
    const live: LiveRun = { id: trace.run_id, script, done: Promise.resolve() };
    live.done = (async () => {
      let outcome: RunOutcome = "success";
      let summary = "";
      try {
        await script.run(this.config.actions, resume);
        summary = `${describeTrigger(trace.trigger)}; ran ${script.steps.length} step${script.steps.length === 1 ? "" : "s"}`;
      } catch (err) {
        if (err instanceof RunStopped) {
          outcome = live.keep ? "aborted" : "stopped";
          summary = !live.keep ? "stopped (restarted, changed or turned off)" : stored ? "interrupted by the hub stopping; resumes at start" : "interrupted by the hub stopping between waits: not resumed";
        } else if (err instanceof StopAction) {
          outcome = err.isError ? "failure" : "success";
          summary = err.message;
          if (err.isError) trace.error = err.message;
        } else {
          outcome = "failure";
          trace.error = (err as Error).message;
          summary = `failed: ${trace.error}`;
          this.#deps.log.warn({ automation: this.config.id, err }, "automation run failed");
        }
      }
      trace.steps = script.steps;
      trace.variables = redactVariables(script.variables);
      if (!live.keep && stored) this.#deps.store.removePending(pendingId);
      this.#trace(trace, outcome, summary);
      this.#runs.delete(trace.run_id);
      this.#startNext();
    })();
    this.#runs.set(trace.run_id, live);
  }

  async #waitForTrigger(triggers: Trigger[], vars: Record<string, unknown>, until: number | undefined, stopped: Promise<void>): Promise<TriggerData | null> {
    const detach: Array<() => void> = [];
    try {
      return await new Promise<TriggerData | null>((resolve) => {
        void stopped.then(() => resolve(null));
        if (until !== undefined) detach.push(this.#deps.clock.at(until, () => resolve(null)));
        void Promise.all(
          triggers.map((t, i) =>
            attachTrigger(t, i, vars, this.#deps.triggerPorts, { fire: (data) => resolve(data) }).then(
              (d) => detach.push(d),
              () => undefined,
            ),
          ),
        );
      });
    } finally {
      for (const d of detach) d();
    }
  }

  #hold(key: string, dueAt: number | null, data: TriggerData | null): void {
    const id = `hold:${this.config.id}:${key}`;
    if (dueAt === null || data === null) this.#deps.store.removePending(id);
    else this.#deps.store.putPending({ id, automationId: this.config.id, kind: "hold", dueAt, state: JSON.stringify({ key, dueAt, data }), createdAt: this.#deps.clock.now() });
  }

  #exceeded(trace: RuleTrace, why: string): undefined {
    if (this.config.maxExceeded !== "silent") this.#deps.log.warn({ automation: this.config.id }, `automation not run: ${why}`);
    this.#trace(trace, "near_miss", `${describeTrigger(trace.trigger)}; not run: ${why}`);
    return undefined;
  }

  #variables(trigger: TriggerData, trace: RuleTrace): Record<string, unknown> {
    const base: Record<string, unknown> = { ...this.config.triggerVariables, this: { entity_id: `automation.${this.config.id}`, attributes: { friendly_name: this.config.alias, id: this.config.id } }, trigger };
    try {
      const rendered = this.#deps.runPorts.render(this.config.variables, base) as Record<string, unknown>;
      return { ...base, ...rendered };
    } catch (err) {
      trace.error = `variables: ${(err as Error).message}`;
      return base;
    }
  }

  #newTrace(trigger: TriggerData | null, context: HaContext): RuleTrace {
    const now = this.#deps.clock.now();
    return { run_id: `${now.toString(36)}-${(this.#seq++).toString(36)}-${context.id.slice(-6)}`, automation_id: this.config.id, revision: this.revision, started_at: now, finished_at: null, outcome: "running", summary: "", trigger, conditions: null, steps: [], variables: {}, error: null, context };
  }

  #trace(trace: RuleTrace, outcome: RunOutcome, summary: string): void {
    trace.outcome = outcome;
    trace.summary = summary;
    if (outcome !== "running") trace.finished_at = this.#deps.clock.now();
    // A run counts as triggered when it starts (the list shows "running" and since when).
    const triggered = outcome !== "running" || trace.steps.length === 0;
    this.#deps.traces.put(trace, triggered);
  }
}
