import type { Duplex } from "node:stream";
import type { Aedes, AedesPublishPacket, Client } from "aedes";
import type { Logger } from "../logger";
import { CLIENT_BUFFER_BYTES, DROP_LOG_INTERVAL_MS } from "./broker-limits";

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
 * collapses as its backlog deepens. This queue takes from the front in O(1). It keeps mqemitter's order: aedes
 * drops as a duplicate any message whose brokerCounter is below the last one a client got (lib/client.js dedupe),
 * so delivering publishers' messages in any other order than they were emitted would lose them.
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
  /**
   * Unsent bytes a client may have in the broker (its stream's buffer plus what aedes is about to write) before
   * live QoS 0 messages for it are dropped; also its stream's write high-water mark (default CLIENT_BUFFER_BYTES).
   */
  bufferBytes?: number;
  /** At most one "dropped for this client" log line per client per this interval (default DROP_LOG_INTERVAL_MS). */
  dropLogIntervalMs?: number;
}

/**
 * A PUBLISH's size on the wire as MQTT 3.1.1 encodes it at QoS 0, in the units a stream counts (a string's
 * length, as Node's writableLength does): never more than aedes writes. The guard adds it when it forwards a
 * message and takes off what aedes then writes, so an estimate above the real size leaves a residue per message
 * that only grows: at 4 bytes too many per message (99 counted for a 95-byte packet), a subscriber that read
 * everything looked 16 KiB behind after 4,096 messages and got nothing more. An estimate below it (a message id,
 * MQTT 5 properties) only makes the count reach zero a little early.
 */
export function packetBytes(packet: AedesPublishPacket): number {
  const body = 2 + packet.topic.length + packet.payload.length;
  return 1 + (body < 128 ? 1 : body < 16_384 ? 2 : body < 2_097_152 ? 3 : 4) + body;
}

/** A client's stream: a socket, or the broker thread's relay of a WebSocket. */
type Conn = Duplex;

/**
 * What the stream holds plus what aedes is about to write: a burst forwarded in one turn is only written in the
 * next, so the stream's own count alone would let a whole burst past the limit. O(1): socket.bytesWritten would
 * do, but it walks every buffered chunk, and this runs for every message and subscriber (with a backed-up
 * subscriber holding thousands of chunks, that stalled the broker thread for a second at a time).
 */
function queuedBytes(conn: Conn, flow: ClientFlow): number {
  return conn.writableLength + flow.pending;
}

/** Takes whatever is written to `conn` off `flow.pending` (other packets too, PINGRESP and SUBACK: near enough). */
function countWrites(conn: Conn, flow: ClientFlow): void {
  const write = conn.write.bind(conn) as (...args: unknown[]) => boolean;
  conn.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    const n = (chunk as { length?: unknown } | null)?.length;
    if (typeof n === "number") flow.pending = n >= flow.pending ? 0 : flow.pending - n;
    return write(chunk, ...rest);
  }) as Conn["write"];
}

interface ClientFlow {
  /** Bytes of the messages forwarded and not written yet: aedes writes them a turn later (deliver0's setImmediate). */
  pending: number;
  /** Unsent bytes past which this client is backed up: its stream's write high-water mark. */
  limit: number;
  /** The largest message forwarded to it: its allowance and cut-off are this much higher. */
  largest: number;
  /** A backlog episode: since when, QoS 1/2 messages waiting for drain, QoS 0 messages dropped. */
  backlog: { since: number; waiting: number; dropped: number } | undefined;
  /** QoS 0 messages dropped for this client and not logged yet, and when that was last logged. */
  unlogged: number;
  loggedAt: number;
  logTimer: NodeJS.Timeout | undefined;
}

/** The private part of Node's Writable that `raiseWriteBuffer` sets (a plain field in Node 20 and 22). */
interface WritableInternals {
  _writableState?: { highWaterMark?: unknown };
}

/**
 * Raises a client stream's write high-water mark to `bytes`, so that aedes's writes below it return true and
 * do not wait for `drain` (each waiting write holds one of aedes's delivery slots). Node offers the write side
 * alone only at construction, and net.Server's highWaterMark option raises the read side too (aedes parses a
 * whole read at once). Answers the mark in force: the stream's own where its internals are not Node's.
 */
function raiseWriteBuffer(conn: Conn, bytes: number): number {
  const state = (conn as WritableInternals)._writableState;
  if (state && typeof state.highWaterMark === "number" && state.highWaterMark < bytes) state.highWaterMark = bytes;
  return conn.writableHighWaterMark;
}

/**
 * Per-client flow control, run from aedes's authorizeForward hook (called once per message and subscriber,
 * before aedes writes). Each client may have `bufferBytes` unsent in the broker (its stream's buffer, whose
 * write high-water mark is raised to that, plus what aedes is about to write); the kernel's socket buffer holds
 * more beyond it. While a client is backed up (past that, or its stream waiting for `drain`):
 * - a live QoS 0 message is dropped for that client and counted (MQTT's at-most-once; Mosquitto drops QoS 0
 *   past max_queued_messages the same way). Retained messages replayed on SUBSCRIBE are never dropped: aedes
 *   paces that replay by `drain` itself, and they are state the client asked for.
 * - a QoS 1/2 message is forwarded until `maxWaitingWrites` of them wait; the next one cuts the client off.
 *   Its persistent session (if any) keeps them queued for its return.
 * - a client backed up for longer than `stallMs` is cut off at its next message.
 * A client whose unsent bytes pass `cutoffBytes` is cut off at once; a write that still waits for `drain` is
 * bounded by aedes's drainTimeout. What counts as unsent includes what aedes is about to write (forwarded this
 * turn, written the next), so a burst cannot overshoot the buffer and leave its writes holding slots.
 * So a subscriber that reads slower than a flood gets what it reads and loses the rest, one that stops reading
 * costs a bounded buffer, and neither stalls the others. Drops are logged per client at most once per
 * `dropLogIntervalMs`, with their count.
 */
