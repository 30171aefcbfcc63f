import type { Action } from "@/devices/automations/types";
import type { HaContext } from "../hub-api";
import { down, isResume, runParallel, Track, type Resume } from "./run-position";
import { formatMs, RunStopped, StopAction, type RunPorts, type TraceStep } from "./script-ports";
import type { TriggerData } from "./triggers";

const MAX_REPEAT = 10_000;
const MAX_STEPS = 100_000;

/**
 * One run of an automation's actions, step by step, with a trace. A resumed run continues where a restart
 * interrupted it: at the wait it was in, or at each wait its parallel branches were in (run-position.ts).
 */
export class ScriptRun {
  readonly steps: TraceStep[] = [];
  readonly #ports: RunPorts;
  readonly #context: HaContext;
  #variables: Record<string, unknown>;
  #stopped = false;
  #stop!: () => void;
  readonly #stoppedPromise: Promise<void>;
  #count = 0;
  /** Where the run is: the checkpoint is this, read whenever a wait begins or ends. */
  readonly #root = new Track(["actions"]);

  constructor(ports: RunPorts, variables: Record<string, unknown>, context: HaContext) {
    this.#ports = ports;
    this.#variables = variables;
    this.#context = context;
    this.#stoppedPromise = new Promise<void>((resolve) => {
      this.#stop = resolve;
    });
  }

  get variables(): Record<string, unknown> {
    return this.#variables;
  }

  /** Ends the run at its next step or wait (mode: restart, the rule was changed or turned off, the hub stops). */
  stop(): void {
    this.#stopped = true;
    this.#stop();
  }

  /** Runs the actions; `resume` continues at a stored wait (its path below "actions", and when it was due). */
  async run(actions: Action[], resume?: Resume): Promise<void> {
    await this.#sequence(actions, this.#root.base, resume, this.#root);
  }

  async #sequence(actions: Action[], path: string[], resume: Resume | undefined, track: Track): Promise<void> {
    const start = resume ? Number(resume.path[0]) : 0;
    for (let i = Number.isInteger(start) && start >= 0 ? start : 0; i < actions.length; i++) {
      await this.#action(actions[i]!, [...path, String(i)], i === start ? down(resume) : undefined, track);
    }
  }

  async #action(a: Action, path: string[], resume: Resume | undefined, track: Track): Promise<void> {
    if (this.#stopped) throw new RunStopped();
    if (++this.#count > MAX_STEPS) throw new Error(`more than ${MAX_STEPS} steps: stopped`);
    const step: TraceStep = { path: path.join("/"), kind: a.kind, startedAt: this.#ports.clock.now(), ms: 0, result: "", ...(a.alias ? { alias: a.alias } : {}) };
    if (!a.enabled) {
      this.steps.push({ ...step, result: "disabled: skipped" });
      return;
    }
    this.steps.push(step);
    const began = performance.now();
    try {
      await this.#do(a, path, resume, step, track);
    } catch (err) {
      if (err instanceof RunStopped || err instanceof StopAction) throw err;
      step.error = (err as Error).message;
      if (!a.continueOnError) throw err;
      step.result = `failed, went on (continue_on_error): ${step.error}`;
    } finally {
      step.ms = Math.round((performance.now() - began) * 100) / 100;
    }
  }

  async #do(a: Action, path: string[], resume: Resume | undefined, step: TraceStep, track: Track): Promise<void> {
    const p = this.#ports;
    const vars = this.#variables;
    switch (a.kind) {
      case "service": {
        const service = p.renderText(a.service, vars);
        const list = (xs: string[]) => xs.flatMap((x) => toList(p.render(x, vars)));
        const target = { entity_id: list(a.target.entityIds), device_id: list(a.target.deviceIds), area_id: list(a.target.areaIds) };
        const data = (p.render(a.data, vars) ?? {}) as Record<string, unknown>;
        const response = await p.callService(service, target, data, this.#context);
        if (a.responseVariable) this.#set({ [a.responseVariable]: response }, step);
        step.result =
          service === "mqtt.publish"
            ? `published ${JSON.stringify(data.payload ?? "")} to ${typeof data.topic === "string" ? data.topic : JSON.stringify(data.topic)}`
            : `called ${service}${target.entity_id.length ? ` on ${target.entity_id.join(", ")}` : ""}`;
        return;
      }
      case "delay": {
        const due = resume?.dueAt ?? p.clock.now() + p.durationMs(a.duration, vars);
        step.result = `waiting ${formatMs(due - p.clock.now())}, until ${new Date(due).toISOString()}`;
        await this.#sleep(track, path, due);
        step.result = `waited ${formatMs(p.clock.now() - step.startedAt)}`;
        return;
      }
      case "wait_template":
      case "wait_for_trigger": {
        const timeoutMs = a.timeout ? p.durationMs(a.timeout, vars) : undefined;
        const until = resume?.dueAt ?? (timeoutMs === undefined ? undefined : p.clock.now() + timeoutMs);
        this.#waitAt(track, path, until ?? null);
        let completed: boolean;
        let trigger: TriggerData | null = null;
        if (a.kind === "wait_template") completed = await this.#waitTemplate(a.valueTemplate, until);
        else {
          trigger = await p.waitForTrigger(a.triggers, vars, until, this.#stoppedPromise);
          completed = trigger !== null;
        }
        if (this.#stopped) throw new RunStopped();
        this.#waitOver(track);
        this.#set({ wait: { completed, trigger, remaining: until === undefined ? null : Math.max(0, until - p.clock.now()) / 1000 } }, step);
        step.result = completed ? "the wait was over" : "timed out";
        if (!completed && !a.continueOnTimeout) throw new StopAction("timed out waiting (continue_on_timeout: false)", false);
        return;
      }
      case "condition": {
        const r = p.condition([a.condition], vars);
        step.conditions = r;
        step.result = r.ok ? "condition held" : `condition failed: ${r.reason}`;
        if (!r.ok) throw new StopAction(`condition failed: ${r.reason}`, false);
        return;
      }
      case "if": {
        let branch = resume?.path[0];
        if (branch !== "then" && branch !== "else") {
          const r = p.condition(a.if, vars);
          step.conditions = r;
          branch = r.ok ? "then" : "else";
          resume = undefined;
        }
        step.result = `took ${branch}`;
        const seq = branch === "then" ? a.then : a.else;
        if (seq) await this.#sequence(seq, [...path, branch], down(resume), track);
        return;
      }
      case "choose": {
        // A resumed path reads "choose/<n>/sequence/…" or "default/…".
        let chosen = resume?.path[0] === "choose" ? resume.path[1] : resume?.path[0] === "default" ? "default" : undefined;
        resume = resume?.path[0] === "choose" ? down(resume, 2) : resume;
        if (chosen === undefined) {
          chosen = "default";
          for (let i = 0; i < a.choices.length; i++) {
            const r = p.condition(a.choices[i]!.conditions, vars);
            if (r.ok) {
              chosen = String(i);
              step.conditions = r;
              break;
            }
          }
          resume = undefined;
        }
        step.result = chosen === "default" ? (a.default ? "took the default" : "no option matched") : `took option ${Number(chosen) + 1}`;
        if (chosen === "default") {
          if (a.default) await this.#sequence(a.default, [...path, "default"], down(resume), track);
        } else {
          const choice = a.choices[Number(chosen)];
          if (choice) await this.#sequence(choice.sequence, [...path, "choose", chosen, "sequence"], down(resume), track);
        }
        return;
      }
      case "repeat":
        await this.#repeat(a, path, resume, step, track);
        return;
      case "parallel":
        await this.#parallel(a, path, resume, step, track);
        return;
      case "sequence":
        await this.#sequence(a.sequence, [...path, "sequence"], down(resume), track);
        return;
      case "variables":
        this.#set(p.render(a.variables, vars) as Record<string, unknown>, step);
        step.result = `set ${Object.keys(a.variables).join(", ")}`;
        return;
      case "stop":
        if (a.responseVariable) this.#set({ __response: vars[a.responseVariable] }, step);
        step.result = `stopped: ${a.reason}`;
        throw new StopAction(a.reason, a.error);
      case "event": {
        const eventType = p.renderText(a.eventType, vars);
        p.fireEvent(eventType, (p.render(a.eventData, vars) ?? {}) as Record<string, unknown>, this.#context);
        step.result = `fired ${eventType}`;
        return;
      }
      case "scene":
        await p.callService("scene.turn_on", { entity_id: [a.sceneId], device_id: [], area_id: [] }, {}, this.#context);
        step.result = `applied ${a.sceneId}`;
        return;
    }
  }

  async #parallel(a: Extract<Action, { kind: "parallel" }>, path: string[], resume: Resume | undefined, step: TraceStep, track: Track): Promise<void> {
    const lost = await runParallel({
      path,
      track,
      count: a.branches.length,
      // A resumed parallel ends at the parallel step, with where each branch was.
      saved: resume?.path.length === 0 ? resume.branches : undefined,
      branch: (i, t, at) => this.#sequence(a.branches[i]!, t.base, at, t),
      changed: () => this.#emit(),
    });
    step.result = `ran ${a.branches.length} branches${lost.length > 0 ? `; branch ${lost.join(", ")} was between waits when the hub stopped: not run again` : ""}`;
  }

  async #repeat(a: Extract<Action, { kind: "repeat" }>, path: string[], resume: Resume | undefined, step: TraceStep, track: Track): Promise<void> {
    const p = this.#ports;
    let items: unknown[] | undefined;
    if (a.forEach !== undefined) {
      const v = typeof a.forEach === "string" ? p.render(a.forEach, this.#variables) : a.forEach;
      items = Array.isArray(v) ? v : [v];
    }
    const count = a.count === undefined ? undefined : Number(typeof a.count === "string" ? p.render(a.count, this.#variables) : a.count);
    if (count !== undefined && !Number.isFinite(count)) throw new Error(`repeat count is not a number: ${String(a.count)}`);
    const outer = this.#variables.repeat;
    // A resumed path reads "repeat/i<n>/…".
    const at = resume?.path[0] === "repeat" ? resume.path[1] : undefined;
    let i = at?.startsWith("i") ? Number(at.slice(1)) || 0 : 0;
    let rest = at?.startsWith("i") ? down(resume, 2) : undefined;
    for (; i < MAX_REPEAT; i++) {
      const total = items?.length ?? count;
      if (total !== undefined && i >= total) break;
      const repeat = { first: i === 0, index: i + 1, ...(total !== undefined ? { last: i === total - 1 } : {}), ...(items ? { item: items[i] } : {}) };
      this.#variables = { ...this.#variables, repeat };
      if (a.while && !rest) {
        const r = p.condition(a.while, this.#variables);
        if (!r.ok) break;
      }
      await this.#sequence(a.sequence, [...path, "repeat", `i${i}`], rest, track);
      rest = undefined;
      if (a.until) {
        const r = p.condition(a.until, this.#variables);
        if (r.ok) {
          i++;
          break;
        }
      }
    }
    if (i >= MAX_REPEAT) throw new Error(`repeat ran ${MAX_REPEAT} times: stopped`);
    this.#variables = { ...this.#variables, repeat: outer };
    step.result = `repeated ${i} time${i === 1 ? "" : "s"}`;
  }

  async #waitTemplate(template: string, until: number | undefined): Promise<boolean> {
    const p = this.#ports;
    const holds = () => {
      try {
        const v = p.render(template, this.#variables);
        return v === true || (typeof v === "string" && ["true", "yes", "on"].includes(v.toLowerCase())) || (typeof v === "number" && v !== 0);
      } catch {
        return false;
      }
    };
    if (holds()) return true;
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        detach();
        cancel?.();
        resolve(ok);
      };
      const detach = p.onStateChange(() => {
        if (holds()) finish(true);
      });
      const cancel = until === undefined ? undefined : p.clock.at(until, () => finish(false));
      void this.#stoppedPromise.then(() => finish(false));
    });
  }

  async #sleep(track: Track, path: string[], due: number): Promise<void> {
    this.#waitAt(track, path, due);
    await new Promise<void>((resolve) => {
      const cancel = this.#ports.clock.at(due, resolve);
      void this.#stoppedPromise.then(() => {
        cancel();
        resolve();
      });
    });
    // Stopped mid-wait: the stored wait stays, for the next start to resume.
    if (this.#stopped) throw new RunStopped();
    this.#waitOver(track);
  }

  #waitAt(track: Track, path: string[], dueAt: number | null): void {
    track.state = { at: "wait", path, dueAt };
    this.#emit();
  }

  #waitOver(track: Track): void {
    track.state = { at: "busy" };
    this.#emit();
  }

  /** Tells the rule where the run now waits. Not once stopped: a stop keeps the stored wait for the next start. */
  #emit(): void {
    if (this.#stopped) return;
    const at = this.#root.snapshot();
    this.#ports.checkpoint(isResume(at) ? at : null, this.#variables);
  }

  #set(values: Record<string, unknown>, step: TraceStep): void {
    this.#variables = { ...this.#variables, ...values };
    step.variables = { ...step.variables, ...values };
  }
}

function toList(v: unknown): string[] {
  if (v === null || v === undefined || v === "") return [];
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
  return (typeof v === "string" ? v : JSON.stringify(v))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
