// The history scenario's query phase: scripts/bench/history-query.ts (bundled) builds its database once per bench run
// (kept for the later rounds) and times the history page's reads; see that file for what is built and timed. Then
// the same two reads the chart makes, over HTTP against the shipped hub on a copy of that database (history-http.mjs).
import os from "node:os";
import path from "node:path";
import { httpRoundTrips } from "./history-http.mjs";
import { cpuDelta, cpuSnapshot, historyBundles, quietWait, spawnProtocol } from "./history-procs.mjs";
import { makeTempDir, stopTracked } from "./processes.mjs";

export const QUERY_GOALS = { history: 200, statistics: 100 };
/** history-query.ts's variants, in report order; `goal` names the target that applies. */
export const QUERY_VARIANTS = [
  { name: "history_chart", label: "history, 20 sensors x 7 days x 1/min, minimal_response + no_attributes (the chart's request)", goal: "history" },
  { name: "history_minimal", label: "history, same, minimal_response", goal: "history" },
  { name: "history_full", label: "history, same, full states (attributes)", goal: "history" },
  { name: "statistics_chart", label: "statistics, 1 sensor x 1 year hourly, mean/min/max/state (the chart's types)", goal: "statistics" },
  { name: "statistics_all", label: "statistics, same, all types", goal: "statistics" },
];
const BUILD_AND_TIME_TIMEOUT_MS = 900_000;

let dataDir; // built once per bench run

/** The query figures of one round, as `query_*` fields of the run. */
export async function queryPhase(ctx) {
  const { opts, root } = ctx;
  const bundles = await historyBundles(root);
  dataDir ??= makeTempDir(path.join(os.tmpdir(), "hearth-bench-hist-query-"));
  const preOther = await quietWait(opts);
  const args = [bundles.query, "--data", dataDir, "--cold", opts.quick ? "3" : "5", "--warm", opts.quick ? "5" : "9"];
  const child = spawnProtocol(root, args);
  try {
    const built = await child.waitFor("built", BUILD_AND_TIME_TIMEOUT_MS);
    const a = cpuSnapshot({ query: child.pid });
    const done = await child.waitFor("done", BUILD_AND_TIME_TIMEOUT_MS);
    const cpu = cpuDelta(a, cpuSnapshot({ query: child.pid }));
    const out = {
      query_setup: { ...done, timings: undefined, sizes: undefined, file_bytes: built.file_bytes },
      query_timings: done.timings,
      query_sizes: done.sizes,
      query_cpu_other_pct: Math.max(cpu.other ?? 0, preOther ?? 0),
    };
    for (const v of QUERY_VARIANTS) {
      const t = done.timings[v.name];
      out[`query_${v.name}_warm_ms`] = t?.warm.total_ms;
      out[`query_${v.name}_cold_ms`] = t?.cold.total_ms;
    }
    await stopTracked(child.proc, 2000);
    try {
      const http = await httpRoundTrips(ctx, dataDir, built, opts.quick ? 3 : 5);
      out.query_http = http;
      for (const [name, t] of Object.entries(http)) {
        out[`query_http_${name}_warm_ms`] = t.warm_ms;
        out[`query_http_${name}_cold_ms`] = t.cold_ms;
      }
    } catch (err) {
      out.query_http_error = String(err?.message ?? err);
    }
    return out;
  } finally {
    await stopTracked(child.proc, 2000);
  }
}
