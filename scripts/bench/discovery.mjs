// The `discovery` scenario of `npm run bench`: 2,000 Zigbee2MQTT devices x 5 sensor entities (10,000) announced by
// retained discovery configs, against the hub run in-process by scripts/bench/discovery-hub.ts (bundled as dist/ is; tsx when profiling).
//
//   preload (once per bench run)  a hub on a fresh data dir gets the 10,000 retained configs over MQTT (QoS 1,
//                                 bounded in flight); the data dir then holds the broker's retained store.
//   cold start                    a new hub process on a copy of that data dir without the SQLite registry: every
//                                 entity comes from the retained replay. Times hub start -> 10,000 entities, RSS.
//   state throughput              on that same hub: a separate publisher process (state-publisher.ts, raw TCP,
//                                 pre-encoded QoS 0 PUBLISHes, end-to-end window) sends Z2M state messages to the
//                                 2,000 device topics; the hub's decoded-message counter gives msg/s over the window.
//   restart                       a new hub process on a copy of the data dir with the registry kept (the usual
//                                 restart: SQLite restore + retained replay). Times hub start -> 10,000 entities, RSS.
//
// Every child is tracked (processes.mjs) and every wait is bounded; temp dirs go away on exit.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build as esbuild } from "esbuild";
import { HUB_NODE_FLAGS } from "../hub-runtime.mjs";
import { renderSummary, summarizeProfile } from "./cpuprofile-top.mjs";
import { makeTempDir, readRss, removeTempDir, sleep, spawnTracked, stopTracked } from "./processes.mjs";
import { attemptsWhileNoisy } from "./run-scenario.mjs";

export const DEVICES = 2000;
const ENTITIES_PER_DEVICE = 5;
export const ENTITIES = DEVICES * ENTITIES_PER_DEVICE;
export const GOALS = { startMs: 5000, rssKb: 400e6 / 1024, msgsPerS: 20_000 };

// The publisher may be this many messages ahead of what the hub decoded: bounds the broker thread's hand-off queue,
// and with it how long the hub's thread drains one backlog without running its timers (~0.25 s at 20,000 msg/s).
const AHEAD = Number(process.env.DISCOVERY_BENCH_AHEAD ?? 5_000);
const MAX_MESSAGES = 3_000_000; // cap per throughput run, whatever the duration
const PRELOAD_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 300_000;
const CMD_TIMEOUT_MS = 60_000;
const DRAIN_MAX_MS = 15_000;
const CLK_TCK = 100;

let preloaded; // { dir, result } shared by the rounds of one bench run

function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("HEARTH_") && !k.startsWith("MQTT_BENCH_")) env[k] = v;
  return { ...env, NODE_ENV: "production" };
}

const hrUs = () => Number(process.hrtime.bigint() / 1000n);

/** A child speaking the "@@bench {json}" line protocol: events to wait for, samples, other stdout lines counted. */
function spawnProtocol(root, args, { nodeFlags = [], onEvent, tsx = true } = {}) {
  const events = [];
  const waiters = new Set();
  const samples = [];
  const otherLines = [];
  let otherCount = 0;
  const proc = spawnTracked(process.execPath, [...nodeFlags, ...(tsx ? ["--import", "tsx"] : []), ...args], {
    cwd: root,
    env: cleanEnv(),
    stdin: "pipe",
    onLine: (line) => {
      if (!line.startsWith("@@bench ")) {
        if (line.trim()) {
          otherCount++;
          if (otherLines.length < 3) otherLines.push(line.slice(0, 200));
        }
        return;
      }
      let msg;
      try {
        msg = JSON.parse(line.slice(8));
      } catch {
        return;
      }
      if (msg.ev === "sample" || msg.ev === "mark") {
        samples.push(msg);
        if (samples.length > 20_000) samples.splice(0, 10_000);
      } else events.push(msg);
      onEvent?.(msg);
      for (const w of waiters) w();
    },
  });
  proc.child.stdin.on("error", () => undefined); // EPIPE when the child is gone
  const send = (line) => {
    if (!proc.hasExited() && proc.child.stdin.writable) proc.child.stdin.write(`${line}\n`);
  };
  /** The first event named `ev` not consumed yet; rejects on an "error" event, exit or timeout. */
  const waitFor = (ev, timeoutMs) =>
    new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const err = events.find((e) => e.ev === "error");
        const hit = events.findIndex((e) => e.ev === ev);
        let outcome;
        if (hit >= 0) outcome = () => resolve(events.splice(hit, 1)[0]);
        else if (err) outcome = () => reject(new Error(`${path.basename(args[0])}: ${err.message}`));
        else if (proc.hasExited()) outcome = () => reject(new Error(`${path.basename(args[0])} exited before "${ev}": ${tailLine(proc.tail())}`));
        if (!outcome) return;
        clearTimeout(timer);
        waiters.delete(check);
        outcome();
      };
      timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${path.basename(args[0])}: no "${ev}" within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      waiters.add(check);
      void proc.exited.then(check);
      check();
    });
  return { proc, pid: proc.pid, send, waitFor, samples, lastSample: () => samples.at(-1), other: () => ({ count: otherCount, first: otherLines }) };
}

