// The history scenario's HTTP round trip (part of the query phase): the shipped hub (dist/server.js) on a copy of the
// query database, a user and a long-lived token made with the admin CLI (dist/cli.js), then the history page's two
// reads over loopback with the token: GET /api/history/period (minimal_response & no_attributes, the chart's request)
// and GET /api/history/statistics (the chart's types). Cold = the first request after the hub started (its route
// code loads then too); warm = median of the next ones.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { lastLines } from "./brokers.mjs";
import { startHub } from "./history-disk.mjs";
import { cleanEnv } from "./history-procs.mjs";
import { makeTempDir, removeTempDir, spawnTracked, stopTracked } from "./processes.mjs";

const CLI_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** `node dist/cli.js ARGS` on the data dir; answers its stdout. */
export async function cli(root, dataDir, args, stdin) {
  const proc = spawnTracked(process.execPath, ["dist/cli.js", ...args], { cwd: root, env: cleanEnv({ HEARTH_DATA_DIR: dataDir, HEARTH_LOG_LEVEL: "warn" }), stdin: "pipe" });
  let out = "";
  proc.child.stdout.on("data", (text) => (out += text));
  proc.child.stdin.end(stdin ?? "");
  const timer = setTimeout(() => void stopTracked(proc, 1000), CLI_TIMEOUT_MS);
  const { code } = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`hearth ${args.slice(0, 2).join(" ")} failed (exit ${code}): ${lastLines(proc.tail())}`);
  return out.trim();
}

async function timedGet(url, token) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`GET ${url.replace(/\?.*/, "")}: ${res.status} ${Buffer.from(body).toString("utf8").slice(0, 200)}`);
  return { ms, bytes: body.byteLength };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Round trips against a hub on a copy of `queryDir`; `layout` is history-query.ts's "built" event. */
export async function httpRoundTrips(ctx, queryDir, layout, warmRuns) {
  const { root } = ctx;
  const dir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-hist-http-"));
  let hub;
  try {
    for (const f of ["hearth.db", "hearth.db-wal"]) if (fs.existsSync(path.join(queryDir, f))) fs.copyFileSync(path.join(queryDir, f), path.join(dir, f));
    await cli(root, dir, ["user", "add", "bench", "--password-stdin"], crypto.randomBytes(12).toString("hex"));
    const token = await cli(root, dir, ["token", "create", "--user", "bench", "--name", "history bench"]);
    hub = await startHub(root, dir);
    const base = `http://127.0.0.1:${hub.httpPort}`;
    const iso = (ms) => new Date(ms).toISOString();
    const history = new URLSearchParams({ filter_entity_id: layout.chart_ids.join(","), end_time: iso(layout.end) });
    const statistics = new URLSearchParams({ statistic_ids: layout.chart_ids[0], period: "hour", start_time: iso(layout.end - layout.stat_days * 86_400_000), end_time: iso(layout.end), types: "mean,min,max,state" });
    const urls = {
      history_chart: `${base}/api/history/period/${iso(layout.end - layout.days * 86_400_000)}?${history.toString()}&minimal_response&no_attributes`,
      statistics_chart: `${base}/api/history/statistics?${statistics.toString()}`,
    };
    const out = {};
    for (const [name, url] of Object.entries(urls)) {
      const cold = await timedGet(url, token);
      const warm = [];
      for (let i = 0; i < warmRuns; i++) warm.push(await timedGet(url, token));
      out[name] = { cold_ms: cold.ms, warm_ms: median(warm.map((w) => w.ms)), warm_max_ms: Math.max(...warm.map((w) => w.ms)), bytes: cold.bytes, n: warm.length };
    }
    return out;
  } finally {
    if (hub) await stopTracked(hub.proc, 10_000);
    removeTempDir(dir);
  }
}