export class SlowConsumerGuard {
  readonly #log: Logger;
  readonly #limits: Required<DeliveryLimits>;
  readonly #flows = new WeakMap<Client, ClientFlow>();
  #dropped = 0;
  #cut = 0;
  #peakQueuedBytes = 0;

  constructor(log: Logger, limits: DeliveryLimits) {
    this.#log = log;
    this.#limits = { bufferBytes: CLIENT_BUFFER_BYTES, dropLogIntervalMs: DROP_LOG_INTERVAL_MS, ...limits };
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
    const size = packetBytes(packet);
    if (size > flow.largest) {
      // A client sent large messages (Zigbee2MQTT's bridge/devices passes 1 MiB) may hold one of them unsent on
      // top of its allowance: the messages right behind it are not a backlog, and one of 5 MiB is no reason to
      // cut it off.
      flow.largest = size;
      flow.limit = raiseWriteBuffer(conn, this.#limits.bufferBytes + size);
    }
    const queued = queuedBytes(conn, flow);
    if (queued > this.#peakQueuedBytes) this.#peakQueuedBytes = queued;
    if (queued >= this.#limits.cutoffBytes + flow.largest) {
      this.#cutOff(client, flow, `${queued} bytes unsent`);
      return null;
    }
    if (!conn.writableNeedDrain && queued < flow.limit) {
      if (flow.backlog) flow.backlog = undefined;
      flow.pending += size;
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
      this.#noteDrop(client, flow);
      return null;
    }
    if (backlog.waiting >= this.#limits.maxWaitingWrites) {
      this.#cutOff(client, flow, `${backlog.waiting} QoS ${packet.qos} messages waiting`);
      return null;
    }
    backlog.waiting++;
    flow.pending += size;
    return packet;
  }

  #flow(client: Client, conn: Conn): ClientFlow {
    let flow = this.#flows.get(client);
    if (!flow) {
      const limit = raiseWriteBuffer(conn, this.#limits.bufferBytes);
      flow = { pending: 0, limit, largest: 0, backlog: undefined, unlogged: 0, loggedAt: 0, logTimer: undefined };
      countWrites(conn, flow);
      this.#flows.set(client, flow);
    }
    return flow;
  }

  #backlog(client: Client, conn: Conn, flow: ClientFlow): NonNullable<ClientFlow["backlog"]> {
    if (flow.backlog) return flow.backlog;
    const started = { since: Date.now(), waiting: 0, dropped: 0 };
    flow.backlog = started;
    // A client that stopped reading after the last message for it is found by this check, not by a delivery.
    const check = setTimeout(() => {
      if (flow.backlog !== started || conn.destroyed) return;
      if (conn.writableNeedDrain || queuedBytes(conn, flow) >= flow.limit) this.#cutOff(client, flow, `backed up for ${Date.now() - started.since} ms`);
      else flow.backlog = undefined;
    }, this.#limits.stallMs + 100);
    check.unref();
    return started;
  }

  // A flood makes a reading subscriber fall behind and catch up many times a second: its drops are logged as a
  // count, at once the first time and then at most once per interval per client, never per message or episode.
  #noteDrop(client: Client, flow: ClientFlow): void {
    flow.unlogged++;
    if (flow.logTimer) return;
    const wait = flow.loggedAt + this.#limits.dropLogIntervalMs - Date.now();
    if (wait <= 0) {
      this.#logDrops(client, flow);
      return;
    }
    flow.logTimer = setTimeout(() => {
      flow.logTimer = undefined;
      this.#logDrops(client, flow);
    }, wait);
    flow.logTimer.unref();
  }

  #logDrops(client: Client, flow: ClientFlow): void {
    if (flow.unlogged === 0) return;
    const first = flow.loggedAt === 0;
    const ms = first ? undefined : Date.now() - flow.loggedAt;
    this.#log.warn(
      { clientId: client.id, dropped: flow.unlogged, ms, bufferBytes: flow.limit },
      "mqtt client falls behind what it subscribed to: dropped QoS 0 messages for it",
    );
    flow.unlogged = 0;
    flow.loggedAt = Date.now();
  }

  #cutOff(client: Client, flow: ClientFlow, why: string): void {
    this.#cut++;
    clearTimeout(flow.logTimer);
    flow.logTimer = undefined;
    this.#log.warn({ clientId: client.id, why, dropped: flow.unlogged }, "mqtt client cut off: it does not read what it subscribed to");
    flow.unlogged = 0;
    flow.backlog = undefined;
    (client.conn as Duplex).destroy(new Error(`slow consumer: ${why}`));
  }
}