function tailLine(text) {
  const lines = text.trim().split("\n").filter((l) => l.trim());
  return (lines.find((l) => /Error\b|error/.test(l)) ?? lines.at(-1) ?? "(no output)").slice(0, 300);
}

/** Ends a protocol child: "stop" on stdin, then SIGTERM/SIGKILL if it does not exit. */
async function finish(child, graceMs = 20_000) {
  if (!child) return { forced: false };
  child.send("stop");
  const exited = await Promise.race([child.proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
  const stopped = await stopTracked(child.proc, 3000);
  const event = await child.waitFor("stopped", 1).catch(() => undefined);
  return { forced: !exited || stopped.forced, event };
}

// ------------------------------------------------------------------ CPU from /proc

function procTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

function threadTicks(pid) {
  const out = new Map();
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const t = procTicks(`${pid}/task/${tid}`);
      if (t !== null) out.set(tid, t);
    }
  } catch {
    // gone
  }
  return out;
}

function sysStat() {
  const l = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: l.reduce((a, b) => a + b, 0), idle: l[3] + (l[4] ?? 0) };
}

function cpuSnapshot(pids) {
  const procs = {};
  for (const [k, pid] of Object.entries(pids)) procs[k] = pid ? procTicks(pid) : null;
  const self = process.cpuUsage();
  return { t: process.hrtime.bigint(), sys: sysStat(), procs, self: (self.user + self.system) / 1e4, threads: pids.hub ? threadTicks(pids.hub) : new Map(), hubPid: pids.hub };
}

const r1 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

/** CPU % of one core per process over a..b, per hub thread, and "other" = everything else on the machine. */
function cpuDelta(a, b) {
  const wall = Number(b.t - a.t) / 1e9;
  const out = { window_s: r1(wall) };
  let ours = (b.self - a.self) / CLK_TCK; // the orchestrator itself, in ticks
  for (const k of Object.keys(a.procs)) {
    const d = a.procs[k] == null || b.procs[k] == null ? null : b.procs[k] - a.procs[k];
    out[k] = d == null ? null : r1((d / CLK_TCK / wall) * 100);
    if (d != null) ours += d;
  }
  const dt = b.sys.total - a.sys.total;
  const busy = dt > 0 ? ((dt - (b.sys.idle - a.sys.idle)) / dt) * os.cpus().length * wall * CLK_TCK : 0;
  out.other = r1(Math.max(0, ((busy - ours) / CLK_TCK / wall) * 100));
  const threads = [];
  for (const [tid, ticks] of b.threads) {
    const before = a.threads.get(tid) ?? 0;
    threads.push({ tid: Number(tid), main: String(tid) === String(b.hubPid), pct: r1(((ticks - before) / CLK_TCK / wall) * 100) });
  }
  threads.sort((x, y) => (y.main ? 1 : 0) - (x.main ? 1 : 0) || y.pct - x.pct);
  out.threads = threads;
  return out;
}

