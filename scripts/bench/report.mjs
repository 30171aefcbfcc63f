// Turns the runs into the goal table (hub vs plain aedes, medians over rounds) and the Markdown report.
import { GOALS as DISCOVERY, renderDiscoveryDetails } from "./discovery.mjs";
import { HISTORY_METRICS, renderHistoryDetails } from "./history.mjs";
import { UI_METRICS, renderUiDetails } from "./ui.mjs";

const THROUGHPUT = { kind: "ratio-min", value: 0.95, text: ">= 0.95x" };
// "No worse" with a 10 % allowance: medians of sub-millisecond latencies move that much between identical runs.
const NO_WORSE = { kind: "ratio-max", value: 1.1, text: "no worse (<= 1.10x)" };
const NOT_MORE = { kind: "not-more", text: "<= plain (worst round)" };
// The issue says 150 MB; values are compared in MiB after scaling (150 MB = 143.05 MiB).
const IDLE_RSS = { kind: "abs-max", value: 150e6 / 1048576, text: "hub < 150 MB (143 MiB)" };
const START_S = { kind: "abs-max", value: DISCOVERY.startMs / 1000, text: `< ${DISCOVERY.startMs / 1000} s` };
const DISCOVERY_RSS = { kind: "abs-max", value: DISCOVERY.rssKb / 1024, text: "< 400 MB (381 MiB)" };
const STATE_RATE = { kind: "abs-min", value: DISCOVERY.msgsPerS, text: `>= ${DISCOVERY.msgsPerS.toLocaleString("en-US")} msg/s` };

const mib = (kb) => kb / 1024;
const sec = (ms) => ms / 1000;
const METRICS = {
  idle: [["idle_rss_kb", "RSS 10 s after start, no clients, MiB", IDLE_RSS, mib]],
  "fanin-q0": [
    ["delivered_per_s", "delivered msg/s (20 pubs -> 1 sub)", THROUGHPUT],
    ["loss_pct", "loss %", NOT_MORE],
    ["dups", "duplicates", NOT_MORE],
  ],
  "fanin-q1": [
    ["delivered_per_s", "delivered msg/s (QoS 1)", THROUGHPUT],
    ["loss_pct", "PUBACKed but not delivered %", NOT_MORE],
    ["dups", "duplicates", NOT_MORE],
  ],
  "fanout-q0": [
    ["delivered_per_s", "delivered msg/s (1 pub -> 50 subs)", THROUGHPUT],
    ["loss_pct", "loss %", NOT_MORE],
  ],
  latency: [
    ["lat_p50_ms", "p50 ms (5000 msg/s background)", NO_WORSE],
    ["lat_p90_ms", "p90 ms", NO_WORSE],
    ["lat_p99_ms", "p99 ms", NO_WORSE],
    ["lat_p999_ms", "p99.9 ms", null],
    ["lat_max_ms", "max ms", null],
    ["probe_lost", "probes lost", NOT_MORE],
  ],
  connections: [
    ["connects_per_s", "connects/s (CONNECT..SUBACK, 2000 clients)", THROUGHPUT],
    ["conn_p99_ms", "connect+subscribe p99 ms", NO_WORSE],
    ["rss_per_conn_kb", "RSS per connection, KiB", NO_WORSE],
    ["rss_after_kb", "RSS with 2000 clients, MiB", null, mib],
    ["failed", "failed clients", NOT_MORE],
  ],
  discovery: [
    ["cold_ready_ms", "cold start: hub start -> 10,000 entities registered from retained configs, s", START_S, sec],
    ["warm_ready_ms", "restart: hub start -> 10,000 entities + retained replay processed, s", START_S, sec],
    ["cold_available_ms", "cold start: -> all 10,000 entities available (state store subscribed), s", null, sec],
    ["cold_rss_kb", "cold start: hub RSS after discovery settled, MiB", DISCOVERY_RSS, mib],
    ["warm_rss_kb", "restart: hub RSS after discovery settled, MiB", DISCOVERY_RSS, mib],
    ["msgs_per_s", "Z2M state msg/s decoded (x5 entities; broker in-process)", STATE_RATE],
    ["pub_per_s", "publisher msg/s in the same window", null],
    ["cpu_hub_main_pct", "hub main thread CPU % during the window", null],
  ],
  ui: UI_METRICS,
  history: HISTORY_METRICS,
};

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function fmt(x) {
  if (x == null || !Number.isFinite(x)) return "-";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return String(Number(x.toFixed(3)));
}

