import { RecorderStore, type EventRow, type RecorderBatch, type StateRow } from "@/db/queries/history";
import type { HubDatabase } from "@/db/open-database";
import type { EventBus, HubEvents } from "../event-bus";
import type { HaContext, HaState } from "../hub-api";
import type { Logger } from "../logger";

export interface RecorderDeps {
  bus: EventBus;
  db: HubDatabase;
  log: Logger;
  /** How often the buffer is committed (HEARTH_HISTORY_COMMIT_MS). */
  commitMs: number;
  /** Rows per transaction: a commit of a big buffer is cut into slices with the event loop free in between. */
  sliceRows?: number;
  /** Beyond this many waiting rows (the disk stalled), new changes are counted as dropped instead of queued. */
  maxPending?: number;
  now?: () => number;
}

export interface RecorderStatus {
  /** State changes and events waiting for the next commit. */
  pending: number;
  /** State rows and events stored since start. */
  recorded: number;
  /** Changes not recorded because the buffer was full. */
  dropped: number;
  /** Commits since start, and how long the last one took in total (all its slices), in ms. */
  commits: number;
  lastCommitMs: number;
  /** The last commit's error, if it failed (its rows are kept and retried). */
  lastError: string | null;
}

/** Stored attribute text per attributes object: the state store reuses an object while nothing in it changes. */
type AttributeKeys = WeakMap<object, number>;

const DEFAULT_SLICE_ROWS = 2000;
const DEFAULT_MAX_PENDING = 500_000;
/** Distinct attribute texts remembered (beyond it, a lookup goes to the database). */
const ATTRIBUTE_TEXTS_KEPT = 20_000;
const CONTEXTS_KEPT = 5_000;

/**
 * Records every state change and a few kinds of events into SQLite (db/schema/history.ts), never on the MQTT
 * hot path: a change becomes a small row in memory (its entity, attribute set and context turned into integer
 * keys, new keys handed out in memory), and every `commitMs` the buffer is written in transactions of
 * `sliceRows`, yielding to the event loop between slices. `kill -9` loses at most what was buffered.
 */
export class Recorder {
  readonly #deps: RecorderDeps;
  readonly #store: RecorderStore;
  readonly #now: () => number;
  readonly #sliceRows: number;
  readonly #maxPending: number;
  #disposers: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;

  readonly #entityRefs = new Map<string, number>();
  readonly #attributeKeys: AttributeKeys = new WeakMap();
  readonly #attributeTexts = new Map<string, number>();
  readonly #contextRefs = new Map<string, number>();
  /** Per entity key: the last recorded time and sequence within that millisecond. */
  readonly #lastTs: number[] = [];
  readonly #lastSeq: number[] = [];
  #nextIds = { entities: 0, attributes: 0, contexts: 0 };

  #batch: RecorderBatch = emptyBatch();
  #committing: Promise<void> | undefined;
  #status = { recorded: 0, dropped: 0, commits: 0, lastCommitMs: 0, lastError: null as string | null };

  constructor(deps: RecorderDeps) {
    this.#deps = deps;
    this.#store = new RecorderStore(deps.db);
    this.#now = deps.now ?? Date.now;
    this.#sliceRows = deps.sliceRows ?? DEFAULT_SLICE_ROWS;
    this.#maxPending = deps.maxPending ?? DEFAULT_MAX_PENDING;
  }

