// The `flood` scenario of `npm run bench`: devices publishing QoS 0 faster than a subscriber reads must neither grow
// the broker's memory without bound nor stall anyone else. Same load against the shipped hub, the plain aedes@1.2.0
// of the shared harness and, where it is installed, Debian's mosquitto; each broker started fresh.
//
// Per broker, all on loopback, each role its own process (flood-client.mjs), so no client starves another:
//   pub     20 publishers, QoS 0 ~95-byte state messages to flood/room<i%10>/dev<i>/state, as fast as TCP takes them
//   fast    a subscriber to flood/# that reads everything as it arrives
//   slow    a subscriber to flood/# that consumes at most BENCH_FLOOD_SLOW_RATE msg/s (default 2,000)
//   probe   an unrelated client: one message to its own topic every 100 ms, round trip measured
// Measured over the window (--quick 10 s, else 20 s, after a 2 s warm-up): the publishers' offered rate (messages
// handed to TCP), each subscriber's delivered rate, broker RSS before / peak (sampled every 250 ms) / at the end of
// the window / after the drain, the probe's round trips and, for the hub, GET /api/health every 500 ms. Then the
// load stops, the subscribers drain (at most 10 s) and report per publisher what they got: a gap in a publisher's
// sequence is a message the broker dropped, what never came after the last one is undelivered. A fresh client must
// then connect and get its own message back, and once the subscribers have gone (the moment plain aedes 1.2.0 died
// in mqemitter) the broker must still be alive and serving. The hub's logged drop counts are summed from its log.
// Run only it: npm run bench -- --scenarios flood --quick (scripts/bench/flood*.mjs).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import mqttPacket from "mqtt-packet";
import { lastLines, startPlainAedes } from "./brokers.mjs";
import { startHub } from "./history-disk.mjs";
import { cleanEnv, cpuDelta, cpuSnapshot, finishChild, quietWait, spawnProtocol } from "./history-procs.mjs";
import { freePort, makeTempDir, readRss, removeTempDir, sleep, spawnTracked, stopTracked } from "./processes.mjs";
import { attemptsWhileNoisy } from "./run-scenario.mjs";

export const FLOOD = {
  publishers: 20,
  slowRate: Number(process.env.BENCH_FLOOD_SLOW_RATE) || 2000,
  warmupS: 2,
  drainS: 10,
  variants: ["hub", "aedes", "mosquitto"],
};
const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), "flood-client.mjs");
const LEVELS = { 40: "warn", 50: "error", 60: "fatal" };

const r1 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);

/** `mosquitto` from PATH on a free port with the anchors' settings (run-anchors.sh), or null when not installed. */
async function startMosquitto(dir) {
  if (spawnSync("mosquitto", ["-h"], { stdio: "ignore", timeout: 5000 }).error) return null;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const conf = path.join(dir, "mosquitto.conf");
    const lines = [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", "log_dest stderr", "log_type error", "log_type warning", "connection_messages false"];
    fs.writeFileSync(conf, `${lines.join("\n")}\n`);
    const proc = spawnTracked("mosquitto", ["-c", conf], { env: cleanEnv() });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !proc.hasExited()) {
      if (await connectCheck(port, 500).then((r) => r.ok)) return { proc, pid: proc.pid, port, version: mosquittoVersion() };
      await sleep(100);
    }
    await stopTracked(proc, 2000);
    if (!/Address in use/i.test(proc.tail()) || attempt === 3) throw new Error(`mosquitto did not start: ${lastLines(proc.tail())}`);
  }
  throw new Error("unreachable");
}

function mosquittoVersion() {
  const out = spawnSync("mosquitto", ["-h"], { encoding: "utf8", timeout: 5000 });
  return /mosquitto version (\S+)/.exec(`${out.stdout}${out.stderr}`)?.[1] ?? "?";
}

/**
 * A fresh client: CONNECT -> CONNACK, and with `echo` SUBSCRIBE to its own topic and get its own message back.
 * Answers { ok, connack_ms, echo_ms } or { ok: false, error }; never takes longer than `timeoutMs`.
 */
