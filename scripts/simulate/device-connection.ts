import { type IClientPublishOptions, type MqttClient, connect } from "mqtt";
import type { Outbox, SimulatedDevice } from "./simulated-device";
import { SimulationError, connectError, isCredentialRefusal } from "./simulation-error";

/** Counters shared by every connection; read by the summary line. */
export interface SimulationCounters {
  sent: number;
  dropped: number;
  commands: number;
  reconnects: number;
  errors: number;
}

export interface DeviceConnectionDeps {
  device: SimulatedDevice;
  url: string;
  credentials: { username: string; password: string } | undefined;
  counters: SimulationCounters;
  log: (line: string) => void;
  connectTimeoutMs: number;
  reconnectPeriodMs: number;
}

// Reused publish options: MQTT.js copies them, so one object per flavour avoids an allocation per message.
const PUBLISH_OPTIONS: Record<string, IClientPublishOptions> = {
  "0false": { qos: 0, retain: false },
  "0true": { qos: 0, retain: true },
  "1false": { qos: 1, retain: false },
  "1true": { qos: 1, retain: true },
};
/** Above this many bytes waiting in the socket, rate-driven reports are skipped rather than queued. */
const MAX_BUFFERED_BYTES = 256 * 1024;
const STOP_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One device's own MQTT connection (MQTT.js): its client id, last will and credentials; subscribes and
 * re-announces on every (re)connect, routes incoming messages to the device, counts what it sends.
 */
export class DeviceConnection {
  readonly device: SimulatedDevice;
  readonly username: string | null;
  readonly outbox: Outbox;
  readonly #deps: DeviceConnectionDeps;
  readonly #client: MqttClient;
  #connects = 0;
  #stopping = false;
  #refusalLogged = false;
  #pending: { resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout } | undefined;

  constructor(deps: DeviceConnectionDeps) {
    this.#deps = deps;
    this.device = deps.device;
    this.username = deps.credentials?.username ?? null;
    const { device } = deps;
    this.#client = connect(deps.url, {
      clientId: device.clientId,
      username: deps.credentials?.username,
      password: deps.credentials?.password,
      will: { topic: device.will.topic, payload: Buffer.from(device.will.payload), qos: device.will.qos, retain: device.will.retain },
      keepalive: device.keepaliveS,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: deps.reconnectPeriodMs,
      connectTimeout: deps.connectTimeoutMs,
      // Firmware does not buffer telemetry while offline; it re-announces on reconnect instead.
      queueQoSZero: false,
      resubscribe: false,
      manualConnect: true,
    });
    const client = this.#client;
    const counters = deps.counters;
    this.outbox = {
      publish(topic, payload, retain = false, qos = 0) {
        if (!client.connected) {
          counters.dropped++;
          return;
        }
        client.publish(topic, payload, PUBLISH_OPTIONS[`${qos}${retain}`] ?? {});
        counters.sent++;
      },
    };
    client.on("connect", () => void this.#onConnect());
    client.on("message", (topic, payload) => this.#onMessage(topic, payload));
    client.on("error", (err) => this.#onError(err));
  }

  get isConnected(): boolean {
    return this.#client.connected;
  }

  /** Connected and not backed up: a rate-driven report may go out now. */
  canReport(): boolean {
    return this.#client.connected && this.#client.stream.writableLength < MAX_BUFFERED_BYTES;
  }

  /** Connects, subscribes and announces; rejects with a SimulationError when refused or unreachable. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#failStart(new Error(`no CONNACK within ${this.#deps.connectTimeoutMs} ms`)),
        this.#deps.connectTimeoutMs + 1000,
      );
      this.#pending = { resolve, reject, timer };
      this.#client.connect();
    });
  }

  /** Publishes the firmware's shutdown messages (retained, QoS 1, awaited), then disconnects cleanly. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.device.dispose();
    if (this.#pending) this.#failStart(new SimulationError("unreachable", "stopped while connecting"));
    const client = this.#client;
    if (client.connected) {
      const farewell = this.device.farewell().map((m) => client.publishAsync(m.topic, m.payload, { qos: 1, retain: true }));
      await withTimeout(Promise.allSettled(farewell), STOP_TIMEOUT_MS);
    }
    const ended = await withTimeout(client.endAsync().then(() => true), STOP_TIMEOUT_MS);
    if (!ended) client.end(true);
  }

  async #onConnect(): Promise<void> {
    this.#connects++;
    if (this.#connects > 1) this.#deps.counters.reconnects++;
    const topics = [...this.device.subscriptions];
    try {
      if (topics.length > 0) await this.#client.subscribeAsync(topics, { qos: 0 });
    } catch {
      // The connection dropped while subscribing; the next connect subscribes and announces again.
      return;
    }
    if (this.#stopping) return;
    this.device.announce(this.outbox);
    const pending = this.#pending;
    if (pending) {
      this.#pending = undefined;
      clearTimeout(pending.timer);
      this.#deps.log(`connected ${this.device.description}`);
      pending.resolve();
    }
  }

  #onMessage(topic: string, payload: Buffer): void {
    if (this.#stopping) return;
    if (this.device.receive(topic, payload.toString("utf8"), this.outbox)) this.#deps.counters.commands++;
  }

  #onError(err: Error): void {
    if (this.#pending && this.#connects === 0) {
      this.#failStart(err);
      return;
    }
    this.#deps.counters.errors++;
    if (isCredentialRefusal(err) && !this.#refusalLogged) {
      this.#refusalLogged = true;
      this.#deps.log(`${this.device.clientId}: the broker refused the reconnect (${err.message}); it stays offline`);
    }
  }

  #failStart(err: unknown): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    this.#client.end(true);
    const error =
      err instanceof SimulationError ? err : connectError(err, this.#deps.url, this.device.clientId, this.#deps.credentials !== undefined);
    pending.reject(error);
  }
}
