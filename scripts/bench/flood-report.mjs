// The flood scenario in the bench report: rows for report.mjs's goal table (hub vs plain aedes; mosquitto, which
// has no column there, is in the details section), the progress line and the details section.
import { fmt, stats } from "./report.mjs";

const mib = (kb) => kb / 1024;
const n0 = (x) => (x == null || !Number.isFinite(x) ? "-" : Math.round(x).toLocaleString("en-US"));
const mb = (kb) => fmt((kb ?? NaN) / 1024);
const growth = (r) => (r.rss_peak_kb != null && r.rss_before_kb != null ? r.rss_peak_kb - r.rss_before_kb : null);
const yes = (b) => (b == null ? "-" : b ? "yes" : "**no**");

// [key, label, scale]
const METRICS = [
  ["offered_per_s", "offered msg/s (20 publishers, QoS 0, TCP backpressure only)", null],
  ["fast_per_s", "delivered msg/s to the subscriber that reads everything", null],
  ["slow_per_s", "delivered msg/s to the slow subscriber", null],
  ["fast_dropped", "messages dropped for the fast subscriber (gaps)", null],
  ["slow_dropped", "messages dropped for the slow subscriber (gaps)", null],
  ["rss_before_kb", "broker RSS before, MiB", mib],
  ["rss_peak_kb", "broker RSS peak (every 250 ms), MiB", mib],
  ["rss_after_drain_kb", "broker RSS after the drain, MiB", mib],
  ["probe_rtt_p99_ms", "unrelated client: round trip p99 ms", null],
];

/** The hub's pass/fail rows: alive, others served, the hub's HTTP side answered, the reading subscriber kept. */
const GOALS = [
  ["alive_after_ok", "hub alive and serving after the flood and after its subscribers left", (r) => r.alive_after_ok === true && r.fresh_connect_ok === true],
  ["probe_lost", "unrelated client: every round trip answered, never disconnected", (r) => r.probe_sent > 0 && r.probe_lost === 0 && r.probe_closed === 0],
  ["health_failed", "GET /api/health answered throughout the flood", (r) => r.health_checks > 0 && r.health_failed === 0],
  ["fast_closed", "the reading subscriber kept its connection", (r) => r.fast_closed === 0],
];

export function floodRows(chosen) {
  const runs = chosen.filter((r) => r.scenario === "flood" && !r.skipped);
  const hubRuns = runs.filter((r) => r.variant === "hub");
  const plainRuns = runs.filter((r) => r.variant === "aedes");
  if (hubRuns.length === 0 && plainRuns.length === 0) return [];
  const slowRate = runs[0]?.slow_rate ?? 2000;
  const scenario = `flood (QoS 0 flood; slow subscriber reads ${n0(slowRate)} msg/s)`;
  const rows = METRICS.map(([key, metric, scale]) => {
    const hub = stats(hubRuns, key, scale);
    const plain = stats(plainRuns, key, scale);
    return { scenario, metric, key, hub, plain, ratio: hub && plain && plain.median !== 0 ? hub.median / plain.median : null, goal: null, result: null };
  });
  const errors = hubRuns.some((r) => r.ok === false);
  const noisy = hubRuns.some((r) => r.noisy);
  for (const [key, metric, met] of GOALS) {
    let result = hubRuns.length > 0 && hubRuns.every(met) ? "pass" : "FAIL";
    if (errors) result = `${result} (run errors)`;
    else if (noisy) result = `${result} (noisy)`;
    rows.push({ scenario, metric, key, hub: null, plain: null, ratio: null, goal: "every round", result });
  }
  return rows;
}

export function floodProgress(r) {
  if (r.skipped) return `skipped: ${r.skipped}`;
  return (
    `offered ${n0(r.offered_per_s)}/s, fast ${n0(r.fast_per_s)}/s (dropped ${n0(r.fast_dropped)}), slow ${n0(r.slow_per_s)}/s (dropped ${n0(r.slow_dropped)}), ` +
    `RSS ${mb(r.rss_before_kb)} -> peak ${mb(r.rss_peak_kb)} -> ${mb(r.rss_after_drain_kb)} MiB, probe p99 ${fmt(r.probe_rtt_p99_ms)} ms lost ${n0(r.probe_lost)}, ` +
    `alive ${r.alive_after_ok ? "yes" : "NO"}; cpu broker/pub/other ${fmt(r.cpu_broker_pct)}/${fmt(r.cpu_pub_pct)}/${fmt(r.cpu_other_pct)}`
  );
}

