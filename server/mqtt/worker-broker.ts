import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { WebSocketServer, type WebSocket } from "ws";
import type { EventBus, MqttClientInfo } from "../event-bus";
import { HubError, type HubErrorCode } from "../errors";
import type { Logger } from "../logger";
import { type BrokerWorkerData, type FromBroker, type ReplyData, type ToBroker, type WireMessage, toBuffer } from "./broker-protocol";
import type { ExplorerSource, TapListener } from "./explorer-source";
import type { ListenerInfo, MessageHandler, MqttBus, MqttMessage, MqttStats, PublishOptions, SubscribeOptions } from "./mqtt-bus";
import type { TopicMessage, TopicNode } from "./topic-index";

export interface WorkerBrokerDeps {
  log: Logger;
  bus: EventBus;
  workerData: BrokerWorkerData;
  /** The broker thread died on its own: the hub cannot work without it. */
  onCrash: (err: Error) => void;
}

const START_TIMEOUT_MS = 30_000;
/** Handling of the broker thread's posts per event-loop turn before the rest waits for the next one. */
const TURN_BUDGET_MS = 3;
const STOP_TIMEOUT_MS = 4_000;
/**
 * An MQTT-over-WebSocket client with this much unsent is cut off. Its frames are relayed from the broker
 * thread, whose own flow control (flow-control.ts) sees a stream that never backs up, so the bound is here.
 */
const WS_CUTOFF_BYTES = 4 * 1024 * 1024;

/**
 * The broker thread's entry: a sibling bundle in dist/; under tsx and Vitest, the TypeScript source, loaded
 * through tsx's loader registered inside the thread (Node 20 does not pass --import loaders to workers).
 */
