// The ui scenario's hub: `NODE_ENV=production node <HUB_NODE_FLAGS> dist/server.js` as `npm start` runs it (no
// anonymous MQTT), on free loopback ports and a fresh data dir; set up through its own HTTP API (onboarding, an
// MQTT user), plus the /proc CPU readings of the hub, Chromium and the bench itself.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HUB_NODE_FLAGS } from "../hub-runtime.mjs";
import { lastLines } from "./brokers.mjs";
import { freePort, makeTempDir, removeTempDir, sleep, spawnTracked, stopTracked, waitForHealth } from "./processes.mjs";

const READY_TIMEOUT_MS = 60_000;
const PORT_ATTEMPTS = 3;
const HTTP_TIMEOUT_MS = 15_000;
export const OWNER = { name: "Bench Owner", username: "bench", password: "bench-ui-password-1" };

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("HEARTH_") && !k.startsWith("MQTT_BENCH_")) env[k] = v;
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

/** Starts the hub and waits for GET /api/health = 200; `stop()` ends it and removes its data dir. */
export async function startUiHub(root) {
  const dataDir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-ui-"));
  try {
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      const httpPort = await freePort();
      const mqttPort = await freePort();
      const logged = { warn: 0, error: 0, samples: [] };
      const proc = spawnTracked(process.execPath, [...HUB_NODE_FLAGS, "dist/server.js"], {
        cwd: root,
        onLine: (line) => {
          const level = /"level":(\d+)/.exec(line)?.[1];
          if (!level || Number(level) < 40) return;
          logged[Number(level) >= 50 ? "error" : "warn"]++;
          if (logged.samples.length < 3) logged.samples.push((/"msg":"([^"]*)"/.exec(line)?.[1] ?? line).slice(0, 160));
        },
        env: cleanEnv({
          NODE_ENV: "production",
          HEARTH_DATA_DIR: dataDir,
          HEARTH_HOST: "127.0.0.1",
          HEARTH_HTTP_PORT: String(httpPort),
          HEARTH_MQTT_PORT: String(mqttPort),
          HEARTH_MQTT_ANONYMOUS: "false",
          HEARTH_MDNS: "false",
          HEARTH_LOG_LEVEL: "warn",
        }),
      });
      const t0 = Date.now();
      const ready = await waitForHealth(proc, httpPort, READY_TIMEOUT_MS);
      if (ready === "ok") {
        return {
          pid: proc.pid,
          httpPort,
          mqttPort,
          base: `http://127.0.0.1:${httpPort}`,
          startMs: Date.now() - t0,
          logged,
          stop: async () => {
            const { forced } = await stopTracked(proc, 5000);
            removeTempDir(dataDir);
            return { forced };
          },
        };
      }
      await stopTracked(proc, 2000);
      if (!/already in use/.test(proc.tail()) || attempt === PORT_ATTEMPTS) throw new Error(`hub did not become healthy (${ready}): ${lastLines(proc.tail())}`);
    }
    throw new Error("unreachable");
  } catch (err) {
    removeTempDir(dataDir);
    throw err;
  }
}


/** JSON over HTTP with the owner's session cookie; throws with the status and body on anything but 2xx. */
export async function call(hub, method, urlPath, body) {
  const headers = { accept: "application/json" };
  if (hub.cookie) headers.cookie = hub.cookie;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${hub.base}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text.slice(0, 200)}`);
  return { res, data: text ? JSON.parse(text) : null };
}

/** Onboards the owner (the session cookie is kept on `hub`) and creates an MQTT user; returns its credentials. */
export async function setUpHome(hub) {
  const { res } = await call(hub, "POST", "/api/onboarding", {
    name: OWNER.name,
    username: OWNER.username,
    password: OWNER.password,
    location_name: "Bench Home",
    time_zone: "Europe/Berlin",
    unit_system: "metric",
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith("hearth_session="));
  if (!session) throw new Error("onboarding answered without a session cookie");
  hub.cookie = session.split(";")[0];
  const { data } = await call(hub, "POST", "/api/mqtt-users", { username: "ui-bench-bridge", description: "npm run bench: ui scenario" });
  if (typeof data?.password !== "string") throw new Error("POST /api/mqtt-users answered without a password");
  return { username: "ui-bench-bridge", password: data.password };
}

/** Polls `probe` every 250 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function pollFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last.value !== undefined) return last.value;
    await sleep(250);
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s (${last?.progress ?? "no answer"})`);
}

// ------------------------------------------------------------------ CPU from /proc

const CLK_TCK = 100;

function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), comm: s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")) };
  } catch {
    return null;
  }
}

/** Every process below `root` (the bench) whose name says Chromium: the browser Playwright launched. */
function chromiumTicks(root) {
  const parent = new Map();
  const stats = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(name);
    if (!st) continue;
    parent.set(Number(name), st.ppid);
    stats.set(Number(name), st);
  }
  let ticks = 0;
  for (const [pid, st] of stats) {
    if (!/chrom/i.test(st.comm)) continue;
    for (let p = parent.get(pid), hops = 0; p && hops < 20; p = parent.get(p), hops++) {
      if (p === root) {
        ticks += st.ticks;
        break;
      }
    }
  }
  return ticks;
}

function sysStat() {
  const l = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: l.reduce((a, b) => a + b, 0), idle: l[3] + (l[4] ?? 0) };
}

/** A CPU reading of the hub, Chromium, this process and the whole machine. */
export function cpuSnapshot(hubPid) {
  const self = process.cpuUsage();
  return { t: process.hrtime.bigint(), sys: sysStat(), hub: procStat(hubPid)?.ticks ?? null, chromium: chromiumTicks(process.pid), self: (self.user + self.system) / 1e4 };
}

const r1 = (x) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

/** % of one core over a..b: hub, chromium, bench (publisher + Playwright), other = the rest of the machine. */
export function cpuDelta(a, b) {
  const wall = Number(b.t - a.t) / 1e9;
  const pct = (ticks) => r1((ticks / CLK_TCK / wall) * 100);
  const hub = a.hub == null || b.hub == null ? 0 : b.hub - a.hub;
  const chromium = Math.max(0, b.chromium - a.chromium); // a renderer that exited takes its ticks along
  const self = b.self - a.self;
  const dt = b.sys.total - a.sys.total;
  const busy = dt > 0 ? ((dt - (b.sys.idle - a.sys.idle)) / dt) * os.cpus().length * wall * CLK_TCK : 0;
  return { hub: pct(hub), chromium: pct(chromium), bench: pct(self), other: pct(Math.max(0, busy - hub - chromium - self)) };
}

/** Waits (up to quietWait s) for 1 s in which other processes use < noiseLimit % of a core; returns that %. */
export async function quietWait(opts, hubPid) {
  const deadline = Date.now() + opts.quietWait * 1000;
  let other = null;
  do {
    const a = cpuSnapshot(hubPid);
    await sleep(1000);
    other = cpuDelta(a, cpuSnapshot(hubPid)).other;
    if (other <= opts.noiseLimit) break;
  } while (Date.now() < deadline);
  return other;
}
