// The `soak` scenario of `npm run bench` (issue 7): does the shipped hub grow under a home's steady load with bursts?
//
// One round, all on loopback, every process tracked and stopped at the end (processes.mjs):
//   hub     dist/server.js (fresh data dir, anonymous MQTT, HEARTH_MDNS=false) with a preload, soak-eld.mjs, that
//           prints the main thread's event-loop delay every sample interval (the hub's code is untouched)
//   sim     npm run simulate's devices (scripts/simulate/main.ts --devices 100: 20 homes of Zigbee2MQTT, Tasmota
//           and ESPHome connections, one state message per device per second; BENCH_SOAK_DEVICES)
//   burst   soak-burst.mjs: 2,000 messages in one second to the simulator's numeric sensors every 60 s (every
//           duration/3 when the soak is shorter than 3 minutes), first one half an interval in
// After a warm-up (60 s, or 20 s for soaks under 5 minutes; BENCH_SOAK_WARMUP_S), every 5 s for --duration
// (default 600, --quick 60): hub RSS (/proc), hub CPU, the event-loop delay lines of that interval and one
// GET /api/health timed from here. Reported: RSS at the start and end, least-squares slopes of the RSS floors (the
// lowest RSS of each burst period, what is left after GC; every sample's slope for a soak under three periods) in
// MiB/min and of the event-loop delay p99 (ms/min), a verdict per slope against its threshold, and the main
// thread's heap floors. The samples are in the JSON.
// Run only it: npm run bench -- --scenarios soak --duration 60
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { lastLines } from "./brokers.mjs";
import { startHub } from "./history-disk.mjs";
import { cleanEnv, cpuDelta, cpuSnapshot, finishChild, spawnProtocol } from "./history-procs.mjs";
import { makeTempDir, readRss, removeTempDir, sleep, spawnTracked, stopTracked } from "./processes.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOAK = {
  devices: Number(process.env.BENCH_SOAK_DEVICES) || 100,
  burstCount: 2000,
  burstEveryS: 60,
  sampleEveryS: 5,
  rssSlopeLimitMibPerMin: 1,
  eldSlopeLimitMsPerMin: 0.5,
};
const LEVELS = { 40: "warn", 50: "error", 60: "fatal" };

const r2 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);
const r3 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

/** Least-squares slope of y over x (per unit of x), or null with fewer than 3 points. */
export function slope(points) {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (pts.length < 3) return null;
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  const sxx = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx === 0 ? null : pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
}

function percentile(values, p) {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
}