/** Per (scenario, variant, round) the last clean attempt, else the last attempt. */
export function chooseRuns(attempts) {
  const groups = new Map();
  for (const r of attempts) {
    const key = `${r.scenario}|${r.variant}|${r.round}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return [...groups.values()].map((g) => g.filter((r) => !r.noisy && r.ok !== false).at(-1) ?? g.at(-1));
}

/** Median, min and max of `key` over runs (scaled), or null when no run has it. */
export function stats(runs, key, scale) {
  const values = runs.map((r) => r[key]).filter((v) => typeof v === "number" && Number.isFinite(v)).map(scale ?? ((v) => v));
  if (values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

const cell = (s) => (!s ? "-" : s.n === 1 || s.min === s.max ? fmt(s.median) : `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})`);

function verdict(goal, hub, plain) {
  if (!goal) return null;
  if (!hub || (!goal.kind.startsWith("abs-") && !plain)) return "n/a";
  const ratio = plain && plain.median !== 0 ? hub.median / plain.median : null;
  switch (goal.kind) {
    case "ratio-min":
      return ratio != null && ratio >= goal.value ? "pass" : "FAIL";
    case "ratio-max":
      return ratio != null && ratio <= goal.value ? "pass" : "FAIL";
    case "not-more":
      return hub.max <= plain.max ? "pass" : "FAIL";
    case "abs-max":
      return hub.median < goal.value ? "pass" : "FAIL";
    case "abs-min":
      return hub.median >= goal.value ? "pass" : "FAIL";
    case "abs-zero":
      return hub.min === 0 && hub.max === 0 ? "pass" : "FAIL";
    default:
      return "n/a";
  }
}

/** One row per (scenario, metric): hub and plain aedes cells, ratio, goal and pass/fail. */
export function summarize(chosen, scenarios) {
  const rows = [];
  for (const scenario of scenarios) {
    const hubVariants = scenario === "connections" ? ["hub", "hub-auth"] : ["hub"];
    for (const hubVariant of hubVariants) {
      const hubRuns = chosen.filter((r) => r.scenario === scenario && r.variant === hubVariant);
      const plainRuns = chosen.filter((r) => r.scenario === scenario && r.variant === "aedes");
      if (hubRuns.length === 0 && hubVariant !== "hub") continue;
      const runs = [...hubRuns, ...plainRuns];
      const errors = runs.some((r) => r.ok === false);
      const noisy = runs.some((r) => r.noisy);
      for (const [key, label, goal, scale] of METRICS[scenario] ?? []) {
        const hub = stats(hubRuns, key, scale);
        const plain = stats(plainRuns, key, scale);
        let result = verdict(goal, hub, plain);
        if (result && errors) result = `${result} (run errors)`;
        else if (result && noisy) result = `${result} (noisy)`;
        rows.push({
          scenario: hubVariant === "hub-auth" ? `${scenario} (hub with MQTT auth)` : scenario,
          metric: label,
          key,
          hub,
          plain,
          ratio: hub && plain && plain.median !== 0 ? hub.median / plain.median : null,
          goal: goal?.text ?? null,
          result,
        });
      }
    }
  }
  return rows;
}

export function renderMarkdown({ env, opts, rows, chosen, attempts, elapsedS }) {
  const out = [];
  const p = (s = "") => out.push(s);
  const failed = rows.filter((r) => r.result?.startsWith("FAIL"));
  p(`# Hearth broker bench: hub vs plain aedes (${env.date.slice(0, 10)})`);
  p();
  p(
    `Machine: ${env.cpus} x ${env.cpu_model}, ${env.mem_gb} GiB, Linux ${env.kernel}; loopback only. Node ${env.node}, ` +
      `hub ${env.hub_version} (commit ${env.commit ?? "?"}${env.dirty ? ", uncommitted changes" : ""}), ` +
      `aedes ${env.aedes} (mqemitter ${env.mqemitter}), mqtt-packet ${env.mqtt_packet}; harness ../shared/bench ` +
      `(mqtt-bench.mjs ${env.harness_sha256["mqtt-bench.mjs"]}).`,
  );
  p(
    `Runs: ${opts.rounds} round(s)${opts.quick ? " (--quick)" : ""}, brokers alternated (order rotated each round), ` +
      `each run on a freshly started broker; ${opts.warmup} s warm-up, ${opts.duration} s window ` +
      `(latency ${opts.latencyDuration} s), --ahead 64 (harness default, as the anchors). Total ${Math.round(elapsedS)} s.`,
  );
  p(
    "hub = `NODE_ENV=production node dist/server.js` with the V8 flags `npm start` uses (scripts/hub-runtime.mjs) (embedded aedes, LevelDB persistence, anonymous MQTT; " +
      '"with MQTT auth": an MQTT user and password). plain aedes = `aedes-standalone.mjs` (defaults, in-memory persistence).',
  );
  if (env.build_changed) p("**Warning: dist/ or .next/ was rebuilt while the bench ran; runs may have measured different builds.**");
  if (env.build_stale) p("**Warning: the build (dist/, .next/) is older than the sources; rerun with `--build`.**");
  p();
  p("Cells: median (min-max) over rounds. Ratio: hub / plain aedes.");
  p();
  p("| scenario | metric | hub | plain aedes | ratio | goal | pass/fail |");
  p("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const ratio = r.ratio == null ? "-" : r.ratio.toFixed(2);
    p(`| ${r.scenario} | ${r.metric} | ${cell(r.hub)} | ${cell(r.plain)} | ${ratio} | ${r.goal ?? "-"} | ${r.result ?? "-"} |`);
  }
  p();
  p(failed.length === 0 ? "**All goals met.**" : `**${failed.length} goal(s) not met:** ${failed.map((r) => `${r.scenario} ${r.metric}`).join("; ")}.`);
  p();
  p("## Who was saturated (CPU % of one core over the window; median over rounds)");
  p();
  p("| scenario | broker | gen CPU % | broker CPU % | other CPU % | bound (per round) | noisy rounds |");
  p("|---|---|---|---|---|---|---|");
  for (const scenario of [...new Set(chosen.map((r) => r.scenario))].filter((s) => s !== "idle")) {
    for (const variant of ["hub", "hub-auth", "aedes"]) {
      const runs = chosen.filter((r) => r.scenario === scenario && r.variant === variant);
      if (runs.length === 0) continue;
      const c = (k) => cell(stats(runs, k));
      const bound = runs.map((r) => r.bound ?? "-").join(", ");
      p(`| ${scenario} | ${variant} | ${c("cpu_gen_pct")} | ${c("cpu_broker_pct")} | ${c("cpu_other_pct")} | ${bound} | ${runs.filter((r) => r.noisy).length} |`);
    }
  }
  const discovery = renderDiscoveryDetails(chosen.filter((r) => r.scenario === "discovery"));
  if (discovery) {
    p();
    p(discovery);
  }
  const ui = renderUiDetails(chosen.filter((r) => r.scenario === "ui"));
  if (ui) {
    p();
    p(ui);
  }
  const history = renderHistoryDetails(chosen.filter((r) => r.scenario === "history"));
  if (history) {
    p();
    p(history);
  }
  const flags = [];
  for (const r of attempts) {
    const tag = `${r.scenario} ${r.variant} round ${r.round} try ${r.try}`;
    for (const e of r.errors ?? []) flags.push(`${tag}: error: ${e}`);
    for (const w of r.warnings ?? []) flags.push(`${tag}: ${w}`);
    if (r.noisy) flags.push(`${tag}: noisy (other processes used ${fmt(Math.max(r.cpu_other_pct ?? 0, r.pre_other_pct ?? 0))} % of a core)`);
    const logged = Object.entries(r.hub_log_lines ?? {}).filter(([level]) => level !== "other");
    if (logged.length) {
      const first = (r.hub_log_samples ?? [])[0];
      const msg = first ? ` (first: ${first.slice(0, 160)})` : "";
      flags.push(`${tag}: hub logged ${logged.map(([l, n]) => `${n} ${l}`).join(", ")}${msg}`);
    }
    if (r.stop_forced) flags.push(`${tag}: broker needed SIGKILL to stop`);
  }
  p();
  p("## Flags");
  p();
  for (const f of flags.length ? flags : ["none"]) p(`- ${f}`);
  p();
  p(
    "Throughput numbers describe the broker only where `bound` says `broker` and the generator has headroom; " +
      "`noisy` = another process took > 20 % of a core (such runs are repeated up to --retries times).",
  );
  return { markdown: out.join("\n") + "\n", failed };
}