function startWorker(workerData: BrokerWorkerData): Worker {
  const here = fileURLToPath(import.meta.url);
  const source = path.join(path.dirname(here), "broker-worker.ts");
  if (!here.endsWith(".ts") || !fs.existsSync(source)) {
    return new Worker(path.join(path.dirname(here), "broker-worker.js"), { workerData });
  }
  // The ESM build of tsx's API (require.resolve would pick its CommonJS one).
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const tsxApi = pathToFileURL(path.join(tsxRoot, "dist", "esm", "api", "index.mjs")).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(pathToFileURL(source).href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

const fromWire = (m: WireMessage): MqttMessage =>
  m.replayed ? { topic: m.topic, payload: toBuffer(m.payload), qos: m.qos, retain: m.retain, replayed: true } : { topic: m.topic, payload: toBuffer(m.payload), qos: m.qos, retain: m.retain };

/**
 * The embedded broker, run in its own thread so that the web app sharing this process costs it nothing:
 * MQTT traffic never touches the main event loop, and a slow page render never stalls a device.
 * Only what the hub asks for crosses: its subscriptions, its publishes, client events and WebSockets.
 */
export class WorkerBroker implements MqttBus, ExplorerSource {
  readonly #deps: WorkerBrokerDeps;
  readonly #handlers = new Map<number, MessageHandler>();
  readonly #taps = new Map<number, TapListener>();
  readonly #pending = new Map<number, { resolve: (data: ReplyData | undefined) => void; reject: (e: Error) => void }>();
  readonly #clients = new Map<string, MqttClientInfo>();
  readonly #sockets = new Map<number, WebSocket>();
  #worker: Worker | undefined;
  /** Posts from the broker thread not handled yet (#inbox), the next one's index, and where its batch stands. */
  #queue: FromBroker[] = [];
  #queueHead = 0;
  #batchPos = 0;
  #draining = false;
  #listeners: ListenerInfo[] = [];
  #stats: MqttStats = { mode: "embedded", connected: false, clients: 0, messagesPerSecond: 0, messagesTotal: 0 };
  #wss: WebSocketServer | undefined;
  #nextId = 1;
  #stopping = false;
  #stopped: (() => void) | undefined;

  constructor(deps: WorkerBrokerDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    const worker = startWorker(this.#deps.workerData);
    this.#worker = worker;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the broker thread did not start in 30 s")), START_TIMEOUT_MS);
        worker.on("message", (msg: FromBroker) => {
          if (msg.type === "ready") {
            clearTimeout(timer);
            this.#listeners = msg.listeners;
            this.#stats = { ...this.#stats, connected: true };
            resolve();
          } else if (msg.type === "failed") {
            clearTimeout(timer);
            reject(new HubError(msg.code as HubErrorCode, msg.message));
          } else {
            this.#inbox(msg);
          }
        });
        worker.once("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        worker.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`the broker thread exited with code ${code}`));
        });
      });
    } catch (err) {
      await worker.terminate();
      this.#worker = undefined;
      throw err;
    }
    worker.removeAllListeners("error").removeAllListeners("exit");
    worker.on("error", (err) => this.#crashed(err));
    worker.on("exit", (code) => {
      this.#stats = { ...this.#stats, connected: false };
      this.#stopped?.();
      if (!this.#stopping) this.#crashed(new Error(`the broker thread exited with code ${code}`));
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      // MQTT over WebSocket names its subprotocol "mqtt" (3.1.1) or "mqttv3.1" [MQTT-6.0.0-3].
      handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : protocols.has("mqttv3.1") ? "mqttv3.1" : false),
      maxPayload: 16 * 1024 * 1024,
    });
  }

  #crashed(err: Error): void {
    this.#deps.log.fatal({ err }, "mqtt broker thread failed");
    this.#deps.onCrash(err);
  }

  /**
   * Everything from the broker thread, in its order, at most TURN_BUDGET_MS of handling per event-loop turn.
   * Node hands over all the thread's queued posts in one go, and a busy second brings batches of 1024 messages
   * (each one state changes, history rows, live updates): handled at once they held the loop 20 ms and more,
   * and every timer, HTTP request and WebSocket waited. The rest waits its turn behind a setImmediate.
   */
  #inbox(msg: FromBroker): void {
    this.#queue.push(msg);
    if (!this.#draining) this.#drain();
  }

  #drain(): void {
    this.#draining = true;
    const began = performance.now();
    let handled = 0;
    // Tells the broker thread how many messages were handled, so it sends more (hub-outbox.ts).
    let consumed = 0;
    while (this.#queueHead < this.#queue.length) {
      const msg = this.#queue[this.#queueHead]!;
      if (msg.type === "messages") {
        const batch = msg.batch;
        while (this.#batchPos < batch.length) {
          const { subId, message } = batch[this.#batchPos++]!;
          try {
            this.#handlers.get(subId)?.(fromWire(message));
          } catch (err) {
            this.#deps.log.error({ err, topic: message.topic }, "mqtt message handler failed");
          }
          consumed++;
          if (++handled % 16 === 0 && performance.now() - began > TURN_BUDGET_MS) {
            this.#consumed(consumed);
            setImmediate(() => this.#drain());
            return;
          }
        }
        this.#batchPos = 0;
      } else {
        try {
          this.#onMessage(msg);
        } catch (err) {
          this.#deps.log.error({ err, type: msg.type }, "handling the broker thread's message failed");
        }
      }
      this.#queue[this.#queueHead++] = undefined!;
    }
    this.#queue = [];
    this.#queueHead = 0;
    this.#draining = false;
    this.#consumed(consumed);
  }

  #consumed(count: number): void {
    if (count > 0 && !this.#stopping) this.#worker?.postMessage({ type: "consumed", count } satisfies ToBroker);
  }

  #onMessage(msg: Exclude<FromBroker, { type: "messages" }>): void {
    switch (msg.type) {
      case "tapEvents":
        for (const { tapId, event } of msg.batch) {
          try {
            this.#taps.get(tapId)?.event(event);
          } catch (err) {
            this.#deps.log.error({ err, topic: event.topic }, "mqtt live-log listener failed");
          }
        }
        return;
      case "tapSkipped":
        try {
          this.#taps.get(msg.tapId)?.skipped(msg.count);
        } catch (err) {
          this.#deps.log.error({ err }, "mqtt live-log listener failed");
        }
        return;
      case "reply": {
        const pending = this.#pending.get(msg.reqId);
        this.#pending.delete(msg.reqId);
        if (msg.error !== undefined) pending?.reject(new HubError("hub_unavailable", msg.error));
        else pending?.resolve(msg.data);
        return;
      }
      case "clientConnected":
        this.#clients.set(clientKey(msg.info), msg.info);
        this.#deps.bus.emit("mqttClientConnected", msg.info);
        return;
      case "clientDisconnected":
        this.#clients.delete(clientKey(msg.info));
        this.#deps.bus.emit("mqttClientDisconnected", msg.info);
        return;
      case "stats":
        this.#stats = msg.stats;
        return;
      case "wsWrite": {
        const ws = this.#sockets.get(msg.connId);
        if (!ws) return;
        ws.send(msg.data);
        if (ws.bufferedAmount > WS_CUTOFF_BYTES) {
          this.#deps.log.warn({ connId: msg.connId, unsent: ws.bufferedAmount }, "mqtt websocket client cut off: it does not read what it subscribed to");
          ws.terminate();
        }
        return;
      }
      case "wsEnd":
        this.#sockets.get(msg.connId)?.close();
        this.#sockets.delete(msg.connId);
        return;
      case "stopped":
        this.#stopped?.();
        return;
      case "ready":
      case "failed":
        return;
    }
  }

  #post(msg: ToBroker): void {
    if (!this.#worker || this.#stopping) throw new HubError("hub_unavailable", "the MQTT broker is not running");
    this.#worker.postMessage(msg);
  }

  #request(make: (reqId: number) => ToBroker): Promise<ReplyData | undefined> {
    const reqId = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(reqId, { resolve, reject });
      try {
        this.#post(make(reqId));
      } catch (err) {
        this.#pending.delete(reqId);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** The broker store as a backup dump, read from one LevelDB snapshot in the broker thread. */
  async dumpStore(): Promise<Buffer> {
    const store = (await this.#request((reqId) => ({ type: "dumpStore", reqId })))?.store;
    if (!store) throw new HubError("internal", "the broker thread sent no store dump");
    return toBuffer(store);
  }

  /** Takes an HTTP upgrade on /mqtt and relays its frames to the broker thread. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const wss = this.#wss;
    if (!wss || this.#stopping) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connId = this.#nextId++;
      this.#sockets.set(connId, ws);
      this.#post({ type: "wsOpen", connId, address: req.socket.remoteAddress ?? null });
      ws.on("message", (data: Buffer) => this.#worker?.postMessage({ type: "wsData", connId, data } satisfies ToBroker));
      ws.on("close", () => {
        if (this.#sockets.delete(connId)) this.#worker?.postMessage({ type: "wsClose", connId } satisfies ToBroker);
      });
      ws.on("error", () => ws.terminate());
    });
  }

  async subscribe(pattern: string, handler: MessageHandler, opts: SubscribeOptions = {}): Promise<() => Promise<void>> {
    const subId = this.#nextId++;
    this.#handlers.set(subId, handler);
    await this.#request((reqId) => ({ type: "subscribe", subId, pattern, retained: opts.retained ?? false, reqId }));
    return async () => {
      this.#handlers.delete(subId);
      if (!this.#stopping) await this.#request((reqId) => ({ type: "unsubscribe", subId, reqId }));
    };
  }

  async publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    const message = { topic, payload: typeof payload === "string" ? Buffer.from(payload) : payload, qos: opts.qos ?? 0, retain: opts.retain ?? false };
    await this.#request((reqId) => ({ type: "publish", reqId, message }));
  }

  /** The retained messages matching a pattern, from the broker's store. */
  async readRetained(pattern: string): Promise<MqttMessage[]> {
    return ((await this.#request((reqId) => ({ type: "readRetained", reqId, pattern })))?.messages ?? []).map(fromWire);
  }

  /** The explorer's topic tree: the direct children of `level` (null = the top level). */
  async topics(level: string | null): Promise<TopicNode[]> {
    return (await this.#request((reqId) => ({ type: "explorerTopics", reqId, level })))?.topics ?? [];
  }

  /** The last message seen on a topic, with its publisher. */
  async message(topic: string): Promise<TopicMessage | undefined> {
    return (await this.#request((reqId) => ({ type: "explorerMessage", reqId, topic })))?.message ?? undefined;
  }

  /** Deletes retained messages (one topic, or a branch) as the hub; answers how many there were. */
  async clearRetained(target: { topic: string } | { level: string | null }): Promise<number> {
    return (await this.#request((reqId) => ({ type: "explorerClear", reqId, target })))?.cleared ?? 0;
  }

  /** Live logs open from this side. */
  get openTaps(): number {
    return this.#taps.size;
  }

  /** A live log of the messages matching `filter`, rate-limited in the broker thread; resolves to its closer. */
  async tap(filter: string, listener: TapListener): Promise<() => Promise<void>> {
    const tapId = this.#nextId++;
    this.#taps.set(tapId, listener);
    try {
      await this.#request((reqId) => ({ type: "tapOpen", reqId, tapId, filter }));
    } catch (err) {
      this.#taps.delete(tapId);
      throw err;
    }
    return async () => {
      if (!this.#taps.delete(tapId) || this.#stopping) return;
      await this.#request((reqId) => ({ type: "tapClose", reqId, tapId }));
    };
  }

  /** Closes every connection authenticated as this MQTT user (revoked or password changed). */
  disconnectUser(username: string): void {
    if (!this.#stopping) this.#post({ type: "disconnectUser", username });
  }

  /** An MQTT user's ACL rules changed: the broker thread reloads them, and its connections apply them at once. */
  aclChanged(username: string): void {
    if (!this.#stopping) this.#post({ type: "aclChanged", username });
  }

  clients(): MqttClientInfo[] {
    return [...this.#clients.values()].sort((a, b) => a.connectedAt - b.connectedAt);
  }

  listeners(): ListenerInfo[] {
    return this.#listeners;
  }

  stats(): MqttStats {
    return { ...this.#stats, clients: this.#clients.size };
  }

  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker || this.#stopping) return;
    const stopped = new Promise<void>((resolve) => {
      this.#stopped = resolve;
      setTimeout(resolve, STOP_TIMEOUT_MS).unref();
    });
    worker.postMessage({ type: "stop" } satisfies ToBroker);
    this.#stopping = true;
    await stopped;
    this.#stats = { ...this.#stats, connected: false };
    for (const ws of this.#sockets.values()) ws.terminate();
    this.#sockets.clear();
    this.#wss?.close();
    this.#clients.clear();
    this.#taps.clear();
    for (const { reject } of this.#pending.values()) reject(new HubError("hub_unavailable", "the MQTT broker stopped"));
    this.#pending.clear();
    await worker.terminate();
    this.#deps.log.info("mqtt broker stopped");
  }
}

function clientKey(info: MqttClientInfo): string {
  return `${info.clientId}\0${info.connectedAt}`;
}
