// The history scenario's ingest phase: MQTT -> state store -> recorder -> SQLite in one real Hub process
// (scripts/bench/discovery-hub.ts --history, bundled) with the discovery bench's Z2M fleet: 2,000 devices x 5 sensor
// entities from retained configs; every state message changes all 5 of its device's entities. A separate publisher
// (state-publisher.ts --rate) sends at a fixed rate; the hub measures itself (history-probe.ts): event-loop delay
// over the window, state changes/s, recorder rows/s, its buffer, drops. After the load: rows in state_history
// against the changes made. When the target rate is not held, lower rates are tried (shorter windows) until one is.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HUB_NODE_FLAGS } from "../hub-runtime.mjs";
import { renderSummary, summarizeProfile } from "./cpuprofile-top.mjs";
import { cpuDelta, cpuSnapshot, finishChild, historyBundles, quietWait, spawnProtocol } from "./history-procs.mjs";
import { makeTempDir, removeTempDir, sleep, stopTracked } from "./processes.mjs";

const DEVICES = 2000;
const ENTITIES_PER_DEVICE = 5;
export const INGEST = { rate: 10_000, changesPerS: 10_000 * ENTITIES_PER_DEVICE, eldP99Ms: 20 };
/** Tried in turn after the target rate failed, until one is sustained. */
const STEP_DOWN = [8000, 6000, 4000, 2000, 1000];
// As in the discovery bench: the publisher stays at most this many messages ahead of what the hub decoded.
const AHEAD = 5000;
const COMMIT_MS = 1000; // the hub's default HEARTH_HISTORY_COMMIT_MS
const PRELOAD_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 300_000;
const DRAIN_MAX_MS = 60_000;
// Sustained ingest is judged after the hub's first seconds under load (JIT, 10,000 first values and attribute sets).
const MIN_WARMUP_S = 5; // a backlog in the recorder is written before the next rate is tried

let preloaded; // data dir with the fleet's retained configs, shared by the rounds of one bench run

async function ensurePreload(ctx, bundles) {
  if (preloaded) return preloaded;
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-hist-"));
  process.stderr.write(`  history: preloading ${DEVICES * ENTITIES_PER_DEVICE} retained configs (${DEVICES} devices)...\n`);
  const hub = spawnProtocol(ctx.root, [bundles.hub, "--mode", "preload", "--data", dir, "--devices", String(DEVICES), "--max-seconds", "600"]);
  try {
    const result = await hub.waitFor("preloaded", PRELOAD_TIMEOUT_MS);
    await hub.proc.exited;
    if (result.entities !== DEVICES * ENTITIES_PER_DEVICE || result.rejected > 0) throw new Error(`preload registered ${result.entities} entities, ${result.rejected} rejected`);
    preloaded = dir;
    return dir;
  } catch (err) {
    removeTempDir(dir);
    throw err;
  } finally {
    await stopTracked(hub.proc, 2000);
  }
}

const mean = (a) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : null);

/** Waits until the hub decoded every message sent (or nothing moved for 2 s), then until the recorder's buffer is empty. */
async function drain(hub, expectedMsgs) {
  const t0 = Date.now();
  let last = hub.lastSample();
  let movedAt = Date.now();
  while (Date.now() - t0 < DRAIN_MAX_MS) {
    await sleep(100);
    const s = hub.lastSample();
    if (s.msgs >= expectedMsgs && s.rec_pending === 0) break;
    if (s.msgs !== last.msgs || s.rec_recorded !== last.rec_recorded) movedAt = Date.now();
    else if (Date.now() - movedAt > 2 * COMMIT_MS + 1000) break;
    last = s;
  }
  const s = hub.lastSample();
  return { drain_ms: Date.now() - t0, undecoded: Math.max(0, expectedMsgs - s.msgs), pending_after_drain: s.rec_pending };
}

