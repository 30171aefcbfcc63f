// The history scenario in the bench report: goal rows for report.mjs's table, the progress line, and the details section.
import { HA_BYTES_PER_STATE } from "./history-disk.mjs";
import { INGEST } from "./history-ingest.mjs";
import { QUERY_GOALS, QUERY_VARIANTS } from "./history-queries.mjs";

const n0 = (x) => (x == null || !Number.isFinite(x) ? "-" : Math.round(x).toLocaleString("en-US"));
const f1 = (x) => (x == null || !Number.isFinite(x) ? "-" : x.toFixed(1));
const f2 = (x) => (x == null || !Number.isFinite(x) ? "-" : x.toFixed(2));

// The offered load is exactly the target: a window's count lands within a fraction of a per cent of it either way.
const CHANGES = { kind: "abs-min", value: 0.99 * INGEST.changesPerS, text: `>= ${n0(INGEST.changesPerS)}/s (1 % for the window's edges)` };
const ELD = { kind: "abs-max", value: INGEST.eldP99Ms, text: `< ${INGEST.eldP99Ms} ms` };
const ZERO = { kind: "abs-zero", text: "0" };
// Bounded: the buffer never holds much more than what arrives between two commits (1 s at 50,000/s).
const PENDING = { kind: "abs-max", value: 2.5 * INGEST.changesPerS, text: `< ${n0(2.5 * INGEST.changesPerS)} (2.5 s of changes)` };
const BYTES = { kind: "abs-max", value: HA_BYTES_PER_STATE, text: `< ${HA_BYTES_PER_STATE} (Home Assistant)` };

const queryRows = QUERY_VARIANTS.flatMap((v) => {
  const goal = { kind: "abs-max", value: QUERY_GOALS[v.goal], text: `< ${QUERY_GOALS[v.goal]} ms` };
  return [
    [`query_${v.name}_warm_ms`, `${v.label}: warm, median ms (reader + JSON)`, goal],
    [`query_${v.name}_cold_ms`, `${v.label}: cold (new connection), median ms`, goal],
  ];
});

export const HISTORY_METRICS = [
  ["ingest_changes_per_s", `ingest: state changes/s in the hub at ${n0(INGEST.rate)} Z2M msg/s (MQTT -> state -> recorder)`, CHANGES],
  ["ingest_eld_p99_ms", "ingest: hub event-loop delay p99, ms (monitorEventLoopDelay, 1 ms resolution)", ELD],
  ["ingest_eld_p50_ms", "ingest: event-loop delay p50, ms", null],
  ["ingest_eld_max_ms", "ingest: event-loop delay max, ms", null],
  ["ingest_rows_per_s", "ingest: recorder rows written/s in the window", null],
  ["ingest_pending_max", "ingest: recorder buffer peak, rows", PENDING],
  ["ingest_dropped", "ingest: changes dropped by the recorder", ZERO],
  ["ingest_rows_missing", "ingest: changes made minus rows in state_history after the run", ZERO],
  ["ingest_last_commit_ms", "ingest: last commit, ms (all its slices)", null],
  ["ingest_best_rate", "ingest: highest rate held, Z2M msg/s (x5 changes; recorder bounded, publisher not held back)", null],
  ["ingest_cpu_hub_pct", "ingest: hub process CPU % of one core", null],
  ...queryRows,
  ["query_http_history_chart_warm_ms", "over HTTP (shipped hub, Bearer token): the chart's history request, warm, median ms", null],
  ["query_http_history_chart_cold_ms", "over HTTP: the chart's history request, first after start, ms", null],
  ["query_http_statistics_chart_warm_ms", "over HTTP: the chart's statistics request, warm, median ms", null],
  ["query_http_statistics_chart_cold_ms", "over HTTP: the chart's statistics request, first after start, ms", null],
  ["disk_bytes_per_row", "disk: bytes per recorded state change (state_history + attribute sets + contexts; simulator)", BYTES],
  ["disk_history_bytes_per_row", "disk: of which state_history alone", null],
  ["disk_rows", "disk: state rows recorded from the simulator", null],
];

