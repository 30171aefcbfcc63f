import fs from "node:fs";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket } from "aedes";
import aedesPersistenceLevel from "aedes-persistence-level";
import { Level } from "level";
import { dumpOpenStore } from "../backup/broker-store";
import type { MqttClientInfo } from "../event-bus";
import { HubError } from "../errors";
import { keepEmitOrder } from "./emit-order";
import { boundReadBatches } from "./read-batches";
import type { Logger } from "../logger";
import { listenOrThrow } from "../net/listen";
import { type BrokerAcl, DENIED_TOPIC, aclHooks } from "./broker-acl";
import {
  type BrokerLimits,
  CONNECT_TIMEOUT_MS,
  ConnectionQuota,
  CUTOFF_BYTES,
  DELIVERY_CONCURRENCY,
  DRAIN_TIMEOUT_MS,
  MAX_WAITING_WRITES,
  TCP_KEEPALIVE_MS,
  limitPacketSize,
} from "./broker-limits";
import { SlowConsumerGuard, boundDeliveryRecursion } from "./flow-control";
import { MessageRate } from "./message-rate";
import { cacheRetained } from "./retained-cache";
import { readClientsWithState, skipStatelessClients } from "./session-index";
import { HUB_PUBLISHER } from "./topic-index";
import type {
  ListenerInfo,
  MessageHandler,
  MqttBus,
  MqttMessage,
  MqttStats,
  PublishOptions,
  SubscribeOptions,
} from "./mqtt-bus";

/** What the broker asks of the account store when a client connects. */
export type MqttAuthenticator = (
  username: string | undefined,
  password: Buffer | undefined,
) => Promise<"ok" | "bad_credentials" | "not_authorized">;

export interface EmbeddedBrokerDeps {
  log: Logger;
  /** Told of every client that completes CONNECT and of its going away. */
  onClientConnected: (info: MqttClientInfo) => void;
  onClientDisconnected: (info: MqttClientInfo) => void;
  authenticate: MqttAuthenticator;
  persistenceDir: string;
  host: string;
  /** 0 = no TCP listener. */
  tcpPort: number;
  tls?: { port: number; cert: Buffer; key: Buffer } | undefined;
  /**
   * Every message aedes routes (except its own $SYS chatter), with who published it: a client id, `$hub` for
   * the hub's own publishes, null for wills of a previous run. Called on the hot path: keep it cheap.
   */
  onPublish?: ((packet: AedesPublishPacket, clientId: string | null, username: string | null) => void) | undefined;
  /** Per-user access rules; without it every authenticated client may publish and subscribe anywhere. */
  acl?: BrokerAcl | undefined;
  limits: BrokerLimits;
}

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2-3]; aedes declares them as a const enum we cannot import.
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
// Real devices use long client ids (Tasmota "DVES_...", ESPHome node names, z2m with suffixes): MQTT 3.1.1's
// 23-character minimum is a floor for brokers, not a ceiling [MQTT-3.1.3-5].
const MAX_CLIENT_ID_LENGTH = 256;

interface ConnectionMeta {
  address: string | null;
  transport: MqttClientInfo["transport"];
}

/** aedes with its TCP and TLS listeners and LevelDB store; runs in the broker thread (broker-worker.ts). */
export class EmbeddedBroker implements MqttBus {
  readonly #deps: EmbeddedBrokerDeps;
  readonly #log: Logger;
  readonly #connections = new WeakMap<Duplex, ConnectionMeta>();
  readonly #usernames = new WeakMap<Client, string>();
  readonly #clients = new Map<Client, MqttClientInfo>();
  /** The packets the hub itself publishes, to tell them from aedes's own (both come without a client). */
  readonly #ownPackets = new WeakSet<object>();
  readonly #rate = new MessageRate();
  readonly #quota: ConnectionQuota;
  readonly #flow: SlowConsumerGuard;
  #refusedPackets = 0;
  readonly #servers: { server: net.Server; info: ListenerInfo }[] = [];
  #aedes: Aedes | undefined;
  #level: Level<string, Buffer> | undefined;
  #rateTimer: NodeJS.Timeout | undefined;

