import type { Duplex } from "node:stream";
import type { Aedes, AedesPublishPacket, Client } from "aedes";
import type { Logger } from "../logger";

/**
 * How deep one synchronous chain of deliveries may go inside aedes's mqemitter before the rest waits for the
 * next event-loop turn. mqemitter 7 takes the next queued message from inside the previous one's completion
 * (`released` -> `_do`), so when deliveries complete synchronously (no subscriber for the topic, or only the
 * hub's in-process taps, whose deliverfunc must call back before returning) a queue of N messages is drained
 * by N nested calls: with a backlog of a few thousand that is `RangeError: Maximum call stack size exceeded`,
 * thrown inside aedes, and the broker thread dies (seen under `mqtt-bench --ahead 0` when the backlogged
 * subscriber disconnected). 32 levels keep the stack shallow and cost one setImmediate per 32 messages.
 */
const MAX_SYNC_DEPTH = 32;

/** The private parts of mqemitter 7 that `boundDeliveryRecursion` relies on (checked at start). */
interface MqEmitterInternals {
  _do(message: unknown, callback: () => void): unknown;
  _released(): void;
  _messageQueue: Queue<unknown>;
  _messageCallbacks: Queue<() => void>;
  current: number;
}

/** What mqemitter does with its queues: push, shift, unshift (ours), length. */
interface Queue<T> {
  push(item: T): number;
  shift(): T | undefined;
  unshift(item: T): number;
  readonly length: number;
}

/**
 * mqemitter keeps its backlog in plain arrays and takes from the front with shift(), which V8 does by moving
 * every element once an array is large: a backlog of N costs O(N^2) to drain, which is how aedes's throughput
 * collapses as its backlog deepens. This queue takes from the front in O(1).
 */
class FrontQueue<T> implements Queue<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): number {
    this.#items.push(item);
    return this.length;
  }

  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  unshift(item: T): number {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
    return this.length;
  }
}

/**
 * Breaks mqemitter's recursion by deferring the queued message that would go one level too deep to the next
 * turn. The slot that message would have taken stays counted as busy meanwhile, so new messages keep queueing
 * behind it and the order of delivery is unchanged. Instance-level: node_modules stays untouched.
 */
export function boundDeliveryRecursion(aedes: Aedes): void {
  const mq = (aedes as unknown as { mq: Partial<MqEmitterInternals> }).mq;
  if (typeof mq._do !== "function" || typeof mq._released !== "function" || !Array.isArray(mq._messageQueue) || !Array.isArray(mq._messageCallbacks) || typeof mq.current !== "number") {
    throw new Error("aedes's mqemitter is not the version Hearth expects (no _do/_released): check server/mqtt/flow-control.ts");
  }
  const emitter = mq as MqEmitterInternals;
  // Swapped while empty (nothing is queued right after createBroker), so no message changes queue.
  if (emitter._messageQueue.length === 0 && emitter._messageCallbacks.length === 0) {
    emitter._messageQueue = new FrontQueue();
    emitter._messageCallbacks = new FrontQueue();
  }
  const run = emitter._do.bind(emitter);
  let depth = 0;
  let held = 0;
  const resume = () => {
    const slots = held;
    held = 0;
    // Each call frees one held slot and takes the queue's head, starting from a shallow stack.
    for (let i = 0; i < slots; i++) emitter._released();
  };
  emitter._do = function deferDeepDeliveries(this: MqEmitterInternals, message, callback) {
    if (depth >= MAX_SYNC_DEPTH) {
      this._messageQueue.unshift(message);
      this._messageCallbacks.unshift(callback);
      this.current++;
      if (held++ === 0) setImmediate(resume);
      return this;
    }
    depth++;
    try {
      return run(message, callback);
    } finally {
      depth--;
    }
  };
}

export interface DeliveryLimits {
  /**
   * A client with this many QoS 1/2 messages waiting for its socket to drain is cut off: each one holds one of
   * aedes's delivery slots, and a client that never reads must not hold them all (Mosquitto's
   * max_inflight_messages plays the same part).
   */
  maxWaitingWrites: number;
  /** Bytes written to a client but not yet taken by its socket beyond which it is cut off, whatever the QoS. */
  cutoffBytes: number;
  /** A client backed up this long (no room in its buffer since) is cut off at its next message. */
  stallMs: number;
}

/** A PUBLISH's size on the wire, near enough (topic length in UTF-16 units; the error only makes the check lenient). */
function packetBytes(packet: AedesPublishPacket): number {
  const payload = typeof packet.payload === "string" ? packet.payload.length : packet.payload.length;
  return 8 + packet.topic.length + payload;
}

/** A client's stream: a socket (bytesWritten) or the broker thread's relay of a WebSocket (none). */
type Conn = Duplex & { bytesWritten?: number };

/**
 * What the socket holds plus what aedes is about to write: a burst forwarded in one turn is only written in
 * the next, so the socket's own count alone would let a whole burst past the limit.
 */
function queuedBytes(conn: Conn, flow: ClientFlow): number {
  if (conn.bytesWritten === undefined) return conn.writableLength;
  const pending = flow.forwarded - (conn.bytesWritten - flow.base);
  if (pending > 0) return conn.writableLength + pending;
  // All written (other packets, PINGRESP and SUBACK, made bytesWritten run ahead): count afresh from here.
  flow.base = conn.bytesWritten;
  flow.forwarded = 0;
  return conn.writableLength;
}

