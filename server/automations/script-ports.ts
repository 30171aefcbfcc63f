import type { Condition, Duration, Trigger } from "@/devices/automations/types";
import type { ConditionResult } from "@/devices/automations/conditions";
import type { HaContext } from "../hub-api";
import type { Clock } from "./clock";
import type { Resume } from "./run-position";
import type { TriggerData } from "./triggers";

/** One step of a run, as the trace shows it. */
export interface TraceStep {
  /** Where in the rule, as HA's traces say it: "actions/2/then/0". */
  path: string;
  kind: string;
  alias?: string;
  startedAt: number;
  ms: number;
  /** What it did or found, in words. */
  result: string;
  error?: string;
  conditions?: ConditionResult;
  /** Variables the step set. */
  variables?: Record<string, unknown>;
}

/** What the run needs from the hub. */
export interface RunPorts {
  clock: Clock;
  condition(c: Condition[], variables: Record<string, unknown>): ConditionResult;
  render(value: unknown, variables: Record<string, unknown>): unknown;
  renderText(template: string, variables: Record<string, unknown>): string;
  durationMs(d: Duration, variables: Record<string, unknown>): number;
  callService(service: string, target: { entity_id: string[]; device_id: string[]; area_id: string[] }, data: Record<string, unknown>, context: HaContext): Promise<unknown>;
  fireEvent(eventType: string, data: Record<string, unknown>, context: HaContext): void;
  /** Waits for one of the triggers to fire (the engine attaches them); resolves null on timeout or stop. */
  waitForTrigger(triggers: Trigger[], variables: Record<string, unknown>, untilMs: number | undefined, stopped: Promise<void>): Promise<TriggerData | null>;
  /** Calls back whenever a state changes (for wait_template); answers a detach function. */
  onStateChange(fn: () => void): () => void;
  /** Where the run waits, to survive a restart (it changed: a wait began or ended, a branch ended); null: nowhere. */
  checkpoint(at: Resume | null, variables: Record<string, unknown>): void;
}

export class RunStopped extends Error {}
/** `stop:` ended the run; `error` true makes it a failure. */
export class StopAction extends Error {
  readonly reason: string;
  readonly isError: boolean;
  constructor(reason: string, isError: boolean) {
    super(reason);
    this.reason = reason;
    this.isError = isError;
  }
}

/** A duration in words, for traces: "45 s", "5 min", "2 h 10 min". */
export function formatMs(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ""}`.trim();
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
