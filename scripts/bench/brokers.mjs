// The two brokers under test, each started fresh for every run: the hub as the real production process
// (dist/server.js, its own data dir and ports) and the plain aedes@1.2.0 of the shared harness.
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { HUB_NODE_FLAGS } from "../hub-runtime.mjs";
import { freePort, makeTempDir, removeTempDir, spawnTracked, stopTracked, waitForHealth } from "./processes.mjs";

const HUB_READY_TIMEOUT_MS = 60_000; // a cold start on a Pi-class box is a few seconds; this box ~2 s
const AEDES_READY_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3; // a port picked as free can be taken by a colleague's server before we bind it
const MQTT_USER = "bench";
const LEVELS = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** The environment for the hub and its CLI: ours, minus any HEARTH_* / MQTT_BENCH_* settings of the caller. */
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("HEARTH_") && !k.startsWith("MQTT_BENCH_")) env[k] = v;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

/**
 * Starts `NODE_ENV=production node dist/server.js` on free loopback ports with a fresh data dir and waits for
 * GET /api/health to answer 200. With `auth`, anonymous MQTT is off and an MQTT user is created first.
 */
export async function startHub(root, { auth = false } = {}) {
  const dataDir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-"));
  try {
    let credentials;
    if (auth) credentials = await addMqttUser(root, dataDir);
    for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      const httpPort = await freePort();
      const mqttPort = await freePort();
      const log = hubLogCounter();
      const proc = spawnTracked(process.execPath, [...HUB_NODE_FLAGS, "dist/server.js"], {
        cwd: root,
        onLine: log.onLine,
        env: cleanEnv({
          NODE_ENV: "production",
          HEARTH_DATA_DIR: dataDir,
          HEARTH_HOST: "127.0.0.1",
          HEARTH_HTTP_PORT: String(httpPort),
          HEARTH_MQTT_PORT: String(mqttPort),
          HEARTH_MQTT_ANONYMOUS: auth ? "false" : "true",
          HEARTH_MDNS: "false",
          HEARTH_LOG_LEVEL: "warn",
        }),
      });
      const t0 = Date.now();
      const ready = await waitForHealth(proc, httpPort, HUB_READY_TIMEOUT_MS);
      if (ready === "ok") {
        log.reset(); // our own health polls before start-up completed are not the hub's doing
        return {
          kind: auth ? "hub-auth" : "hub",
          pid: proc.pid,
          port: mqttPort,
          httpPort,
          startMs: Date.now() - t0,
          credentials,
          logTail: proc.tail,
          logCounts: log.counts,
          logSamples: log.samples,
          stop: async () => {
            const { forced } = await stopTracked(proc, 5000);
            removeTempDir(dataDir);
            return { forced };
          },
        };
      }
      await stopTracked(proc, 2000);
      const busy = /already in use/.test(proc.tail());
      if (!busy || attempt === PORT_ATTEMPTS) {
        throw new Error(`hub did not become healthy (${ready}): ${lastLines(proc.tail())}`);
      }
    }
    throw new Error("unreachable");
  } catch (err) {
    removeTempDir(dataDir);
    throw err;
  }
}

/** The hub logs at warn here: what it prints under load is worth a look (e.g. "mqtt connection error"). */
function hubLogCounter() {
  let levels = {};
  let samples = [];
  return {
    onLine: (line) => {
      if (!line.trim()) return;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = undefined;
      }
      const level = LEVELS[entry?.level] ?? "other";
      levels[level] = (levels[level] ?? 0) + 1;
      if (entry && samples.length < 3) samples.push(`${level}: ${entry.msg ?? ""}${entry.err?.message ? ` (${entry.err.message})` : ""}`);
    },
    reset: () => {
      levels = {};
      samples = [];
    },
    counts: () => ({ ...levels }),
    samples: () => [...samples],
  };
}


/** `hearth mqtt-user add bench --password-stdin` on the data dir, before the hub starts. */
async function addMqttUser(root, dataDir) {
  const password = crypto.randomBytes(12).toString("hex");
  const proc = spawnTracked(process.execPath, ["dist/cli.js", "mqtt-user", "add", MQTT_USER, "--password-stdin"], {
    cwd: root,
    env: cleanEnv({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: "warn" }),
    stdin: "pipe",
  });
  proc.child.stdin.end(password);
  const timer = setTimeout(() => void stopTracked(proc, 1000), 60_000);
  const { code } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`hearth mqtt-user add failed (exit ${code}): ${lastLines(proc.tail())}`);
  return { username: MQTT_USER, password };
}

/** The shared harness's aedes-standalone.mjs (defaults, plain net server) on a free port. */
export async function startPlainAedes(harness, maxSeconds) {
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    let listening;
    const ready = new Promise((resolve) => {
      listening = resolve;
    });
    const proc = spawnTracked(
      process.execPath,
      [harness.aedes, "--port", String(port), "--host", "127.0.0.1", "--max-seconds", String(Math.ceil(maxSeconds))],
      { cwd: harness.dir, env: cleanEnv({}), onLine: (line) => line.includes('"listening"') && listening(true) },
    );
    const t0 = Date.now();
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), AEDES_READY_TIMEOUT_MS);
    });
    const ok = await Promise.race([ready, proc.exited.then(() => false), timeout]);
    clearTimeout(timer);
    if (ok) {
      return {
        kind: "aedes",
        pid: proc.pid,
        port,
        startMs: Date.now() - t0,
        logTail: proc.tail,
        stop: () => stopTracked(proc, 5000),
      };
    }
    await stopTracked(proc, 2000);
    if (!/EADDRINUSE/.test(proc.tail()) || attempt === PORT_ATTEMPTS) {
      throw new Error(`plain aedes did not start: ${lastLines(proc.tail())}`);
    }
  }
  throw new Error("unreachable");
}

/** The line that says what went wrong (`hearth: ...`, `...Error: ...`) and the last lines, for a one-line error. */
export function lastLines(text, n = 2) {
  const lines = text.trim().split("\n").filter((l) => l.trim());
  const cause = lines.find((l) => /^hearth:|Error\b|EADDRINUSE/.test(l));
  const picked = [...new Set([cause, ...lines.slice(-n)].filter(Boolean))];
  return picked.join(" | ").slice(0, 600) || "(no output)";
}
