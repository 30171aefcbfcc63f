import { RecorderStore, type EventRow, type RecorderBatch, type StateRow } from "@/db/queries/history";
import type { HubDatabase } from "@/db/open-database";
import type { EventBus, HubEvents } from "../event-bus";
import type { HaContext, HaState } from "../hub-api";
import type { Logger } from "../logger";
import type { RecordedChange, RecorderPolicyHook } from "./recorder-policies";

export interface RecorderDeps {
  bus: EventBus;
  db: HubDatabase;
  log: Logger;
  /** How often the buffer is committed (HEARTH_HISTORY_COMMIT_MS). */
  commitMs: number;
  /**
   * A commit of a big buffer is cut into transactions of about this many milliseconds each, with the event loop
   * free in between (the slice size adapts to how fast the disk is).
   */
  sliceMs?: number;
  /**
   * Beyond this many rows not yet written (buffered, or in a commit under way: the disk stalled or is full), new
   * changes are counted as dropped instead of kept, and that is logged; rows already kept are never dropped.
   */
  maxPending?: number;
  now?: () => number;
  /** Per-entity policies (exclude, min_change, debounce), consulted for every change. */
  policy?: RecorderPolicyHook;
}

export interface RecorderStatus {
  /** State changes and events not written yet: buffered, or in a commit under way (0: everything is on disk). */
  pending: number;
  /** State rows and events stored since start. */
  recorded: number;
  /** Changes not recorded because the buffer was full (maxPending). */
  dropped: number;
  /** Commits since start, and how long the last one took in total (all its slices), in ms. */
  commits: number;
  lastCommitMs: number;
  /** When the last commit finished (the hub's clock), null before the first. */
  lastCommitAt: number | null;
  /** The last commit's error, if it failed (its rows are kept and retried). */
  lastError: string | null;
}

/** Stored attribute text per attributes object: the state store reuses an object while nothing in it changes. */
type AttributeKeys = WeakMap<object, number>;

const DEFAULT_SLICE_MS = 3;
const MIN_SLICE_ROWS = 64;
const MAX_SLICE_ROWS = 20_000;
const DEFAULT_MAX_PENDING = 500_000;
/** Distinct attribute texts remembered (beyond it, a lookup goes to the database). */
const ATTRIBUTE_TEXTS_KEPT = 20_000;
const CONTEXTS_KEPT = 5_000;
/** While commits keep failing, the error is logged again at most this often. */
const FAILURE_LOG_EVERY_MS = 60_000;

/**
 * Records every state change and a few kinds of events into SQLite (db/schema/history.ts), never on the MQTT
 * hot path: a change becomes a small row in memory (its entity, attribute set and context turned into integer
 * keys, new keys handed out in memory), and every `commitMs` the buffer is written in transactions of
 * `sliceRows`, yielding to the event loop between slices. `kill -9` loses at most what was buffered.
 */
/** How long an entity's first state after start may be "unavailable" before that counts as an observation. */
const INITIAL_UNAVAILABLE_GRACE_MS = 5000;

export class Recorder {
  readonly #deps: RecorderDeps;
  readonly #store: RecorderStore;
  readonly #now: () => number;
  readonly #sliceMs: number;
  /** Rows per transaction, adapted after each slice so one takes about `sliceMs`. */
  #sliceRows = 1000;
  readonly #maxPending: number;
  #disposers: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;

  readonly #entityRefs = new Map<string, number>();
  /**
   * What each entity's last stored row said, until its first row of this run: a restart's replayed state that
   * repeats it is not recorded again.
   */
  readonly #lastStored = new Map<number, { state: string; attributesRef: number | null }>();
  /** Entities whose first state after start was "unavailable", held for INITIAL_UNAVAILABLE_GRACE_MS. */
  readonly #heldInitial = new Map<string, HubEvents["stateChanged"]>();
  #attributeKeys: AttributeKeys = new WeakMap();
  readonly #attributeTexts = new Map<string, number>();
  readonly #contextRefs = new Map<string, number>();
  /** Per entity key: the last recorded time and sequence within that millisecond. */
  readonly #lastTs: number[] = [];
  readonly #lastSeq: number[] = [];
  #nextIds = { entities: 0, attributes: 0, contexts: 0 };