/** Waits (up to quietWait s) for 1 s in which other processes use < noiseLimit % of a core; returns the last reading. */
async function quietWait(opts, pids = {}) {
  const deadline = Date.now() + opts.quietWait * 1000;
  let other = null;
  do {
    const a = cpuSnapshot(pids);
    await sleep(1000);
    other = cpuDelta(a, cpuSnapshot(pids)).other;
    if (other <= opts.noiseLimit) break;
  } while (Date.now() < deadline);
  return other;
}

// ------------------------------------------------------------------ phases

let bundledHub;

/**
 * The hub as `npm start` runs it: esbuild bundles (dist/bench/discovery-hub.js with its broker-worker.js sibling, as
 * scripts/build.mjs builds dist/), run by plain node, so the figures hold no tsx loader threads or per-module
 * sources. Profiled runs keep tsx so that the profiles name source files.
 */
async function hubEntry(ctx) {
  if (ctx.opts.cpuProf) return { script: "scripts/bench/discovery-hub.ts", tsx: true };
  if (!bundledHub) {
    const outdir = path.join(ctx.root, "dist", "bench");
    await esbuild({
      absWorkingDir: ctx.root,
      entryPoints: { "discovery-hub": "scripts/bench/discovery-hub.ts", "broker-worker": "server/mqtt/broker-worker.ts" },
      outdir,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "warning",
      tsconfig: "tsconfig.json",
    });
    bundledHub = path.join(outdir, "discovery-hub.js");
  }
  return { script: bundledHub, tsx: false };
}

async function spawnHub(ctx, mode, dataDir, nodeFlags = []) {
  const entry = await hubEntry(ctx);
  const args = [entry.script, "--mode", mode, "--data", dataDir, "--devices", String(DEVICES), "--max-seconds", "900"];
  // BENCH_HUB_DEFAULT_RUNTIME=1: plain node (no runtime flags), to measure what scripts/hub-runtime.mjs buys.
  const runtimeFlags = process.env.BENCH_HUB_DEFAULT_RUNTIME ? [] : HUB_NODE_FLAGS;
  return spawnProtocol(ctx.root, args, { nodeFlags: [...runtimeFlags, ...nodeFlags], tsx: entry.tsx });
}

async function ensurePreload(ctx) {
  if (preloaded) return preloaded;
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-disc-"));
  process.stderr.write(`  discovery: preloading ${ENTITIES} retained configs (${DEVICES} devices)...\n`);
  const hub = await spawnHub(ctx, "preload", dir);
  try {
    const result = await hub.waitFor("preloaded", PRELOAD_TIMEOUT_MS);
    await hub.proc.exited;
    if (result.entities !== ENTITIES || result.rejected > 0) throw new Error(`preload registered ${result.entities} entities, ${result.rejected} rejected`);
    preloaded = { dir, result };
    process.stderr.write(`  discovery: preloaded in ${(result.registered_ms / 1000).toFixed(1)} s (${result.configs_per_s} configs/s over MQTT)\n`);
    return preloaded;
  } catch (err) {
    removeTempDir(dir);
    throw err;
  } finally {
    await stopTracked(hub.proc, 2000);
  }
}

/** A copy of the preloaded data dir; `registry: false` drops the SQLite registry (cold start from the replay). */
function copyDataDir(registry) {
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-disc-run-"));
  fs.cpSync(preloaded.dir, dir, { recursive: true });
  if (!registry) for (const f of ["hearth.db", "hearth.db-wal", "hearth.db-shm"]) fs.rmSync(path.join(dir, f), { force: true });
  return dir;
}

/** Starts a hub on `dir`, waits for "started"; returns the child and the start figures (+ RSS read from /proc). */
async function startPhase(ctx, dir, nodeFlags) {
  const spawnUs = hrUs();
  const hub = await spawnHub(ctx, "start", dir, nodeFlags);
  const a = cpuSnapshot({ hub: hub.pid });
  const started = await hub.waitFor("started", START_TIMEOUT_MS);
  const cpu = cpuDelta(a, cpuSnapshot({ hub: hub.pid }));
  const rss = readRss(hub.pid);
  return { hub, started, spawnUs, startedUs: hrUs(), rss, cpu };
}

const nearest = (samples, us) => samples.reduce((best, s) => (best && Math.abs(best.t_us - us) <= Math.abs(s.t_us - us) ? best : s), undefined);

