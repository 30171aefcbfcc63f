// Hub side of the automations bench (`npm run bench -- --scenarios automations`): a real Hub (embedded broker in its
// worker thread, SQLite, the automation engine), booted as server/testing/test-hub.ts does minus the HTTP server, on
// loopback with anonymous MQTT and a fresh data dir. Once the engine is ready it creates --rules automations through
// hub.api.automations.create (Home Assistant's format, JSON):
//
//   * --probes probe rules  `bench/probe<k>/+/in` -> mqtt.publish `bench/probe/out` with `{{ trigger.payload }}`
//     (several, because a rule that fires more than 50 times in 10 s is throttled by the engine: the probe is spread
//     round-robin over them, each well under that);
//   * the rest are background rules on topics of their own, in five shapes (exact topic, `+` and `#` wildcards,
//     payload filters, template and state conditions, one or two mqtt.publish actions to `bench/out/...`).
//
// Run by scripts/bench/automations.mjs from its esbuild bundle (dist/bench/automations/automations-hub.js).
// Protocol: lines on stdout starting with "@@bench " + JSON. "ready" carries the MQTT port and, per background rule,
// one concrete topic that fires it (the load generator's list). Stdin commands:
//   reset   zero the counters and the event-loop delay histogram (the window's start)
//   read    the counters since reset: rules triggered, runs, event-loop delay p50/p99/max
//   stop    stop the hub and exit (stdin closing, SIGTERM and SIGINT too)
import fs from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/open-database";
import { loadConfig } from "@/server/config";
import { Hub } from "@/server/hub";
import { createLogger } from "@/server/logger";
import { dataPaths, migrationsFolder } from "@/server/paths";
import { freePort } from "@/server/testing/test-hub";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    rules: { type: "string", default: "500" },
    probes: { type: "string", default: "10" },
    "max-seconds": { type: "string", default: "600" },
    "log-level": { type: "string", default: "warn" },
  },
  strict: true,
});

const RULES = Number(args.rules);
const PROBES = Number(args.probes);
const dataDir = args.data;
if (!dataDir || !Number.isInteger(RULES) || !Number.isInteger(PROBES) || PROBES < 1 || RULES <= PROBES) {
  process.stderr.write("usage: automations-hub.ts --data DIR [--rules N] [--probes K] (N > K >= 1)\n");
  process.exit(2);
}

const emit = (ev: string, data: Record<string, unknown> = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);
const r2 = (x: number) => Math.round(x * 100) / 100;

const hardStop = setTimeout(() => {
  emit("error", { message: `automations-hub: --max-seconds ${args["max-seconds"]} reached` });
  process.exit(3);
}, Number(args["max-seconds"]) * 1000);
hardStop.unref();

interface Rule {
  source: Record<string, unknown>;
  /** A topic whose messages reach this rule's trigger (background rules only). */
  fires?: string;
}

const publish = (topic: string, payload = "{{ trigger.payload }}") => ({ action: "mqtt.publish", data: { topic, payload } });

/** The k-th probe rule. */
function probeRule(k: number): Rule {
  return {
    source: {
      id: `probe${k}`,
      alias: `bench probe ${k}`,
      triggers: [{ trigger: "mqtt", topic: `bench/probe${k}/+/in` }],
      actions: [publish("bench/probe/out")],
      mode: "parallel",
      max: 1000,
    },
  };
}

/** The i-th background rule: five shapes in turn, each on topics no other rule shares. */
function backgroundRule(i: number): Rule {
  const base = { id: `rule${i}`, alias: `bench rule ${i}`, max_exceeded: "silent" };
  switch (i % 5) {
    case 0: // exact topic, every message runs it
      return { source: { ...base, triggers: [{ trigger: "mqtt", topic: `bench/rule/${i}/in` }], actions: [publish(`bench/out/${i}`)] }, fires: `bench/rule/${i}/in` };
    case 1: // `+` wildcard with a payload filter: only "ON" runs it
      return {
        source: { ...base, triggers: [{ trigger: "mqtt", topic: `bench/room${i}/+/set`, payload: "ON" }], actions: [publish(`bench/out/${i}`, "on")], mode: "queued" },
        fires: `bench/room${i}/light/set`,
      };
    case 2: // `#` wildcard with a template condition: "OFF" is a near miss
      return {
        source: {
          ...base,
          triggers: [{ trigger: "mqtt", topic: `bench/zone${i}/#` }],
          conditions: [{ condition: "template", value_template: "{{ trigger.payload != 'OFF' }}" }],
          actions: [publish(`bench/out/${i}`, "{{ trigger.topic }} {{ trigger.payload }}")],
          mode: "parallel",
        },
        fires: `bench/zone${i}/a/b`,
      };
    case 3: // exact topic with a state condition on an entity that does not exist: always a near miss
      return {
        source: {
          ...base,
          triggers: [{ trigger: "mqtt", topic: `bench/rule/${i}/in` }],
          conditions: [{ condition: "state", entity_id: `binary_sensor.bench_${i}`, state: "on" }],
          actions: [publish(`bench/out/${i}`)],
        },
        fires: `bench/rule/${i}/in`,
      };
    default: // two-level wildcard, JSON payload filter through a value template, two actions
      return {
        source: {
          ...base,
          triggers: [{ trigger: "mqtt", topic: `bench/dev/${i}/+/state`, value_template: "{{ value_json.v | default(0) | int % 2 }}", payload: "1" }],
          actions: [publish(`bench/out/${i}/a`), publish(`bench/out/${i}/b`, "{{ trigger.payload_json.v | default(0) }}")],
          mode: "parallel",
        },
        fires: `bench/dev/${i}/sensor/state`,
      };
  }
}

