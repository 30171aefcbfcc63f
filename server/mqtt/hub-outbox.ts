import type { Logger } from "../logger";
import type { FromBroker, WireMessage } from "./broker-protocol";

/** Messages posted to the hub's thread and not yet handled there, at most: the hub's share of a burst. */
const WINDOW = 4096;
/** One postMessage carries at most this many (at 20,000 messages/s the per-call cost dominates). */
const MAX_BATCH = 1024;
/** Messages held here beyond the window before the oldest droppable ones go. */
const MAX_QUEUED = 20_000;
const LOG_EVERY_MS = 10_000;

type Entry = { subId: number; message: WireMessage } | { post: FromBroker };

export interface HubOutboxDeps {
  send: (msg: FromBroker) => void;
  log: Logger;
  /** Messages under `<prefix>/` (discovery configs, availability, the birth topic) are never dropped. */
  discoveryPrefix: string;
  /** Overrides for tests (defaults: WINDOW, MAX_QUEUED). */
  window?: number;
  maxQueued?: number;
}

/**
 * Everything the broker thread tells the hub, in order, with flow control for the hub's subscriptions.
 *
 * The hub handles messages a few milliseconds per event-loop turn (worker-broker.ts TURN_BUDGET_MS) and says
 * how many it handled (`consumed`). At most WINDOW messages are on their way; the rest wait here, and here is
 * where a flood that outruns the hub is cut down, oldest first, so that memory stays bounded and what the hub
 * finally sees is the newest. What may be dropped (#droppable):
 * - live QoS 0 messages without the retain flag: MQTT's at-most-once, and for a state topic a newer message
 *   for the same topic follows in the flood, so state, history and rules end on the latest value;
 * - never a retained message (device state the hub keeps, last will, availability), never a replay of the
 *   retained store (a subscription's start), never QoS 1/2, and never anything under the discovery prefix
 *   (device configs and the birth topic): losing one of those would leave the hub wrong until the device
 *   happens to send again.
 * Past 4 x that bound, reached only if a flood consists of such messages, the oldest of all but replays and
 * discovery go too, logged as an error: memory must stay bounded whatever clients send.
 * Non-message posts (replies, client events) queue behind the messages before them, so the hub still sees
 * everything in the order it happened here.
 */
export class HubOutbox {
  readonly #deps: HubOutboxDeps;
  readonly #window: number;
  readonly #maxQueued: number;
  readonly #hardMax: number;
  readonly #discovery: string;
  #queue: Entry[] = [];
  #head = 0;
  #inFlight = 0;
  #scheduled = false;
  /** Queue length at which to shed again: after a shed that freed little, not on every message. */
  #shedAt: number;
  #dropped = 0;
  #unlogged = { dropped: 0, forced: 0 };
  #loggedAt = 0;
  #peak = 0;

  constructor(deps: HubOutboxDeps) {
    this.#deps = deps;
    this.#window = deps.window ?? WINDOW;
    this.#maxQueued = deps.maxQueued ?? MAX_QUEUED;
    this.#hardMax = 4 * this.#maxQueued;
    this.#shedAt = this.#maxQueued;
    this.#discovery = `${deps.discoveryPrefix}/`;
  }

