// The `automations` scenario of `npm run bench`: MQTT trigger -> automation -> action published on the broker, with
// 500 rules loaded and 5,000 background messages/s; goal p99 < 5 ms. Node-RED (npm registry) runs the same probe in
// the same run, as mqtt in -> switch -> mqtt out against the same loaded broker, and the report gives the ratio.
//
// One round, all processes on loopback, each tracked and stopped at the end (processes.mjs):
//   hub     scripts/bench/automations-hub.ts, bundled with esbuild (plain node, the hub's V8 flags): a real Hub with
//           a fresh data dir, 500 automations created through hub.api.automations.create (10 probe rules, 490
//           background rules in five shapes; see that file)
//   load    scripts/bench/automations-load.mjs: 5,000 QoS 0 msg/s, every 100th to a background rule's topic
//           (round-robin: 50 msg/s over 490 rules, ~60 % of which pass their filters and conditions and publish),
//           the rest to topics no rule listens to. A home's rules fire a few times a second, not thousands: with
//           every 5th (1,000 triggers/s, BENCH_AUTOMATIONS_RULE_EVERY=5) the hub's main thread saturates (each
//           run writes its trace to SQLite) and the probe measures its backlog, not its latency
//   probe   this process: publishes `bench/probe<k>/x/in` (k round-robin, so no rule passes the engine's 50 fires per
//           10 s throttle) with a payload carrying its sequence number and send time (process.hrtime), subscribed to
//           `bench/probe/out`; latency = publish -> the action's message received, both stamped here
//   nr      Node-RED (automations-nodered.mjs): the same probe on `bench/nr/x/in` -> `bench/nr/out`
// The two probe phases run one after the other while the load runs (order alternates by round); each measures
// --quick 10 s / 30 s at 40 probes/s after 2 s of probes discarded as warm-up. CPU per process from /proc
// (history-procs.mjs): "other" = the rest of the machine; > 20 % of a core makes the round noisy (repeated up to
// --retries times). Run only it: npm run bench -- --scenarios automations --quick
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build as esbuild } from "esbuild";
import mqtt from "mqtt";
import { HUB_NODE_FLAGS } from "../hub-runtime.mjs";
import { ensureNodeRed, NODE_RED_TOPICS, startNodeRed } from "./automations-nodered.mjs";
import { cpuDelta, cpuSnapshot, finishChild, quietWait, spawnProtocol } from "./history-procs.mjs";
import { makeTempDir, removeTempDir, sleep, stopTracked } from "./processes.mjs";
import { attemptsWhileNoisy } from "./run-scenario.mjs";

// BENCH_AUTOMATIONS_RULE_EVERY=K sends every K-th background message to a rule's topic (default 100), for experiments.
export const AUTOMATIONS = { rules: 500, probes: 10, loadRate: 5000, ruleEvery: Number(process.env.BENCH_AUTOMATIONS_RULE_EVERY) || 100, probeRate: 40, warmupS: 2, p99GoalMs: 5 };
const HUB_READY_TIMEOUT_MS = 180_000;
const LATE_MS = 2000; // after the last probe: answers later than this count as lost

let bundled;

/** automations-hub.ts and its broker-worker.js sibling bundled into dist/bench/automations/ (as history does). */
async function automationsBundle(root) {
  if (bundled) return bundled;
  const outdir = path.join(root, "dist", "bench", "automations");
  await esbuild({
    absWorkingDir: root,
    entryPoints: { "automations-hub": "scripts/bench/automations-hub.ts", "broker-worker": "server/mqtt/broker-worker.ts" },
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    tsconfig: "tsconfig.json",
  });
  bundled = path.join(outdir, "automations-hub.js");
  return bundled;
}

const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * One probe window: `count` probes at `rate`/s to `topics` round-robin, each answered on `outTopic`. The client is
 * subscribed already; answers are matched by the sequence number and timed from the send stamp in the payload.
 */