async function throughputPhase(ctx, hub, window) {
  const { opts } = ctx;
  await sleep(200);
  const base = hub.lastSample();
  if (!base) throw new Error("no samples from the hub");
  let pub;
  // Relay the hub's progress to the publisher: it stays at most AHEAD messages in front.
  const relay = () => {
    const s = hub.lastSample();
    if (pub && s) pub.send(`acked ${s.msgs - base.msgs}`);
  };
  const relayTimer = setInterval(relay, 25);
  try {
    const duration = opts.warmup + window + 1;
    pub = spawnProtocol(ctx.root, [
      "scripts/bench/state-publisher.ts",
      "--port", String(hub.mqttPort),
      "--devices", String(DEVICES),
      "--duration", String(duration),
      "--max-messages", String(MAX_MESSAGES),
      "--ahead", String(AHEAD),
    ]);
    await pub.waitFor("started", 30_000);
    await sleep(opts.warmup * 1000);
    const a = cpuSnapshot({ hub: hub.pid, pub: pub.pid });
    const aUs = hrUs();
    await sleep(window * 1000);
    const b = cpuSnapshot({ hub: hub.pid, pub: pub.pid });
    const bUs = hrUs();
    const cpu = cpuDelta(a, b);
    const done = await pub.waitFor("done", (duration + 30) * 1000);
    await stopTracked(pub.proc, 2000);
    // Drain: until every sent message is decoded, or nothing moves for 2 s.
    const expected = base.msgs + done.sent;
    const tDrain = Date.now();
    let last = hub.lastSample();
    let movedAt = Date.now();
    while (Date.now() - tDrain < DRAIN_MAX_MS) {
      await sleep(100);
      const s = hub.lastSample();
      if (s.msgs >= expected) break;
      if (s.msgs !== last.msgs) movedAt = Date.now();
      else if (Date.now() - movedAt > 2000) break;
      last = s;
    }
    const drainMs = Date.now() - tDrain;
    const end = hub.lastSample();
    const sa = nearest(hub.samples, aUs);
    const sb = nearest(hub.samples, bUs);
    const secs = (sb.t_us - sa.t_us) / 1e6;
    const decodesPerS = (sb.decoded - sa.decoded) / secs;
    const msgsPerS = (sb.msgs - sa.msgs) / secs;
    const perSecond = done.per_second ?? [];
    const pubWindow = perSecond.slice(opts.warmup, opts.warmup + window);
    const hubThreads = cpu.threads ?? [];
    const main = hubThreads.find((t) => t.main);
    const others = hubThreads.filter((t) => !t.main);
    const result = {
      window_s: r1(secs),
      msgs_per_s: msgsPerS,
      decodes_per_s: decodesPerS,
      state_changes_per_s: (sb.changed - sa.changed) / secs,
      pub_per_s: pubWindow.length ? pubWindow.reduce((x, y) => x + y, 0) / pubWindow.length : null,
      pub_total_per_s: done.per_s,
      pub_sent: done.sent,
      pub_waited_for_hub_ms: done.waited_for_hub_ms,
      pub_tcp_drains: done.tcp_drains,
      pub_closed_by_broker: done.closed_by_broker,
      drain_ms: drainMs,
      undecoded_after_drain: Math.max(0, expected - end.msgs),
      cpu_hub_pct: cpu.hub,
      cpu_pub_pct: cpu.pub,
      cpu_other_pct: cpu.other,
      cpu_hub_main_pct: main?.pct ?? null,
      cpu_hub_busiest_thread_pct: others[0]?.pct ?? null,
      cpu_hub_rest_pct: r1(others.slice(1).reduce((x, t) => x + t.pct, 0)),
      rss_after_load_kb: readRss(hub.pid).rss_kb,
      hwm_after_load_kb: readRss(hub.pid).hwm_kb,
      window_us: [sa.t_us, sb.t_us],
    };
    const bound = [];
    // The decisive signal: a publisher held back by the end-to-end window was waiting for the hub. (The hub's main
    // thread can read below 100 % while saturated: during parallel GC it waits on V8's helper threads, counted in "rest".)
    const waitedShare = done.waited_for_hub_ms / 1000 / Math.max(done.seconds, 0.001);
    result.pub_waited_share_pct = r1(waitedShare * 100);
    if (waitedShare > 0.5) bound.push(`hub (publisher waited on it ${Math.round(waitedShare * 100)} % of its run)`);
    if (result.cpu_hub_main_pct >= 90) bound.push("hub main thread");
    if (result.cpu_hub_busiest_thread_pct >= 90) bound.push("hub broker thread");
    if (result.cpu_pub_pct >= 90) bound.push("publisher");
    if (result.cpu_other_pct >= 50) bound.push("other processes");
    result.bound = bound.join(" + ") || "none >= 90 %";
    return result;
  } finally {
    clearInterval(relayTimer);
    if (pub) await stopTracked(pub.proc, 1000);
  }
}