  /** Messages dropped for the hub since start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Messages waiting here (not posted yet), now and at most since start. */
  get queued(): { now: number; peak: number } {
    return { now: this.#queue.length - this.#head, peak: this.#peak };
  }

  /** A message for one of the hub's subscriptions: goes with the next batch (at most one per turn). */
  message(subId: number, message: WireMessage): void {
    this.#queue.push({ subId, message });
    const waiting = this.#queue.length - this.#head;
    if (waiting > this.#peak) this.#peak = waiting;
    if (waiting >= this.#shedAt) this.#shed();
    if (waiting >= MAX_BATCH && this.#inFlight < this.#window) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Anything else: at once, unless messages are still waiting, then behind them. */
  post(msg: FromBroker): void {
    if (this.#head === this.#queue.length) this.#deps.send(msg);
    else {
      this.#queue.push({ post: msg });
      this.flush();
    }
  }

  /** The hub handled `count` messages: room for as many more. */
  consumed(count: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - count);
    if (this.#head < this.#queue.length) this.flush();
  }

  /** Posts what the window allows; `force` posts everything (the thread is stopping). */
  flush(force = false): void {
    this.#scheduled = false;
    const q = this.#queue;
    while (this.#head < q.length) {
      const first = q[this.#head]!;
      if ("post" in first) {
        this.#head++;
        this.#deps.send(first.post);
        continue;
      }
      const room = force ? MAX_BATCH : Math.min(MAX_BATCH, this.#window - this.#inFlight);
      if (room <= 0) break;
      const batch: Array<{ subId: number; message: WireMessage }> = [];
      while (batch.length < room && this.#head < q.length) {
        const e = q[this.#head]!;
        if ("post" in e) break;
        batch.push(e);
        this.#head++;
      }
      this.#inFlight += batch.length;
      this.#deps.send({ type: "messages", batch });
    }
    if (this.#head === q.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > MAX_BATCH && this.#head * 2 > q.length) {
      this.#queue = q.slice(this.#head);
      this.#head = 0;
    }
  }

  #droppable(m: WireMessage): boolean {
    return m.qos === 0 && !m.retain && !m.replayed && !m.topic.startsWith(this.#discovery);
  }

  #forcible(m: WireMessage): boolean {
    return !m.replayed && !m.topic.startsWith(this.#discovery);
  }

  /** Drops the oldest droppable messages down to 3/4 of the bound (and, past the hard bound, forcible ones). */
  #shed(): void {
    const q = this.#queue;
    const waiting = q.length - this.#head;
    let excess = waiting - Math.floor((this.#maxQueued * 3) / 4);
    let forced = waiting - Math.floor((this.#hardMax * 3) / 4);
    const kept: Entry[] = [];
    let dropped = 0;
    for (let i = this.#head; i < q.length; i++) {
      const e = q[i]!;
      if (excess > 0 && !("post" in e) && this.#droppable(e.message)) {
        excess--;
        dropped++;
        continue;
      }
      kept.push(e);
    }
    let forcedNow = 0;
    if (forced > 0 && kept.length >= this.#hardMax * 0.75) {
      forced = kept.length - Math.floor((this.#hardMax * 3) / 4);
      const again: Entry[] = [];
      for (const e of kept) {
        if (forced > 0 && !("post" in e) && this.#forcible(e.message)) {
          forced--;
          forcedNow++;
          continue;
        }
        again.push(e);
      }
      kept.length = 0;
      kept.push(...again);
    }
    this.#queue = kept;
    this.#head = 0;
    // Shedding walks the queue: if it freed little (nothing droppable), wait for a quarter more before the next.
    this.#shedAt = Math.max(this.#maxQueued, kept.length + Math.floor(this.#maxQueued / 4));
    this.#dropped += dropped + forcedNow;
    this.#unlogged.dropped += dropped;
    this.#unlogged.forced += forcedNow;
    this.logDrops();
  }

  /** Logs drops not logged yet: at once when state was dropped, else at most every 10 s (called each second too). */
  logDrops(): void {
    const now = Date.now();
    if (this.#unlogged.dropped + this.#unlogged.forced === 0) return;
    if (now - this.#loggedAt < LOG_EVERY_MS && this.#unlogged.forced === 0) return;
    this.#loggedAt = now;
    const { dropped, forced } = this.#unlogged;
    this.#unlogged = { dropped: 0, forced: 0 };
    const queued = this.#queue.length - this.#head;
    if (forced > 0) this.#deps.log.error({ dropped, forced, queued }, "the hub is far behind the broker: dropped retained and QoS 1/2 messages too (oldest first)");
    else if (dropped > 0) this.#deps.log.warn({ dropped, queued }, "the hub is behind the broker: dropped its oldest QoS 0 messages");
  }
}