function connectCheck(port, timeoutMs, echo = false) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const sock = net.connect({ host: "127.0.0.1", port });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const topic = `floodcheck/${process.pid}/${Math.round(t0)}`;
    const out = { ok: false };
    const done = (extra) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...out, ...extra });
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    sock.on("error", (err) => done({ ok: false, error: err.message }));
    sock.on("connect", () => sock.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: `floodcheck-${process.pid}`, keepalive: 30 })));
    sock.on("data", (chunk) => parser.parse(chunk));
    parser.on("packet", (p) => {
      if (p.cmd === "connack") {
        out.connack_ms = r1(performance.now() - t0);
        if (p.returnCode !== 0) return done({ ok: false, error: `CONNACK ${p.returnCode}` });
        if (!echo) return done({ ok: true });
        sock.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos: 0 }] }));
      } else if (p.cmd === "suback") sock.write(mqttPacket.generate({ cmd: "publish", topic, payload: "x", qos: 0, retain: false, dup: false }));
      else if (p.cmd === "publish" && p.topic === topic) done({ ok: true, echo_ms: r1(performance.now() - t0) });
      return undefined;
    });
  });
}

/** The hub's warn+ log lines: counts per level, and the guard's logged QoS 0 drops and cut-offs summed. */
function hubLog() {
  const s = { levels: {}, dropLines: 0, dropped: 0, cut: 0, hubBehind: 0, samples: [] };
  return {
    summary: s,
    onLine: (line) => {
      let e;
      try {
        e = JSON.parse(line);
      } catch {
        return;
      }
      const level = LEVELS[e?.level];
      if (!level) return;
      s.levels[level] = (s.levels[level] ?? 0) + 1;
      const msg = String(e.msg ?? "");
      if (msg.includes("dropped QoS 0 messages for it")) {
        s.dropLines++;
        s.dropped += Number(e.dropped) || 0;
      } else if (msg.includes("cut off")) s.cut++;
      else if (msg.startsWith("the hub is behind the broker")) s.hubBehind++;
      if (s.samples.length < 3) s.samples.push(`${level}: ${msg.slice(0, 160)}`);
    },
  };
}

async function startBroker(ctx, variant, dir, budgetS) {
  if (variant === "hub") {
    const log = hubLog();
    const hub = await startHub(ctx.root, dir, { onLine: log.onLine });
    return { proc: hub.proc, pid: hub.proc.pid, port: hub.mqttPort, httpPort: hub.httpPort, log: log.summary };
  }
  if (variant === "aedes") {
    const a = await startPlainAedes(ctx.harness, budgetS);
    return { pid: a.pid, port: a.port, stop: a.stop, tail: a.logTail };
  }
  return startMosquitto(dir);
}

const alive = (pid) => readRss(pid).rss_kb != null;
const tailOf = (broker) => broker?.proc?.tail?.() ?? broker?.tail?.() ?? "";

/** Sends `command` to a flood-client child and waits for its answer `ev`. */
function ask(child, command, ev) {
  child.send(command);
  return child.waitFor(ev, 10_000);
}

/** GET /api/health every `everyMs` while `running()`: latencies (ms) and failures. */
async function healthLoop(httpPort, running, everyMs, out) {
  while (running()) {
    const t0 = performance.now();
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/api/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) out.ms.push(performance.now() - t0);
      else out.failed++;
    } catch {
      out.failed++;
    }
    await sleep(Math.max(0, everyMs - (performance.now() - t0)));
  }
}

