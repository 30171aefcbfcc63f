import type { MqttClientInfo } from "../event-bus";

export interface MqttMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /**
   * Delivered from the broker's retained store (a subscription's replay), not published just now. A live
   * retained publish has `retain` set but not this: it is what tells "the device spoke" from "the broker
   * remembered".
   */
  replayed?: boolean;
}

export interface PublishOptions {
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

export interface SubscribeOptions {
  /** Also deliver the retained messages that match, as a new client subscription would get them. */
  retained?: boolean;
}

export type MessageHandler = (message: MqttMessage) => void;

export interface ListenerInfo {
  protocol: "mqtt" | "mqtts" | "ws";
  address: string;
  port: number;
  path?: string;
}

export interface MqttStats {
  mode: "embedded" | "external";
  connected: boolean;
  clients: number;
  /** Messages published by clients per second, averaged over the last 10 s. */
  messagesPerSecond: number;
  messagesTotal: number;
  /** Embedded broker: QoS 0 messages dropped for consumers that fell behind (clients, and the hub's own), since start. */
  droppedMessages?: number;
  /** Embedded broker: connections closed for not reading (slow consumers) or for an oversized packet, since start. */
  connectionsCut?: number;
  /** Embedded broker: the most bytes seen waiting in one client's socket buffer, since start. */
  peakClientQueueBytes?: number;
  /** Embedded broker: messages for the hub's own subscriptions waiting in the broker thread, now and at most. */
  hubQueue?: { now: number; peak: number };
  /** Embedded broker: the broker thread's V8 heap in use, bytes. */
  heapUsedBytes?: number;
}

/**
 * How every hub module reaches MQTT. The embedded aedes broker backs it today; an MQTT.js client to an
 * external broker (HEARTH_MQTT_URL) can back it without touching the modules that use it.
 */
export interface MqttBus {
  /** Subscribes with MQTT wildcards; the returned function unsubscribes. Handlers must not throw. */
  subscribe(pattern: string, handler: MessageHandler, opts?: SubscribeOptions): Promise<() => Promise<void>>;
  publish(topic: string, payload: string | Buffer, opts?: PublishOptions): Promise<void>;
  /** The retained messages the broker holds for a pattern (cheap for a topic without wildcards). */
  readRetained(pattern: string): Promise<MqttMessage[]>;
  /** Connected clients, when the hub can see them (embedded broker only). */
  clients(): MqttClientInfo[];
  listeners(): ListenerInfo[];
  stats(): MqttStats;
}