/** One fixed-rate run: `warmup` s, then the measured window of `window` s; the hub's and the publisher's figures. */
async function step(ctx, hub, port, rate, window) {
  const { opts } = ctx;
  const warmup = Math.max(opts.warmup, MIN_WARMUP_S);
  const preOther = await quietWait(opts, { hub: hub.pid });
  await sleep(200);
  const base = hub.lastSample();
  if (!base) throw new Error("no samples from the hub");
  let pub;
  const relay = setInterval(() => {
    const s = hub.lastSample();
    if (pub && s) pub.send(`acked ${s.msgs - base.msgs}`);
  }, 25);
  try {
    // The publisher runs until told to stop after the window (the hub may answer "history-mark" late when it is far
    // behind); the duration only bounds it.
    const duration = warmup + window + 90;
    const markedBy = (sentAt, marked) => Math.round((marked.t_us - sentAt) / 1000);
    pub = spawnProtocol(ctx.root, [
      "scripts/bench/state-publisher.ts",
      "--port", String(port),
      "--devices", String(DEVICES),
      "--duration", String(duration),
      "--rate", String(rate),
      "--ahead", String(AHEAD),
      "--max-messages", String(Math.ceil(rate * duration * 1.1)),
    ], { tsx: true });
    const started = await pub.waitFor("started", 30_000);
    await sleep(warmup * 1000);
    const markSentUs = Number(process.hrtime.bigint() / 1000n);
    hub.send("history-mark");
    // Generous: a hub far behind drains its MessagePort backlog before it reads stdin.
    const marked = await hub.waitFor("history-marked", 60_000);
    const a = cpuSnapshot({ hub: hub.pid, pub: pub.pid });
    await sleep(window * 1000);
    hub.send("history-read");
    const w = await hub.waitFor("history-window", 60_000);
    const cpu = cpuDelta(a, cpuSnapshot({ hub: hub.pid, pub: pub.pid }));
    pub.send("stop");
    const done = await pub.waitFor("done", 30_000);
    await stopTracked(pub.proc, 2000);
    pub = undefined;
    const drained = await drain(hub, base.msgs + done.sent);
    const perSecond = done.per_second ?? [];
    // The publisher's whole seconds inside the window (both stamp CLOCK_MONOTONIC microseconds).
    const fromS = Math.ceil((marked.t_us - started.t_us) / 1e6);
    const pubPerS = mean(perSecond.slice(fromS, Math.max(fromS + 1, Math.floor((w.t_us - started.t_us) / 1e6))));
    const waitedShare = done.waited_for_hub_ms / 1000 / Math.max(done.seconds, 0.001);
    // The recorder keeps up when its buffer never holds much more than what arrives between two commits.
    const pendingBound = Math.max(5000, 2.5 * (COMMIT_MS / 1000) * rate * ENTITIES_PER_DEVICE);
    const checks = {
      // In the window: a hub that holds the publisher back shows as a lower rate there (waits in the warm-up do not count).
      publisher_held_rate: pubPerS !== null && pubPerS >= 0.97 * rate,
      hub_kept_up: w.state_changes_per_s >= 0.97 * rate * ENTITIES_PER_DEVICE,
      recorder_bounded: w.pending_max <= pendingBound && w.pending_end <= pendingBound && drained.pending_after_drain === 0,
      no_drops: w.dropped === 0,
    };
    return {
      rate,
      window_s: w.window_s,
      pub_per_s: pubPerS,
      pub_waited_for_hub_ms: done.waited_for_hub_ms,
      pub_waited_share_pct: Math.round(waitedShare * 1000) / 10,
      pub_max_behind: done.max_behind,
      pub_sent: done.sent,
      mark_latency_ms: markedBy(markSentUs, marked),
      ...w,
      window_us: [marked.t_us, w.t_us],
      pending_bound: pendingBound,
      ...drained,
      cpu_hub_pct: cpu.hub,
      cpu_pub_pct: cpu.pub,
      cpu_other_pct: Math.max(cpu.other ?? 0, preOther ?? 0),
      checks,
      sustained: Object.values(checks).every(Boolean),
      eld_ok: w.eld_p99_ms < INGEST.eldP99Ms,
    };
  } finally {
    clearInterval(relay);
    if (pub) await stopTracked(pub.proc, 1000);
  }
}