  constructor(deps: EmbeddedBrokerDeps) {
    this.#deps = deps;
    this.#log = deps.log;
    this.#quota = new ConnectionQuota(deps.limits.maxConnectionsPerUser);
    this.#flow = new SlowConsumerGuard(deps.log, { maxWaitingWrites: MAX_WAITING_WRITES, cutoffBytes: CUTOFF_BYTES, stallMs: DRAIN_TIMEOUT_MS });
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.#deps.persistenceDir, { recursive: true });
    const level = new Level<string, Buffer>(this.#deps.persistenceDir, { valueEncoding: "buffer" });
    try {
      await level.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === "LEVEL_LOCKED") {
        throw new HubError(
          "conflict",
          `the data directory's broker store ${this.#deps.persistenceDir} is in use by another Hearth process`,
          { cause: err },
        );
      }
      throw err;
    }
    this.#level = level;
    // No fixed broker id: aedes tells its own wills from a previous run's by id (aedes issue 754).
    const persistence = skipStatelessClients(
      // Served from memory, so aedes's retained stream on SUBSCRIBE can no longer fail on a closed store at shutdown.
      await cacheRetained(aedesPersistenceLevel(level)),
      await readClientsWithState(level),
    );
    const acl = this.#deps.acl ? aclHooks(this.#deps.acl, (client) => this.#usernames.get(client) ?? null) : {};
    const aclForward = acl.authorizeForward;
    const aedes = await Aedes.createBroker({
      persistence,
      maxClientsIdLength: MAX_CLIENT_ID_LENGTH,
      concurrency: DELIVERY_CONCURRENCY,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // One frozen client must not stall delivery to everyone else (docs/Aedes.md, drainTimeout).
      drainTimeout: DRAIN_TIMEOUT_MS,
      ...acl,
      // Access first (a refused message is not the client's backlog), then the client's flow control.
      authorizeForward: (client, packet) => {
        const allowed = aclForward ? aclForward(client, packet) : packet;
        return allowed ? this.#flow.forward(client, allowed) : null;
      },
      authenticate: (client, username, password, done) => {
        this.#deps.authenticate(username, password).then(
          (result) => {
            if (result === "ok") {
              if (username && !this.#quota.admit(client, username)) {
                this.#log.warn(
                  { clientId: client.id, username, limit: this.#deps.limits.maxConnectionsPerUser },
                  "mqtt client refused: its user has the most connections allowed (HEARTH_MQTT_MAX_CONNECTIONS_PER_USER)",
                );
                done(Object.assign(new Error("server unavailable"), { returnCode: SERVER_UNAVAILABLE }), false);
                return;
              }
              if (username) this.#usernames.set(client, username);
              this.#noteTakeover(client);
              done(null, true);
              return;
            }
            const error = Object.assign(new Error(result === "bad_credentials" ? "bad username or password" : "not authorized"), {
              returnCode: result === "bad_credentials" ? BAD_USERNAME_OR_PASSWORD : NOT_AUTHORIZED,
            });
            this.#log.warn({ clientId: client.id, username, reason: result }, "mqtt client refused");
            done(error, false);
          },
          (err: unknown) => {
            this.#log.error({ err, clientId: client.id }, "mqtt authentication failed");
            done(Object.assign(new Error("server unavailable"), { returnCode: 3 }), false);
          },
        );
      },
    });
    boundDeliveryRecursion(aedes);
    keepEmitOrder(aedes);
    this.#aedes = aedes;