interface ClientFlow {
  /** conn.bytesWritten when `forwarded` was last zero. */
  base: number;
  /** Bytes of the messages forwarded since: aedes writes them a turn later (deliver0's setImmediate). */
  forwarded: number;
  /** A backlog episode: since when, QoS 1/2 messages waiting for drain, QoS 0 messages dropped. */
  backlog: { since: number; waiting: number; dropped: number } | undefined;
}

/**
 * Per-client flow control, run from aedes's authorizeForward hook (called once per message and subscriber,
 * before aedes writes). While a client's socket is backed up (its buffer is past the socket's high-water
 * mark, so a write would wait for `drain` and hold a delivery slot):
 * - a live QoS 0 message is dropped for that client and counted (MQTT's at-most-once; Mosquitto drops QoS 0
 *   past max_queued_messages the same way). Retained messages replayed on SUBSCRIBE are never dropped: aedes
 *   paces that replay by `drain` itself, and they are state the client asked for.
 * - a QoS 1/2 message is forwarded until `maxWaitingWrites` of them wait; the next one cuts the client off.
 *   Its persistent session (if any) keeps them queued for its return.
 * - a client backed up for longer than `stallMs` is cut off at its next message.
 * A client whose unsent bytes pass `cutoffBytes` is cut off at once; a write that still waits for `drain` is
 * bounded by aedes's drainTimeout. What counts as backed up includes what aedes is about to write (forwarded
 * this turn, written the next), so a burst cannot overshoot the buffer and leave its writes holding slots.
 * So one client that stops reading costs a bounded buffer and never stalls the others.
 */
export class SlowConsumerGuard {
  readonly #log: Logger;
  readonly #limits: DeliveryLimits;
  readonly #flows = new WeakMap<Client, ClientFlow>();
  #dropped = 0;
  #cut = 0;
  #peakQueuedBytes = 0;

  constructor(log: Logger, limits: DeliveryLimits) {
    this.#log = log;
    this.#limits = limits;
  }

  /** QoS 0 messages dropped for clients that fell behind, since start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Clients cut off for not reading, since start. */
  get cut(): number {
    return this.#cut;
  }

  /** The most bytes seen waiting in one client's socket buffer, since start. */
  get peakQueuedBytes(): number {
    return this.#peakQueuedBytes;
  }

  /** Whether aedes may write this message to this client now (the authorizeForward contract: packet or null). */
  forward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    const conn = client.conn as Conn;
    if (conn.destroyed) return null;
    const flow = this.#flow(client, conn);
    const queued = queuedBytes(conn, flow);
    if (queued > this.#peakQueuedBytes) this.#peakQueuedBytes = queued;
    if (queued >= this.#limits.cutoffBytes) {
      this.#cutOff(client, flow, `${queued} bytes unsent`);
      return null;
    }
    if (!conn.writableNeedDrain && queued < conn.writableHighWaterMark) {
      if (flow.backlog) this.#caughtUp(client, flow);
      flow.forwarded += packetBytes(packet);
      return packet;
    }
    const backlog = this.#backlog(client, conn, flow);
    const stalled = Date.now() - backlog.since;
    if (stalled > this.#limits.stallMs) {
      this.#cutOff(client, flow, `backed up for ${stalled} ms`);
      return null;
    }
    if (packet.qos === 0 && !packet.retain) {
      backlog.dropped++;
      this.#dropped++;
      return null;
    }
    if (backlog.waiting >= this.#limits.maxWaitingWrites) {
      this.#cutOff(client, flow, `${backlog.waiting} QoS ${packet.qos} messages waiting`);
      return null;
    }
    backlog.waiting++;
    flow.forwarded += packetBytes(packet);
    return packet;
  }

  #flow(client: Client, conn: Conn): ClientFlow {
    let flow = this.#flows.get(client);
    if (!flow) {
      flow = { base: conn.bytesWritten ?? 0, forwarded: 0, backlog: undefined };
      this.#flows.set(client, flow);
    }
    return flow;
  }

  // A backlog episode logs when it starts and when it ends (caught up or cut off), not per dropped message.
  #backlog(client: Client, conn: Conn, flow: ClientFlow): NonNullable<ClientFlow["backlog"]> {
    if (flow.backlog) return flow.backlog;
    const started = { since: Date.now(), waiting: 0, dropped: 0 };
    flow.backlog = started;
    this.#log.info({ clientId: client.id }, "mqtt client fell behind: dropping QoS 0 messages for it until it catches up");
    // A client that stopped reading after the last message for it is found by this check, not by a delivery.
    const check = setTimeout(() => {
      if (flow.backlog !== started || conn.destroyed) return;
      if (conn.writableNeedDrain || queuedBytes(conn, flow) >= conn.writableHighWaterMark) this.#cutOff(client, flow, `backed up for ${Date.now() - started.since} ms`);
      else this.#caughtUp(client, flow);
    }, this.#limits.stallMs + 100);
    check.unref();
    return started;
  }

  #caughtUp(client: Client, flow: ClientFlow): void {
    const backlog = flow.backlog!;
    flow.backlog = undefined;
    this.#log.warn({ clientId: client.id, dropped: backlog.dropped, ms: Date.now() - backlog.since }, "mqtt client caught up after falling behind");
  }

  #cutOff(client: Client, flow: ClientFlow, why: string): void {
    this.#cut++;
    this.#log.warn({ clientId: client.id, why, dropped: flow.backlog?.dropped ?? 0 }, "mqtt client cut off: it does not read what it subscribed to");
    flow.backlog = undefined;
    (client.conn as Duplex).destroy(new Error(`slow consumer: ${why}`));
  }
}