function profileDir(ctx, round) {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  const dir = path.join(ctx.root, "bench-results", "profiles", `history-${stamp}-r${round}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The hub's main thread over the target rate's window: where its time went (summary.md beside the profiles). */
function summarizeMainThread(dir, [fromUs, toUs]) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const main = files.find((f) => Number(f.split(".").at(-3)) === 0);
  if (!main) return null;
  const s = summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, main), "utf8")), { fromUs, toUs });
  fs.writeFileSync(path.join(dir, "summary.md"), `${renderSummary(`ingest window, main thread (${main})`, s, 30)}\n`);
  return { file: main, busy_ms: Math.round(s.total_ms - s.idle_ms), total_ms: Math.round(s.total_ms), self: s.self.slice(0, 15), areas: s.areas.slice(0, 10), inclusive: s.inclusive.slice(0, 30) };
}

/** The ingest figures of one round, as `ingest_*` fields of the run. */
export async function ingestPhase(ctx, round) {
  const { opts } = ctx;
  const bundles = await historyBundles(ctx.root);
  const source = await ensurePreload(ctx, bundles);
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-hist-run-"));
  fs.cpSync(source, dir, { recursive: true });
  const profDir = opts.cpuProf ? profileDir(ctx, round) : null;
  // Profiled runs keep tsx so that the profiles name source files.
  const script = profDir ? "scripts/bench/discovery-hub.ts" : bundles.hub;
  const nodeFlags = [...(process.env.BENCH_HUB_DEFAULT_RUNTIME ? [] : HUB_NODE_FLAGS), ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [])];
  const hub = spawnProtocol(ctx.root, [script, "--mode", "start", "--data", dir, "--devices", String(DEVICES), "--history", "--max-seconds", "1200"], { nodeFlags, tsx: Boolean(profDir) });
  const out = { ingest_profile_dir: profDir && path.relative(ctx.root, profDir) };
  try {
    const started = await hub.waitFor("started", START_TIMEOUT_MS);
    const port = started.mqtt_port;
    hub.send("history-base");
    await hub.waitFor("history-based", 60_000);
    const main = await step(ctx, hub, port, INGEST.rate, opts.latencyDuration);
    const steps = [main];
    if (!main.sustained) {
      for (const rate of STEP_DOWN) {
        if (ctx.interrupted()) break;
        const s = await step(ctx, hub, port, rate, opts.duration);
        steps.push(s);
        if (s.sustained) break;
      }
    }
    hub.send("history-verify");
    const verified = await hub.waitFor("history-verified", 120_000);
    const stopped = await finishChild(hub);
    const best = steps.filter((s) => s.sustained).sort((x, y) => y.rate - x.rate)[0];
    Object.assign(out, {
      ingest_rate: main.rate,
      ingest_window_s: main.window_s,
      ingest_pub_per_s: main.pub_per_s,
      ingest_changes_per_s: main.state_changes_per_s,
      ingest_rows_per_s: main.rows_per_s,
      ingest_eld_p50_ms: main.eld_p50_ms,
      ingest_eld_p99_ms: main.eld_p99_ms,
      ingest_eld_max_ms: main.eld_max_ms,
      ingest_pending_max: main.pending_max,
      ingest_dropped: verified.dropped,
      ingest_last_commit_ms: main.last_commit_ms,
      ingest_commit_ms_max: main.commit_ms_max,
      ingest_cpu_hub_pct: main.cpu_hub_pct,
      ingest_cpu_pub_pct: main.cpu_pub_pct,
      ingest_cpu_other_pct: main.cpu_other_pct,
      ingest_sustained: main.sustained,
      ingest_best_rate: best?.rate ?? 0,
      ingest_best_changes_per_s: best?.state_changes_per_s ?? 0,
      ingest_rows: verified.rows,
      ingest_rows_expected: verified.expected,
      ingest_rows_missing: verified.expected - verified.rows,
      ingest_verified: verified,
      ingest_steps: steps,
      ingest_stop_forced: stopped.forced,
    });
    if (profDir) out.ingest_profile = summarizeMainThread(profDir, main.window_us);
    return out;
  } finally {
    await stopTracked(hub.proc, 2000);
    removeTempDir(dir);
  }
}