async function bootHub() {
  const mqttPort = await freePort();
  const config = loadConfig({
    HEARTH_DATA_DIR: dataDir!,
    HEARTH_HOST: "127.0.0.1",
    HEARTH_MQTT_PORT: String(mqttPort),
    HEARTH_MQTT_ANONYMOUS: "true",
    HEARTH_MDNS: "false",
    HEARTH_LOG_LEVEL: args["log-level"],
  });
  // Our stdout carries the protocol: the hub's own log goes to stderr.
  const log = createLogger(config.logLevel, { write: (line: string) => void process.stderr.write(line) });
  const paths = dataPaths(config.dataDir);
  const db = openDatabase({ file: paths.database, migrationsFolder: migrationsFolder() });
  const hub = new Hub({ config, log, db, dbFile: paths.database, version: "bench" });
  await hub.start();
  return {
    hub,
    mqttPort,
    stop: async () => {
      await hub.stop();
      db.$client.close();
    },
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const booted = await bootHub();
  const { hub } = booted;
  const startedMs = performance.now() - t0;
  await Promise.race([hub.automations.ready, new Promise((_, reject) => setTimeout(() => reject(new Error("automations not ready within 60 s")), 60_000))]);
  const readyMs = performance.now() - t0;
  const rules = [...Array.from({ length: PROBES }, (_, k) => probeRule(k)), ...Array.from({ length: RULES - PROBES }, (_, i) => backgroundRule(i))];
  const tc = performance.now();
  for (const rule of rules) await hub.api.automations.create({ source: JSON.stringify(rule.source), format: "json", by: null });
  const createMs = performance.now() - tc;
  const views = hub.api.automations.list();
  const broken = views.filter((v) => v.errors.length > 0 || !v.enabled);
  if (views.length !== RULES || broken.length > 0) {
    throw new Error(`created ${views.length} of ${RULES} automations; ${broken.length} not running (${broken.slice(0, 3).map((v) => `${v.id}: ${JSON.stringify(v.errors)}`).join("; ")})`);
  }

  let triggered = 0;
  let started = performance.now();
  hub.bus.on("automationTriggered", () => void triggered++);
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const reset = () => {
    triggered = 0;
    started = performance.now();
    eld.reset();
  };
  const read = () => {
    const ms = (ns: number) => r2(ns / 1e6);
    const seconds = (performance.now() - started) / 1000;
    emit("window", { seconds: r2(seconds), triggered, triggered_per_s: r2(triggered / seconds), eld_p50_ms: ms(eld.percentile(50)), eld_p99_ms: ms(eld.percentile(99)), eld_max_ms: ms(eld.max), rss_kb: Math.round(process.memoryUsage().rss / 1024) });
  };
  emit("ready", {
    pid: process.pid,
    mqtt_port: booted.mqttPort,
    rules: views.length,
    probes: PROBES,
    start_ms: Math.round(startedMs),
    ready_ms: Math.round(readyMs),
    create_ms: Math.round(createMs),
    probe_topics: Array.from({ length: PROBES }, (_, k) => `bench/probe${k}/x/in`),
    load_topics: rules.flatMap((r) => (r.fires ? [r.fires] : [])),
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    eld.disable();
    const t = performance.now();
    await booted.stop();
    emit("stopped", { stop_ms: Math.round(performance.now() - t) });
    process.exit(0);
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
      else if (cmd === "reset") reset();
      else if (cmd === "read") read();
    }
  });
  process.stdin.on("end", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { recursive: true });
main().catch((err: unknown) => {
  emit("error", { message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