/** The figures of one start ("cold" or "warm"), prefixed. */
function startFigures(prefix, s) {
  const st = s.started;
  return {
    [`${prefix}_boot_ms`]: st.boot_ms,
    [`${prefix}_hub_start_ms`]: st.hub_start_ms,
    [`${prefix}_entities_ms`]: st.entities_ms,
    [`${prefix}_replayed_ms`]: st.configs_replayed_ms,
    [`${prefix}_ready_ms`]: Math.max(st.entities_ms ?? Infinity, st.configs_replayed_ms ?? Infinity),
    [`${prefix}_available_ms`]: st.available_ms,
    [`${prefix}_available`]: st.available,
    [`${prefix}_subscribed_ms`]: st.subscribed_ms,
    [`${prefix}_settled_ms`]: st.settled_ms,
    [`${prefix}_rss_kb`]: s.rss.rss_kb ?? st.rss_kb,
    [`${prefix}_hwm_kb`]: s.rss.hwm_kb,
    [`${prefix}_rss_before_kb`]: st.rss_before_kb,
    [`${prefix}_rss_at_entities_kb`]: st.rss_at_entities_kb,
    [`${prefix}_heap_used_kb`]: st.heap_used_kb,
    [`${prefix}_cpu_pct`]: s.cpu.hub,
    [`${prefix}_cpu_other_pct`]: s.cpu.other,
    [`${prefix}_subscribe_requests`]: st.subscribe_requests,
    [`${prefix}_read_retained_requests`]: st.read_retained_requests,
  };
}