async function runOnce(ctx, variant, round) {
  const { opts } = ctx;
  const windowS = opts.quick ? 10 : 20;
  const base = { scenario: "flood", variant, round, started: new Date().toISOString(), errors: [], warnings: [], window_s: windowS, publishers: FLOOD.publishers, slow_rate: FLOOD.slowRate };
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-flood-"));
  const budgetS = opts.quietWait + FLOOD.warmupS + windowS + FLOOD.drainS + 60;
  let broker;
  const children = {};
  let sampling = true;
  try {
    broker = await startBroker(ctx, variant, dir, budgetS);
    if (!broker) {
      base.skipped = "mosquitto is not installed (apt-get install mosquitto)";
      return { ...base, ok: true, noisy: false };
    }
    if (broker.version) base.broker_version = broker.version;
    const pid = broker.pid;
    base.pre_other_pct = await quietWait(opts, { broker: pid });
    await sleep(1000);
    base.rss_before_kb = readRss(pid).rss_kb;
    const spawn = (role, extra = []) => spawnProtocol(ctx.root, [CLIENT, "--role", role, "--port", String(broker.port), "--max-seconds", String(budgetS), ...extra]);
    children.fast = spawn("sub", ["--id", "flood-fast"]);
    children.slow = spawn("sub", ["--id", "flood-slow", "--rate", String(FLOOD.slowRate)]);
    children.probe = spawn("probe", ["--id", "flood-probe"]);
    children.pub = spawn("pub", ["--id", "flood", "--count", String(FLOOD.publishers)]);
    await Promise.all(Object.values(children).map((c) => c.waitFor("ready", 30_000)));

    // RSS every 250 ms until the end (peak), /api/health every 500 ms (the hub only) over the window.
    let peak = base.rss_before_kb ?? 0;
    const rssLoop = (async () => {
      while (sampling) {
        peak = Math.max(peak, readRss(pid).rss_kb ?? 0);
        await sleep(250);
      }
    })();
    const health = { ms: [], failed: 0 };
    let inWindow = false;

    const mark = () => Promise.all(["pub", "fast", "slow", "probe"].map((k) => ask(children[k], "mark", "counters")));
    for (const k of ["pub", "probe"]) children[k].send("start");
    await sleep(FLOOD.warmupS * 1000);
    const pids = { broker: pid, ...Object.fromEntries(Object.entries(children).map(([k, c]) => [k, c.pid])) };
    const cpuA = cpuSnapshot(pids);
    const [p1, f1, s1] = await mark();
    inWindow = true;
    const healthDone = broker.httpPort ? healthLoop(broker.httpPort, () => inWindow, 500, health) : Promise.resolve();
    await sleep(windowS * 1000);
    inWindow = false;
    const [p2, f2, s2, probe] = await mark();
    const cpu = cpuDelta(cpuA, cpuSnapshot(pids));
    base.rss_window_end_kb = readRss(pid).rss_kb;
    await healthDone;
    const dt = (p2.t - p1.t) / 1000;
    Object.assign(base, {
      offered_per_s: Math.round((p2.accepted - p1.accepted) / dt),
      fast_per_s: Math.round((f2.recv - f1.recv) / ((f2.t - f1.t) / 1000)),
      slow_per_s: Math.round((s2.recv - s1.recv) / ((s2.t - s1.t) / 1000)),
      cpu_broker_pct: cpu.broker,
      cpu_gen_pct: r1((cpu.pub ?? 0) + (cpu.fast ?? 0) + (cpu.slow ?? 0) + (cpu.probe ?? 0)),
      cpu_pub_pct: cpu.pub,
      cpu_fast_pct: cpu.fast,
      cpu_other_pct: cpu.other,
    });
    const rtts = probe.rtts.sort((a, b) => a - b);
    Object.assign(base, { probe_sent: probe.probe_sent, probe_rtt_p50_ms: r1(pct(rtts, 50)), probe_rtt_p99_ms: r1(pct(rtts, 99)), probe_rtt_max_ms: r1(rtts.at(-1) ?? null) });
    const hms = health.ms.sort((a, b) => a - b);
    if (broker.httpPort) Object.assign(base, { health_checks: hms.length + health.failed, health_failed: health.failed, health_p50_ms: r1(pct(hms, 50)), health_max_ms: r1(hms.at(-1) ?? null) });

    // Drain: the load stops; wait until neither subscriber has received anything for 1.5 s (at most drainS).
    children.pub.send("stop-load");
    const t0 = Date.now();
    let last = "";
    let stableSince = Date.now();
    while (Date.now() - t0 < FLOOD.drainS * 1000 && Date.now() - stableSince < 1500) {
      await sleep(250);
      const [f, s] = await Promise.all(["fast", "slow"].map((k) => ask(children[k], "mark", "counters")));
      const key = `${f.recv}/${s.recv}`;
      if (key !== last) {
        last = key;
        stableSince = Date.now();
      }
    }
    base.drain_s = r1((Date.now() - t0) / 1000);
    const stats = await Promise.all(["pub", "fast", "slow", "probe"].map((k) => ask(children[k], "stats", "stats")));
    const [pubStats, fastStats, slowStats, probeStats] = stats;
    base.sent = pubStats.pub_seqs.reduce((a, b) => a + b, 0);
    for (const [name, s] of [["fast", fastStats], ["slow", slowStats]]) {
      let got = 0;
      let gaps = 0;
      let undelivered = 0;
      pubStats.pub_seqs.forEach((sent, d) => {
        const hi = s.hi[d] ?? -1;
        got += s.uniq[d] ?? 0;
        gaps += hi + 1 - (s.uniq[d] ?? 0);
        undelivered += sent - (hi + 1);
      });
      Object.assign(base, { [`${name}_received`]: got, [`${name}_dropped`]: gaps, [`${name}_undelivered`]: undelivered, [`${name}_late`]: s.late, [`${name}_closed`]: s.closed_by_broker });
    }
    base.probe_lost = probeStats.probe_lost;
    base.pub_closed = pubStats.closed_by_broker;
    base.probe_closed = probeStats.closed_by_broker;
    base.rss_after_drain_kb = readRss(pid).rss_kb;

    // The broker must still serve a newcomer, and still be there once the subscribers have gone.
    const fresh = await connectCheck(broker.port, 5000, true);
    base.fresh_connect_ok = fresh.ok;
    base.fresh_connack_ms = fresh.connack_ms ?? null;
    base.fresh_echo_ms = fresh.echo_ms ?? null;
    for (const k of ["fast", "slow", "probe", "pub"]) await finishChild(children[k], 5000);
    await sleep(2000);
    const after = alive(pid) ? await connectCheck(broker.port, 5000, true) : { ok: false, error: "process gone" };
    base.alive_after_ok = after.ok;
    base.rss_hwm_kb = readRss(pid).hwm_kb;
    sampling = false;
    await rssLoop;
    base.rss_peak_kb = peak;
    if (!fresh.ok) base.errors.push(`a new client could not connect and get its own message back after the flood: ${fresh.error}`);
    if (!after.ok) base.errors.push(`the broker did not serve a client once the subscribers had gone (${after.error}): ${lastLines(tailOf(broker), 3)}`);
    if (base.fast_closed > 0) base.warnings.push("the broker closed the fast subscriber's connection");
    if (base.probe_lost > 0 || base.probe_closed > 0) base.warnings.push(`the unrelated client lost ${base.probe_lost} of ${base.probe_sent} round trips${base.probe_closed ? " and was disconnected" : ""}`);
  } catch (err) {
    base.errors.push(String(err?.message ?? err));
  } finally {
    sampling = false;
    for (const c of Object.values(children)) await finishChild(c, 2000);
    if (broker?.log) {
      base.hub_log_lines = { ...broker.log.levels };
      base.hub_log_samples = [...broker.log.samples];
      Object.assign(base, { hub_logged_drops: broker.log.dropped, hub_drop_lines: broker.log.dropLines, hub_cut_lines: broker.log.cut, hub_behind_lines: broker.log.hubBehind });
    }
    if (broker) {
      const stopped = broker.proc ? await stopTracked(broker.proc, 15_000) : await broker.stop();
      if (stopped.forced) base.stop_forced = true;
    }
    removeTempDir(dir);
  }
  base.ok = base.errors.length === 0;
  base.noisy = Math.max(base.pre_other_pct ?? 0, base.cpu_other_pct ?? 0) > opts.noiseLimit;
  base.bound = base.cpu_broker_pct == null ? undefined : base.cpu_broker_pct >= 90 ? "broker" : base.cpu_pub_pct >= 90 ? "publishers" : "neither";
  return base;
}

/** One round: each broker in turn (the order rotates by round); a noisy run is repeated up to --retries times. */
export async function runFlood(ctx, round) {
  const attempts = [];
  const shift = (round - 1) % FLOOD.variants.length;
  for (const variant of [...FLOOD.variants.slice(shift), ...FLOOD.variants.slice(0, shift)]) {
    if (ctx.interrupted()) break;
    attempts.push(...(await attemptsWhileNoisy(ctx, () => runOnce(ctx, variant, round))));
  }
  return attempts;
}

export { floodProgress, floodRows, renderFloodDetails } from "./flood-report.mjs";
