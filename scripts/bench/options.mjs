import { parseArgs } from "node:util";

export const SCENARIOS = ["idle", "fanin-q0", "fanin-q1", "fanout-q0", "latency", "connections", "discovery", "ui", "history", "automations", "connections-5k", "soak", "flood"];

export const HELP = `usage: npm run bench -- [options]

Compares the hub's embedded MQTT broker (NODE_ENV=production node dist/server.js) with a plain aedes@1.2.0
(../shared/bench/aedes-standalone.mjs) under the same load from ../shared/bench/mqtt-bench.mjs. Brokers are
alternated and each run gets a freshly started broker. Prints a Markdown table and writes
bench-results/bench-<date>.json and .md.

options
  --quick            smoke run: 1 round, 5 s windows, no repeats of noisy runs (~4 min)
  --rounds N         rounds per scenario and broker (default 3)
  --scenarios a,b    subset of: ${SCENARIOS.join(", ")} (default all)
  --duration S       measured window per run in seconds (default 10; latency gets twice that); when given, also
                     the soak's length (default 600, --quick 60)
  --quiet-wait S     per run, wait up to S s for other processes to go quiet (default 30; --quick 10)
  --retries N        repeat a noisy run up to N times (default 1; --quick 0)
  --no-auth          skip the connections run against the hub with MQTT credentials
  --cpu-prof         discovery, history (ingest): run the hub with node --cpu-prof; profiles and a top-functions summary go to
                     bench-results/profiles/ (the profiled run's figures include the profiler's overhead)
  --build            rebuild the hub (npm run build) before measuring
  --strict           exit 3 when a goal is not met (default: only run errors fail)
  --help

discovery: 2,000 Zigbee2MQTT devices x 5 entities announced by retained configs to the TypeScript hub (tsx,
in-process broker thread): hub start -> 10,000 entities (cold: from the retained replay; restart: SQLite + replay)
and RSS, then Z2M state messages/s through discovery -> state store from a separate raw-TCP publisher process
(scripts/bench/discovery*.mjs|ts). Run only it: npm run bench -- --scenarios discovery --quick

ui: the production hub (dist/server.js) with 1,000 entities from retained discovery configs and headless Chromium
(/usr/bin/chromium, Playwright, phone viewport) on a room page: MQTT publish -> value in the page's DOM (p50/p99) while
1,000 state msg/s go to all 1,000 entities (window: twice --duration), and the room page's cold load (JS KiB gzip,
first paint, interactive). Run only it: npm run bench -- --scenarios ui --quick (scripts/bench/ui*.mjs).
BENCH_UI_CPU_THROTTLE=4 slows the page's CPU 4x (DevTools' throttling), roughly a mid-range phone.

history (issue 5): ingest = the discovery fleet's Z2M state messages at a fixed 10,000 msg/s (50,000 state changes/s)
through a real Hub (MQTT -> state store -> recorder -> SQLite) for twice --duration: state changes/s, recorder rows/s
and buffer, event-loop delay p50/p99/max measured in the hub, drops, rows in state_history = changes made; lower rates
are tried when 10,000/s is not held. disk = bytes per recorded state change on npm run simulate's traffic (dbstat).
queries = 7 days x 1/min of 20 sensors (+200 others) through HistoryReader.period, one year of hourly statistics
through StatisticsReader.during, cold and warm. Run only it: npm run bench -- --scenarios history --quick
(scripts/bench/history*.mjs|ts; ~4 min per round). BENCH_HISTORY_PHASES=ingest (or disk, queries) runs only those
phases.

automations: MQTT trigger -> automation -> action published on the broker, p50/p99 with 500 rules loaded (a real Hub,
bundled) and 5,000 background msg/s from a separate process (1 % to rules' topics; BENCH_AUTOMATIONS_RULE_EVERY=K sends
every K-th); goal p99 < 5 ms. --cpu-prof profiles the hub. Node-RED from the npm registry (cached in
$TMPDIR/hearth-bench-nodered; node-red@latest, or the newest 4.x on Node < 22.9; BENCH_NODE_RED_SPEC overrides) runs
mqtt in -> switch -> mqtt out against the same loaded broker in the same run; the report gives hub / Node-RED. Without
the registry Node-RED is reported as not measured. Run only it: npm run bench -- --scenarios automations --quick
(scripts/bench/automations*.mjs|ts; ~1.5 min, 3 with the default 30 s windows).

connections-5k (issue 7): 5,000 simulated devices (BENCH_CONNECTIONS_DEVICES) on the shipped hub's broker over loopback
TCP, keep-alive 60 s, one subscription each, from 2 child processes (raw mqtt-packet; BENCH_CONNECTIONS_PROCS): connect
rate to the last SUBACK, hub RSS before/after and per connection, hub CPU % (all threads) while they idle (--quick 10 s,
else 20 s), and a command published by the hub (POST /api/mqtt/publish) reaching a random sample of devices. Anonymous
MQTT (no argon2 per CONNECT). Run only it: npm run bench -- --scenarios connections-5k --quick (scripts/bench/connections*).

soak (issue 7): the shipped hub under npm run simulate (100 device connections = 20 homes, one state message/s each;
BENCH_SOAK_DEVICES) plus a burst of 2,000 messages in one second every minute (every duration/3 when shorter than 3 min)
for 600 s (--duration; --quick 60) after a warm-up: hub RSS and main-thread event-loop delay (monitorEventLoopDelay via a
preload, --import scripts/bench/soak-eld.mjs) and GET /api/health latency every 5 s, linear-regression slopes, and a
verdict (RSS "no growth" when its slope is at most 1 MiB/min). One round whatever --rounds says. Samples go into the
JSON. Run only it:
npm run bench -- --scenarios soak --duration 60 (scripts/bench/soak*).

flood: 20 publishers flooding QoS 0 as fast as TCP takes them, a subscriber that reads everything, a slow one (2,000
msg/s; BENCH_FLOOD_SLOW_RATE) and an unrelated client sending itself a message every 100 ms, each in its own process,
against the shipped hub, the plain aedes and Debian's mosquitto (when installed): offered and delivered msg/s, messages
dropped per subscriber, broker RSS before/peak/after, round trips of the unrelated client, GET /api/health (hub), and
whether the broker still serves once the subscribers have gone. 10 s window (--quick), else 20 s, per broker; ~2-3 min.
Run only it: npm run bench -- --scenarios flood --quick (scripts/bench/flood*).

Default: ~50-55 min (soak 11 of them) on a 2-core box (ui ~5 of them, history ~13). Loopback only, free ports picked at run time.`;

