// The history scenario's child processes and CPU readings: children speaking the "@@bench {json}" line protocol
// (scripts/bench/discovery-hub.ts --history, state-publisher.ts, history-query.ts), the bundles they run from, and
// per-process CPU from /proc with "other" = the rest of the machine (the noise figure).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build as esbuild } from "esbuild";
import { lastLines } from "./brokers.mjs";
import { sleep, spawnTracked, stopTracked } from "./processes.mjs";

/** The environment for our children: ours, minus any HEARTH_* / MQTT_BENCH_* settings of the caller. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("HEARTH_") && !k.startsWith("MQTT_BENCH_")) env[k] = v;
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

let bundled;

/**
 * discovery-hub.ts (with its broker-worker.js sibling) and history-query.ts bundled by esbuild into
 * dist/bench/history/, as scripts/build.mjs builds dist/: run by plain node, no tsx loader in the figures.
 */
export async function historyBundles(root) {
  if (bundled) return bundled;
  const outdir = path.join(root, "dist", "bench", "history");
  await esbuild({
    absWorkingDir: root,
    entryPoints: {
      "discovery-hub": "scripts/bench/discovery-hub.ts",
      "broker-worker": "server/mqtt/broker-worker.ts",
      "history-query": "scripts/bench/history-query.ts",
    },
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    tsconfig: "tsconfig.json",
  });
  bundled = { hub: path.join(outdir, "discovery-hub.js"), query: path.join(outdir, "history-query.js") };
  return bundled;
}

/** A child speaking the "@@bench {json}" protocol: events to wait for, samples kept (bounded), stdin commands. */
export function spawnProtocol(root, args, { nodeFlags = [], tsx = false, env = cleanEnv() } = {}) {
  const events = [];
  const waiters = new Set();
  const samples = [];
  let lastSample;
  const proc = spawnTracked(process.execPath, [...nodeFlags, ...(tsx ? ["--import", "tsx"] : []), ...args], {
    cwd: root,
    env,
    stdin: "pipe",
    onLine: (line) => {
      if (!line.startsWith("@@bench ")) return;
      let msg;
      try {
        msg = JSON.parse(line.slice(8));
      } catch {
        return;
      }
      if (msg.ev === "sample" || msg.ev === "mark") {
        lastSample = msg;
        samples.push(msg);
        if (samples.length > 20_000) samples.splice(0, 10_000);
      } else events.push(msg);
      for (const w of waiters) w();
    },
  });
  proc.child.stdin.on("error", () => undefined); // EPIPE when the child is gone
  const name = path.basename(args[0]);
  const send = (line) => {
    if (!proc.hasExited() && proc.child.stdin.writable) proc.child.stdin.write(`${line}\n`);
  };
  /** The first event named `ev` not consumed yet; rejects on an "error" event, exit or timeout. */
  const waitFor = (ev, timeoutMs) =>
    new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const hit = events.findIndex((e) => e.ev === ev);
        const err = events.find((e) => e.ev === "error");
        let outcome;
        if (hit >= 0) outcome = () => resolve(events.splice(hit, 1)[0]);
        else if (err) outcome = () => reject(new Error(`${name}: ${err.message}`));
        else if (proc.hasExited()) outcome = () => reject(new Error(`${name} exited before "${ev}": ${lastLines(proc.tail(), 3)}`));
        if (!outcome) return;
        clearTimeout(timer);
        waiters.delete(check);
        outcome();
      };
      timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${name}: no "${ev}" within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      waiters.add(check);
      void proc.exited.then(check);
      check();
    });
  return { proc, pid: proc.pid, send, waitFor, samples, lastSample: () => lastSample };
}

/** "stop" on stdin, up to `graceMs` for a clean exit, then SIGTERM/SIGKILL. */
export async function finishChild(child, graceMs = 20_000) {
  if (!child) return { forced: false };
  child.send("stop");
  const exited = await Promise.race([child.proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
  const stopped = await stopTracked(child.proc, 3000);
  return { forced: !exited || stopped.forced };
}

// ------------------------------------------------------------------ CPU from /proc

const CLK_TCK = 100;

function procTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

function sysStat() {
  const l = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: l.reduce((a, b) => a + b, 0), idle: l[3] + (l[4] ?? 0) };
}

/** A reading of the named processes (pid or null), this process and the whole machine. */
export function cpuSnapshot(pids) {
  const procs = {};
  for (const [k, pid] of Object.entries(pids)) procs[k] = pid ? procTicks(pid) : null;
  const self = process.cpuUsage();
  return { t: process.hrtime.bigint(), sys: sysStat(), procs, self: (self.user + self.system) / 1e4 };
}

const r1 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

/** % of one core over a..b per named process, and `other` = everything else on the machine. */
export function cpuDelta(a, b) {
  const wall = Number(b.t - a.t) / 1e9;
  const out = {};
  let ours = b.self - a.self;
  for (const k of Object.keys(a.procs)) {
    const d = a.procs[k] == null || b.procs[k] == null ? null : b.procs[k] - a.procs[k];
    out[k] = d == null ? null : r1((d / CLK_TCK / wall) * 100);
    if (d != null) ours += d;
  }
  const dt = b.sys.total - a.sys.total;
  const busy = dt > 0 ? ((dt - (b.sys.idle - a.sys.idle)) / dt) * os.cpus().length * wall * CLK_TCK : 0;
  out.other = r1(Math.max(0, ((busy - ours) / CLK_TCK / wall) * 100));
  return out;
}

/** Waits (up to --quiet-wait s) for 1 s in which other processes use < noiseLimit % of a core; returns that %. */
export async function quietWait(opts, pids = {}) {
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
