import type { Logger } from "../logger";
import type { ExplorerSource, TapListener } from "./explorer-source";
import { DEFAULT_TAP_RATE, LiveTaps, TAP_KEEP_BYTES } from "./live-taps";
import type { MqttBus, MqttMessage } from "./mqtt-bus";
import { HUB_PUBLISHER, TopicIndex, type TopicMessage, type TopicNode } from "./topic-index";

export interface ExternalExplorerDeps {
  mqtt: MqttBus;
  log: Logger;
  /** The `#` subscription ends this long after the last query while no live log is open. */
  idleMs?: number;
  /** On opening, wait for the broker's retained replay: until it is quiet this long... */
  replayQuietMs?: number;
  /** ...but no longer than this. */
  replayMaxMs?: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * The explorer in external-broker mode (HEARTH_MQTT_URL). An external broker does not tell its clients who
 * published what, so the hub subscribes to `#` while the explorer is in use and indexes what it sees:
 * - client ids are unknown (null), except `$hub` for what the explorer itself cleared;
 * - stored retained messages are known from the broker's replay when the subscription starts; later retained
 *   publishes arrive without the retain flag (MQTT 3.1.1 [MQTT-3.3.1-9]) and count as plain messages;
 * - clearing a branch clears the retained topics known that way.
 * The subscription carries all traffic to the hub's main thread, so it lasts only while the explorer is used.
 */
export class ExternalExplorer implements ExplorerSource {
  readonly #deps: ExternalExplorerDeps;
  readonly #index = new TopicIndex();
  readonly #listeners = new Map<number, TapListener>();
  readonly #taps: LiveTaps;
  #unsubscribe: (() => Promise<void>) | undefined;
  #opening: Promise<void> | undefined;
  #lastMessageAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #nextTapId = 1;
  #inUse = 0;

  constructor(deps: ExternalExplorerDeps) {
    this.#deps = deps;
    this.#taps = new LiveTaps({
      perSecond: DEFAULT_TAP_RATE,
      keepBytes: TAP_KEEP_BYTES,
      deliver: (tapId, event) => this.#listeners.get(tapId)?.event(event),
      skipped: (tapId, count) => this.#listeners.get(tapId)?.skipped(count),
    });
  }

  /** The `#` subscription is open. */
  get isOpen(): boolean {
    return this.#unsubscribe !== undefined;
  }

  topics(level: string | null): Promise<TopicNode[]> {
    return this.#use(() => this.#index.children(level));
  }

  message(topic: string): Promise<TopicMessage | undefined> {
    return this.#use(() => this.#index.message(topic));
  }

  clearRetained(target: { topic: string } | { level: string | null }): Promise<number> {
    return this.#use(async () => {
      // One topic: the broker's store is not ours to read, so clear it whether or not we saw it.
      const topics = "topic" in target ? [target.topic] : this.#index.storedTopics(target.level);
      for (const topic of topics) {
        await this.#deps.mqtt.publish(topic, EMPTY, { qos: 1, retain: true });
        // Our own echo comes back without the retain flag; record the deletion now.
        this.#index.record(topic, EMPTY, 1, true, HUB_PUBLISHER, null, Date.now());
      }
      return topics.length;
    });
  }

  async tap(filter: string, listener: TapListener): Promise<() => Promise<void>> {
    const tapId = this.#nextTapId++;
    await this.#use(() => {
      this.#listeners.set(tapId, listener);
      this.#taps.open(tapId, filter);
    });
    return () => {
      if (this.#listeners.delete(tapId)) {
        this.#taps.close(tapId);
        this.#touch();
      }
      return Promise.resolve();
    };
  }

  async stop(): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.#taps.stop();
    this.#listeners.clear();
    await this.#close();
  }

  #onMessage(m: MqttMessage): void {
    const at = Date.now();
    this.#lastMessageAt = at;
    this.#index.record(m.topic, m.payload, m.qos, m.retain, null, null, at);
    if (this.#taps.size > 0) this.#taps.offer(m.topic, m.payload, m.qos, m.retain, null, null, at);
  }

  /** Runs a query on the open index; the idle countdown does not run meanwhile. */
  async #use<T>(query: () => T | Promise<T>): Promise<T> {
    this.#inUse++;
    try {
      this.#opening ??= this.#subscribe().catch((err: unknown) => {
        this.#opening = undefined;
        throw err;
      });
      await this.#opening;
      return await query();
    } finally {
      this.#inUse--;
      this.#touch();
    }
  }

  async #subscribe(): Promise<void> {
    const { mqtt, log } = this.#deps;
    this.#unsubscribe = await mqtt.subscribe("#", (m) => this.#onMessage(m), { retained: true });
    this.#lastMessageAt = Date.now();
    log.info("explorer: subscribed to # on the external broker");
    // The broker replays its retained messages after SUBACK; answer once that has gone quiet (bounded).
    const quietMs = this.#deps.replayQuietMs ?? 250;
    const until = Date.now() + (this.#deps.replayMaxMs ?? 3000);
    while (Date.now() < until && Date.now() - this.#lastMessageAt < quietMs) await sleep(Math.min(quietMs, 50));
  }

  async #close(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    this.#opening = undefined;
    this.#index.clear();
    if (unsubscribe) {
      await unsubscribe().catch((err: unknown) => this.#deps.log.warn({ err }, "explorer: unsubscribe failed"));
      this.#deps.log.info("explorer: unsubscribed from # on the external broker");
    }
  }

  /** Restarts the idle countdown; when it runs out with no live log open, the subscription ends. */
  #touch(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#listeners.size > 0 || this.#inUse > 0) this.#touch();
      else void this.#close();
    }, this.#deps.idleMs ?? 5 * 60_000);
    this.#idleTimer.unref();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