async function probeWindow(client, { topics, outTopic, rate, count, tag }) {
  const sentAt = new Map();
  const latencies = [];
  let dups = 0;
  let foreign = 0;
  const onMessage = (topic, payload) => {
    if (topic !== outTopic) return;
    const now = process.hrtime.bigint();
    const m = /^(\w+) (\d+) (\d+)$/.exec(payload.toString());
    if (!m || m[1] !== tag) return void foreign++;
    const seq = Number(m[2]);
    if (!sentAt.has(seq)) return void dups++;
    sentAt.delete(seq);
    latencies.push(Number(now - BigInt(m[3])) / 1e6);
  };
  client.on("message", onMessage);
  const period = 1000 / rate;
  const t0 = performance.now();
  for (let seq = 0; seq < count; seq++) {
    const wait = t0 + seq * period - performance.now();
    if (wait > 0) await sleep(wait);
    const stamp = process.hrtime.bigint();
    sentAt.set(seq, stamp);
    client.publish(topics[seq % topics.length], `${tag} ${seq} ${stamp}`, { qos: 0 });
  }
  const deadline = Date.now() + LATE_MS;
  while (sentAt.size > 0 && Date.now() < deadline) await sleep(20);
  client.off("message", onMessage);
  const sorted = latencies.sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    sent: count,
    received: sorted.length,
    lost: sentAt.size,
    dups,
    foreign,
    p50_ms: r2(percentile(sorted, 50)),
    p90_ms: r2(percentile(sorted, 90)),
    p99_ms: r2(percentile(sorted, 99)),
    p999_ms: r2(percentile(sorted, 99.9)),
    max_ms: r2(sorted.at(-1) ?? null),
    mean_ms: r2(mean),
    seconds: r2((performance.now() - t0) / 1000),
  };
}

/** Warm-up probes (discarded), then the measured window with CPU and, for the hub, its own counters. */
async function measure(ctx, client, { hub, pids, topics, outTopic, tag, seconds }) {
  const { probeRate, warmupS } = AUTOMATIONS;
  const warm = await probeWindow(client, { topics, outTopic, rate: probeRate, count: probeRate * warmupS, tag: `${tag}w` });
  if (warm.received === 0) throw new Error(`${tag}: no probe answered during the warm-up (${warm.sent} sent)`);
  hub.send("reset");
  const a = cpuSnapshot(pids);
  const probe = await probeWindow(client, { topics, outTopic, rate: probeRate, count: Math.round(probeRate * seconds), tag });
  const cpu = cpuDelta(a, cpuSnapshot(pids));
  hub.send("read");
  const window = await hub.waitFor("window", 30_000);
  return { ...probe, cpu, hub_window: window };
}