/** The flood section of the Markdown report: one column per broker run. */
export function renderFloodDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  const r0 = runs.find((r) => !r.skipped) ?? runs[0];
  p("## Flood scenario details");
  p();
  p(
    `Per broker, freshly started: ${r0.publishers} publishers in one process write QoS 0 ~95-byte state messages to \`flood/room<i%10>/dev<i>/state\` ` +
      "as fast as TCP takes them; in their own processes a subscriber to `flood/#` that reads everything, a slow one that consumes at most " +
      `${n0(r0.slow_rate)} msg/s (BENCH_FLOOD_SLOW_RATE), and an unrelated client that sends itself a message every 100 ms (scripts/bench/flood-client.mjs). ` +
      `${r0.window_s} s window after a 2 s warm-up; then the load stops and the subscribers drain (at most 10 s). Offered = messages the publishers handed ` +
      "to TCP. Dropped = gaps in a publisher's sequence at a subscriber (TCP keeps order, so the broker dropped them); undelivered = sent after the last " +
      "one the subscriber got (still in TCP buffers or the broker's queue when the drain ended). hub = dist/server.js (anonymous MQTT); plain aedes = the " +
      "shared harness's aedes-standalone.mjs; mosquitto = Debian's, the anchors' settings (run-anchors.sh). \"Alive after\" = once the subscribers had " +
      "disconnected, a new client connected and got its own message back.",
  );
  p();
  const cols = runs.map((r) => `${r.variant}${r.broker_version ? ` ${r.broker_version}` : ""} r${r.round}${r.try ? ` try ${r.try}` : ""}`);
  p(`| | ${cols.join(" | ")} |`);
  p(`|---|${cols.map(() => "---").join("|")}|`);
  const row = (label, f) => p(`| ${label} | ${runs.map((r) => (r.skipped ? "not run" : f(r))).join(" | ")} |`);
  row("offered msg/s", (r) => n0(r.offered_per_s));
  row("fast subscriber: delivered msg/s", (r) => n0(r.fast_per_s));
  row("fast subscriber: received / dropped / undelivered", (r) => `${n0(r.fast_received)} / ${n0(r.fast_dropped)} / ${n0(r.fast_undelivered)}`);
  row("slow subscriber: delivered msg/s", (r) => n0(r.slow_per_s));
  row("slow subscriber: received / dropped / undelivered", (r) => `${n0(r.slow_received)} / ${n0(r.slow_dropped)} / ${n0(r.slow_undelivered)}`);
  row("sent by the publishers (whole run)", (r) => n0(r.sent));
  row("subscribers disconnected by the broker (fast / slow)", (r) => `${n0(r.fast_closed)} / ${n0(r.slow_closed)}`);
  row("broker RSS before / peak / window end / after drain, MiB", (r) => `${mb(r.rss_before_kb)} / ${mb(r.rss_peak_kb)} / ${mb(r.rss_window_end_kb)} / ${mb(r.rss_after_drain_kb)}`);
  row("RSS peak - before, MiB", (r) => mb(growth(r)));
  row("unrelated client: round trip p50 / p99 / max ms", (r) => `${fmt(r.probe_rtt_p50_ms)} / ${fmt(r.probe_rtt_p99_ms)} / ${fmt(r.probe_rtt_max_ms)}`);
  row("unrelated client: lost / sent", (r) => `${n0(r.probe_lost)} / ${n0(r.probe_sent)}`);
  row("GET /api/health: answered / checks, p50 / max ms", (r) => (r.health_checks == null ? "-" : `${n0(r.health_checks - r.health_failed)} / ${n0(r.health_checks)}, ${fmt(r.health_p50_ms)} / ${fmt(r.health_max_ms)}`));
  row("new client after the flood: CONNACK / own message back, ms", (r) => `${fmt(r.fresh_connack_ms)} / ${fmt(r.fresh_echo_ms)}`);
  row("alive and serving after the subscribers left", (r) => yes(r.alive_after_ok));
  row("drain, s", (r) => fmt(r.drain_s));
  row("hub log: drop lines (QoS 0 dropped, summed) / cut-offs / hub behind", (r) => (r.hub_drop_lines == null ? "-" : `${n0(r.hub_drop_lines)} (${n0(r.hub_logged_drops)}) / ${n0(r.hub_cut_lines)} / ${n0(r.hub_behind_lines)}`));
  row("CPU % broker / publishers / fast sub / other", (r) => `${fmt(r.cpu_broker_pct)} / ${fmt(r.cpu_pub_pct)} / ${fmt(r.cpu_fast_pct)} / ${fmt(r.cpu_other_pct)}${r.noisy ? " (noisy)" : ""}`);
  return out.join("\n");
}
