// The soak scenario in the bench report: rows for report.mjs's table (hub only), the progress line and the details
// section with the verdict lines. The thresholds travel in each run record (soak.mjs's SOAK).
import { fmt, stats } from "./report.mjs";

const mib = (kb) => kb / 1024;

const METRICS = [
  ["rss_start_kb", "hub RSS at the start (after warm-up), MiB", mib],
  ["rss_end_kb", "hub RSS at the end, MiB", mib],
  ["rss_max_kb", "hub RSS peak, MiB", mib],
  ["rss_slope_mib_per_min", "hub RSS slope, MiB/min (least squares over each burst period's floor)", null, "rss"],
  ["heap_slope_mib_per_min", "main-thread heap floor slope, MiB/min", null],
  ["eld_p99_median_ms", "event-loop delay p99 per 5 s, median ms (main thread)", null],
  ["eld_p99_max_ms", "event-loop delay p99 per 5 s, worst ms (bursts)", null],
  ["eld_slope_ms_per_min", "event-loop delay p99 slope, ms/min", null, "eld"],
  ["health_p50_ms", "GET /api/health from outside, median ms", null],
  ["cpu_hub_pct", "hub CPU % of one core over the soak", null],
];

function verdictOf(runs, kind) {
  const verdicts = runs.map((r) => r[`${kind}_verdict`]);
  if (verdicts.some((v) => v === "grows")) return "grows";
  return verdicts.every((v) => v === "no growth") ? "no growth" : "n/a";
}

/** Rows for the goal table; the two slopes carry the verdicts (pass = "no growth"). */
export function soakRows(chosen) {
  const runs = chosen.filter((r) => r.scenario === "soak");
  if (runs.length === 0) return [];
  const r0 = runs[0];
  const errors = runs.some((r) => r.ok === false);
  const scenario = `soak (${r0.duration_s} s, simulator ${r0.sim_devices} devices + ${fmt(r0.burst_count)} msg bursts every ${r0.burst_every_s} s)`;
  return METRICS.map(([key, metric, scale, kind]) => {
    const hub = stats(runs, key, scale);
    let goal = null;
    let result = null;
    if (kind) {
      const limit = kind === "rss" ? `${r0.rss_slope_limit_mib_per_min} MiB/min` : `${r0.eld_slope_limit_ms_per_min} ms/min`;
      goal = `no growth (<= ${limit})`;
      const v = verdictOf(runs, kind);
      result = v === "no growth" ? "pass (no growth)" : v === "grows" ? "FAIL (grows)" : "n/a";
      if (errors) result = `${result} (run errors)`;
    }
    return { scenario, metric, key, hub, plain: null, ratio: null, goal, result };
  });
}

export function soakProgress(r) {
  const mb = (kb) => fmt((kb ?? NaN) / 1024);
  return (
    `RSS ${mb(r.rss_start_kb)} -> ${mb(r.rss_end_kb)} MiB (slope ${fmt(r.rss_slope_mib_per_min)} MiB/min: ${r.rss_verdict ?? "-"}), ` +
    `eld p99 median ${fmt(r.eld_p99_median_ms)} ms (slope ${fmt(r.eld_slope_ms_per_min)} ms/min: ${r.eld_verdict ?? "-"}), ${r.samples_n ?? 0} samples, ${r.bursts_sent ?? 0} bursts`
  );
}

/** The soak section of the Markdown report: setup, per round figures and the verdict lines. */
export function renderSoakDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  const r0 = runs[0];
  const mb = (kb) => fmt((kb ?? NaN) / 1024);
  p("## Soak scenario details");
  p();
  p(
    `The shipped hub (dist/server.js, fresh data dir, HEARTH_MQTT_ANONYMOUS=true, HEARTH_MDNS=false) under \`npm run simulate -- --devices ${r0.sim_devices}\` ` +
      `(one state message per device per second) plus ${fmt(r0.burst_count)} QoS 0 messages in one second every ${r0.burst_every_s} s to the simulator's numeric sensors ` +
      `(scripts/bench/soak-burst.mjs). After a ${r0.warmup_s} s warm-up, every ${r0.sample_every_s} s for ${r0.duration_s} s: hub RSS (/proc/<pid>/status), ` +
      "the main thread's event-loop delay over that interval (perf_hooks.monitorEventLoopDelay at 1 ms resolution, from a preload: " +
      "`node --import scripts/bench/soak-eld.mjs dist/server.js`, with the heap in use) and one GET /api/health timed from the bench. " +
      "RSS is judged by its floors: the lowest sample of each burst period, what is left once the garbage collector has run (the bursts make a sawtooth " +
      "whose slope over every sample depends on where the run stops); a soak of fewer than three periods falls back on every sample. The event-loop delay slope is over every sample. " +
      "Every sample is in the JSON (`attempts[].samples`).",
  );
  p();
  p("| round | samples | RSS start / end / peak MiB | RSS slope MiB/min | eld p99 median / worst / max ms | eld slope ms/min | /api/health p50 / max ms | CPU hub / sim / burst / other % | bursts | sim msgs |");
  p("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of runs) {
    p(
      `| ${r.round} | ${r.samples_n ?? 0} | ${mb(r.rss_start_kb)} / ${mb(r.rss_end_kb)} / ${mb(r.rss_max_kb)} | ${fmt(r.rss_slope_mib_per_min)} | ` +
        `${fmt(r.eld_p99_median_ms)} / ${fmt(r.eld_p99_max_ms)} / ${fmt(r.eld_max_ms)} | ${fmt(r.eld_slope_ms_per_min)} | ${fmt(r.health_p50_ms)} / ${fmt(r.health_max_ms)} | ` +
        `${fmt(r.cpu_hub_pct)} / ${fmt(r.cpu_sim_pct)} / ${fmt(r.cpu_burst_pct)} / ${fmt(r.cpu_other_pct_window)} | ${r.bursts_sent ?? 0} | ${fmt(r.sim_messages)} |`,
    );
  }
  p();
  for (const r of runs) {
    const short = r.duration_s < 300 ? ` (a ${r.duration_s} s soak: short for a growth verdict; the default is 600 s)` : "";
    p(`- round ${r.round}: RSS **${r.rss_verdict ?? "n/a"}** (slope ${fmt(r.rss_slope_mib_per_min)} MiB/min over ${r.rss_slope_basis ?? "every sample"}, threshold ${r.rss_slope_limit_mib_per_min} MiB/min; every sample's slope ${fmt(r.rss_all_samples_slope_mib_per_min)})${short}`);
    if (r.rss_floors_mib?.length) p(`  - RSS floors MiB: ${r.rss_floors_mib.map(fmt).join(", ")}; heap floors MiB: ${(r.heap_floors_mib ?? []).map(fmt).join(", ") || "n/a"} (slope ${fmt(r.heap_slope_mib_per_min)} MiB/min)`);
    p(`- round ${r.round}: event-loop delay **${r.eld_verdict ?? "n/a"}** (p99 slope ${fmt(r.eld_slope_ms_per_min)} ms/min, threshold ${r.eld_slope_limit_ms_per_min} ms/min)`);
  }
  return out.join("\n");
}
