import { z } from "zod";
import type { HubDatabase } from "@/db/open-database";
import { deleteRecorderPolicy, loadRecorderPolicies, saveRecorderPolicy, type StoredRecorderPolicy } from "@/db/queries/recorder-policies";
import { ENTITY_ID_PATTERN } from "@/devices/discovery/entity-id";
import { HubError, formatIssues } from "../errors";
import { RecordingGate, type RecordedChange } from "./recorder-policies-gate";

/**
 * One entity's recording policy (GET /api/history/policies). Null fields follow the defaults.
 *
 * - `exclude`: nothing of the entity is recorded, and the next purge deletes what was recorded before.
 * - `keep_days`: its raw history is kept this many days instead of HEARTH_HISTORY_KEEP_DAYS (longer or shorter).
 * - `min_change`: a numeric state is recorded only when it differs by at least this much from the value history
 *   ends on (the last recorded one, or the one waiting for a debounce window's end). Changes to, from or between
 *   states that are not numbers (on/off, unavailable, unknown) are always recorded; attribute-only changes of a
 *   numeric state count as no change.
 * - `debounce_ms`: at most one change per window of this length is recorded: the first at once, and the last one
 *   of the window (with its own time) when the window ends, so history always ends on the true value. A change
 *   recorded at a window's end opens the next window.
 *
 * What min_change and debounce compare with lives in memory: after a restart (or a policy change) the entity's
 * first change is recorded.
 */
export interface RecorderPolicyView {
  entity_id: string;
  exclude: boolean;
  keep_days: number | null;
  min_change: number | null;
  debounce_ms: number | null;
  updated_at: number;
}

/** PUT /api/history/policies/<entity_id>: left-out fields stay as they are; null goes back to the default. */
export interface RecorderPolicyPatch {
  exclude?: boolean | undefined;
  keep_days?: number | null | undefined;
  min_change?: number | null | undefined;
  debounce_ms?: number | null | undefined;
}

export const MAX_KEEP_DAYS = 3650;
export const MAX_DEBOUNCE_MS = 86_400_000;

