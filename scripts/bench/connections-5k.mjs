// The `connections-5k` scenario of `npm run bench` (issue 7): 5,000 simulated devices held on the hub's embedded
// broker over loopback TCP, each with a 60 s keep-alive and one subscription to its own command topic.
//
// One round:
//   hub     the shipped hub (dist/server.js, fresh data dir, HEARTH_MQTT_ANONYMOUS=true so a CONNECT costs no argon2
//           hash, HEARTH_MDNS=false, HEARTH_MQTT_MAX_CONNECTIONS_PER_USER above the fleet), with an owner and an API
//           token made by the admin CLI before it starts
//   fleet   BENCH_CONNECTIONS_PROCS (default 2) child processes of connections-fleet.mjs (raw mqtt-packet over net),
//           the devices split between them, at most 100 connecting at once per process
// Measured: connect rate = devices / (first CONNECT .. last SUBACK over all processes); hub RSS before (no clients)
// and after (all connected, 3 s settled) and per connection; hub CPU % of one core with every device connected and
// idle (PINGREQ once a minute each) over --quick 10 s / 20 s, from /proc/<pid>/stat (all threads, the broker's
// worker thread included) and per thread from /proc/<pid>/task; a round trip: the hub publishes a command
// (POST /api/mqtt/publish as $hub) to a random sample of devices, which must each receive it.
// BENCH_CONNECTIONS_DEVICES changes the 5,000. Run only it: npm run bench -- --scenarios connections-5k --quick
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startHub } from "./history-disk.mjs";
import { cli } from "./history-http.mjs";
import { cpuDelta, cpuSnapshot, finishChild, quietWait, spawnProtocol } from "./history-procs.mjs";
import { makeTempDir, readRss, removeTempDir, sleep, stopTracked } from "./processes.mjs";
import { attemptsWhileNoisy } from "./run-scenario.mjs";

export const CONNECTIONS_5K = {
  devices: Number(process.env.BENCH_CONNECTIONS_DEVICES) || 5000,
  procs: Number(process.env.BENCH_CONNECTIONS_PROCS) || 2,
  keepaliveS: 60,
  concurrency: 100,
  topicPrefix: "bench/dev",
};
const FLEET = path.join(path.dirname(fileURLToPath(import.meta.url)), "connections-fleet.mjs");
const CONNECT_TIMEOUT_MS = 180_000;
const SETTLE_MS = 3000;
const ROUND_TRIP_WAIT_MS = 5000;
const FD_MARGIN = 200; // the hub's own files, SQLite, LevelDB, HTTP sockets
const CLK_TCK = 100;

const r1 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);
const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The soft "Max open files" of a process, or null. */
function openFilesLimit(pid) {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync(`/proc/${pid}/limits`, "utf8"));
    return m ? (m[1] === "unlimited" ? Infinity : Number(m[1])) : null;
  } catch {
    return null;
  }
}