export function historyProgress(r) {
  const q = (name) => `${n0(r[`query_${name}_warm_ms`])}/${n0(r[`query_${name}_cold_ms`])}`;
  return (
    `ingest ${n0(r.ingest_changes_per_s)} changes/s, rows ${n0(r.ingest_rows_per_s)}/s, eld p99 ${f1(r.ingest_eld_p99_ms)} ms, ` +
    `pending max ${n0(r.ingest_pending_max)}, missing ${n0(r.ingest_rows_missing)}, best ${n0(r.ingest_best_rate)} msg/s; ` +
    `disk ${f1(r.disk_bytes_per_row)} B/row (${n0(r.disk_rows)} rows); history chart/full ${q("history_chart")}/${q("history_full")} ms, statistics ${q("statistics_all")} ms (warm/cold)`
  );
}

const failedChecks = (s) => Object.entries(s.checks ?? {}).filter(([, ok]) => !ok).map(([k]) => k.replace(/_/g, " "));

/** The history section of the Markdown report: per round, the ingest steps, the disk breakdown and the query timings. */
export function renderHistoryDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  p("## History scenario details");
  if (runs.some((r) => r.ingest_steps)) renderIngest(runs, p);
  if (runs.some((r) => r.disk_rows != null)) renderDisk(runs, p);
  const q = runs.find((x) => x.query_setup)?.query_setup;
  if (q) renderQueries(runs, q, p);
  const noise = runs.map((r) => `round ${r.round}${r.try ? ` try ${r.try}` : ""}: ingest ${n0(r.ingest_cpu_other_pct)} %, disk ${n0(r.disk_cpu_other_pct)} %, queries ${n0(r.query_cpu_other_pct)} %`);
  p();
  p(`Other processes' CPU (% of one core; > 20 % = noisy): ${noise.join("; ")}.`);
  return out.join("\n");
}

function renderIngest(runs, p) {
  p();
  p(
    `Ingest: the discovery bench's Z2M fleet (2,000 devices x 5 sensor entities) in one real Hub process (scripts/bench/discovery-hub.ts --history, ` +
      "bundled, embedded broker thread, SQLite, recorder with its default 1 s commits) and a publisher process at a fixed rate " +
      `(state-publisher.ts --rate; every message changes 5 entities). Measured inside the hub over the window (${runs[0]?.ingest_window_s ?? "-"} s, after 5 s of warm-up at the same rate): ` +
      "event-loop delay (monitorEventLoopDelay, 1 ms resolution, reset at the window's start), stateChanged/s, recorder rows written/s, buffer peak. " +
      "A rate is held when the publisher kept it in the window (>= 97 %; its waits on the hub, warm-up included, in parentheses), the hub made >= 97 % of the changes, the recorder's " +
      "buffer stayed under 2.5 s of changes and emptied after the load, and nothing was dropped. Before the load and after it the recorder " +
      "commits, and state_history's rows are counted: the rows added must equal the changes the hub made in between.",
  );
  p();
  p("| round | rate msg/s | publisher/s (waited) | changes/s | rows/s | eld p50/p99/max ms | buffer peak (end) | last/max commit ms | CPU hub/pub/other % | held |");
  p("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of runs) {
    for (const s of r.ingest_steps ?? []) {
      const late = s.mark_latency_ms > 500 ? ` (the hub answered the window's start ${n0(s.mark_latency_ms)} ms late: it was behind)` : "";
      const held = `${s.sustained ? "yes" : `no: ${failedChecks(s).join(", ")}`}${late}`;
      p(
        `| ${r.round}${r.try ? ` try ${r.try}` : ""} | ${n0(s.rate)} | ${n0(s.pub_per_s)} (${n0(s.pub_waited_for_hub_ms)} ms) | ${n0(s.state_changes_per_s)} | ${n0(s.rows_per_s)} | ` +
          `${f2(s.eld_p50_ms)}/${f2(s.eld_p99_ms)}/${f1(s.eld_max_ms)} | ${n0(s.pending_max)} (${n0(s.pending_end)}) | ${f1(s.last_commit_ms)}/${f1(s.commit_ms_max)} | ` +
          `${n0(s.cpu_hub_pct)}/${n0(s.cpu_pub_pct)}/${n0(s.cpu_other_pct)} | ${held}${s.statistics_periods ? ` (statistics compiled ${s.statistics_periods} period(s) in the window)` : ""} |`,
      );
    }
    const v = r.ingest_verified;
    if (v) p(`| ${r.round} | check | rows in state_history ${n0(v.rows)} = ${n0(v.rows_at_base)} before the load + ${n0(v.changes_since_base)} changes made since? ${v.rows === v.expected ? "yes" : `NO (${n0(v.expected - v.rows)} missing)`}; dropped ${n0(v.dropped)} | | | | | | | | |`);
  }
  for (const r of runs.filter((x) => x.ingest_profile)) {
    const t = r.ingest_profile;
    const top = t.self.filter((x) => x.fn !== "(idle)").slice(0, 10).map((x) => `${x.fn} ${x.pct.toFixed(1)} %`).join("; ");
    const areas = t.areas.filter((x) => x.fn !== "(idle)").slice(0, 8).map((x) => `${x.fn} ${x.pct.toFixed(1)} %`).join("; ");
    p();
    p(`CPU profile of round ${r.round}'s hub (\`${r.ingest_profile_dir}\`, summary.md there; under tsx, with the profiler's overhead), main thread over the window, ${n0(t.busy_ms)} of ${n0(t.total_ms)} ms busy:`);
    p(`- top self time: ${top}`);
    p(`- by area: ${areas}`);
  }
}

