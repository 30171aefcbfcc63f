import type { HaContext, HaState } from "../hub-api";

// The compressed state format of subscribe_entities (HA: websocket_api/messages.py, core.py
// State.as_compressed_state; read by home-assistant-js-websocket lib/entities.ts processEvent).

/** One entity as `subscribe_entities` sends it: times are epoch seconds; `lu` only when it differs from `lc`. */
export interface CompressedState {
  s: string;
  a: Record<string, unknown>;
  /** The context id alone when parent and user are null, else the whole context. */
  c: string | HaContext;
  lc: number;
  lu?: number;
}

export interface EntityDiff {
  "+"?: Partial<Omit<CompressedState, "c">> & { c?: string | Partial<HaContext> };
  "-"?: { a: string[] };
}

/** The event body: additions (or full replacements), changes and removals. */
export interface EntitiesEvent {
  a?: Record<string, CompressedState>;
  c?: Record<string, EntityDiff>;
  r?: string[];
}

/** HA's timestamps in epoch seconds (a float, millisecond precision here). */
export function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

// States are immutable once emitted (each change is a new object), so every connection shares one
// compressed form and one diff per change instead of computing its own.
const compressed = new WeakMap<HaState, CompressedState>();
const diffs = new WeakMap<HaState, { old: HaState; diff: EntityDiff | "replace" | undefined }>();

export function compressState(state: HaState): CompressedState {
  let out = compressed.get(state);
  if (!out) {
    out = compress(state);
    compressed.set(state, out);
  }
  return out;
}

function compress(state: HaState): CompressedState {
  const ctx = state.context;
  const out: CompressedState = {
    s: state.state,
    a: state.attributes,
    c: ctx.parent_id === null && ctx.user_id === null ? ctx.id : ctx,
    lc: epochSeconds(state.last_changed),
  };
  if (state.last_updated !== state.last_changed) out.lu = epochSeconds(state.last_updated);
  return out;
}

/**
 * What the client needs to turn `old` into `next` (messages.py _state_diff), or undefined when nothing
 * it shows differs. The client applies `lc` to both last_changed and last_updated, so a new last_changed
 * with a different last_updated (two changes coalesced into one) cannot be a diff: the caller sends the
 * whole state instead (`"replace"`).
 */
export function diffState(old: HaState, next: HaState): EntityDiff | "replace" | undefined {
  const cached = diffs.get(next);
  if (cached?.old === old) return cached.diff;
  const diff = computeDiff(old, next);
  diffs.set(next, { old, diff });
  return diff;
}

function computeDiff(old: HaState, next: HaState): EntityDiff | "replace" | undefined {
  const add: NonNullable<EntityDiff["+"]> = {};
  if (old.state !== next.state) add.s = next.state;
  if (old.last_changed !== next.last_changed) {
    if (next.last_updated !== next.last_changed) return "replace";
    add.lc = epochSeconds(next.last_changed);
  } else if (old.last_updated !== next.last_updated) {
    add.lu = epochSeconds(next.last_updated);
  }
  const ctx: Partial<HaContext> = {};
  if (old.context.parent_id !== next.context.parent_id) ctx.parent_id = next.context.parent_id;
  if (old.context.user_id !== next.context.user_id) ctx.user_id = next.context.user_id;
  if (old.context.id !== next.context.id) {
    if (Object.keys(ctx).length > 0) ctx.id = next.context.id;
    else add.c = next.context.id;
  }
  if (Object.keys(ctx).length > 0) add.c = ctx;
  const changedAttributes: Record<string, unknown> = {};
  let anyAttribute = false;
  for (const [key, value] of Object.entries(next.attributes)) {
    if (!Object.hasOwn(old.attributes, key) || !sameJson(old.attributes[key], value)) {
      changedAttributes[key] = value;
      anyAttribute = true;
    }
  }
  if (anyAttribute) add.a = changedAttributes;
  const removed = Object.keys(old.attributes).filter((key) => !Object.hasOwn(next.attributes, key));
  const diff: EntityDiff = {};
  if (Object.keys(add).length > 0) diff["+"] = add;
  if (removed.length > 0) diff["-"] = { a: removed };
  return diff["+"] || diff["-"] ? diff : undefined;
}

/** Deep equality of JSON values (HA compares attribute values with Python's ==). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameJson(v, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The changes one `subscribe_entities` subscription has not sent yet. Within one event-loop turn every change
 * of an entity folds into one entry: the state the client last saw (`base`) and the newest (`latest`), so a
 * burst costs the client one diff per entity however many messages the device sent.
 */
export class PendingEntities {
  readonly #filter: ReadonlySet<string> | null;
  readonly #pending = new Map<string, { base: HaState | null; latest: HaState | null }>();

  constructor(entityIds: ReadonlySet<string> | null) {
    this.#filter = entityIds;
  }

  accepts(entityId: string): boolean {
    return this.#filter === null || this.#filter.has(entityId);
  }

  /** Records a change; true when this entity was not pending yet. */
  add(entityId: string, oldState: HaState | null, newState: HaState | null): boolean {
    const entry = this.#pending.get(entityId);
    if (entry) {
      entry.latest = newState;
      return false;
    }
    this.#pending.set(entityId, { base: oldState, latest: newState });
    return true;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The event for everything pending (undefined when it all cancelled out), and forgets it. */
  take(): EntitiesEvent | undefined {
    const event: EntitiesEvent = {};
    for (const [entityId, { base, latest }] of this.#pending) {
      if (latest === null) {
        if (base !== null) (event.r ??= []).push(entityId);
        continue;
      }
      const diff = base === null ? "replace" : diffState(base, latest);
      if (diff === "replace") (event.a ??= {})[entityId] = compressState(latest);
      else if (diff) (event.c ??= {})[entityId] = diff;
    }
    this.#pending.clear();
    return event.a || event.c || event.r ? event : undefined;
  }
}
