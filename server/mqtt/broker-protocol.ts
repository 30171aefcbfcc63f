import type { MqttClientInfo } from "../event-bus";
import type { LogLevel } from "../config";
import type { BrokerLimits } from "./broker-limits";
import type { TapEvent } from "./live-taps";
import type { ListenerInfo, MqttStats } from "./mqtt-bus";
import type { TopicMessage, TopicNode } from "./topic-index";

/** What the broker thread needs to start: plain data, as it crosses a thread boundary. */
export interface BrokerWorkerData {
  logLevel: LogLevel;
  dbFile: string;
  persistenceDir: string;
  host: string;
  tcpPort: number;
  tls: { port: number; cert: Uint8Array; key: Uint8Array } | undefined;
  allowAnonymous: boolean;
  /** Topics no client may write, whatever its ACL: the hub's birth/status topic. */
  protectedTopics: string[];
  /** Messages under `<prefix>/` are never dropped on their way to the hub, however far behind it is. */
  discoveryPrefix: string;
  limits: BrokerLimits;
}

export interface WireMessage {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
  replayed?: boolean;
}

/** Hub (main thread) → broker thread. */
export type ToBroker =
  | { type: "subscribe"; subId: number; pattern: string; retained: boolean; reqId: number }
  | { type: "unsubscribe"; subId: number; reqId: number }
  | { type: "publish"; reqId: number; message: WireMessage }
  | { type: "readRetained"; reqId: number; pattern: string }
  | { type: "disconnectUser"; username: string }
  /** An MQTT user's ACL rules changed (or the user came or went): reload them; connections apply them at once. */
  | { type: "aclChanged"; username: string }
  /** Every record of the LevelDB store, from one snapshot (backups). */
  | { type: "dumpStore"; reqId: number }
  /** The MQTT explorer: the topic tree one level at a time (`level` null = the top), one topic's last message. */
  | { type: "explorerTopics"; reqId: number; level: string | null }
  | { type: "explorerMessage"; reqId: number; topic: string }
  /** Empty retained publishes to one topic, or to every retained topic at `level` and below (null = all). */
  | { type: "explorerClear"; reqId: number; target: { topic: string } | { level: string | null } }
  /** A live-log tap: messages matching `filter`, rate-limited in the broker thread. */
  | { type: "tapOpen"; reqId: number; tapId: number; filter: string }
  | { type: "tapClose"; reqId: number; tapId: number }
  | { type: "wsOpen"; connId: number; address: string | null }
  | { type: "wsData"; connId: number; data: Uint8Array }
  | { type: "wsClose"; connId: number }
  /** The hub handled this many of the messages it was sent (flow control for `messages`, see hub-outbox.ts). */
  | { type: "consumed"; count: number }
  | { type: "stop" };

/** Broker thread → hub (main thread). */
export type FromBroker =
  | { type: "ready"; listeners: ListenerInfo[] }
  | { type: "failed"; code: string; message: string }
  | { type: "reply"; reqId: number; error?: string; data?: ReplyData }
  /** Messages for the hub's subscriptions, batched per event-loop turn (in order). */
  | { type: "messages"; batch: Array<{ subId: number; message: WireMessage }> }
  /** Live-log messages for open taps, batched like `messages`; `skipped` once a second per tap that dropped some. */
  | { type: "tapEvents"; batch: Array<{ tapId: number; event: TapEvent }> }
  | { type: "tapSkipped"; tapId: number; count: number }
  | { type: "clientConnected"; info: MqttClientInfo }
  | { type: "clientDisconnected"; info: MqttClientInfo }
  | { type: "stats"; stats: MqttStats }
  | { type: "wsWrite"; connId: number; data: Uint8Array }
  | { type: "wsEnd"; connId: number }
  | { type: "stopped" };

/** What a request answers with, by request type. */
export interface ReplyData {
  messages?: WireMessage[];
  topics?: TopicNode[];
  message?: TopicMessage | null;
  cleared?: number;
  store?: Uint8Array;
}

export const toBuffer = (u8: Uint8Array): Buffer => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
