import { bridgeEventTopic, parseBridgeEvent, permitJoinPayload, permitJoinTopic } from "@/devices/onboarding/z2m-bridge";
import type { Logger } from "../logger";
import type { MqttBus } from "../mqtt/mqtt-bus";
import type { BridgeEventView, BridgeEventsView } from "./pairing-views";

const MAX_EVENTS = 50;
const MAX_BASES = 8;
/** A base nobody asked about for this long is unsubscribed. */
const IDLE_MS = 30 * 60_000;

interface Watch {
  events: BridgeEventView[];
  permitJoinUntil: number | null;
  lastUsedAt: number;
  unsubscribe: Promise<(() => Promise<void>) | undefined>;
}

export interface BridgeWatchDeps {
  mqtt: Pick<MqttBus, "subscribe" | "publish">;
  log: Logger;
  now?: () => number;
}

/** Zigbee2MQTT bridges the wizard talks to: permit join, and the join/interview events that follow. */
export class BridgeWatch {
  readonly #deps: BridgeWatchDeps;
  readonly #watches = new Map<string, Watch>();

  constructor(deps: BridgeWatchDeps) {
    this.#deps = deps;
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  /** Starts collecting `<base>/bridge/event` (idempotent); waits until the subscription is in place. */
  async watch(base: string): Promise<void> {
    this.#sweep();
    const existing = this.#watches.get(base);
    if (existing) {
      existing.lastUsedAt = this.#now();
      await existing.unsubscribe;
      return;
    }
    if (this.#watches.size >= MAX_BASES) {
      const oldest = [...this.#watches.entries()].sort((a, b) => a[1].lastUsedAt - b[1].lastUsedAt)[0];
      if (oldest) this.#drop(oldest[0]);
    }
    const watch: Watch = { events: [], permitJoinUntil: null, lastUsedAt: this.#now(), unsubscribe: Promise.resolve(undefined) };
    watch.unsubscribe = this.#deps.mqtt
      .subscribe(bridgeEventTopic(base), (m) => {
        const event = parseBridgeEvent(m.payload.toString("utf8"));
        if (!event) return;
        watch.events.push({ ...event, at: this.#now() });
        if (watch.events.length > MAX_EVENTS) watch.events.splice(0, watch.events.length - MAX_EVENTS);
      })
      .catch((err: unknown) => {
        this.#deps.log.warn({ err, base }, "bridge event subscription failed");
        return undefined;
      });
    this.#watches.set(base, watch);
    await watch.unsubscribe;
  }

  /** Publishes the permit_join request (not retained: a late bridge must not open the network later). */
  async permitJoin(base: string, seconds: number): Promise<BridgeEventsView> {
    await this.watch(base);
    const payload = permitJoinPayload(seconds);
    await this.#deps.mqtt.publish(permitJoinTopic(base), JSON.stringify(payload), { qos: 1, retain: false });
    const watch = this.#watches.get(base);
    if (watch) watch.permitJoinUntil = payload.time > 0 ? this.#now() + payload.time * 1000 : null;
    return this.events(base);
  }

  events(base: string): BridgeEventsView {
    const watch = this.#watches.get(base);
    if (watch) watch.lastUsedAt = this.#now();
    const until = watch?.permitJoinUntil ?? null;
    return {
      base_topic: base,
      permit_join_until: until !== null && until > this.#now() ? until : null,
      events: watch ? [...watch.events] : [],
    };
  }

  #sweep(): void {
    const cutoff = this.#now() - IDLE_MS;
    for (const [base, w] of this.#watches) if (w.lastUsedAt < cutoff) this.#drop(base);
  }

  #drop(base: string): void {
    const watch = this.#watches.get(base);
    this.#watches.delete(base);
    void watch?.unsubscribe.then((off) => off?.()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.#watches.values()];
    this.#watches.clear();
    await Promise.all(all.map((w) => w.unsubscribe.then((off) => off?.()).catch(() => undefined)));
  }
}