async function timedHealth(httpPort) {
  const t0 = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/api/health`, { signal: AbortSignal.timeout(10_000) });
    const body = await res.json();
    return { ms: performance.now() - t0, clients: body?.mqtt?.clients ?? null, ok: res.ok };
  } catch {
    return { ms: null, clients: null, ok: false };
  }
}

/** The hub's stdout: event-loop delay lines from the preload, and counts of warn/error log lines. */
function hubLines() {
  const eld = [];
  const logged = {};
  const firstLogged = [];
  return {
    eld,
    logged,
    firstLogged,
    onLine: (line) => {
      if (line.startsWith("@@bench ")) {
        try {
          const msg = JSON.parse(line.slice(8));
          if (msg.ev === "eld" && eld.length < 10_000) eld.push(msg);
        } catch {
          // a torn line; the next interval has another
        }
        return;
      }
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      const level = LEVELS[entry?.level];
      if (!level) return;
      logged[level] = (logged[level] ?? 0) + 1;
      if (firstLogged.length < 3) firstLogged.push(`${level}: ${entry.msg ?? ""}`.slice(0, 160));
    },
  };
}

async function runOnce(ctx, round) {
  const { root, opts } = ctx;
  const durationS = opts.soakDuration;
  const warmupS = Number(process.env.BENCH_SOAK_WARMUP_S) || (durationS >= 300 ? 60 : 20);
  const burstEveryS = durationS >= 3 * SOAK.burstEveryS ? SOAK.burstEveryS : Math.max(5, Math.round(durationS / 3));
  const base = {
    scenario: "soak",
    variant: "hub",
    round,
    started: new Date().toISOString(),
    errors: [],
    warnings: [],
    duration_s: durationS,
    warmup_s: warmupS,
    sample_every_s: SOAK.sampleEveryS,
    sim_devices: SOAK.devices,
    burst_count: SOAK.burstCount,
    burst_every_s: burstEveryS,
    mqtt_anonymous: true,
    rss_slope_limit_mib_per_min: SOAK.rssSlopeLimitMibPerMin,
    eld_slope_limit_ms_per_min: SOAK.eldSlopeLimitMsPerMin,
  };
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-soak-"));
  const lines = hubLines();
  const samples = [];
  const bursts = [];
  let hub;
  let sim;
  let burster;
  let simSent = null;
  try {
    hub = await startHub(root, dir, {
      nodeFlags: ["--import", path.join(here, "soak-eld.mjs")],
      env: { BENCH_SOAK_ELD_MS: String(SOAK.sampleEveryS * 1000) },
      onLine: lines.onLine,
    });
    const pid = hub.proc.pid;
    const url = `mqtt://127.0.0.1:${hub.mqttPort}`;
    const simSeconds = warmupS + durationS + 60; // ends by itself should we fail to stop it
    sim = spawnTracked(process.execPath, ["--import", "tsx", "scripts/simulate/main.ts", "--url", url, "--devices", String(SOAK.devices), "--duration", String(simSeconds), "--seed", "1"], {
      cwd: root,
      env: cleanEnv(),
      onLine: (line) => {
        const m = /^stopped \(.*\) after ([\d.]+) s: sent (\d+)/.exec(line);
        if (m) simSent = { seconds: Number(m[1]), messages: Number(m[2]) };
      },
    });
    const warmEnd = Date.now() + warmupS * 1000;
    while (Date.now() < warmEnd) {
      if (hub.proc.hasExited()) throw new Error(`the hub exited during the warm-up: ${lastLines(hub.proc.tail(), 3)}`);
      if (sim.hasExited()) throw new Error(`simulator exited during the warm-up: ${lastLines(sim.tail(), 3)}`);
      await sleep(500);
    }
    burster = spawnProtocol(root, [path.join(here, "soak-burst.mjs"), "--url", url, "--every", String(burstEveryS), "--first", String(burstEveryS / 2), "--count", String(SOAK.burstCount), "--max-seconds", String(durationS + 60)]);
    const ready = await burster.waitFor("ready", 30_000).catch((err) => {
      throw hub.proc.hasExited() ? new Error(`the hub exited: ${lastLines(hub.proc.tail(), 3)}`) : err;
    });
    base.burst_topics = ready.topics;
    if (!ready.numeric) base.warnings.push("the burst found no numeric sensor configs; it published to bench/burst/* (no entities)");

    const pids = { hub: pid, sim: sim.pid, burst: burster.pid };
    const first = cpuSnapshot(pids);
    let prev = first;
    let eldSeen = lines.eld.length; // lines from before the window (start-up, warm-up) are not samples
    const t0 = Date.now();
    const n = Math.max(1, Math.round(durationS / SOAK.sampleEveryS));
    for (let i = 1; i <= n && !ctx.interrupted(); i++) {
      const due = t0 + i * SOAK.sampleEveryS * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      if (hub.proc.hasExited()) throw new Error(`the hub exited during the soak: ${lastLines(hub.proc.tail(), 3)}`);
      const rss = readRss(pid);
      const now = cpuSnapshot(pids);
      const cpu = cpuDelta(prev, now);
      prev = now;
      const health = await timedHealth(hub.httpPort);
      const eld = lines.eld.slice(eldSeen);
      eldSeen = lines.eld.length;
      const burstsNow = burster.samples.filter((s) => s.type === "burst").length;
      samples.push({
        t_s: r2((Date.now() - t0) / 1000),
        rss_kb: rss.rss_kb,
        hwm_kb: rss.hwm_kb,
        cpu_hub_pct: cpu.hub,
        cpu_other_pct: cpu.other,
        eld_p50_ms: eld.length ? Math.max(...eld.map((e) => e.p50_ms)) : null,
        eld_p99_ms: eld.length ? Math.max(...eld.map((e) => e.p99_ms)) : null,
        eld_max_ms: eld.length ? Math.max(...eld.map((e) => e.max_ms)) : null,
        heap_mib: eld.length ? Math.min(...eld.map((e) => e.heap_mib ?? Infinity)) : null,
        health_ms: r2(health.ms),
        clients: health.clients,
        bursts: burstsNow,
      });
    }
    const whole = cpuDelta(first, cpuSnapshot(pids));
    Object.assign(base, { cpu_hub_pct: whole.hub, cpu_sim_pct: whole.sim, cpu_burst_pct: whole.burst, cpu_other_pct_window: whole.other });
    bursts.push(...burster.samples.filter((s) => s.type === "burst"));
  } catch (err) {
    base.errors.push(String(err?.message ?? err));
  } finally {
    if (burster) await finishChild(burster, 5000);
    if (sim) await stopTracked(sim, 15_000); // SIGTERM: it publishes each device's offline state first
    if (hub) {
      const stopped = await stopTracked(hub.proc, 15_000);
      if (stopped.forced) base.warnings.push("the hub needed SIGKILL to stop");
    }
    removeTempDir(dir);
  }
  Object.assign(base, summarizeSamples(samples, burstEveryS), {
    samples,
    bursts: bursts.map((b) => ({ at: b.at, sent: b.sent, ms: b.ms })),
    bursts_sent: bursts.length,
    sim_messages: simSent?.messages ?? null,
    hub_log_lines: { ...lines.logged },
    hub_log_samples: lines.firstLogged,
  });
  if (samples.length === 0 && base.errors.length === 0) base.errors.push("no samples taken");
  if (samples.some((s) => s.rss_kb == null)) base.errors.push("the hub's RSS could not be read in some samples");
  if (base.cpu_other_pct_window > ctx.opts.noiseLimit) base.warnings.push(`other processes used ${base.cpu_other_pct_window} % of a core during the soak`);
  base.ok = base.errors.length === 0;
  base.noisy = false; // a soak is not repeated: its figures are about growth over time, not one window's speed
  base.cpu_gen_pct = r2((base.cpu_sim_pct ?? 0) + (base.cpu_burst_pct ?? 0));
  base.cpu_broker_pct = base.cpu_hub_pct;
  base.cpu_other_pct = base.cpu_other_pct_window;
  return base;
}