/** Parses argv into the bench's settings; throws with a one-line message on a bad option. */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      scenarios: { type: "string" },
      duration: { type: "string" },
      "quiet-wait": { type: "string" },
      retries: { type: "string" },
      "no-auth": { type: "boolean", default: false },
      build: { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick;
  const num = (name, fallback, min, max) => {
    const raw = values[name] ?? String(fallback);
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const scenarios = values.scenarios
    ? [...new Set(values.scenarios.split(",").map((s) => s.trim()).filter(Boolean))]
    : SCENARIOS;
  const unknown = scenarios.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length > 0 || scenarios.length === 0) {
    throw new Error(`--scenarios: unknown ${unknown.join(", ") || "(empty)"}; choose from ${SCENARIOS.join(", ")}`);
  }
  const duration = num("duration", quick ? 5 : 10, 1, 3600);
  return {
    help: values.help,
    quick,
    rounds: Math.round(num("rounds", quick ? 1 : 3, 1, 20)),
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
    duration,
    latencyDuration: duration * 2,
    soakDuration: values.duration !== undefined ? duration : quick ? 60 : 600,
    warmup: 2,
    idleSeconds: 10,
    quietWait: num("quiet-wait", quick ? 10 : 30, 0, 600),
    noiseLimit: 20,
    retries: Math.round(num("retries", quick ? 0 : 1, 0, 5)),
    auth: !values["no-auth"],
    build: values.build,
    cpuProf: values["cpu-prof"],
    strict: values.strict,
  };
}