/** CPU ticks (utime + stime) per thread of `pid`, keyed by thread id, with the thread's name. */
function threadTicks(pid) {
  const out = new Map();
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out.set(tid, { name, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** % of one core per thread over a..b, busiest first; the main thread is named "main". */
function threadCpu(pid, a, b, seconds) {
  const rows = [];
  for (const [tid, end] of b) {
    const ticks = end.ticks - (a.get(tid)?.ticks ?? 0);
    rows.push({ tid: Number(tid), name: String(tid) === String(pid) ? "main" : end.name, pct: r2((ticks / CLK_TCK / seconds) * 100) });
  }
  return rows.sort((x, y) => y.pct - x.pct);
}

async function healthClients(httpPort) {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/health`, { signal: AbortSignal.timeout(5000) });
    const body = await res.json();
    return body?.mqtt?.clients ?? null;
  } catch {
    return null;
  }
}

/** The hub publishes one command to each sampled device (POST /api/mqtt/publish); latency = request -> received. */
async function roundTrip(httpPort, token, fleets, perProcess, sampleSize) {
  const total = perProcess.reduce((a, b) => a + b, 0);
  const chosen = new Set();
  while (chosen.size < Math.min(sampleSize, total)) chosen.add(crypto.randomInt(total));
  const sent = new Map();
  const failures = [];
  for (const index of chosen) {
    const id = `dev${String(index).padStart(5, "0")}`;
    const payload = `rt-${crypto.randomBytes(4).toString("hex")}`;
    const at = performance.timeOrigin + performance.now();
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/mqtt/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ topic: `${CONNECTIONS_5K.topicPrefix}/${id}/cmd`, payload }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    if (res.status !== 204) failures.push(`${id}: HTTP ${res.status}`);
    else sent.set(id, { payload, at });
  }
  const received = new Map();
  const deadline = Date.now() + ROUND_TRIP_WAIT_MS;
  while (received.size < sent.size && Date.now() < deadline) {
    for (const fleet of fleets) {
      for (const s of fleet.samples) {
        if (s.type !== "cmd" || received.has(s.id)) continue;
        const want = sent.get(s.id);
        if (want && want.payload === s.payload) received.set(s.id, s.at - want.at);
      }
    }
    if (received.size < sent.size) await sleep(50);
  }
  const lat = [...received.values()].sort((a, b) => a - b);
  return {
    rt_sampled: chosen.size,
    rt_published: sent.size,
    rt_received: received.size,
    rt_missing: chosen.size - received.size,
    rt_p50_ms: r2(percentile(lat, 50)),
    rt_max_ms: r2(lat.at(-1) ?? null),
    rt_errors: failures.slice(0, 5),
  };
}

async function runOnce(ctx, round) {
  const { root, opts } = ctx;
  const { devices, procs, keepaliveS, concurrency, topicPrefix } = CONNECTIONS_5K;
  const idleS = opts.quick ? 10 : 20;
  const sampleSize = opts.quick ? 50 : 100;
  const base = { scenario: "connections-5k", variant: "hub", round, started: new Date().toISOString(), errors: [], warnings: [], devices, procs, keepalive_s: keepaliveS, idle_window_s: idleS, mqtt_anonymous: true };
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-conn5k-"));
  let hub;
  const fleets = [];
  try {
    await cli(root, dir, ["user", "add", "bench", "--password-stdin"], crypto.randomBytes(12).toString("hex"));
    const token = await cli(root, dir, ["token", "create", "--user", "bench", "--name", "connections bench"]);
    // Anonymous clients are not counted by the per-user limit today; the variable is set anyway, so a change there
    // cannot cap the fleet silently (an older build that does not know it ignores it).
    hub = await startHub(root, dir, { env: { HEARTH_MQTT_MAX_CONNECTIONS_PER_USER: String(devices + 1000) } });
    const pid = hub.proc.pid;
    base.fd_limit_bench = openFilesLimit(process.pid);
    base.fd_limit_hub = openFilesLimit(pid);
    if (base.fd_limit_hub != null && base.fd_limit_hub < devices + FD_MARGIN) {
      base.warnings.push(`fd limit too low: the hub may open ${base.fd_limit_hub} files, needs about ${devices + FD_MARGIN} (raise ulimit -n)`);
    }
    base.pre_other_pct = await quietWait(opts, { hub: pid });
    await sleep(2000);
    base.rss_before_kb = readRss(pid).rss_kb;

    const perProcess = Array.from({ length: procs }, (_, i) => Math.floor(devices / procs) + (i < devices % procs ? 1 : 0));
    let from = 0;
    for (const count of perProcess) {
      const args = [FLEET, "--port", String(hub.mqttPort), "--from", String(from), "--count", String(count), "--keepalive", String(keepaliveS), "--concurrency", String(concurrency), "--prefix", topicPrefix, "--max-seconds", "900"];
      fleets.push(spawnProtocol(root, args));
      from += count;
    }
    await Promise.all(fleets.map((f) => f.waitFor("ready", 30_000)));
    const fleetPids = Object.fromEntries(fleets.map((f, i) => [`gen${i}`, f.pid]));
    const cpuA = cpuSnapshot({ hub: pid, ...fleetPids });
    const connectThreadsA = threadTicks(pid);
    for (const f of fleets) f.send("connect");
    const done = await Promise.all(fleets.map((f) => f.waitFor("connected", CONNECT_TIMEOUT_MS)));
    const cpuB = cpuSnapshot({ hub: pid, ...fleetPids });
    const connectCpu = cpuDelta(cpuA, cpuB);
    base.conn_threads = threadCpu(pid, connectThreadsA, threadTicks(pid), Number(cpuB.t - cpuA.t) / 1e9).filter((t) => t.pct > 0).slice(0, 6);
    const ok = done.reduce((a, d) => a + d.ok, 0);
    const windowMs = Math.max(...done.map((d) => d.ended_at)) - Math.min(...done.map((d) => d.started_at));
    Object.assign(base, {
      connected: ok,
      failed: devices - ok,
      connect_errors: Object.assign({}, ...done.map((d) => d.errors)),
      connect_window_s: r2(windowMs / 1000),
      connects_per_s: ok > 0 ? Math.round(ok / (windowMs / 1000)) : null,
      conn_p50_ms: r1(Math.max(...done.map((d) => d.p50_ms ?? 0))),
      conn_p99_ms: r1(Math.max(...done.map((d) => d.p99_ms ?? 0))),
      conn_cpu_hub_pct: connectCpu.hub,
      conn_cpu_gen_pct: r1(Object.keys(fleetPids).reduce((a, k) => a + (connectCpu[k] ?? 0), 0)),
      conn_cpu_other_pct: connectCpu.other,
    });
    if (ok < devices) base.errors.push(`${devices - ok} of ${devices} devices did not connect and subscribe: ${JSON.stringify(base.connect_errors).slice(0, 300)}`);

    await sleep(SETTLE_MS);
    base.hub_clients = await healthClients(hub.httpPort);
    base.rss_after_kb = readRss(pid).rss_kb;
    base.rss_per_conn_kb = ok > 0 ? r2((base.rss_after_kb - base.rss_before_kb) / ok) : null;

    const idleA = cpuSnapshot({ hub: pid, ...fleetPids });
    const threadsA = threadTicks(pid);
    await sleep(idleS * 1000);
    const idleCpu = cpuDelta(idleA, cpuSnapshot({ hub: pid, ...fleetPids }));
    const threads = threadCpu(pid, threadsA, threadTicks(pid), Number(process.hrtime.bigint() - idleA.t) / 1e9);
    Object.assign(base, {
      idle_cpu_hub_pct: idleCpu.hub,
      idle_cpu_main_pct: threads.find((t) => t.name === "main")?.pct ?? null,
      idle_threads: threads.filter((t) => t.pct > 0).slice(0, 6),
      idle_cpu_gen_pct: r1(Object.keys(fleetPids).reduce((a, k) => a + (idleCpu[k] ?? 0), 0)),
      idle_cpu_other_pct: idleCpu.other,
      rss_idle_end_kb: readRss(pid).rss_kb,
    });

    Object.assign(base, await roundTrip(hub.httpPort, token, fleets, perProcess, sampleSize));
    if (base.rt_missing > 0) base.errors.push(`round trip: ${base.rt_missing} of ${base.rt_sampled} sampled devices did not receive the hub's command within ${ROUND_TRIP_WAIT_MS / 1000} s ${base.rt_errors.join("; ")}`);

    for (const f of fleets) f.send("stats");
    const stats = await Promise.all(fleets.map((f) => f.waitFor("stats", 10_000)));
    base.dropped = stats.reduce((a, s) => a + s.dropped, 0);
    base.pings_sent = stats.reduce((a, s) => a + s.pings_sent, 0);
    base.pings_answered = stats.reduce((a, s) => a + s.pings_answered, 0);
    if (base.dropped > 0) base.errors.push(`the broker closed ${base.dropped} device connection(s) during the run`);
  } catch (err) {
    base.errors.push(String(err?.message ?? err));
  } finally {
    for (const f of fleets) await finishChild(f, 10_000);
    if (hub) {
      const stopped = await stopTracked(hub.proc, 15_000);
      if (stopped.forced) base.warnings.push("the hub needed SIGKILL to stop");
    }
    removeTempDir(dir);
  }
  base.ok = base.errors.length === 0;
  const other = Math.max(base.pre_other_pct ?? 0, base.conn_cpu_other_pct ?? 0, base.idle_cpu_other_pct ?? 0);
  base.noisy = other > opts.noiseLimit;
  base.cpu_gen_pct = base.conn_cpu_gen_pct;
  base.cpu_broker_pct = base.conn_cpu_hub_pct;
  base.cpu_other_pct = other;
  base.bound = base.conn_cpu_hub_pct != null && base.conn_cpu_gen_pct != null ? (base.conn_cpu_hub_pct >= base.conn_cpu_gen_pct ? "hub" : "generator") : undefined;
  return base;
}

/** Every attempt of one round; a noisy one is repeated up to --retries times. */
export function runConnections5k(ctx, round) {
  return attemptsWhileNoisy(ctx, () => runOnce(ctx, round));
}

export { connections5kProgress, connections5kRows, renderConnections5kDetails } from "./connections-5k-report.mjs";
