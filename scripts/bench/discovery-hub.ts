// Hub side of the discovery bench (`npm run bench -- --scenarios discovery`): a real Hub (embedded broker in its
// worker thread, SQLite, discovery, registry, state store), booted as server/testing/test-hub.ts does but with the
// bench's counters attached before hub.start(), so nothing that happens during start-up is missed.
// Run by scripts/bench/discovery.mjs as `node --import tsx scripts/bench/discovery-hub.ts --mode ... --data DIR`.
//
//   --mode preload  publishes the fleet's retained configs (and the retained bridge state) over MQTT to a fresh
//                   hub, waits until every entity is registered and discovery has settled, then stops the hub:
//                   the data dir then holds the broker's retained store (and the registry in SQLite).
//   --mode start    starts a hub on an existing data dir and times start -> every entity registered / replayed /
//                   available; then serves commands on stdin until told to stop:
//                     bridge   republish the retained bridge state; time its fan-out to every entity's availability
//                     mem      memory figures (after a full GC when run with --expose-gc)
//                     snapshot FILE  write a V8 heap snapshot of the hub's thread
//                     stop     stop the hub and exit
//
// --history (the history scenario) attaches scripts/bench/history-probe.ts: recorder figures in the samples and the
// history-mark / history-read / history-verify commands.
//
// Protocol: result lines on stdout start with "@@bench " followed by JSON (the broker thread may log to stdout too);
// samples {ev:"sample"} every --sample-ms while in start mode. Stdin closing stops the hub.
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import mqtt from "mqtt";
import { openDatabase } from "@/db/open-database";
import { loadConfig } from "@/server/config";
import { Hub } from "@/server/hub";
import { createLogger } from "@/server/logger";
import type { MessageHandler, MqttMessage, SubscribeOptions } from "@/server/mqtt/mqtt-bus";
import { dataPaths, migrationsFolder } from "@/server/paths";
import { freePort } from "@/server/testing/test-hub";
import { HistoryProbe } from "./history-probe";
import { BRIDGE_ONLINE, BRIDGE_STATE_TOPIC, DISCOVERY_PREFIX, ENTITIES_PER_DEVICE, deviceConfigs, fleetDevice } from "./z2m-fleet";

const { values: args } = parseArgs({
  options: {
    mode: { type: "string" },
    data: { type: "string" },
    devices: { type: "string", default: "2000" },
    "sample-ms": { type: "string", default: "50" },
    "max-seconds": { type: "string", default: "600" },
    "log-level": { type: "string", default: "warn" },
    inflight: { type: "string", default: "200" },
    history: { type: "boolean", default: false },
  },
  strict: true,
});

const DEVICES = Number(args.devices);
const EXPECTED = DEVICES * ENTITIES_PER_DEVICE;
const SAMPLE_MS = Number(args["sample-ms"]);
const PHASE_TIMEOUT_MS = 180_000;
const AVAILABLE_GRACE_MS = 2_000;
const MARK_EVERY = 500;
const dataDir = args.data;
if (!dataDir || !["preload", "start"].includes(args.mode ?? "") || !Number.isInteger(DEVICES) || DEVICES < 1) {
  process.stderr.write("usage: discovery-hub.ts --mode preload|start --data DIR [--devices N]\n");
  process.exit(2);
}

const emit = (ev: string, data: Record<string, unknown> = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);
const ms = (t: number | null) => (t === null ? null : Math.round(t * 10) / 10);
const hrUs = () => Number(process.hrtime.bigint() / 1000n);
const history = args.history ? new HistoryProbe(emit) : undefined;

// Whatever happens, this process ends on its own (the orchestrator also kills it by pid).
const hardStop = setTimeout(() => {
  emit("error", { message: `discovery-hub: --max-seconds ${args["max-seconds"]} reached` });
  process.exit(3);
}, Number(args["max-seconds"]) * 1000);
hardStop.unref();

function memory() {
  const m = process.memoryUsage();
  const kb = (n: number) => Math.round(n / 1024);
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size_kb: kb(s.space_size), used_kb: kb(s.space_used_size) }]));
  return { rss_kb: kb(m.rss), heap_used_kb: kb(m.heapUsed), heap_total_kb: kb(m.heapTotal), external_kb: kb(m.external), array_buffers_kb: kb(m.arrayBuffers), spaces };
}

/** Counters filled from the moment the Hub exists, before it starts. */
class Probe {
  t0 = 0;
  readonly entities = new Set<string>();
  entitiesAt: number | null = null;
  readonly available = new Set<string>();
  availableAt: number | null = null;
  configs = 0;
  configsAt: number | null = null;
  stateChanges = 0;
  /** MQTT messages on non-discovery topics whose handler (the state store, all listeners) has returned. */
  stateMessages = 0;
  decoded: () => number = () => 0;
  subscribes = 0;
  subscribesPending = 0;
  lastSubscribeAt: number | null = null;
  reads = 0;
  readsPending = 0;
  lastReadAt: number | null = null;
  waiters: Array<() => void> = [];

