import type { MqttClientInfo } from "../event-bus";
import type { LogLevel } from "../config";
import type { ListenerInfo, MqttStats } from "./mqtt-bus";

/** What the broker thread needs to start: plain data, as it crosses a thread boundary. */
export interface BrokerWorkerData {
  logLevel: LogLevel;
  dbFile: string;
  persistenceDir: string;
  host: string;
  tcpPort: number;
  tls: { port: number; cert: Uint8Array; key: Uint8Array } | undefined;
  allowAnonymous: boolean;
}

export interface WireMessage {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** Hub (main thread) → broker thread. */
export type ToBroker =
  | { type: "subscribe"; subId: number; pattern: string; retained: boolean; reqId: number }
  | { type: "unsubscribe"; subId: number; reqId: number }
  | { type: "publish"; reqId: number; message: WireMessage }
  | { type: "readRetained"; reqId: number; pattern: string }
  | { type: "disconnectUser"; username: string }
  | { type: "wsOpen"; connId: number; address: string | null }
  | { type: "wsData"; connId: number; data: Uint8Array }
  | { type: "wsClose"; connId: number }
  | { type: "stop" };

/** Broker thread → hub (main thread). */
export type FromBroker =
  | { type: "ready"; listeners: ListenerInfo[] }
  | { type: "failed"; code: string; message: string }
  | { type: "reply"; reqId: number; error?: string; messages?: WireMessage[] }
  /** Messages for the hub's subscriptions, batched per event-loop turn (in order). */
  | { type: "messages"; batch: Array<{ subId: number; message: WireMessage }> }
  | { type: "clientConnected"; info: MqttClientInfo }
  | { type: "clientDisconnected"; info: MqttClientInfo }
  | { type: "stats"; stats: MqttStats }
  | { type: "wsWrite"; connId: number; data: Uint8Array }
  | { type: "wsEnd"; connId: number }
  | { type: "stopped" };

export const toBuffer = (u8: Uint8Array): Buffer => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
