// The broker thread: aedes, its listeners and its store run here, on an event loop of their own.
// Next.js enables async hooks (AsyncLocalStorage) in the main thread, which on Node 20 taxes every
// promise and callback; measured, that cost the broker 15-25 % of its throughput. See worker-broker.ts.
import { Duplex } from "node:stream";
import v8 from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "@/db/open-database";
import { readMqttAcl } from "@/db/queries/mqtt-acl";
import { AccountService } from "../auth/account-service";
import { isHubError } from "../errors";
import { createLogger } from "../logger";
import { type BrokerWorkerData, type FromBroker, type ReplyData, type ToBroker, type WireMessage, toBuffer } from "./broker-protocol";
import { BrokerAcl } from "./broker-acl";
import { BrokerExplorer } from "./broker-explorer";
import { EmbeddedBroker } from "./embedded-broker";
import { HubOutbox } from "./hub-outbox";
import type { TapEvent } from "./live-taps";
import type { MqttMessage } from "./mqtt-bus";

const STATS_EVERY_MS = 1000;

if (!parentPort) throw new Error("broker-worker.ts runs as a worker thread");
const port = parentPort;
const data = workerData as BrokerWorkerData;
const log = createLogger(data.logLevel).child({ module: "broker" });
// Messages for the hub's subscriptions go in batches (one postMessage per event-loop turn, not one per
// message), no more ahead of the hub than it has handled, and a flood the hub cannot keep up with is cut
// down here, oldest QoS 0 first: see hub-outbox.ts for what may be dropped and what never is. Anything
// else goes behind the messages before it, so the hub sees everything in the order it happened here.
const outbox = new HubOutbox({ send: (msg) => port.postMessage(msg), log, discoveryPrefix: data.discoveryPrefix });
const MAX_TAP_BATCH = 1024;
// Live-log taps are rate-limited by the explorer already; they keep their own batch.
let tapBatch: Array<{ tapId: number; event: TapEvent }> = [];
let tapFlushScheduled = false;
function flushTaps(): void {
  tapFlushScheduled = false;
  if (tapBatch.length === 0) return;
  const out = tapBatch;
  tapBatch = [];
  port.postMessage({ type: "tapEvents", batch: out } satisfies FromBroker);
}
function postMessageFor(subId: number, message: WireMessage): void {
  outbox.message(subId, message);
}
function postTapEvent(tapId: number, event: TapEvent): void {
  tapBatch.push({ tapId, event });
  if (tapBatch.length >= MAX_TAP_BATCH) flushTaps();
  else if (!tapFlushScheduled) {
    tapFlushScheduled = true;
    setImmediate(flushTaps);
  }
}
const post = (msg: FromBroker) => outbox.post(msg);
/**
 * Structured clone sends a view's whole ArrayBuffer, and a payload is usually a slice of a socket read or of
 * Node's 8 KiB buffer pool: copy such a payload to an exact-size buffer, or each message would carry (and pin
 * on the hub's side) the whole chunk.
 */
const exactPayload = (p: Buffer): Uint8Array => (p.byteOffset === 0 && p.byteLength === p.buffer.byteLength ? p : new Uint8Array(p));
const toWire = (m: MqttMessage): WireMessage =>
  m.replayed ? { topic: m.topic, payload: exactPayload(m.payload), qos: m.qos, retain: m.retain, replayed: true } : { topic: m.topic, payload: exactPayload(m.payload), qos: m.qos, retain: m.retain };

// Its own connection to the hub's database (WAL allows it): CONNECT checks need no round trip to the hub.
// The hub migrated the file before starting this thread.
const db = openDatabase({ file: data.dbFile });
const accounts = new AccountService({ db });
// The MQTT explorer's index and live-log taps sit beside aedes, where every publish and its client are seen.
const explorer = new BrokerExplorer({
  broker: {
    publish: (topic, payload, opts) => broker.publish(topic, payload, opts),
    storedTopics: (level) => broker.storedTopics(level),
  },
  deliver: postTapEvent,
  skipped: (tapId, count) => post({ type: "tapSkipped", tapId, count }),
});
// Rules are read once per user (a packet never waits on SQLite) and reloaded when the hub says they changed.
const acl = new BrokerAcl({ log, rulesFor: (username) => readMqttAcl(db, username), protectedTopics: data.protectedTopics });
const broker = new EmbeddedBroker({
  log,
  acl,
  onPublish: (packet, clientId, username) => explorer.observe(packet, clientId, username),
  onClientConnected: (info) => post({ type: "clientConnected", info }),
  onClientDisconnected: (info) => post({ type: "clientDisconnected", info }),
  authenticate: (username, password) => accounts.checkMqttCredentials(username, password, data.allowAnonymous),
  persistenceDir: data.persistenceDir,
  host: data.host,
  tcpPort: data.tcpPort,
  tls: data.tls ? { port: data.tls.port, cert: toBuffer(data.tls.cert), key: toBuffer(data.tls.key) } : undefined,
  limits: data.limits,
});