  since(): number {
    return performance.now() - this.t0;
  }

  attach(hub: Hub): void {
    this.decoded = () => hub.states.messagesDecoded;
    hub.bus.on("entityDiscovered", ({ slotKey, entityId }) => {
      if (entityId === null || this.entities.has(slotKey)) return;
      this.entities.add(slotKey);
      if (this.entities.size === EXPECTED) this.#reached(() => (this.entitiesAt = this.since()));
    });
    hub.bus.on("stateChanged", ({ entityId, newState }) => {
      this.stateChanges++;
      if (this.availableAt !== null || !newState || newState.state === "unavailable" || this.available.has(entityId)) return;
      this.available.add(entityId);
      if (this.available.size === EXPECTED) this.#reached(() => (this.availableAt = this.since()));
    });
    const broker = hub.broker;
    if (!broker) throw new Error("the bench needs the embedded broker");
    // Counts every subscribe/readRetained request the hub's modules make and when the last one settled, and the
    // config messages handed to discovery (the retained replay). Same object the modules hold: they see the wrappers.
    const subscribe = broker.subscribe.bind(broker);
    const readRetained = broker.readRetained.bind(broker);
    broker.subscribe = async (pattern: string, handler: MessageHandler, opts?: SubscribeOptions) => {
      this.subscribes++;
      this.subscribesPending++;
      const counted = pattern.startsWith(`${DISCOVERY_PREFIX}/`) ? this.#countConfigs(handler) : this.#countStates(handler);
      try {
        return await subscribe(pattern, counted, opts);
      } finally {
        this.subscribesPending--;
        this.lastSubscribeAt = this.since();
      }
    };
    broker.readRetained = async (pattern: string): Promise<MqttMessage[]> => {
      this.reads++;
      this.readsPending++;
      try {
        return await readRetained(pattern);
      } finally {
        this.readsPending--;
        this.lastReadAt = this.since();
      }
    };
  }