function profileDir(ctx, round) {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const dir = path.join(ctx.root, "bench-results", "profiles", `discovery-${stamp}-r${round}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Main-thread and busiest-worker summaries of the profiles in `dir`, for the given windows. */
function summarizeProfiles(dir, windows) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const parsed = files.map((f) => ({ f, thread: Number(f.split(".").at(-3)), profile: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) }));
  const out = { dir, windows: {} };
  const md = [];
  // The broker thread is the one whose whole profile spent the most time in the broker's code (tsx runs loader threads too).
  const brokerTime = (p) => summarizeProfile(p.profile).areas.filter((a) => /^(aedes|mqtt-packet|qlobber|server\/mqtt)$/.test(a.fn)).reduce((x, a) => x + a.ms, 0);
  const brokerThread = parsed.filter((p) => p.thread !== 0).map((p) => ({ p, t: brokerTime(p) })).sort((x, y) => y.t - x.t)[0]?.p.thread;
  for (const [name, [fromUs, toUs]] of Object.entries(windows)) {
    const sums = parsed.map((p) => ({ ...p, s: summarizeProfile(p.profile, { fromUs, toUs }) }));
    const main = sums.find((p) => p.thread === 0);
    const busiest = sums.find((p) => p.thread === brokerThread);
    const pick = (p) => p && { file: p.f, busy_ms: Math.round(p.s.total_ms - p.s.idle_ms), total_ms: Math.round(p.s.total_ms), self: p.s.self.slice(0, 15), areas: p.s.areas.slice(0, 10), inclusive: p.s.inclusive.slice(0, 30) };
    out.windows[name] = { main: pick(main), busiest_worker: pick(busiest) };
    for (const [label, p] of [["main thread", main], ["broker thread", busiest]]) {
      if (p) md.push(renderSummary(`${name}, ${label} (${p.f})`, p.s, 25), "");
    }
  }
  fs.writeFileSync(path.join(dir, "summary.md"), `${md.join("\n")}\n`);
  return out;
}

async function runOnce(ctx, round) {
  const { opts } = ctx;
  const base = { scenario: "discovery", variant: "hub", round, started: new Date().toISOString(), errors: [], warnings: [] };
  const dirs = [];
  let hub;
  try {
    const pre = await ensurePreload(ctx);
    base.preload_registered_ms = pre.result.registered_ms;
    base.preload_configs_per_s = pre.result.configs_per_s;
    base.preload_rss_kb = pre.result.rss_kb;
    base.preload_available = pre.result.available;

    // Cold start, then the throughput phase on the same hub.
    const coldDir = copyDataDir(false);
    dirs.push(coldDir);
    const preOther = await quietWait(opts);
    const profDir = opts.cpuProf ? profileDir(ctx, round) : null;
    const nodeFlags = profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [];
    const cold = await startPhase(ctx, coldDir, nodeFlags);
    hub = cold.hub;
    hub.mqttPort = cold.started.mqtt_port;
    Object.assign(base, startFigures("cold", cold), { pre_other_pct: preOther });
    if (cold.started.available !== ENTITIES) {
      base.warnings.push(`cold start: ${ENTITIES - cold.started.available} of ${ENTITIES} entities never turned available from the retained bridge state`);
    }
    hub.send("bridge");
    const bridge = await hub.waitFor("bridge", CMD_TIMEOUT_MS);
    base.bridge_fanout_ms = bridge.ms;
    await quietWait(opts, { hub: hub.pid });
    Object.assign(base, await throughputPhase(ctx, hub, opts.duration));
    const stopped = await finish(hub);
    base.after_load_heap_used_kb = stopped.event?.heap_used_kb;
    base.after_load_external_kb = stopped.event?.external_kb;
    const other = hub.other();
    if (other.count > 0) base.warnings.push(`hub printed ${other.count} log line(s) on stdout (first: ${other.first[0]})`);
    const warnLines = hub.proc.tail().split("\n").filter((l) => /"level":(40|50|60)/.test(l));
    if (warnLines.length) base.warnings.push(`hub logged ${warnLines.length}+ warning/error line(s) (first: ${warnLines[0].slice(0, 200)})`);
    base.stop_forced = stopped.forced;
    hub = undefined;
    if (profDir) {
      base.profiles = [summarizeProfiles(profDir, { "cold start": [cold.spawnUs, cold.startedUs], throughput: base.window_us })];
    }

    // Restart: registry restored from SQLite, retained configs replayed on top.
    const warmDir = copyDataDir(true);
    dirs.push(warmDir);
    await quietWait(opts);
    const warmProfDir = profDir ? path.join(profDir, "restart") : null;
    if (warmProfDir) fs.mkdirSync(warmProfDir);
    const warm = await startPhase(ctx, warmDir, warmProfDir ? ["--cpu-prof", "--cpu-prof-dir", warmProfDir] : []);
    hub = warm.hub;
    Object.assign(base, startFigures("warm", warm));
    if (warm.started.available !== ENTITIES) {
      base.warnings.push(`restart: ${ENTITIES - warm.started.available} of ${ENTITIES} entities never turned available from the retained bridge state`);
    }
    await finish(hub);
    hub = undefined;
    if (warmProfDir) base.profiles.push(summarizeProfiles(warmProfDir, { restart: [warm.spawnUs, warm.startedUs] }));
    base.ok = true;
  } catch (err) {
    base.ok = false;
    base.errors.push(String(err?.message ?? err));
  } finally {
    if (hub) await stopTracked(hub.proc, 2000);
    for (const d of dirs) removeTempDir(d);
  }
  const other = Math.max(base.cpu_other_pct ?? 0, base.pre_other_pct ?? 0, base.cold_cpu_other_pct ?? 0, base.warm_cpu_other_pct ?? 0);
  base.noisy = other > opts.noiseLimit;
  // The shared CPU table: "gen" is the publisher, "broker" the hub process (broker thread included).
  base.cpu_gen_pct = base.cpu_pub_pct;
  base.cpu_broker_pct = base.cpu_hub_pct;
  return base;
}

/** Every attempt of one round; a noisy one is repeated up to --retries times. */
export function runDiscovery(ctx, round) {
  return attemptsWhileNoisy(ctx, () => runOnce(ctx, round));
}

export function discoveryProgress(r) {
  const f = (x, d = 0) => (x == null ? "-" : Number(x).toFixed(d));
  return (
    `cold ${f(r.cold_ready_ms / 1000, 1)} s / restart ${f(r.warm_ready_ms / 1000, 1)} s to ${ENTITIES} entities, ` +
    `RSS ${f(r.cold_rss_kb / 1024)}/${f(r.warm_rss_kb / 1024)} MiB, ${f(r.msgs_per_s)} state msg/s ` +
    `(publisher ${f(r.pub_per_s)}/s; cpu hub ${f(r.cpu_hub_pct)} % [main ${f(r.cpu_hub_main_pct)}, busiest thread ${f(r.cpu_hub_busiest_thread_pct)}], ` +
    `publisher ${f(r.cpu_pub_pct)} %, other ${f(r.cpu_other_pct)} %; ${r.bound ?? ""})`
  );
}

const kb = (x) => (x == null ? "-" : `${(x / 1024).toFixed(0)} MiB`);
const s1 = (x) => (x == null ? "-" : `${(x / 1000).toFixed(2)} s`);
const n0 = (x) => (x == null ? "-" : Math.round(x).toLocaleString("en-US"));

/** The discovery section of the Markdown report: per run, every phase's figures. */
export function renderDiscoveryDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  p("## Discovery scenario details");
  p();
  p(
    `Fleet: ${DEVICES} Zigbee2MQTT devices x ${ENTITIES_PER_DEVICE} sensor entities (temperature, humidity, pressure, battery, linkquality) = ${ENTITIES}; ` +
      "every entity reads its device's JSON state topic with `{{ value_json[\"<prop>\"] }}` and the shared `zigbee2mqtt/bridge/state` with " +
      "`{{ value_json.state }}`. Hub = the Hub as `npm start` runs it: scripts/bench/discovery-hub.ts bundled by esbuild into dist/bench/ " +
      "(with its broker-worker.js, as dist/ is built) and run by plain node (under tsx only with --cpu-prof, so that profiles name files): " +
      "embedded broker in its worker thread, SQLite, discovery, registry, state store; no Next.js, no HTTP; one process. Times are from " +
      "`hub.start()` (boot = process start to then: Node + module loading).",
  );
  p();
  p("| round | phase | figure | value |");
  p("|---|---|---|---|");
  for (const r of runs) {
    const rows = [
      ["preload (live)", `${ENTITIES} retained configs published over MQTT (QoS 1) to a running hub -> all registered`, s1(r.preload_registered_ms)],
      ["preload (live)", "configs/s; RSS after", `${n0(r.preload_configs_per_s)}/s; ${kb(r.preload_rss_kb)}`],
      ["cold start", "boot (process start -> hub.start())", s1(r.cold_boot_ms)],
      ["cold start", "hub.start() returned", s1(r.cold_hub_start_ms)],
      ["cold start", `-> ${ENTITIES} entities registered / retained replay processed`, `${s1(r.cold_entities_ms)} / ${s1(r.cold_replayed_ms)}`],
      ["cold start", `-> all entities available (bridge state decoded): ${n0(r.cold_available)} of ${ENTITIES}`, s1(r.cold_available_ms)],
      ["cold start", `-> state store's subscriptions settled (${n0(r.cold_subscribe_requests)} subscribe, ${n0(r.cold_read_retained_requests)} readRetained requests)`, s1(r.cold_subscribed_ms)],
      ["cold start", "-> discovery settled (birth message; includes 1 s of quiet)", s1(r.cold_settled_ms)],
      ["cold start", "RSS before hub start / at entities / after settle (VmHWM); V8 heap used after settle", `${kb(r.cold_rss_before_kb)} / ${kb(r.cold_rss_at_entities_kb)} / ${kb(r.cold_rss_kb)} (${kb(r.cold_hwm_kb)}); ${kb(r.cold_heap_used_kb)}`],
      ["cold start", "hub CPU during start (% of one core); others", `${n0(r.cold_cpu_pct)} %; ${n0(r.cold_cpu_other_pct)} %`],
      ["bridge state", `one retained bridge/state message -> ${ENTITIES} availability decodes`, s1(r.bridge_fanout_ms)],
      ["throughput", "hub: state messages fully decoded/s (5 entity decodes each)", n0(r.msgs_per_s)],
      ["throughput", "hub: entity decodes/s; stateChanged/s", `${n0(r.decodes_per_s)}; ${n0(r.state_changes_per_s)}`],
      ["throughput", "publisher: sent/s in window (whole run); waited on the hub", `${n0(r.pub_per_s)} (${n0(r.pub_total_per_s)}); ${n0(r.pub_waited_for_hub_ms)} ms`],
      ["throughput", "CPU %: hub process [main thread, busiest other thread, rest]; publisher; others", `${n0(r.cpu_hub_pct)} [${n0(r.cpu_hub_main_pct)}, ${n0(r.cpu_hub_busiest_thread_pct)}, ${n0(r.cpu_hub_rest_pct)}]; ${n0(r.cpu_pub_pct)}; ${n0(r.cpu_other_pct)}`],
      ["throughput", "slower side / saturated (>= 90 % of a core)", r.bound ?? "-"],
      ["throughput", "drain after the publisher stopped; messages never decoded", `${n0(r.drain_ms)} ms; ${n0(r.undecoded_after_drain)}`],
      ["throughput", "RSS after the load (VmHWM); V8 heap used, external", `${kb(r.rss_after_load_kb)} (${kb(r.hwm_after_load_kb)}); ${kb(r.after_load_heap_used_kb)}, ${kb(r.after_load_external_kb)}`],
      ["restart", "boot; hub.start() returned", `${s1(r.warm_boot_ms)}; ${s1(r.warm_hub_start_ms)}`],
      ["restart", `-> ${ENTITIES} entities (SQLite restore) / retained replay processed`, `${s1(r.warm_entities_ms)} / ${s1(r.warm_replayed_ms)}`],
      ["restart", `-> all available: ${n0(r.warm_available)} of ${ENTITIES}; -> subscriptions settled`, `${s1(r.warm_available_ms)}; ${s1(r.warm_subscribed_ms)}`],
      ["restart", "RSS after settle (VmHWM)", `${kb(r.warm_rss_kb)} (${kb(r.warm_hwm_kb)})`],
    ];
    for (const [phase, figure, value] of rows) p(`| ${r.round}${r.try ? ` try ${r.try}` : ""} | ${phase} | ${figure} | ${value} |`);
  }
  for (const r of runs.filter((x) => x.profiles)) {
    p();
    p(`CPU profiles of round ${r.round}: ${r.profiles.map((x) => `\`${path.relative(process.cwd(), x.dir)}\``).join(", ")} (summary.md in each). Top self time:`);
    for (const [name, w] of r.profiles.flatMap((x) => Object.entries(x.windows))) {
      for (const [label, t] of [["main thread", w.main], ["broker thread", w.busiest_worker]]) {
        if (!t) continue;
        const top = t.self.filter((x) => x.fn !== "(idle)").slice(0, 8).map((x) => `${x.fn} ${x.pct.toFixed(1)} %`).join("; ");
        p(`- ${name}, ${label} (${t.busy_ms} of ${t.total_ms} ms busy): ${top}`);
      }
    }
  }
  p();
  p(
    "Msg/s counts MQTT state messages whose handler in the hub returned, i.e. all 5 entity decodes (and stateChanged events) done: " +
      "counted in the hub process around the state store's bus subscription, stamped every 500 messages from the message path and every 50 ms " +
      "by a timer; decodes/s is StateStore.messagesDecoded over the same window. The window starts after the warm-up. The publisher is a separate process and stays at most " +
      `${AHEAD.toLocaleString("en-US")} messages ahead of the hub's progress, so the broker thread's hand-off queue stays bounded; ` +
      "when it waited on the hub, the hub was the slower side. Not included: Next.js in the hub's process (production hub), which adds RSS and, " +
      "through async hooks, CPU per callback on the main thread.",
  );
  return out.join("\n");
}