  start(): void {
    for (const [entityId, ref] of this.#store.entities()) this.#entityRefs.set(entityId, ref);
    for (const [ref, last] of this.#store.lastTimes()) {
      this.#lastTs[ref] = last.ts;
      this.#lastSeq[ref] = last.seq;
    }
    this.#nextIds = this.#store.maxIds();
    const { bus } = this.#deps;
    this.#disposers.push(
      bus.on("stateChanged", (change) => this.#onStateChanged(change)),
      bus.on("serviceCalled", (call) =>
        this.#event("call_service", call.at, { domain: call.domain, service: call.service, service_data: call.data }, call.context),
      ),
      bus.on("deviceTriggered", (t) => this.#event(t.eventType, t.at, { ...t.data, device_id: t.deviceId }, null)),
      bus.on("registryUpdated", (u) => {
        if (u.registry === "device" && u.action !== "update") this.#event(`device_${u.action === "create" ? "added" : "removed"}`, this.#now(), { device_id: u.id }, null);
      }),
    );
    this.#timer = setInterval(() => void this.commit(), this.#deps.commitMs);
    this.#timer.unref();
  }

  /** Stops listening and writes everything still buffered, in one go. */
  async stop(): Promise<void> {
    for (const dispose of this.#disposers.splice(0)) dispose();
    clearInterval(this.#timer);
    await this.#committing;
    this.#commitNow();
  }

  status(): RecorderStatus {
    return { pending: this.#batch.states.length + this.#batch.events.length, ...this.#status };
  }

  /**
   * Writes the buffer: slices of `sliceRows` rows, each its own transaction, with the event loop free between
   * them. Changes arriving meanwhile wait for the next commit. Resolves when written (or failed and requeued).
   */
  commit(): Promise<void> {
    if (this.#committing) return this.#committing;
    if (this.#batch.states.length === 0 && this.#batch.events.length === 0) return Promise.resolve();
    const batch = this.#batch;
    this.#batch = emptyBatch();
    const started = performance.now();
    this.#committing = this.#writeSlices(batch)
      .then(() => {
        this.#status.commits++;
        this.#status.lastCommitMs = performance.now() - started;
        this.#status.lastError = null;
      })
      .finally(() => {
        this.#committing = undefined;
      });
    return this.#committing;
  }

  async #writeSlices(batch: RecorderBatch): Promise<void> {
    const size = this.#sliceRows;
    let offset = 0;
    // The first slice carries the new keys, so no stored row refers to a key that is not stored.
    let keys: Pick<RecorderBatch, "entities" | "attributes" | "contexts"> = batch;
    do {
      const slice: RecorderBatch = {
        ...keys,
        states: batch.states.slice(offset, offset + size),
        events: offset === 0 ? batch.events : [],
      };
      try {
        this.#write(slice);
      } catch (err) {
        // Keep what was not written for the next commit (a full disk, a locked file): nothing is lost silently.
        this.#status.lastError = (err as Error).message;
        this.#deps.log.error({ err }, "recording history failed; will retry");
        this.#requeue({ ...keys, states: batch.states.slice(offset), events: offset === 0 ? batch.events : [] });
        return;
      }
      keys = { entities: [], attributes: [], contexts: [] };
      offset += size;
      if (offset < batch.states.length) await new Promise<void>((resolve) => setImmediate(resolve));
    } while (offset < batch.states.length);
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

  #full(): boolean {
    if (this.#batch.states.length + this.#batch.events.length < this.#maxPending) return false;
    if (this.#status.dropped === 0) this.#deps.log.error({ maxPending: this.#maxPending }, "history buffer full: the database is not keeping up; changes are being dropped");
    this.#status.dropped++;
    return true;
  }

  #onStateChanged(change: HubEvents["stateChanged"]): void {
    const state = change.newState;
    // A new runtime's "unknown" (at start, before the retained state arrives) is not an observation.
    if (state === null || (change.oldState === null && state.state === "unknown") || this.#full()) return;
    const ref = this.#entityRef(change.entityId);
    const ts = change.at;
    // Several changes of one entity in one millisecond keep their order by sequence number.
    const seq = this.#lastTs[ref] === ts ? (this.#lastSeq[ref] ?? 0) + 1 : 0;
    this.#lastTs[ref] = ts;
    this.#lastSeq[ref] = seq;
    const row: StateRow = {
      entityRef: ref,
      ts,
      seq,
      state: state.state,
      attributesRef: this.#attributesRef(state),
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