  #countConfigs(handler: MessageHandler): MessageHandler {
    return (message) => {
      handler(message);
      this.configs++;
      if (this.configs === EXPECTED) this.#reached(() => (this.configsAt = this.since()));
    };
  }

  /**
   * Every MARK_EVERY state messages, a "mark" line straight from the message path: while the hub's thread drains a
   * long MessagePort backlog its timers do not run, and the orchestrator would see no progress until it is done.
   */
  #countStates(handler: MessageHandler): MessageHandler {
    return (message) => {
      handler(message);
      if (++this.stateMessages % MARK_EVERY === 0) this.sample("mark");
    };
  }

  sample(ev = "sample"): void {
    emit(ev, { t_us: hrUs(), msgs: this.stateMessages, decoded: this.decoded(), changed: this.stateChanges, ...history?.fields() });
  }

  #reached(mark: () => void): void {
    mark();
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `done()` holds (checked whenever a milestone is reached, and every 50 ms). */
  async until(done: () => boolean, what: string, timeoutMs = PHASE_TIMEOUT_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** server/testing/test-hub.ts's boot, minus the HTTP server, with the probe attached between construction and start. */
async function bootHub(probe: Probe) {
  const mqttPort = await freePort();
  const config = loadConfig({
    HEARTH_DATA_DIR: dataDir,
    HEARTH_HOST: "127.0.0.1",
    HEARTH_MQTT_PORT: String(mqttPort),
    HEARTH_MQTT_ANONYMOUS: "true",
    HEARTH_MDNS: "false",
    HEARTH_LOG_LEVEL: args["log-level"],
  });
  // Our stdout carries the protocol: the hub's own log goes to stderr (the broker thread's goes to stdout, unprefixed).
  const log = createLogger(config.logLevel, { write: (line: string) => void process.stderr.write(line) });
  probe.t0 = performance.now();
  const paths = dataPaths(config.dataDir);
  const db = openDatabase({ file: paths.database, migrationsFolder: migrationsFolder() });
  const hub = new Hub({ config, log, db, dbFile: paths.database, version: "bench" });
  probe.attach(hub);
  history?.attach(hub, db);
  await hub.start();
  const startedAt = probe.since();
  return {
    hub,
    mqttPort,
    startedAt,
    stop: async () => {
      await hub.stop();
      db.$client.close();
    },
  };
}

async function preload(): Promise<void> {
  const probe = new Probe();
  const booted = await bootHub(probe);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${booted.mqttPort}`, { clientId: `bench-preload-${process.pid}`, reconnectPeriod: 0, connectTimeout: 10_000 });
  const t0 = performance.now();
  await client.publishAsync(BRIDGE_STATE_TOPIC, BRIDGE_ONLINE, { qos: 1, retain: true });
  // Bounded concurrency: at most --inflight unacknowledged QoS 1 publishes.
  const inflight = Math.max(1, Number(args.inflight));
  let next = 0;
  const messages = function* () {
    for (let d = 0; d < DEVICES; d++) yield* deviceConfigs(fleetDevice(d));
  };
  const source = messages();
  const lane = async () => {
    for (let m = source.next(); !m.done; m = source.next()) {
      next++;
      await client.publishAsync(m.value.topic, m.value.payload, { qos: 1, retain: true });
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  const publishedMs = performance.now() - t0;
  await probe.until(() => probe.entitiesAt !== null, `${EXPECTED} entities`);
  const registeredMs = performance.now() - t0;
  await booted.hub.discovery.settled;
  await probe.until(() => probe.subscribesPending === 0 && probe.readsPending === 0, "state subscriptions");
  await client.endAsync();
  const status = booted.hub.discovery.status();
  const mem = memory();
  await booted.stop();
  emit("preloaded", {
    configs_published: next,
    publish_ms: ms(publishedMs),
    registered_ms: ms(registeredMs),
    available: probe.available.size,
    configs_per_s: Math.round(next / (registeredMs / 1000)),
    entities: probe.entities.size,
    accepted: status.accepted,
    rejected: status.rejected,
    devices: status.devices,
    ...mem,
  });
}

async function start(): Promise<void> {
  const bootMs = performance.now(); // process start -> here: Node, tsx and the hub's modules loading
  const before = memory();
  const probe = new Probe();
  const booted = await bootHub(probe);
  const { hub } = booted;
  let samples: NodeJS.Timeout | undefined;
  const sample = () => probe.sample();
  try {
    await probe.until(() => probe.entitiesAt !== null, `${EXPECTED} entities`);
    const atEntities = memory();
    await probe.until(() => probe.configsAt !== null, `${EXPECTED} retained configs replayed`);
    await hub.discovery.settled;
    const settledMs = probe.since();
    await probe.until(() => probe.subscribesPending === 0 && probe.readsPending === 0, "state subscriptions");
    // Every entity should turn available from the retained bridge state; allow a grace period past the settle, and
    // report how many did rather than failing (the orchestrator flags a shortfall).
    await probe.until(() => probe.availableAt !== null, "availability", AVAILABLE_GRACE_MS).catch(() => undefined);
    const atAvailable = memory();
    const status = hub.discovery.status();
    emit("started", {
      pid: process.pid,
      mqtt_port: booted.mqttPort,
      boot_ms: ms(bootMs),
      hub_start_ms: ms(booted.startedAt),
      entities_ms: ms(probe.entitiesAt),
      configs_replayed_ms: ms(probe.configsAt),
      available_ms: ms(probe.availableAt),
      available: probe.available.size,
      subscribed_ms: ms(Math.max(probe.lastSubscribeAt ?? 0, probe.lastReadAt ?? 0)),
      settled_ms: ms(settledMs),
      entities: probe.entities.size,
      configs_seen: probe.configs,
      accepted: status.accepted,
      rejected: status.rejected,
      devices: status.devices,
      subscribe_requests: probe.subscribes,
      read_retained_requests: probe.reads,
      decoded_at_start: hub.states.messagesDecoded,
      state_changes_at_start: probe.stateChanges,
      rss_before_kb: before.rss_kb,
      rss_at_entities_kb: atEntities.rss_kb,
      rss_at_available_kb: atAvailable.rss_kb,
      ...memory(),
    });
    samples = setInterval(sample, SAMPLE_MS);
  } catch (err) {
    emit("error", { message: err instanceof Error ? err.message : String(err), entities: probe.entities.size, configs: probe.configs, available: probe.available.size });
    await booted.stop().catch(() => undefined);
    process.exit(1);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(samples);
    sample();
    const mem = memory();
    const t = performance.now();
    await booted.stop();
    emit("stopped", { stop_ms: ms(performance.now() - t), ...mem });
    process.exit(0);
  };

  const bridge = async () => {
    // Same payload, retained: every entity renders its availability template; no state changes.
    const base = hub.states.messagesDecoded;
    const t = performance.now();
    await hub.mqtt.publish(BRIDGE_STATE_TOPIC, BRIDGE_ONLINE, { qos: 1, retain: true });
    await probe.until(() => hub.states.messagesDecoded - base >= EXPECTED, "the bridge state fan-out", 60_000);
    emit("bridge", { fanout: hub.states.messagesDecoded - base, ms: ms(performance.now() - t) });
  };

  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const cmd = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (cmd === "stop") void stop();
      else if (cmd === "bridge") bridge().catch((err: unknown) => emit("error", { message: String(err) }));
      else if (cmd === "sample") sample();
      else if (history && cmd.startsWith("history-")) history.command(cmd);
      else if (cmd.startsWith("snapshot ")) emit("snapshot", { file: v8.writeHeapSnapshot(cmd.slice(9)) });
      else if (cmd === "mem") {
        // With --expose-gc: live memory after a full collection (tells garbage from retained memory).
        (globalThis as { gc?: () => void }).gc?.();
        emit("mem", memory());
      }
    }
  });
  process.stdin.on("end", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

if (dataDir && !fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { recursive: true });
(args.mode === "preload" ? preload() : start()).catch((err: unknown) => {
  emit("error", { message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
