// The connections-5k scenario in the bench report: rows for report.mjs's table (hub only; the "plain aedes" column
// stays empty), the progress line and the details section.
import { fmt, stats } from "./report.mjs";

const mib = (kb) => kb / 1024;
const n0 = (x) => (x == null || !Number.isFinite(x) ? "-" : Math.round(x).toLocaleString("en-US"));
const busiest = (threads) => (threads ?? []).slice(0, 3).map((t) => `${t.name} ${fmt(t.pct)}`).join(", ") || "-";

// [key, label, scale]; the round trip is the one pass/fail row: every sampled device must get the hub's command.
const METRICS = [
  ["connects_per_s", "connect rate, devices/s (CONNECT..SUBACK, all devices)", null],
  ["connect_window_s", "time to connect and subscribe all devices, s", null],
  ["conn_p99_ms", "one device's CONNECT -> SUBACK p99 ms (100 in flight per process)", null],
  ["rss_before_kb", "hub RSS before (no devices), MiB", mib],
  ["rss_after_kb", "hub RSS with every device connected, MiB", mib],
  ["rss_per_conn_kb", "hub RSS per connection, KiB", null],
  ["idle_cpu_hub_pct", "hub CPU % of one core, all connected and idle (all threads)", null],
  ["idle_cpu_main_pct", "of which the main thread", null],
  ["failed", "devices that did not connect", null],
  ["rt_received", "round trip: sampled devices that got the hub's command", null],
  ["rt_p50_ms", "round trip: POST /api/mqtt/publish -> device received, p50 ms", null],
];

/** Rows for the goal table; medians over rounds. */
export function connections5kRows(chosen) {
  const runs = chosen.filter((r) => r.scenario === "connections-5k");
  if (runs.length === 0) return [];
  const errors = runs.some((r) => r.ok === false);
  const noisy = runs.some((r) => r.noisy);
  const devices = runs[0].devices ?? 5000;
  const scenario = `connections-5k (${devices.toLocaleString("en-US")} devices, keep-alive ${runs[0].keepalive_s ?? 60} s, anonymous MQTT)`;
  return METRICS.map(([key, metric, scale]) => {
    const hub = stats(runs, key, scale);
    let goal = null;
    let result = null;
    if (key === "rt_received") {
      goal = "all sampled devices";
      result = runs.every((r) => r.rt_sampled > 0 && r.rt_received === r.rt_sampled) ? "pass" : "FAIL";
      if (errors) result = `${result} (run errors)`;
      else if (noisy) result = `${result} (noisy)`;
    }
    return { scenario, metric, key, hub, plain: null, ratio: null, goal, result };
  });
}

export function connections5kProgress(r) {
  return (
    `${n0(r.connected)}/${n0(r.devices)} connected at ${n0(r.connects_per_s)}/s, RSS ${fmt((r.rss_before_kb ?? NaN) / 1024)} -> ${fmt((r.rss_after_kb ?? NaN) / 1024)} MiB ` +
    `(${fmt(r.rss_per_conn_kb)} KiB/conn), idle CPU ${fmt(r.idle_cpu_hub_pct)} %, round trip ${n0(r.rt_received)}/${n0(r.rt_sampled)} (p50 ${fmt(r.rt_p50_ms)} ms)`
  );
}

/** The connections-5k section of the Markdown report. */
export function renderConnections5kDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  const r0 = runs[0];
  p("## Connections (5k) scenario details");
  p();
  p(
    `The shipped hub (dist/server.js, fresh data dir) with **HEARTH_MQTT_ANONYMOUS=true** (so no CONNECT costs an argon2 hash; with credentials each ` +
      `device's first CONNECT would verify its password), HEARTH_MDNS=false and HEARTH_MQTT_MAX_CONNECTIONS_PER_USER above the fleet. ` +
      `${fmt(r0.devices)} devices from ${r0.procs} child processes (scripts/bench/connections-fleet.mjs: raw MQTT 3.1.1 over net with mqtt-packet), ` +
      `each with keep-alive ${r0.keepalive_s} s (PINGREQ once a period) and one QoS 0 subscription to \`bench/dev/<id>/cmd\`; at most 100 connecting ` +
      `at once per process. Connect rate = devices / (first CONNECT .. last SUBACK over all processes). RSS per connection = (RSS 3 s after the last ` +
      `SUBACK - RSS before any device) / devices. Idle CPU from /proc/<pid>/stat over ${r0.idle_window_s} s (all threads, the broker's worker ` +
      "thread included) and per thread from /proc/<pid>/task (\"node\" = unnamed threads: the broker's worker thread, usually the busiest, and V8's helpers). Round trip: the hub publishes a command to a random sample of devices " +
      "(POST /api/mqtt/publish with an owner's API token), each must receive it within 5 s.",
  );
  p();
  p("| round | connected | conn/s (window s) | RSS before / after / idle end MiB | KiB/conn | idle CPU hub / main % | busiest hub threads, idle % | CPU during connect hub / fleet / other % | busiest hub threads, connect % | round trip got / sampled, p50 / max ms | fd limit hub | pings sent / answered |");
  p("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of runs) {
    const mb = (kb) => fmt((kb ?? NaN) / 1024);
    p(
      `| ${r.round}${r.try ? ` try ${r.try}` : ""} | ${n0(r.connected)} / ${n0(r.devices)} | ${n0(r.connects_per_s)} (${fmt(r.connect_window_s)}) | ` +
        `${mb(r.rss_before_kb)} / ${mb(r.rss_after_kb)} / ${mb(r.rss_idle_end_kb)} | ${fmt(r.rss_per_conn_kb)} | ${fmt(r.idle_cpu_hub_pct)} / ${fmt(r.idle_cpu_main_pct)} | ${busiest(r.idle_threads)} | ` +
        `${fmt(r.conn_cpu_hub_pct)} / ${fmt(r.conn_cpu_gen_pct)} / ${fmt(r.conn_cpu_other_pct)} | ${busiest(r.conn_threads)} | ${n0(r.rt_received)} / ${n0(r.rt_sampled)}, ${fmt(r.rt_p50_ms)} / ${fmt(r.rt_max_ms)} | ` +
        `${r.fd_limit_hub ?? "?"} | ${n0(r.pings_sent)} / ${n0(r.pings_answered)} |`,
    );
  }
  const low = runs.filter((r) => r.fd_limit_hub != null && r.fd_limit_hub < r.devices + 200);
  p();
  p(
    low.length > 0
      ? `**fd limit too low:** the hub could open ${low[0].fd_limit_hub} files for ${fmt(low[0].devices)} sockets; raise \`ulimit -n\` (the bench asks for 20,000 for its children).`
      : `fd limit: the hub's soft "Max open files" was ${r0.fd_limit_hub ?? "?"} (the bench's ${r0.fd_limit_bench ?? "?"}; children get \`ulimit -n 20000\` where the hard limit allows), enough for ${fmt(r0.devices)} sockets.`,
  );
  return out.join("\n");
}