/**
 * The lowest value of each window (one burst period): what is left after the garbage collector and the allocator
 * gave memory back. A sawtooth (a burst, then GC) makes the slope over every sample depend on where the run
 * stops; the floors grow only when something is kept. A window the run ended in is left out (its floor may not
 * have come yet).
 */
export function floors(samples, key, windowS) {
  const byWindow = new Map();
  const lastT = Math.max(...samples.map((s) => s.t_s));
  for (const s of samples) {
    const v = s[key];
    if (v == null || !Number.isFinite(v)) continue;
    const w = Math.floor(s.t_s / windowS);
    if ((w + 1) * windowS > lastT) continue;
    const seen = byWindow.get(w);
    if (!seen || v < seen.y) byWindow.set(w, { x: (w + 0.5) * (windowS / 60), y: v });
  }
  return [...byWindow.values()].sort((a, b) => a.x - b.x);
}

/** Start/end, slopes and verdicts over the samples: RSS and heap judged by their floors per burst period. */
function summarizeSamples(samples, windowS) {
  if (samples.length === 0) return {};
  const minutes = (s) => s.t_s / 60;
  const allSlope = slope(samples.map((s) => ({ x: minutes(s), y: s.rss_kb / 1024 })));
  const rssFloors = floors(samples.map((s) => ({ ...s, rss_mib: s.rss_kb / 1024 })), "rss_mib", windowS);
  const heapFloors = floors(samples, "heap_mib", windowS);
  // Three floors or more: their slope; a shorter run falls back on every sample's.
  const rssSlope = rssFloors.length >= 3 ? slope(rssFloors) : allSlope;
  const heapSlope = heapFloors.length >= 3 ? slope(heapFloors) : null;
  const eldSlope = slope(samples.filter((s) => s.eld_p99_ms != null).map((s) => ({ x: minutes(s), y: s.eld_p99_ms })));
  const eldP99 = samples.map((s) => s.eld_p99_ms).filter((v) => v != null);
  const health = samples.map((s) => s.health_ms).filter((v) => v != null);
  const verdict = (value, limit) => (value == null ? "n/a" : value <= limit ? "no growth" : "grows");
  return {
    rss_start_kb: samples[0].rss_kb,
    rss_end_kb: samples.at(-1).rss_kb,
    rss_max_kb: Math.max(...samples.map((s) => s.rss_kb ?? 0)),
    rss_slope_mib_per_min: r3(rssSlope),
    rss_slope_basis: rssFloors.length >= 3 ? `floors of ${rssFloors.length} ${windowS} s windows` : "every sample",
    rss_all_samples_slope_mib_per_min: r3(allSlope),
    rss_floors_mib: rssFloors.map((f) => r2(f.y)),
    rss_verdict: verdict(rssSlope, SOAK.rssSlopeLimitMibPerMin),
    heap_floors_mib: heapFloors.map((f) => r2(f.y)),
    heap_slope_mib_per_min: r3(heapSlope),
    eld_p99_median_ms: r3(percentile(eldP99, 50)),
    eld_p99_max_ms: r3(eldP99.length ? Math.max(...eldP99) : null),
    eld_max_ms: r3(Math.max(...samples.map((s) => s.eld_max_ms ?? 0))),
    eld_slope_ms_per_min: r3(eldSlope),
    eld_verdict: verdict(eldSlope, SOAK.eldSlopeLimitMsPerMin),
    health_p50_ms: r2(percentile(health, 50)),
    health_max_ms: r2(health.length ? Math.max(...health) : null),
    samples_n: samples.length,
  };
}

/** One attempt per round (a soak is not repeated when noisy). */
export async function runSoak(ctx, round) {
  if (ctx.interrupted()) return [];
  const result = await runOnce(ctx, round);
  result.try = 0;
  ctx.progress(result);
  return [result];
}

export { renderSoakDetails, soakProgress, soakRows } from "./soak-report.mjs";
