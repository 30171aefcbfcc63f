import { randomBytes } from "node:crypto";
import type { MqttClient } from "mqtt";
import type { MqttClientInfo } from "../event-bus";
import { HubError } from "../errors";
import type { Logger } from "../logger";
import { MessageRate } from "./message-rate";
import type { ListenerInfo, MessageHandler, MqttBus, MqttMessage, MqttStats, PublishOptions, SubscribeOptions } from "./mqtt-bus";
import { topicMatches } from "./topic-match";

export interface ExternalBrokerDeps {
  log: Logger;
  /** mqtt://, mqtts://, ws:// or wss://, credentials in the URL's user info. */
  url: string;
  will: { topic: string; payload: string };
  connectTimeoutMs?: number;
}

interface Subscription {
  pattern: string;
  handler: MessageHandler;
  retained: boolean;
  /** For retained subscribers: the last payload seen per topic, so another filter's replay is not a repeat. */
  lastSeen: Map<string, Buffer> | undefined;
}

/**
 * External-broker mode (HEARTH_MQTT_URL): the hub is one MQTT.js client of a Mosquitto or EMQX cluster.
 * Our last will is the broker's to publish if we vanish; clients and listeners are the broker's business.
 */
export class ExternalBroker implements MqttBus {
  readonly #deps: ExternalBrokerDeps;
  readonly #subs = new Set<Subscription>();
  readonly #retained = new Map<string, MqttMessage>();
  readonly #rate = new MessageRate();
  #client: MqttClient | undefined;
  #rateTimer: NodeJS.Timeout | undefined;

  constructor(deps: ExternalBrokerDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    const { url, will, log } = this.#deps;
    // Loaded only in this mode: MQTT.js costs ~24 MiB of memory that the embedded mode never needs.
    const { default: mqtt } = await import("mqtt");
    const client = mqtt.connect(url, {
      clientId: `hearth-${randomBytes(4).toString("hex")}`,
      clean: true,
      reconnectPeriod: 5000,
      connectTimeout: this.#deps.connectTimeoutMs ?? 10_000,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: false },
    });
    this.#client = client;
    const redacted = redactUrl(url);
    try {
      await new Promise<void>((resolve, reject) => {
        client.once("connect", () => resolve());
        client.once("error", reject);
        client.once("close", () => reject(new Error("connection closed")));
      });
    } catch (err) {
      client.end(true);
      throw new HubError("hub_unavailable", `HEARTH_MQTT_URL: cannot connect to ${redacted} (${(err as Error).message})`, { cause: err });
    }
    // A retained flag from the broker means its store replayed the message (live publishes come with retain=0).
    client.on("message", (topic, payload, packet) =>
      this.#dispatch(packet.retain ? { topic, payload, qos: packet.qos, retain: true, replayed: true } : { topic, payload, qos: packet.qos, retain: false }),
    );
    client.on("error", (err) => log.warn({ err: err.message }, "external broker error"));
    client.on("offline", () => log.warn({ url: redacted }, "external broker unreachable; reconnecting"));
    client.on("connect", () => log.info({ url: redacted }, "external broker reconnected"));
    this.#rateTimer = setInterval(() => this.#rate.tick(), 1000);
    this.#rateTimer.unref();
    log.info({ url: redacted }, "connected to external broker");
  }

  #dispatch(message: MqttMessage): void {
    this.#rate.count();
    if (message.retain) {
      // What the broker replayed from its store; live retained publishes reach us with retain=0 (MQTT 3.1.1).
      if (message.payload.length === 0) this.#retained.delete(message.topic);
      else this.#retained.set(message.topic, message);
    }
    for (const sub of this.#subs) {
      // A retained message is the broker replaying its store; only subscribers that asked for it get it.
      if (message.retain && !sub.retained) continue;
      if (!topicMatches(sub.pattern, message.topic)) continue;
      if (sub.lastSeen) {
        const last = sub.lastSeen.get(message.topic);
        if (message.retain && last?.equals(message.payload)) continue;
        sub.lastSeen.set(message.topic, message.payload);
      }
      try {
        sub.handler(message);
      } catch (err) {
        this.#deps.log.error({ err, topic: message.topic }, "mqtt message handler failed");
      }
    }
  }

  async subscribe(pattern: string, handler: MessageHandler, opts: SubscribeOptions = {}): Promise<() => Promise<void>> {
    const client = this.#requireClient();
    const retained = opts.retained ?? false;
    const sub: Subscription = { pattern, handler, retained, lastSeen: retained ? new Map() : undefined };
    this.#subs.add(sub);
    // Subscribing again to the same filter makes the broker replay its retained messages [MQTT-3.8.4-3],
    // which is what a new `retained` subscriber wants and others ignore.
    await client.subscribeAsync(pattern, { qos: 1 });
    return async () => {
      this.#subs.delete(sub);
      if (![...this.#subs].some((s) => s.pattern === pattern)) await client.unsubscribeAsync(pattern).catch(() => undefined);
    };
  }

  /** Retained messages seen in the broker's replays (an external broker's store is not ours to read). */
  readRetained(pattern: string): Promise<MqttMessage[]> {
    if (!pattern.includes("+") && !pattern.includes("#")) {
      const exact = this.#retained.get(pattern);
      return Promise.resolve(exact ? [exact] : []);
    }
    return Promise.resolve([...this.#retained.values()].filter((m) => topicMatches(pattern, m.topic)));
  }

  async publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    await this.#requireClient().publishAsync(topic, payload, { qos: opts.qos ?? 0, retain: opts.retain ?? false });
  }

  clients(): MqttClientInfo[] {
    return [];
  }

  listeners(): ListenerInfo[] {
    return [];
  }

  stats(): MqttStats {
    return {
      mode: "external",
      connected: this.#client?.connected ?? false,
      clients: 0,
      messagesPerSecond: this.#rate.perSecond(),
      messagesTotal: this.#rate.total(),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.#rateTimer);
    this.#subs.clear();
    await this.#client?.endAsync().catch(() => undefined);
  }

  #requireClient(): MqttClient {
    if (!this.#client) throw new HubError("hub_unavailable", "not connected to the external broker");
    return this.#client;
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}
