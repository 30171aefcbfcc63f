// The `history` scenario of `npm run bench` (issue 5's targets), in three phases per round, each with its own helper:
//
//   ingest   history-ingest.mjs   Z2M state messages at 10,000/s (50,000 state changes/s) through a real Hub:
//                                 changes/s, recorder rows/s and buffer, event-loop delay p50/p99/max in the hub,
//                                 drops, and rows in state_history = changes made; lower rates when 10,000/s fails
//   disk     history-disk.mjs     bytes on disk per recorded state change on `npm run simulate`'s traffic
//   queries  history-queries.mjs  7 days x 1/min of 20 sensors through HistoryReader.period and a year of hourly
//                                 statistics through StatisticsReader.during, cold and warm
//
// BENCH_HISTORY_PHASES=ingest,disk,queries (default all) runs a subset, e.g. to re-measure only the ingest.
// A phase that fails is reported as an error without stopping the others. A round whose phases saw other processes
// use more than 20 % of a core is noisy and repeated up to --retries times. Run only it:
// npm run bench -- --scenarios history --quick
import { diskPhase } from "./history-disk.mjs";
import { ingestPhase } from "./history-ingest.mjs";
import { queryPhase } from "./history-queries.mjs";
import { attemptsWhileNoisy } from "./run-scenario.mjs";

export { HISTORY_METRICS, historyProgress, renderHistoryDetails } from "./history-report.mjs";

async function runOnce(ctx, round) {
  const base = { scenario: "history", variant: "hub", round, started: new Date().toISOString(), errors: [], warnings: [] };
  const only = process.env.BENCH_HISTORY_PHASES?.split(",").map((s) => s.trim());
  for (const [name, phase] of [
    ["ingest", () => ingestPhase(ctx, round)],
    ["disk", () => diskPhase(ctx)],
    ["queries", () => queryPhase(ctx)],
  ]) {
    if (ctx.interrupted()) break;
    if (only && !only.includes(name)) continue;
    try {
      Object.assign(base, await phase());
    } catch (err) {
      base.errors.push(`${name}: ${String(err?.message ?? err)}`);
    }
  }
  base.ok = base.errors.length === 0;
  if (base.ingest_stop_forced) base.warnings.push("ingest: the hub needed SIGTERM/SIGKILL to stop");
  if (base.query_http_error) base.warnings.push(`queries over HTTP: ${base.query_http_error}`);
  if (base.disk_hub_stop_forced) base.warnings.push("disk: the hub needed SIGKILL to stop (its last recorder commit may be missing)");
  const other = Math.max(base.ingest_cpu_other_pct ?? 0, base.disk_cpu_other_pct ?? 0, base.query_cpu_other_pct ?? 0);
  base.noisy = other > ctx.opts.noiseLimit;
  // The shared CPU table: "gen" is the publisher, "broker" the hub process, during the ingest window.
  base.cpu_gen_pct = base.ingest_cpu_pub_pct;
  base.cpu_broker_pct = base.ingest_cpu_hub_pct;
  base.cpu_other_pct = other;
  const main = base.ingest_steps?.[0];
  if (main) base.bound = main.sustained ? "held" : `not held (${Object.entries(main.checks).filter(([, ok]) => !ok).map(([k]) => k).join(", ")})`;
  return base;
}

/** Every attempt of one round; a noisy one is repeated up to --retries times. */
export function runHistory(ctx, round) {
  return attemptsWhileNoisy(ctx, () => runOnce(ctx, round));
}