    aedes.on("client", (client) => this.#onClient(client));
    aedes.on("clientDisconnect", (client) => this.#onClientGone(client));
    const onPublish = this.#deps.onPublish;
    aedes.on("publish", (packet, client) => {
      if (client) this.#rate.count();
      if (!onPublish || packet.topic.startsWith("$SYS/") || packet.topic === DENIED_TOPIC) return;
      if (client) onPublish(packet, client.id, this.#usernames.get(client) ?? null);
      else onPublish(packet, this.#ownPackets.has(packet) ? HUB_PUBLISHER : null, null);
    });
    aedes.on("clientError", (client, err) => {
      this.#log.debug({ clientId: client.id, err: err.message }, "mqtt client error");
    });
    aedes.on("connectionError", (client, err) => {
      this.#log.warn({ clientId: client.id, err: err.message }, "mqtt connection error");
    });
    this.#rateTimer = setInterval(() => this.#rate.tick(), 1000);
    this.#rateTimer.unref();


    if (this.#deps.tcpPort > 0) {
      const server = net.createServer({ keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_MS }, (socket) =>
        this.handleStream(socket, socket.remoteAddress ?? null, "tcp"),
      );
      const port = await listenOrThrow(server, this.#deps.tcpPort, this.#deps.host, "MQTT (HEARTH_MQTT_PORT)");
      this.#servers.push({ server, info: { protocol: "mqtt", address: this.#deps.host, port } });
    }
    if (this.#deps.tls) {
      const server = tls.createServer({ cert: this.#deps.tls.cert, key: this.#deps.tls.key, keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_MS }, (socket) =>
        this.handleStream(socket, socket.remoteAddress ?? null, "tls"),
      );
      const port = await listenOrThrow(server, this.#deps.tls.port, this.#deps.host, "MQTTS (HEARTH_MQTTS_PORT)");
      this.#servers.push({ server, info: { protocol: "mqtts", address: this.#deps.host, port } });
    }
    this.#log.info({ listeners: this.#servers.map((s) => s.info) }, "mqtt broker started");
  }

  /** Serves one MQTT connection on any stream (a socket, or a WebSocket relayed from the hub's thread). */
  handleStream(stream: Duplex, address: string | null, transport: ConnectionMeta["transport"]): void {
    const aedes = this.#aedes;
    if (!aedes || aedes.closed) {
      stream.destroy();
      return;
    }
    this.#connections.set(stream, { address, transport });
    const client = aedes.handle(stream);
    boundReadBatches(client);
    limitPacketSize(client, this.#deps.limits.maxPacketBytes, (cmd, bytes) => {
      this.#refusedPackets++;
      this.#log.warn(
        { clientId: client.id, address, cmd, bytes, limit: this.#deps.limits.maxPacketBytes },
        "mqtt packet over the size limit (HEARTH_MQTT_MAX_PACKET_BYTES): connection closed",
      );
    });
  }

  /**
   * A CONNECT with a client id that is already connected: aedes closes the earlier connection, as the spec
   * says ([MQTT-3.1.4-2]), and publishes its will unless it had sent DISCONNECT ([MQTT-3.1.2-8]). Two devices
   * configured with the same id take turns doing this, so it is worth a line.
   */
  #noteTakeover(client: Client): void {
    // aedes keeps its connected clients by id; its type declarations leave the map out.
    const connected = (this.#aedes as unknown as { clients?: Record<string, Client | undefined> } | undefined)?.clients;
    const previous = connected?.[client.id];
    if (!previous || previous === client || previous.closed) return;
    const before = this.#clients.get(previous);
    this.#log.warn(
      { clientId: client.id, address: this.#connections.get(client.conn)?.address ?? null, previousAddress: before?.address ?? null, previousUsername: before?.username ?? null },
      "mqtt client id taken over: the earlier connection with this id is closed",
    );
  }

  #onClient(client: Client): void {
    const meta = this.#connections.get(client.conn);
    const info: MqttClientInfo = {
      clientId: client.id,
      username: this.#usernames.get(client) ?? null,
      address: meta?.address ?? null,
      transport: meta?.transport ?? "tcp",
      connectedAt: Date.now(),
    };
    this.#clients.set(client, info);
    this.#log.info({ clientId: info.clientId, username: info.username, address: info.address }, "mqtt client connected");
    this.#deps.onClientConnected(info);
  }

  #onClientGone(client: Client): void {
    const info = this.#clients.get(client);
    if (!info) return;
    this.#clients.delete(client);
    this.#log.info({ clientId: info.clientId, username: info.username }, "mqtt client disconnected");
    this.#deps.onClientDisconnected(info);
  }

  /** Closes every connection authenticated as this MQTT user (revoked or password changed). */
  disconnectUser(username: string): number {
    let closed = 0;
    for (const [client, info] of this.#clients) {
      if (info.username === username) {
        client.close();
        closed++;
      }
    }
    if (closed > 0) this.#log.info({ username, closed }, "mqtt user's connections closed");
    return closed;
  }

  async subscribe(pattern: string, handler: MessageHandler, opts: SubscribeOptions = {}): Promise<() => Promise<void>> {
    const aedes = this.#requireAedes();
    // Topics that had a live message while the retained store was being read: the store's copy may be older.
    let liveDuringReplay: Set<string> | undefined = opts.retained ? new Set() : undefined;
    const deliver = (packet: AedesPublishPacket, cb: () => void) => {
      // aedes: a deliverfunc must call back before returning, or other subscribers miss messages.
      cb();
      liveDuringReplay?.add(packet.topic);
      safeDeliver(this.#log, handler, toMessage(packet));
    };
    await new Promise<void>((resolve) => aedes.subscribe(pattern, deliver, resolve));
    if (opts.retained) {
      // A server-side subscription does not replay retained messages (STYLE §4 P12): read them from the store.
      // A topic that had a live message meanwhile keeps that one: replaying the stored copy after it could
      // put an older state last (ON replayed after a live OFF).
      const stored = await this.readRetained(pattern);
      const skip = liveDuringReplay;
      liveDuringReplay = undefined;
      for (const message of stored) if (!skip?.has(message.topic)) safeDeliver(this.#log, handler, message);
    }
    return () => new Promise<void>((resolve) => aedes.unsubscribe(pattern, deliver, resolve));
  }

  /** The retained messages matching a pattern, from the broker's store. */
  async readRetained(pattern: string): Promise<MqttMessage[]> {
    const out: MqttMessage[] = [];
    for await (const packet of this.#retainedStore().createRetainedStream(pattern)) out.push({ ...toMessage(packet), retain: true, replayed: true });
    return out;
  }

  /** The topics the retained store holds at `level` and below; `null` = all but `$` topics ([MQTT-4.7.2-1]). */
  async storedTopics(level: string | null): Promise<string[]> {
    const patterns = level === null ? ["#"] : [level, `${level}/#`];
    const out: string[] = [];
    for await (const packet of this.#retainedStore().createRetainedStreamCombi(patterns)) out.push(packet.topic);
    return out;
  }

  /** Every retained message in the store, by reference (no copies): for indexes built at start. */
  async forEachRetained(fn: (packet: AedesPublishPacket) => void): Promise<void> {
    for await (const packet of this.#retainedStore().createRetainedStream("#")) fn(packet);
  }

  #retainedStore() {
    const aedes = this.#requireAedes();
    type Stream = AsyncIterable<AedesPublishPacket>;
    return (aedes as unknown as { persistence: { createRetainedStream(p: string): Stream; createRetainedStreamCombi(p: string[]): Stream } }).persistence;
  }

  publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    const aedes = this.#requireAedes();
    const packet: PublishPacket = {
      cmd: "publish",
      topic,
      payload: typeof payload === "string" ? Buffer.from(payload) : payload,
      qos: opts.qos ?? 0,
      retain: opts.retain ?? false,
      dup: false,
    };
    this.#ownPackets.add(packet);
    return new Promise((resolve, reject) => {
      aedes.publish(packet, (err) => (err ? reject(err) : resolve()));
    });
  }

  clients(): MqttClientInfo[] {
    return [...this.#clients.values()].sort((a, b) => a.connectedAt - b.connectedAt);
  }

  listeners(): ListenerInfo[] {
    return this.#servers.map((s) => s.info);
  }

  stats(): MqttStats {
    return {
      mode: "embedded",
      connected: this.#aedes !== undefined && !this.#aedes.closed,
      clients: this.#clients.size,
      messagesPerSecond: this.#rate.perSecond(),
      messagesTotal: this.#rate.total(),
      droppedMessages: this.#flow.dropped,
      connectionsCut: this.#flow.cut + this.#refusedPackets,
      peakClientQueueBytes: this.#flow.peakQueuedBytes,
    };
  }

  /** Every record of the store from one LevelDB snapshot, encoded for a backup (server/backup/broker-store.ts). */
  async dumpStore(): Promise<Buffer> {
    if (!this.#level) throw new HubError("hub_unavailable", "the MQTT broker is not running");
    return dumpOpenStore(this.#level);
  }

  /** Stops accepting, closes every client, then closes the store so the next start finds it intact. */
  async stop(): Promise<void> {
    clearInterval(this.#rateTimer);
    // server.close() only resolves once every socket is gone, and aedes.close() is what ends them.
    const listenersClosed = Promise.all(
      this.#servers.splice(0).map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    const aedes = this.#aedes;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await listenersClosed;
    await this.#level?.close();
    this.#log.info("mqtt broker stopped");
  }

  #requireAedes(): Aedes {
    if (!this.#aedes || this.#aedes.closed) throw new HubError("hub_unavailable", "the MQTT broker is not running");
    return this.#aedes;
  }
}

function toMessage(packet: AedesPublishPacket): MqttMessage {
  const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
  return { topic: packet.topic, payload, qos: packet.qos, retain: packet.retain };
}

function safeDeliver(log: Logger, handler: MessageHandler, message: MqttMessage): void {
  try {
    handler(message);
  } catch (err) {
    log.error({ err, topic: message.topic }, "mqtt message handler failed");
  }
}