  #batch: RecorderBatch = emptyBatch();
  #committing: Promise<void> | undefined;
  /** Rows of the commit under way not yet written: they count against maxPending like the buffer's. */
  #inFlight = 0;
  /** `dropped` when the current run of drops began (undefined while nothing is being dropped). */
  #droppedBefore: number | undefined;
  /** Since when commits fail (undefined while they succeed), and when that was last logged. */
  #failingSince: number | undefined;
  #lastFailureLog = 0;
  #status = { recorded: 0, dropped: 0, commits: 0, lastCommitMs: 0, lastCommitAt: null as number | null, lastError: null as string | null };
  /** Retention's orphan sweep: the keys of rows written while it runs (see `watchKeys`). */
  #keyWatch: { attributes: Set<number>; contexts: Set<number> } | undefined;
  /** Bound once: a debounce window's trailing edge records through it. */
  readonly #recordChange = (change: RecordedChange) => this.#record(change);

  constructor(deps: RecorderDeps) {
    this.#deps = deps;
    this.#store = new RecorderStore(deps.db);
    this.#now = deps.now ?? Date.now;
    this.#sliceMs = deps.sliceMs ?? DEFAULT_SLICE_MS;
    this.#maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING;
  }

  start(): void {
    for (const [entityId, ref] of this.#store.entities()) this.#entityRefs.set(entityId, ref);
    for (const [ref, last] of this.#store.lastTimes()) {
      this.#lastTs[ref] = last.ts;
      this.#lastSeq[ref] = last.seq;
      this.#lastStored.set(ref, { state: last.state, attributesRef: last.attributesRef });
    }
    this.#nextIds = this.#store.maxIds();
    const { bus } = this.#deps;
    this.#disposers.push(
      bus.on("stateChanged", (change) => this.#onStateChanged(change)),
      bus.on("serviceCalled", (call) =>
        this.#event("call_service", call.at, { domain: call.domain, service: call.service, service_data: call.data }, call.context),
      ),
      bus.on("deviceTriggered", (t) => this.#event(t.eventType, t.at, { ...t.data, device_id: t.deviceId }, null)),
      bus.on("automationTriggered", (a) =>
        this.#event("automation_triggered", a.at, { name: a.name, entity_id: `automation.${a.automationId}`, source: a.source }, a.context),
      ),
      bus.on("registryUpdated", (u) => {
        // The name as it was: a removed device is no longer there to ask.
        if (u.registry === "device" && u.action !== "update") this.#event(`device_${u.action === "create" ? "added" : "removed"}`, this.#now(), u.name ? { device_id: u.id, name: u.name } : { device_id: u.id }, null);
      }),
    );
    this.#timer = setInterval(() => void this.commit(), this.#deps.commitMs);
    this.#timer.unref();
  }

  /** Stops listening and writes everything still buffered, in one go. */
  async stop(): Promise<void> {
    for (const dispose of this.#disposers.splice(0)) dispose();
    clearInterval(this.#timer);
    // Changes held for a debounce window's end are the entity's latest values: record them now.
    this.#releaseHeld(true);
    this.#deps.policy?.flush();
    await this.#committing;
    this.#commitNow();
  }

  /** Resolves once no commit is in flight: every row handed out so far is written or back in the buffer. */
  async idle(): Promise<void> {
    while (this.#committing) await this.#committing;
  }

  /**
   * Everything recorded so far is on disk when this resolves: waits for a commit under way (which does not
   * include what arrived after it began), then commits the rest. Readers that must see the latest rows call it.
   */
  async flush(): Promise<void> {
    await this.idle();
    await this.commit();
  }

  /**
   * For retention's orphan sweep: from now on, collects the attribute and context keys of every row written;
   * `inUse()` adds those of rows still buffered (undefined while a commit is in flight: await `idle()`).
   */
  watchKeys(): { inUse(): { attributes: ReadonlySet<number>; contexts: ReadonlySet<number> } | undefined; stop(): void } {
    const watch = { attributes: new Set<number>(), contexts: new Set<number>() };
    this.#keyWatch = watch;
    return {
      inUse: () => {
        if (this.#committing) return undefined;
        const attributes = new Set(watch.attributes);
        const contexts = new Set(watch.contexts);
        collectKeys(this.#batch, attributes, contexts);
        return { attributes, contexts };
      },
      stop: () => {
        if (this.#keyWatch === watch) this.#keyWatch = undefined;
      },
    };
  }

  /** Forgets every attribute set and context key remembered in memory: retention just deleted some. */
  forgetKeys(): void {
    this.#attributeKeys = new WeakMap();
    this.#attributeTexts.clear();
    this.#contextRefs.clear();
  }

  status(): RecorderStatus {
    return { pending: this.#pending(), ...this.#status };
  }

  #pending(): number {
    return this.#batch.states.length + this.#batch.events.length + this.#inFlight;
  }

  /**
   * Writes the buffer: slices of about `sliceMs` each, each its own transaction, with the event loop free between
   * them. Changes arriving meanwhile wait for the next commit. Resolves when written (or failed and requeued).
   */
  commit(): Promise<void> {
    this.#releaseHeld(false);
    if (this.#committing) return this.#committing;
    if (this.#batch.states.length === 0 && this.#batch.events.length === 0) return Promise.resolve();
    const batch = this.#batch;
    this.#batch = emptyBatch();
    const started = performance.now();
    batch.states = byEntity(batch.states);
    this.#inFlight = batch.states.length + batch.events.length;
    this.#committing = this.#writeSlices(batch)
      .then((written) => {
        // A failed slice has set lastError and put the rest back in the buffer: not a commit. lastError stays set
        // until a commit writes everything it took, so it never reads null while a retry may still fail.
        if (!written) return;
        this.#status.lastError = null;
        if (this.#failingSince !== undefined) {
          this.#deps.log.warn({ failedForMs: this.#now() - this.#failingSince }, "recording history resumed");
          this.#failingSince = undefined;
        }
        this.#status.commits++;
        this.#status.lastCommitMs = performance.now() - started;
        this.#status.lastCommitAt = this.#now();
      })
      .finally(() => {
        this.#inFlight = 0;
        this.#committing = undefined;
      });
    return this.#committing;
  }

  /**
   * True when every slice was written. On the first slice that fails, nothing of it is stored: `RecorderStore.write`
   * is one better-sqlite3 transaction, which rolls back whenever its function or its COMMIT throws (SQLite may leave
   * a transaction open after a failed COMMIT, e.g. SQLITE_FULL; better-sqlite3 then issues the ROLLBACK). So that slice
   * and the ones after it go back to the front of the buffer, in order, with the keys they need.
   */
  async #writeSlices(batch: RecorderBatch): Promise<boolean> {
    let offset = 0;
    // The first slice carries the new keys, so no stored row refers to a key that is not stored.
    let keys: Pick<RecorderBatch, "entities" | "attributes" | "contexts"> = batch;
    do {
      const size = this.#sliceRows;
      const slice: RecorderBatch = {
        ...keys,
        states: batch.states.slice(offset, offset + size),
        events: offset === 0 ? batch.events : [],
      };
      const started = performance.now();
      try {
        this.#write(slice);
        this.#adaptSlice(slice.states.length, performance.now() - started);
      } catch (err) {
        // Keep what was not written for the next commit (a full disk, a locked file): nothing is lost silently,
        // and the buffer stays bounded (maxPending). Logged when it starts failing and then once a minute, not
        // at every commit interval.
        this.#status.lastError = (err as Error).message;
        const now = this.#now();
        if (this.#failingSince === undefined || now - this.#lastFailureLog >= FAILURE_LOG_EVERY_MS) {
          this.#deps.log.error({ err, pending: this.#pending(), failingForMs: now - (this.#failingSince ?? now) }, "recording history failed; will retry");
          this.#lastFailureLog = now;
        }
        this.#failingSince ??= now;
        this.#inFlight = 0;
        this.#requeue({ ...keys, states: batch.states.slice(offset), events: offset === 0 ? batch.events : [] });
        return false;
      }
      this.#inFlight -= slice.states.length + slice.events.length;
      keys = { entities: [], attributes: [], contexts: [] };
      offset += size;
      if (offset < batch.states.length) await new Promise<void>((resolve) => setImmediate(resolve));
    } while (offset < batch.states.length);
    return true;
  }

  /** Next slice's size from this one's speed, moving at most 2× per step so one slow write does not swing it. */
  #adaptSlice(rows: number, ms: number): void {
    if (rows < this.#sliceRows / 2) return;
    const ideal = (rows * this.#sliceMs) / Math.max(ms, 0.05);
    this.#sliceRows = Math.round(Math.min(MAX_SLICE_ROWS, Math.max(MIN_SLICE_ROWS, this.#sliceRows / 2, Math.min(this.#sliceRows * 2, ideal))));
  }

  #commitNow(): void {
    const batch = this.#batch;
    this.#batch = emptyBatch();
    if (batch.states.length === 0 && batch.events.length === 0 && batch.entities.length === 0) return;
    try {
      this.#write(batch);
    } catch (err) {
      this.#deps.log.error({ err, lost: batch.states.length + batch.events.length }, "recording history at stop failed");
    }
  }

  #write(batch: RecorderBatch): void {
    this.#store.write(batch);
    if (this.#keyWatch) collectKeys(batch, this.#keyWatch.attributes, this.#keyWatch.contexts);
    this.#status.recorded += batch.states.length + batch.events.length;
  }

  #requeue(rest: RecorderBatch): void {
    const next = this.#batch;
    this.#batch = {
      entities: [...rest.entities, ...next.entities],
      attributes: [...rest.attributes, ...next.attributes],
      contexts: [...rest.contexts, ...next.contexts],
      states: [...rest.states, ...next.states],
      events: [...rest.events, ...next.events],
    };
  }

  /**
   * At the cap, a new change is dropped (never one already kept, so memory stays bounded by maxPending rows) and
   * counted in `dropped`; each run of drops is logged when it starts, and with its count when there is room again.
   */
  #full(): boolean {
    if (this.#pending() < this.#maxPending) {
      if (this.#droppedBefore !== undefined) {
        this.#deps.log.warn({ dropped: this.#status.dropped - this.#droppedBefore }, "history buffer has room again; changes in between were not recorded");
        this.#droppedBefore = undefined;
      }
      return false;
    }
    if (this.#droppedBefore === undefined) {
      this.#droppedBefore = this.#status.dropped;
      this.#deps.log.error({ maxPending: this.#maxPending }, "history buffer full: the database is not keeping up; changes are being dropped");
    }
    this.#status.dropped++;
    return true;
  }

  #onStateChanged(change: HubEvents["stateChanged"]): void {
    const state = change.newState;
    // A new runtime's "unknown" (at start, before the retained state arrives) is not an observation.
    if (state === null || (change.oldState === null && state.state === "unknown")) return;
    if (change.oldState === null && state.state === "unavailable") {
      // Nor is its "unavailable" until the retained availability arrives a moment later: hold it, and record it
      // only if the entity is still silent after the grace (a device that really is offline).
      this.#heldInitial.set(change.entityId, change);
      return;
    }
    // Coming out of that first "unavailable" into "unknown" still says nothing: the first value will.
    if (this.#heldInitial.size > 0 && this.#heldInitial.delete(change.entityId) && state.state === "unknown") return;
    this.#admit(change);
  }

  /** Records the held first "unavailable" states that nothing superseded within the grace (all of them at stop). */
  #releaseHeld(all: boolean): void {
    if (this.#heldInitial.size === 0) return;
    const cutoff = this.#now() - INITIAL_UNAVAILABLE_GRACE_MS;
    for (const [entityId, change] of this.#heldInitial) {
      if (!all && change.at > cutoff) continue;
      this.#heldInitial.delete(entityId);
      this.#admit(change);
    }
  }

  #admit(change: HubEvents["stateChanged"]): void {
    const gate = this.#deps.policy?.find(change.entityId);
    if (gate !== undefined && (gate === "excluded" || !gate.admit(change, this.#recordChange))) return;
    this.#record(change);
  }

  #record(change: RecordedChange): void {
    const state = change.newState;
    if (state === null || this.#full()) return;
    const ref = this.#entityRef(change.entityId);
    const ts = change.at;
    const attributesRef = this.#attributesRef(state);
    if (this.#lastStored.size > 0) {
      const stored = this.#lastStored.get(ref);
      if (stored !== undefined) {
        this.#lastStored.delete(ref);
        if (stored.state === state.state && stored.attributesRef === attributesRef) return;
      }
    }
    // Several changes of one entity in one millisecond keep their order by sequence number.
    const seq = this.#lastTs[ref] === ts ? (this.#lastSeq[ref] ?? 0) + 1 : 0;
    this.#lastTs[ref] = ts;
    this.#lastSeq[ref] = seq;
    const row: StateRow = {
      entityRef: ref,
      ts,
      seq,
      state: state.state,
      attributesRef,
      changedTs: change.changedAt === ts ? null : change.changedAt,
      contextRef: this.#contextRef(state.context),
    };
    this.#batch.states.push(row);
  }

  #event(eventType: string, ts: number, data: Record<string, unknown>, context: HaContext | null): void {
    if (this.#full()) return;
    let json: string;
    try {
      json = JSON.stringify(data);
    } catch {
      json = "{}";
    }
    const row: EventRow = { ts, eventType, data: json, contextRef: context ? this.#contextRef(context, true) : null };
    this.#batch.events.push(row);
  }

  #entityRef(entityId: string): number {
    let ref = this.#entityRefs.get(entityId);
    if (ref === undefined) {
      ref = ++this.#nextIds.entities;
      this.#entityRefs.set(entityId, ref);
      this.#batch.entities.push([ref, entityId]);
    }
    return ref;
  }

  #attributesRef(state: HaState): number {
    const attributes = state.attributes;
    const known = this.#attributeKeys.get(attributes);
    if (known !== undefined) return known;
    const json = JSON.stringify(attributes);
    let ref = this.#attributeTexts.get(json);
    if (ref === undefined) {
      const hash = fnv1a(json);
      ref = this.#store.findAttributes(hash, json) ?? this.#pendingAttributes(hash, json);
      if (ref === undefined) {
        ref = ++this.#nextIds.attributes;
        this.#batch.attributes.push([ref, hash, json]);
      }
      if (this.#attributeTexts.size >= ATTRIBUTE_TEXTS_KEPT) this.#attributeTexts.clear();
      this.#attributeTexts.set(json, ref);
    }
    this.#attributeKeys.set(attributes, ref);
    return ref;
  }

  /** A new attribute set handed a key but not written yet (the text cache was just cleared). */
  #pendingAttributes(hash: number, json: string): number | undefined {
    for (const [id, h, text] of this.#batch.attributes) if (h === hash && text === json) return id;
    return undefined;
  }

  /** A key for a context worth keeping (a person's or an automation's); null for the device's own changes. */
  #contextRef(context: HaContext, always = false): number | null {
    if (!always && context.user_id === null && context.parent_id === null) return null;
    let ref = this.#contextRefs.get(context.id);
    if (ref === undefined) {
      ref = this.#store.findContext(context.id) ?? this.#batch.contexts.find((c) => c[1] === context.id)?.[0];
      if (ref === undefined) {
        ref = ++this.#nextIds.contexts;
        this.#batch.contexts.push([ref, context.id, context.user_id, context.parent_id]);
      }
      if (this.#contextRefs.size >= CONTEXTS_KEPT) this.#contextRefs.clear();
      this.#contextRefs.set(context.id, ref);
    }
    return ref;
  }
}

function collectKeys(batch: RecorderBatch, attributes: Set<number>, contexts: Set<number>): void {
  for (const r of batch.states) {
    if (r.attributesRef !== null) attributes.add(r.attributesRef);
    if (r.contextRef !== null) contexts.add(r.contextRef);
  }
  for (const e of batch.events) if (e.contextRef !== null) contexts.add(e.contextRef);
}

/**
 * The rows grouped by entity (stable: each entity's rows keep their order), in one O(n) pass over the small integer
 * keys. state_history is clustered by entity: in arrival order every slice touches a page per row and rewrites it
 * in the WAL, grouped a commit touches each entity's last page once. (`npm run bench -- --scenarios history`: the
 * write cost per row halves at 50,000 changes/s over 10,000 entities, and far fewer WAL checkpoints stall a slice.)
 */
function byEntity(rows: StateRow[]): StateRow[] {
  let max = 0;
  for (const r of rows) if (r.entityRef > max) max = r.entityRef;
  const starts = new Uint32Array(max + 2);
  for (const r of rows) starts[r.entityRef + 1]!++;
  for (let i = 1; i < starts.length; i++) starts[i]! += starts[i - 1]!;
  const out = new Array<StateRow>(rows.length);
  for (const r of rows) out[starts[r.entityRef]!++] = r;
  return out;
}

function emptyBatch(): RecorderBatch {
  return { entities: [], attributes: [], contexts: [], states: [], events: [] };
}

/** 32-bit FNV-1a over UTF-16 code units: a quick key to find an attribute text again (texts are compared too). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
