import type { AedesPublishPacket } from "aedes";
import { LiveTaps, type LiveTapsOptions, type TapEvent } from "./live-taps";
import { TopicIndex, type TopicIndexLimits, type TopicMessage, type TopicNode } from "./topic-index";

/** What the explorer needs of the broker beside it. */
export interface ExplorerBroker {
  publish(topic: string, payload: Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }): Promise<void>;
  /** The topics the broker's retained store holds at `level` and below (`null` = all). */
  storedTopics(level: string | null): Promise<string[]>;
}

export interface BrokerExplorerDeps {
  broker: ExplorerBroker;
  deliver: (tapId: number, event: TapEvent) => void;
  skipped: (tapId: number, count: number) => void;
  limits?: Partial<TopicIndexLimits> | undefined;
  tapRate?: Pick<LiveTapsOptions, "perSecond" | "keepBytes"> | undefined;
}

/** Clearing a branch publishes this many empty retained messages at a time. */
const CLEAR_CONCURRENCY = 128;

/**
 * The MQTT explorer's broker side, in the broker thread: the topic index fed by every publish, the live-log
 * taps, and clearing retained messages. The hub thread reaches it over the worker protocol (broker-protocol.ts).
 */
export class BrokerExplorer {
  readonly #deps: BrokerExplorerDeps;
  readonly #index: TopicIndex;
  readonly #taps: LiveTaps;

  constructor(deps: BrokerExplorerDeps) {
    this.#deps = deps;
    this.#index = new TopicIndex(deps.limits);
    this.#taps = new LiveTaps({
      perSecond: deps.tapRate?.perSecond ?? 100,
      keepBytes: deps.tapRate?.keepBytes ?? 4096,
      deliver: deps.deliver,
      skipped: deps.skipped,
    });
  }

  /** Every publish aedes routes, with its publisher. The broker's hot path: keep it short. */
  observe(packet: AedesPublishPacket, clientId: string | null, username: string | null): void {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const at = Date.now();
    this.#index.record(packet.topic, payload, packet.qos, packet.retain, clientId, username, at);
    if (this.#taps.size > 0) this.#taps.offer(packet.topic, payload, packet.qos, packet.retain, clientId, username, at);
  }

  /** A retained message already in the store when the broker started. */
  restore(topic: string, payload: Buffer | Uint8Array | string, qos: 0 | 1 | 2): void {
    const bytes = typeof payload === "string" ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#index.restore(topic, bytes, qos);
  }

  topics(level: string | null): TopicNode[] {
    return this.#index.children(level);
  }

  message(topic: string): TopicMessage | undefined {
    return this.#index.message(topic);
  }

  openTap(tapId: number, filter: string): void {
    this.#taps.open(tapId, filter);
  }

  closeTap(tapId: number): void {
    this.#taps.close(tapId);
  }

  /**
   * Deletes retained messages with empty retained publishes [MQTT-3.3.1-10]: one topic, or a branch (`level`
   * and below; `null` = every retained topic). The broker's store says what exists. Answers how many.
   */
  async clear(target: { topic: string } | { level: string | null }): Promise<number> {
    const { broker } = this.#deps;
    const topics = "topic" in target ? await broker.storedTopics(target.topic).then((t) => t.filter((x) => x === target.topic)) : await broker.storedTopics(target.level);
    for (let i = 0; i < topics.length; i += CLEAR_CONCURRENCY) {
      await Promise.all(topics.slice(i, i + CLEAR_CONCURRENCY).map((topic) => broker.publish(topic, Buffer.alloc(0), { qos: 0, retain: true })));
    }
    return topics.length;
  }

  stop(): void {
    this.#taps.stop();
  }
}