const subscriptions = new Map<number, () => Promise<void>>();
const sockets = new Map<number, Duplex>();
let statsTimer: NodeJS.Timeout | undefined;

/** A WebSocket connection accepted by the hub's HTTP server, as a stream for aedes. */
function openSocket(connId: number, address: string | null): void {
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      post({ type: "wsWrite", connId, data: chunk });
      callback();
    },
    final(callback) {
      post({ type: "wsEnd", connId });
      callback();
    },
    destroy(err, callback) {
      if (sockets.delete(connId)) post({ type: "wsEnd", connId });
      callback(err);
    },
  });
  stream.on("error", () => stream.destroy());
  sockets.set(connId, stream);
  broker.handleStream(stream, address, "ws");
}

async function handle(msg: ToBroker): Promise<ReplyData | undefined> {
  switch (msg.type) {
    case "subscribe": {
      const { subId } = msg;
      const unsubscribe = await broker.subscribe(msg.pattern, (m) => postMessageFor(subId, toWire(m)), {
        retained: msg.retained,
      });
      subscriptions.set(subId, unsubscribe);
      return;
    }
    case "unsubscribe":
      await subscriptions.get(msg.subId)?.();
      subscriptions.delete(msg.subId);
      return;
    case "publish":
      await broker.publish(msg.message.topic, toBuffer(msg.message.payload), { qos: msg.message.qos, retain: msg.message.retain });
      return;
    case "readRetained":
      return { messages: (await broker.readRetained(msg.pattern)).map(toWire) };
    case "explorerTopics":
      return { topics: explorer.topics(msg.level) };
    case "explorerMessage":
      return { message: explorer.message(msg.topic) ?? null };
    case "explorerClear":
      return { cleared: await explorer.clear(msg.target) };
    case "tapOpen":
      explorer.openTap(msg.tapId, msg.filter);
      return;
    case "tapClose":
      explorer.closeTap(msg.tapId);
      return;
    case "dumpStore":
      return { store: await broker.dumpStore() };
    case "disconnectUser":
      broker.disconnectUser(msg.username);
      return;
    case "aclChanged":
      acl.reload(msg.username);
      return;
    case "wsOpen":
      openSocket(msg.connId, msg.address);
      return;
    case "wsData":
      sockets.get(msg.connId)?.push(toBuffer(msg.data));
      return;
    case "consumed":
      outbox.consumed(msg.count);
      return;
    case "wsClose": {
      const stream = sockets.get(msg.connId);
      sockets.delete(msg.connId);
      stream?.push(null);
      stream?.destroy();
      return;
    }
    case "stop":
      clearInterval(statsTimer);
      explorer.stop();
      await broker.stop();
      db.$client.close();
      post({ type: "stopped" });
      outbox.flush(true);
      port.close();
      return;
  }
}

port.on("message", (msg: ToBroker) => {
  const reqId = "reqId" in msg ? msg.reqId : undefined;
  handle(msg).then(
    (data) => {
      if (reqId !== undefined) post(data ? { type: "reply", reqId, data } : { type: "reply", reqId });
    },
    (err: unknown) => {
      log.error({ err, type: msg.type }, "broker request failed");
      const reply = "reqId" in msg ? msg.reqId : undefined;
      if (reply !== undefined) post({ type: "reply", reqId: reply, error: err instanceof Error ? err.message : String(err) });
    },
  );
});

broker.start().then(
  async () => {
    // The explorer's index starts with what the store kept from earlier runs (publisher and time unknown).
    await broker
      .forEachRetained((packet) => explorer.restore(packet.topic, packet.payload, packet.qos))
      .catch((err: unknown) => log.warn({ err }, "explorer: retained messages not indexed"));
    post({ type: "ready", listeners: broker.listeners() });
    statsTimer = setInterval(() => {
      outbox.logDrops();
      const stats = broker.stats();
      post({
        type: "stats",
        stats: {
          ...stats,
          droppedMessages: (stats.droppedMessages ?? 0) + outbox.dropped,
          hubQueue: outbox.queued,
          heapUsedBytes: v8.getHeapStatistics().used_heap_size,
        },
      });
    }, STATS_EVERY_MS);
    statsTimer.unref();
  },
  (err: unknown) => {
    post({ type: "failed", code: isHubError(err) ? err.code : "internal", message: err instanceof Error ? err.message : String(err) });
    db.$client.close();
    port.close();
  },
);