function renderDisk(runs, p) {
  p();
  p(
    "Disk: the shipped hub (dist/server.js, anonymous MQTT, fresh data dir) records `npm run simulate` for a bounded time; after the hub stopped, " +
      "PRAGMA wal_checkpoint(TRUNCATE), then pages per table and index from SQLite's dbstat (page granularity: free space inside pages counts). " +
      `Bytes per change = (state_history + state_attributes + recorder_contexts, with their indexes) / state rows; contexts counted whole (events share them). Home Assistant: about ${HA_BYTES_PER_STATE} bytes per state row.`,
  );
  p();
  p("| round | simulator | rows (events) | attribute sets / contexts / entities | state_history | state_attributes | recorder_contexts | bytes/row (history alone) | method |");
  p("|---|---|---|---|---|---|---|---|---|");
  for (const r of runs.filter((x) => x.disk_rows != null)) {
    p(
      `| ${r.round} | ${r.disk_sim_devices} devices, ${n0(r.disk_sim_rate)} msg/s, ${f1(r.disk_sim_seconds)} s: ${n0(r.disk_sim_messages)} msgs | ${n0(r.disk_rows)} (${n0(r.disk_events)}) | ` +
        `${n0(r.disk_attribute_sets)} / ${n0(r.disk_contexts)} / ${n0(r.disk_entities)} | ${n0(r.disk_state_history_bytes)} B | ${n0(r.disk_state_attributes_bytes)} B | ${n0(r.disk_recorder_contexts_bytes)} B | ` +
        `${f1(r.disk_bytes_per_row)} (${f1(r.disk_history_bytes_per_row)}) | ${r.disk_method} |`,
    );
  }
}

function renderQueries(runs, q, p) {
  p();
  p(
    `Queries: a database built as the recorder and compiler leave it: ${q.entities} chart sensors + ${q.background} other sensors, one change a minute each for ${q.days} days ` +
      `(${n0(q.state_rows)} state rows, written time-ordered through RecorderStore.write in hour batches), and ${q.stat_days} days of hourly statistics for each ` +
      `(${n0(q.stat_rows)} rows, StatisticsStore.writePeriod); database ${n0(q.file_bytes / 1048576)} MiB. Timed in one process (no HTTP): HistoryReader.period for the ${q.entities} chart sensors ` +
      `over the ${q.days} days, StatisticsReader.during for one sensor over the year, then JSON.stringify of the answer. Cold = first query on a new connection ` +
      `(SQLite's cache empty, the OS file cache warm), median of ${q.cold_runs}; warm = median of ${q.warm_runs} more on one connection.`,
  );
  p();
  p("| round | query | answer (items, JSON) | warm: reader + JSON = total ms (max) | cold: reader + JSON = total ms (max) |");
  p("|---|---|---|---|---|");
  for (const r of runs.filter((x) => x.query_timings)) {
    for (const v of QUERY_VARIANTS) {
      const t = r.query_timings[v.name];
      if (!t) continue;
      const cell = (s) => `${f1(s.call_ms)} + ${f1(s.json_ms)} = ${f1(s.total_ms)} (${f1(s.total_max_ms)})`;
      p(`| ${r.round} | ${v.label} | ${n0(t.warm.items)}, ${n0(t.warm.bytes / 1024)} KiB | ${cell(t.warm)} | ${cell(t.cold)} |`);
    }
    for (const [name, t] of Object.entries(r.query_http ?? {})) {
      p(`| ${r.round} | over HTTP: ${name.replace("_", " ")} (the chart's request) | ${n0(t.bytes / 1024)} KiB | round trip ${f1(t.warm_ms)} (${f1(t.warm_max_ms)}) | first after start ${f1(t.cold_ms)} |`);
    }
  }
}
