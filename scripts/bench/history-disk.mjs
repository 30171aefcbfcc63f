// The history scenario's disk phase: bytes on disk per recorded state change, on the simulator's traffic.
// The shipped hub (dist/server.js, anonymous MQTT, fresh data dir) records `npm run simulate` (scripts/simulate:
// Zigbee2MQTT, Tasmota and ESPHome devices) for a bounded time; after the hub stopped (its recorder writes what it
// holds), the database is checkpointed (PRAGMA wal_checkpoint(TRUNCATE)) and its pages are counted per table and
// index with SQLite's dbstat virtual table (pages, not rows: free space inside pages counts, as on disk).
// Bytes per change = (state_history + state_attributes + recorder_contexts, with their indexes) / state rows;
// attribute sets are only referred to by state rows, and the contexts are counted whole (events share them: an
// upper bound). Home Assistant's figure for its current schema: about 84 bytes per state row.
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { HUB_NODE_FLAGS } from "../hub-runtime.mjs";
import { lastLines } from "./brokers.mjs";
import { cleanEnv, cpuDelta, cpuSnapshot } from "./history-procs.mjs";
import { freePort, makeTempDir, removeTempDir, sleep, spawnTracked, stopTracked, waitForHealth } from "./processes.mjs";

export const HA_BYTES_PER_STATE = 84;
const READY_TIMEOUT_MS = 90_000;
const COMMIT_MS = 1000;


/**
 * The production hub on `dataDir` (kept after it stops, unlike brokers.mjs's): anonymous MQTT, free ports.
 * `env` adds variables, `nodeFlags` node options (e.g. a preload), `onLine` sees the hub's stdout lines.
 */
export async function startHub(root, dataDir, { env = {}, nodeFlags = [], onLine } = {}) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const httpPort = await freePort();
    const mqttPort = await freePort();
    const proc = spawnTracked(process.execPath, [...HUB_NODE_FLAGS, ...nodeFlags, "dist/server.js"], {
      cwd: root,
      onLine,
      env: cleanEnv({
        HEARTH_DATA_DIR: dataDir,
        HEARTH_HOST: "127.0.0.1",
        HEARTH_HTTP_PORT: String(httpPort),
        HEARTH_MQTT_PORT: String(mqttPort),
        HEARTH_MQTT_ANONYMOUS: "true",
        HEARTH_MDNS: "false",
        HEARTH_LOG_LEVEL: "warn",
        ...env,
      }),
    });
    const ready = await waitForHealth(proc, httpPort, READY_TIMEOUT_MS);
    if (ready === "ok") return { proc, httpPort, mqttPort };
    await stopTracked(proc, 2000);
    if (!/already in use/.test(proc.tail()) || attempt === 3) throw new Error(`hub did not become healthy (${ready}): ${lastLines(proc.tail())}`);
  }
  throw new Error("unreachable");
}

/** Bytes per table/index from dbstat after a TRUNCATE checkpoint; falls back to the file size when dbstat is missing. */
function measure(file) {
  const db = new Database(file);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const rows = db.prepare("SELECT count(*) AS n FROM state_history").get().n;
    const events = db.prepare("SELECT count(*) AS n FROM recorder_events").get().n;
    const attributeSets = db.prepare("SELECT count(*) AS n FROM state_attributes").get().n;
    const contexts = db.prepare("SELECT count(*) AS n FROM recorder_contexts").get().n;
    const entities = db.prepare("SELECT count(*) AS n FROM recorder_entities").get().n;
    const pageSize = db.pragma("page_size", { simple: true });
    const pageCount = db.pragma("page_count", { simple: true });
    const freePages = db.pragma("freelist_count", { simple: true });
    let sizes;
    try {
      sizes = Object.fromEntries(db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all().map((r) => [r.name, r.bytes]));
    } catch {
      sizes = null;
    }
    const sum = (prefixes) => (sizes ? Object.entries(sizes).filter(([n]) => prefixes.some((p) => n === p || n.startsWith(`${p}_`))).reduce((a, [, b]) => a + b, 0) : null);
    // state_attributes_hash and recorder_contexts_context_id_unique are the tables' indexes (same prefix).
    const history = sum(["state_history"]);
    const attributes = sum(["state_attributes"]);
    const contextBytes = sum(["recorder_contexts"]);
    const entityBytes = sum(["recorder_entities"]);
    const total = sizes ? history + attributes + contextBytes : null;
    return {
      method: sizes ? "dbstat" : "file size after wal_checkpoint(TRUNCATE)",
      rows,
      events,
      attribute_sets: attributeSets,
      contexts,
      entities,
      page_size: pageSize,
      file_bytes: pageCount * pageSize,
      free_pages: freePages,
      state_history_bytes: history,
      state_attributes_bytes: attributes,
      recorder_contexts_bytes: contextBytes,
      recorder_entities_bytes: entityBytes,
      bytes_per_row: rows > 0 && total !== null ? total / rows : null,
      history_bytes_per_row: rows > 0 && history !== null ? history / rows : null,
    };
  } finally {
    db.close();
  }
}

/** Runs the simulator against a fresh hub; the figures as `disk_*` fields of the run. */
export async function diskPhase(ctx) {
  const { opts, root } = ctx;
  const seconds = opts.quick ? 20 : 60;
  const devices = 100; // 20 homes
  const rate = 1000;
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-hist-disk-"));
  let hub;
  let sim;
  try {
    hub = await startHub(root, dir);
    const a = cpuSnapshot({ hub: hub.proc.pid });
    let sent = null;
    sim = spawnTracked(process.execPath, ["--import", "tsx", "scripts/simulate/main.ts", "--url", `mqtt://127.0.0.1:${hub.mqttPort}`, "--devices", String(devices), "--rate", String(rate), "--duration", String(seconds), "--seed", "1"], {
      cwd: root,
      env: cleanEnv(),
      onLine: (line) => {
        const m = /^stopped \(.*\) after ([\d.]+) s: sent (\d+)/.exec(line);
        if (m) sent = { seconds: Number(m[1]), messages: Number(m[2]) };
      },
    });
    const timer = setTimeout(() => void stopTracked(sim, 5000), (seconds + 90) * 1000);
    const exit = await sim.exited;
    clearTimeout(timer);
    const cpu = cpuDelta(a, cpuSnapshot({ hub: hub.proc.pid }));
    if (exit.code !== 0 || sent === null) throw new Error(`simulator failed (exit ${exit.code}): ${lastLines(sim.tail(), 3)}`);
    await sleep(2 * COMMIT_MS);
    // SIGTERM: the hub stops its recorder, which writes what it still holds.
    const stopped = await stopTracked(hub.proc, 15_000);
    hub = undefined;
    const m = measure(path.join(dir, "hearth.db"));
    const out = {};
    for (const [k, v] of Object.entries(m)) out[`disk_${k}`] = v;
    return {
      ...out,
      disk_sim_devices: devices,
      disk_sim_rate: rate,
      disk_sim_seconds: sent.seconds,
      disk_sim_messages: sent.messages,
      disk_cpu_other_pct: cpu.other,
      disk_hub_stop_forced: stopped.forced,
    };
  } finally {
    if (sim) await stopTracked(sim, 3000);
    if (hub) await stopTracked(hub.proc, 5000);
    removeTempDir(dir);
  }
}