const patchSchema = z.strictObject({
  exclude: z.boolean({ error: "must be true or false" }).optional(),
  keep_days: z
    .number({ error: "must be a number of days, or null for the default" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(MAX_KEEP_DAYS, `must be at most ${MAX_KEEP_DAYS} days (10 years)`)
    .nullable()
    .optional(),
  min_change: z
    .number({ error: "must be a number, or null to record every change" })
    .min(0, "must be 0 or more")
    .nullable()
    .optional(),
  debounce_ms: z
    .number({ error: "must be a number of milliseconds, or null for none" })
    .int("must be a whole number of milliseconds")
    .min(0, "must be 0 or more")
    .max(MAX_DEBOUNCE_MS, `must be at most ${MAX_DEBOUNCE_MS} ms (one day)`)
    .nullable()
    .optional(),
});

/** Checks an entity id as Hearth hands them out: `<domain>.<object id>`, lowercase letters, digits and `_`. */
export function parseEntityIdOrThrow(entityId: string): string {
  if (entityId.length > 255 || !ENTITY_ID_PATTERN.test(entityId)) {
    throw new HubError("invalid_input", `entity_id: "${entityId.slice(0, 80)}" is not an entity id (like sensor.kitchen_temperature: lowercase letters, digits and _)`);
  }
  return entityId;
}

/** What the recorder consults for every state change (server/history/recorder.ts). */
export interface RecorderPolicyHook {
  /** The filter of an entity with a min_change or debounce policy, or `excluded`; undefined records everything. */
  find(entityId: string): RecordingGate | "excluded" | undefined;
  /** Records every change still held for a debounce window's end (the recorder is stopping). */
  flush(): void;
}

export interface RecorderPoliciesDeps {
  db: HubDatabase;
  now: () => number;
  /** HEARTH_HISTORY_KEEP_DAYS. */
  defaultKeepDays: number;
}

/**
 * Per-entity recording policies beyond Home Assistant's include/exclude, kept in recorder_policies and in
 * memory. The recorder asks `find` on every change: one Map lookup, and only entities with a policy get more.
 */
export class RecorderPolicies implements RecorderPolicyHook {
  readonly #deps: RecorderPoliciesDeps;
  readonly #policies = new Map<string, StoredRecorderPolicy>();
  /** Entities the recorder must filter: a gate, or "excluded". */
  readonly #gates = new Map<string, RecordingGate | "excluded">();

  constructor(deps: RecorderPoliciesDeps) {
    this.#deps = deps;
  }

  /** Loads the stored policies; before the recorder starts. */
  start(): void {
    for (const p of loadRecorderPolicies(this.#deps.db)) {
      this.#policies.set(p.entityId, p);
      this.#applyGate(p);
    }
  }

  find(entityId: string): RecordingGate | "excluded" | undefined {
    return this.#gates.get(entityId);
  }

  flush(): void {
    for (const gate of this.#gates.values()) if (gate !== "excluded") gate.flush();
  }

  /** The entity's policy, if it has one. */
  get(entityId: string): RecorderPolicyView | undefined {
    const p = this.#policies.get(entityId);
    return p ? view(p) : undefined;
  }

  list(): RecorderPolicyView[] {
    return [...this.#policies.values()].map(view).sort((a, b) => a.entity_id.localeCompare(b.entity_id));
  }

  /**
   * Changes the entity's policy (the entity need not exist yet). A policy that ends up saying nothing
   * (not excluded, every field the default) is removed. Takes effect on the entity's next change.
   */
  set(entityId: string, patch: unknown): RecorderPolicyView {
    parseEntityIdOrThrow(entityId);
    const parsed = patchSchema.safeParse(patch);
    if (!parsed.success) throw new HubError("invalid_input", formatIssues(parsed.error.issues));
    const p = parsed.data;
    const old = this.#policies.get(entityId);
    const next: StoredRecorderPolicy = {
      entityId,
      exclude: p.exclude ?? old?.exclude ?? false,
      keepDays: p.keep_days !== undefined ? p.keep_days : (old?.keepDays ?? null),
      minChange: p.min_change !== undefined ? p.min_change : (old?.minChange ?? null),
      debounceMs: p.debounce_ms !== undefined ? p.debounce_ms : (old?.debounceMs ?? null),
      updatedAt: this.#deps.now(),
    };
    if (!next.exclude && next.keepDays === null && next.minChange === null && next.debounceMs === null) {
      if (old) this.#forget(entityId);
      return view(next);
    }
    saveRecorderPolicy(this.#deps.db, next);
    this.#policies.set(entityId, next);
    this.#applyGate(next);
    return view(next);
  }

  /** Back to the defaults: everything recorded, kept HEARTH_HISTORY_KEEP_DAYS. */
  remove(entityId: string): void {
    parseEntityIdOrThrow(entityId);
    if (!this.#policies.has(entityId)) throw new HubError("not_found", `${entityId} has no recording policy`);
    this.#forget(entityId);
  }

  /** Days of raw history kept for the entity. */
  keepDays(entityId: string): number {
    return this.#policies.get(entityId)?.keepDays ?? this.#deps.defaultKeepDays;
  }

  isExcluded(entityId: string): boolean {
    return this.#policies.get(entityId)?.exclude === true;
  }

  get defaultKeepDays(): number {
    return this.#deps.defaultKeepDays;
  }

  /** Stops the debounce timers; `flush` (the recorder's stop) records what they held first. */
  stop(): void {
    for (const gate of this.#gates.values()) if (gate !== "excluded") gate.drop();
  }

  #forget(entityId: string): void {
    deleteRecorderPolicy(this.#deps.db, entityId);
    this.#policies.delete(entityId);
    this.#replaceGate(entityId, undefined);
  }

  #applyGate(p: StoredRecorderPolicy): void {
    const minChange = p.minChange ?? 0;
    const debounceMs = p.debounceMs ?? 0;
    if (p.exclude) this.#replaceGate(p.entityId, "excluded");
    else if (minChange > 0 || debounceMs > 0) {
      const old = this.#gates.get(p.entityId);
      // Same rules (only keep_days changed): the open window and the last recorded value stay.
      if (old instanceof RecordingGate && old.rules.minChange === minChange && old.rules.debounceMs === debounceMs) return;
      this.#replaceGate(p.entityId, new RecordingGate({ minChange, debounceMs }, this.#deps.now));
    } else this.#replaceGate(p.entityId, undefined);
  }

  /** A change held by the old gate is recorded first, unless the entity is now excluded. */
  #replaceGate(entityId: string, gate: RecordingGate | "excluded" | undefined): void {
    const old = this.#gates.get(entityId);
    if (old instanceof RecordingGate) {
      if (gate === "excluded") old.drop();
      else old.flush();
    }
    if (gate === undefined) this.#gates.delete(entityId);
    else this.#gates.set(entityId, gate);
  }
}

function view(p: StoredRecorderPolicy): RecorderPolicyView {
  return { entity_id: p.entityId, exclude: p.exclude, keep_days: p.keepDays, min_change: p.minChange, debounce_ms: p.debounceMs, updated_at: p.updatedAt };
}

export type { RecordedChange };