async function connectProbe(port) {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-probe-${process.pid}`, reconnectPeriod: 0, connectTimeout: 10_000, clean: true });
  await client.subscribeAsync([ "bench/probe/out", NODE_RED_TOPICS.out ], { qos: 0 });
  return client;
}

async function runOnce(ctx, round) {
  const { opts, root } = ctx;
  const seconds = opts.quick ? 10 : 30;
  const base = { scenario: "automations", variant: "hub", round, started: new Date().toISOString(), errors: [], warnings: [], auto_window_s: seconds, auto_probe_rate: AUTOMATIONS.probeRate };
  const installed = await ensureNodeRed();
  base.nr_spec = installed.spec;
  if (installed.ok) Object.assign(base, { nr_version: installed.version, nr_install_s: installed.install_s ?? null });
  else base.nr_status = `not measured (${installed.reason})`;
  const bundle = await automationsBundle(root);
  const dataDir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-auto-"));
  const budgetS = 2 * (seconds + 60) + opts.quietWait + 300;
  // --cpu-prof: the hub's profiles (all threads, whole run) go to bench-results/profiles/automations-<time>-r<round>/.
  const profDir = opts.cpuProf ? path.join(root, "bench-results", "profiles", `automations-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}-r${round}`) : null;
  if (profDir) {
    fs.mkdirSync(profDir, { recursive: true });
    base.auto_profile_dir = path.relative(root, profDir);
  }
  const nodeFlags = [...(process.env.BENCH_HUB_DEFAULT_RUNTIME ? [] : HUB_NODE_FLAGS), ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [])];
  const hub = spawnProtocol(root, [bundle, "--data", dataDir, "--rules", String(AUTOMATIONS.rules), "--probes", String(AUTOMATIONS.probes), "--max-seconds", String(budgetS)], { nodeFlags });
  let load;
  let nr;
  let client;
  try {
    const ready = await hub.waitFor("ready", HUB_READY_TIMEOUT_MS);
    Object.assign(base, { auto_rules: ready.rules, auto_probe_rules: ready.probes, auto_create_ms: ready.create_ms, auto_hub_start_ms: ready.start_ms });
    base.pre_other_pct = await quietWait(opts, { hub: hub.pid });
    const topicsFile = path.join(dataDir, "load-topics.json");
    fs.writeFileSync(topicsFile, JSON.stringify(ready.load_topics));
    load = spawnProtocol(root, [
      "scripts/bench/automations-load.mjs",
      "--port", String(ready.mqtt_port),
      "--topics", topicsFile,
      "--rate", String(AUTOMATIONS.loadRate),
      "--rule-every", String(AUTOMATIONS.ruleEvery),
      "--duration", String(budgetS),
    ]);
    await load.waitFor("started", 30_000);
    client = await connectProbe(ready.mqtt_port);
    await sleep(2000); // the load's first seconds: JIT in the hub, first trace rows
    const phases = {
      hub: async () => {
        const m = await measure(ctx, client, { hub, pids: { hub: hub.pid, load: load.pid }, topics: ready.probe_topics, outTopic: "bench/probe/out", tag: "h", seconds });
        base.auto_hub = m;
      },
      nr: async () => {
        if (!installed.ok) return;
        try {
          nr = await startNodeRed(installed, ready.mqtt_port);
          const m = await measure(ctx, client, { hub, pids: { hub: hub.pid, load: load.pid, nr: nr.pid }, topics: [NODE_RED_TOPICS.in], outTopic: NODE_RED_TOPICS.out, tag: "n", seconds });
          base.auto_nr = m;
          base.nr_status = "measured";
        } catch (err) {
          base.nr_status = `not measured (${String(err?.message ?? err).slice(0, 300)})`;
        } finally {
          await nr?.stop();
          if (nr) removeTempDir(nr.userDir);
          nr = undefined;
        }
      },
    };
    for (const name of round % 2 === 1 ? ["hub", "nr"] : ["nr", "hub"]) {
      if (ctx.interrupted()) break;
      await phases[name]();
    }
    load.send("stop");
    const done = await load.waitFor("done", 15_000);
    Object.assign(base, { auto_load_per_s: done.per_s, auto_load_sent: done.sent, auto_load_to_rules: done.to_rules, auto_load_max_behind: done.max_behind });
    const stopped = await finishChild(hub);
    if (stopped.forced) base.warnings.push("the hub needed SIGTERM/SIGKILL to stop");
  } catch (err) {
    base.errors.push(String(err?.message ?? err));
  } finally {
    await client?.endAsync().catch(() => undefined);
    if (load) await stopTracked(load.proc, 2000);
    if (nr) await nr.stop();
    await stopTracked(hub.proc, 2000);
    removeTempDir(dataDir);
  }
  return summarizeRun(base, opts);
}

/** Flat fields for the tables; noise and the shared CPU table's columns. */
function summarizeRun(r, opts) {
  const h = r.auto_hub;
  const n = r.auto_nr;
  if (h) {
    Object.assign(r, {
      auto_p50_ms: h.p50_ms, auto_p90_ms: h.p90_ms, auto_p99_ms: h.p99_ms, auto_max_ms: h.max_ms, auto_count: h.received, auto_lost: h.lost,
      auto_cpu_hub_pct: h.cpu.hub, auto_cpu_load_pct: h.cpu.load, auto_cpu_other_pct: h.cpu.other,
      auto_triggered_per_s: h.hub_window.triggered_per_s, auto_eld_p99_ms: h.hub_window.eld_p99_ms, auto_eld_max_ms: h.hub_window.eld_max_ms, auto_rss_kb: h.hub_window.rss_kb,
    });
    if (h.lost > 0) r.warnings.push(`hub: ${h.lost} of ${h.sent} probes got no answer within ${LATE_MS / 1000} s`);
  } else if (r.errors.length === 0) r.errors.push("hub: no probe window measured");
  if (n) {
    Object.assign(r, {
      nr_p50_ms: n.p50_ms, nr_p90_ms: n.p90_ms, nr_p99_ms: n.p99_ms, nr_max_ms: n.max_ms, nr_count: n.received, nr_lost: n.lost,
      nr_cpu_nr_pct: n.cpu.nr, nr_cpu_hub_pct: n.cpu.hub, nr_cpu_other_pct: n.cpu.other,
    });
    if (h) Object.assign(r, { ratio_p50: r2(h.p50_ms / n.p50_ms), ratio_p99: r2(h.p99_ms / n.p99_ms) });
  } else if (r.nr_status !== "measured") r.warnings.push(`node-red: ${r.nr_status ?? "not measured"}`);
  if (r.auto_load_per_s != null && r.auto_load_per_s < AUTOMATIONS.loadRate * 0.97) r.warnings.push(`the load generator sent ${r.auto_load_per_s} msg/s, short of ${AUTOMATIONS.loadRate}`);
  const other = Math.max(r.auto_cpu_other_pct ?? 0, r.nr_cpu_other_pct ?? 0, r.pre_other_pct ?? 0);
  r.noisy = other > opts.noiseLimit;
  r.cpu_gen_pct = r.auto_cpu_load_pct;
  r.cpu_broker_pct = r.auto_cpu_hub_pct;
  r.cpu_other_pct = other;
  r.bound = r.auto_p99_ms == null ? "-" : r.auto_p99_ms < AUTOMATIONS.p99GoalMs ? "p99 met" : "p99 missed";
  r.ok = r.errors.length === 0;
  return r;
}

/** Every attempt of one round; a noisy one is repeated up to --retries times. */
export function runAutomations(ctx, round) {
  return attemptsWhileNoisy(ctx, () => runOnce(ctx, round));
}

const f = (x) => (x == null || !Number.isFinite(x) ? "-" : String(Number(x.toFixed(x >= 100 ? 0 : 2))));

export function automationsProgress(r) {
  const nr = r.nr_p99_ms != null ? `; node-red ${r.nr_version} p50/p99 ${f(r.nr_p50_ms)}/${f(r.nr_p99_ms)} ms, hub/node-red p99 ${f(r.ratio_p99)}x` : `; node-red ${r.nr_status ?? "-"}`;
  return (
    `hub p50/p99/max ${f(r.auto_p50_ms)}/${f(r.auto_p99_ms)}/${f(r.auto_max_ms)} ms (${r.auto_count ?? "-"} probes, ${r.auto_lost ?? "-"} lost), ` +
    `${f(r.auto_triggered_per_s)} rules fired/s, load ${r.auto_load_per_s ?? "-"} msg/s, cpu hub/load/other ${f(r.auto_cpu_hub_pct)}/${f(r.auto_cpu_load_pct)}/${f(r.cpu_other_pct)} %${nr}`
  );
}

// ------------------------------------------------------------------ the report

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function stats(runs, key) {
  const values = runs.map((r) => r[key]).filter((v) => typeof v === "number" && Number.isFinite(v));
  if (values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

const P99_GOAL = `hub p99 < ${AUTOMATIONS.p99GoalMs} ms`;

/** [hub key, Node-RED key or null, label, goal] */
const METRICS = [
  ["auto_p50_ms", "nr_p50_ms", "trigger -> action published, p50 ms", null],
  ["auto_p90_ms", "nr_p90_ms", "p90 ms", null],
  ["auto_p99_ms", "nr_p99_ms", "p99 ms", P99_GOAL],
  ["auto_max_ms", "nr_max_ms", "max ms", null],
  ["auto_count", "nr_count", "probes measured", null],
  ["auto_lost", "nr_lost", "probes lost", null],
  ["auto_cpu_hub_pct", "nr_cpu_nr_pct", "CPU % of one core in the probe window (hub process; Node-RED process)", null],
  ["auto_triggered_per_s", null, "rules fired/s in the hub (background + probe)", null],
  ["auto_eld_p99_ms", null, "hub event-loop delay p99 ms", null],
  ["auto_load_per_s", null, "background msg/s sent", null],
];

/**
 * Rows for the report's goal table (report.mjs's row shape): the hub in the hub column, Node-RED in the "plain"
 * column, ratio = hub / Node-RED. Medians over rounds.
 */
export function automationsRows(chosen) {
  const runs = chosen.filter((r) => r.scenario === "automations");
  if (runs.length === 0) return [];
  const errors = runs.some((r) => r.ok === false);
  const noisy = runs.some((r) => r.noisy);
  const version = runs.find((r) => r.nr_version)?.nr_version;
  const scenario = `automations (${AUTOMATIONS.rules} rules, ${AUTOMATIONS.loadRate.toLocaleString("en-US")} msg/s; plain aedes column = ${version ? `Node-RED ${version}` : "Node-RED: not measured"})`;
  return METRICS.map(([key, nrKey, metric, goal]) => {
    const hub = stats(runs, key);
    const plain = nrKey ? stats(runs, nrKey) : null;
    let result = null;
    if (goal) {
      result = !hub ? "n/a" : hub.median < AUTOMATIONS.p99GoalMs ? "pass" : "FAIL";
      if (errors) result = `${result} (run errors)`;
      else if (noisy) result = `${result} (noisy)`;
    }
    return { scenario, metric, key, hub, plain, ratio: hub && plain && plain.median !== 0 ? hub.median / plain.median : null, goal, result };
  });
}

/** The automations section of the Markdown report: per round, both probes, CPU and noise. */
export function renderAutomationsDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  const r0 = runs[0];
  p("## Automations scenario details");
  p();
  p(
    `A real Hub (scripts/bench/automations-hub.ts, bundled, embedded broker thread, SQLite, fresh data dir) with ${r0.auto_rules ?? AUTOMATIONS.rules} automations created ` +
      `through hub.api.automations.create (Home Assistant's format): ${AUTOMATIONS.probes} probe rules \`bench/probe<k>/+/in\` -> mqtt.publish \`bench/probe/out\` ` +
      `with \`{{ trigger.payload }}\`, and ${AUTOMATIONS.rules - AUTOMATIONS.probes} background rules (exact, \`+\` and \`#\` topics, payload filters, template and state conditions, one or two mqtt.publish actions). ` +
      `A separate load process sends ${AUTOMATIONS.loadRate.toLocaleString("en-US")} QoS 0 msg/s, every ${AUTOMATIONS.ruleEvery}th to a background rule's topic (round-robin, about ` +
      `${f((AUTOMATIONS.loadRate / AUTOMATIONS.ruleEvery) / (AUTOMATIONS.rules - AUTOMATIONS.probes))}/s per rule; BENCH_AUTOMATIONS_RULE_EVERY changes it), the rest to topics no rule listens to. ` +
      `The bench process publishes ${AUTOMATIONS.probeRate} probes/s (QoS 0; round-robin over the probe rules, as one rule firing more than 50 times in 10 s is throttled by the engine) ` +
      `and times publish -> the action's message received with process.hrtime in the same process; ${AUTOMATIONS.warmupS} s of probes first are discarded. ` +
      `Node-RED (npm registry, headless, the hub's broker) runs the flow mqtt in \`bench/nr/+/in\` -> switch (payload not null) -> mqtt out \`bench/nr/out\` ` +
      "under the same load, in its own window right before or after the hub's (order alternates by round). Probes unanswered 2 s after the last one count as lost.",
  );
  p();
  p("| round | path | probes (lost) | p50 / p90 / p99 / p99.9 / max ms | CPU hub / load / Node-RED / other % | hub rules fired/s, eld p99/max ms |");
  p("|---|---|---|---|---|---|");
  for (const r of runs) {
    const tag = `${r.round}${r.try ? ` try ${r.try}` : ""}`;
    for (const [name, m] of [["hub", r.auto_hub], [`Node-RED ${r.nr_version ?? ""}`.trim(), r.auto_nr]]) {
      if (!m) continue;
      const w = m.hub_window;
      p(
        `| ${tag} | ${name} | ${m.received} (${m.lost}) | ${f(m.p50_ms)} / ${f(m.p90_ms)} / ${f(m.p99_ms)} / ${f(m.p999_ms)} / ${f(m.max_ms)} | ` +
          `${f(m.cpu.hub)} / ${f(m.cpu.load)} / ${f(m.cpu.nr)} / ${f(m.cpu.other)} | ${f(w?.triggered_per_s)}, ${f(w?.eld_p99_ms)}/${f(w?.eld_max_ms)} |`,
      );
    }
    const ratio = r.ratio_p99 != null ? `hub / Node-RED: p50 ${f(r.ratio_p50)}x, p99 ${f(r.ratio_p99)}x` : `Node-RED ${r.nr_status ?? "not measured"}`;
    p(
      `| ${tag} | | | ${ratio} | load ${r.auto_load_per_s ?? "-"} msg/s (${r.auto_load_to_rules ?? "-"} of ${r.auto_load_sent ?? "-"} to rule topics, max ${r.auto_load_max_behind ?? "-"} behind) | ` +
        `${r.auto_rules ?? "-"} rules created in ${f((r.auto_create_ms ?? NaN) / 1000)} s |`,
    );
  }
  const noise = runs.map((r) => `round ${r.round}${r.try ? ` try ${r.try}` : ""}: before ${f(r.pre_other_pct)} %, hub window ${f(r.auto_cpu_other_pct)} %, Node-RED window ${f(r.nr_cpu_other_pct)} %`);
  p();
  p(`Other processes' CPU (% of one core; > 20 % = noisy): ${noise.join("; ")}.`);
  return out.join("\n");
}
