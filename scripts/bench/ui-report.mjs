// The ui scenario's rows in the goal table, its progress line and its section of the Markdown report.
import { LOSS_MS } from "./ui-latency.mjs";

const P99_GOAL = { kind: "abs-max", value: 100, text: "p99 < 100 ms" };
const kib = (bytes) => bytes / 1024;

/** [key, label, goal, scale] as report.mjs's METRICS. */
export const UI_METRICS = [
  ["lat_p50_ms", "MQTT publish -> value in the open room page's DOM, p50 ms (1,000 entities at 1,000 msg/s; the room's 100 measured)", null],
  ["lat_p90_ms", "publish -> DOM, p90 ms", null],
  ["lat_p99_ms", "publish -> DOM, p99 ms", P99_GOAL],
  ["lat_max_ms", "publish -> DOM, max ms", null],
  ["lat_measured", "messages measured (sent to the open room's entities in the window)", null],
  ["lat_lost", `lost (no value as new in the DOM within ${LOSS_MS / 1000} s)`, null],
  ["probe_p99_ms", "of which publish -> frame at a node WebSocket client (the hub's share), p99 ms", null],
  ["ws_p99_ms", "of which publish -> WebSocket frame handed to the page's JS, p99 ms", null],
  ["load_js_gzip", "room page, cold load: JavaScript, KiB gzip", null, kib],
  ["load_js_framework_gzip", "room page: JS of Next.js + React runtime (every page loads it), KiB gzip", null, kib],
  ["load_js_app_gzip", "room page: JS of the app (layout, pages, components, libraries), KiB gzip", null, kib],
  ["load_fp_ms", "room page: first paint, ms", null],
  ["load_fcp_ms", "room page: first contentful paint, ms", null],
  ["load_hydrated_ms", "room page: interactive (first control hydrated), ms", null],
  ["load_quiet_tti_ms", "room page: main thread quiet (Lighthouse-style TTI), ms", null],
];

const f = (x, d = 0) => (x == null || !Number.isFinite(x) ? "-" : Number(x).toFixed(d));
const k1 = (bytes) => (bytes == null ? "-" : `${(bytes / 1024).toFixed(1)} KiB`);

export function uiProgress(r) {
  return (
    `p50/p99 ${f(r.lat_p50_ms)}/${f(r.lat_p99_ms)} ms (max ${f(r.lat_max_ms)}; ${f(r.lat_measured)} measured, ${f(r.lat_lost)} lost; ` +
    `WS p99 ${f(r.ws_p99_ms)} ms, node probe ${f(r.probe_p99_ms)} ms), JS ${k1(r.load_js_gzip)} gzip, FCP ${f(r.load_fcp_ms)} ms, interactive ${f(r.load_hydrated_ms)} ms ` +
    `(cpu hub/chromium/bench/other ${f(r.cpu_hub_pct)}/${f(r.cpu_chromium_pct)}/${f(r.cpu_bench_pct)}/${f(r.cpu_other_pct)} %)`
  );
}

/** The ui section of the Markdown report: per run, the latency breakdown and every cold load. */
export function renderUiDetails(runs) {
  if (runs.length === 0) return "";
  const out = [];
  const p = (s = "") => out.push(s);
  p("## UI scenario details");
  p();
  p(
    "Hub: `NODE_ENV=production node dist/server.js` with `npm start`'s V8 flags, fresh data dir, MQTT with a user made through " +
      "POST /api/mqtt-users (anonymous off). Fleet (one MQTT.js connection, retained discovery): 10 rooms (suggested_area) x " +
      "(19 multi-sensors x 5 sensors + 5 JSON lights with brightness) = 1,000 entities, 100 per room. Browser: Debian's Chromium, headless, " +
      "Playwright's Pixel 7 emulation at 390 x 844, no network throttling, CPU throttling only with BENCH_UI_CPU_THROTTLE=N " +
      "(DevTools' Nx slowdown; see the setup row), logged in with POST /api/auth/login.",
  );
  p();
  p(
    "Latency: one page open on the first room (/rooms/<id>) while one MQTT.js connection publishes QoS 0 state messages at 1,000/s round-robin " +
      "over all 1,000 entities (rooms interleaved), each carrying a value unique for its entity (sensors `base + k/1000` shown with 3 decimals, " +
      "lights `brightness = 1 + k mod 100` %). The page subscribes to every entity (subscribe_entities, no filter), so hub and WebSocket carry the full " +
      "load; the DOM shows the room's 100, which are measured. Publish time and DOM time are both `performance.timeOrigin + performance.now()` " +
      "(node and page; the page's offset is measured by round trips and subtracted). DOM time = the MutationObserver callback after React's commit " +
      "(the page hands WebSocket changes to React once per animation frame, so that is the start of the frame that paints it); " +
      `a message counts when its value or a newer one of that entity first shows (newer first = superseded); lost = nothing as new within ${LOSS_MS / 1000} s. ` +
      "WS = the frame carrying it reached the page's JS (a listener ahead of the app's): hub + socket + the page's event loop getting to it. " +
      "Probe = a second WebSocket client (`ws` in a worker thread of the bench, subscribe_entities for the room's 100 entities only) stamping " +
      "frames on arrival: the hub's share without the browser; it adds one small subscription to the hub's work.",
  );
  p();
  p(
    "Page load: cold (new browser context, empty cache, logged in), after one uncounted warm-up load; the hub idle. JS KiB gzip = each script's " +
      "decoded body gzipped at level 6 (what compression would send; `served as` says what the hub sent); framework = the build manifest's " +
      "rootMainFiles (Next.js + React runtime), app = the rest. FP/FCP from the paint timing entries. Interactive = the first light's on/off " +
      "switch has React's props attached (hydrated: a tap runs its handler), polled every 5 ms in the page from document start. Quiet = end of the " +
      "last long task (> 50 ms) before 5 s without one (Lighthouse's TTI without its network rule). All from navigation start; medians over the loads.",
  );
  p();
  p("| round | figure | value |");
  p("|---|---|---|");
  for (const r of runs) {
    const tag = `${r.round}${r.try ? ` try ${r.try}` : ""}`;
    const rows = [
      ["setup", `hub ready ${f(r.broker_start_ms)} ms; ${f(r.room_entities)} entities in the open room, ${f(r.page_cards)} cards on the page; Chromium ${r.chromium ?? "-"}, CPU throttling ${r.cpu_throttle ?? 1}x`],
      ["publisher", `${f(r.sent)} messages, ${f(r.sent_per_s)}/s over warm-up + ${f(r.window_s)} s window; worst lag behind schedule ${f(r.publisher_max_lag_ms, 1)} ms`],
      ["publish -> DOM", `p50 ${f(r.lat_p50_ms, 1)}, p90 ${f(r.lat_p90_ms, 1)}, p99 ${f(r.lat_p99_ms, 1)}, max ${f(r.lat_max_ms, 1)} ms; ${f(r.lat_rendered)} of ${f(r.lat_measured)} rendered (${f(r.lat_superseded)} superseded), ${f(r.lat_lost)} lost`],
      ["publish -> WS frame at a node client (probe)", `p50 ${f(r.probe_p50_ms, 1)}, p90 ${f(r.probe_p90_ms, 1)}, p99 ${f(r.probe_p99_ms, 1)}, max ${f(r.probe_max_ms, 1)} ms (the hub's share)`],
      ["publish -> WS frame in page JS", `p50 ${f(r.ws_p50_ms, 1)}, p90 ${f(r.ws_p90_ms, 1)}, p99 ${f(r.ws_p99_ms, 1)}, max ${f(r.ws_max_ms, 1)} ms; ${f(r.ws_lost)} never carried`],
      ["publish -> frame rendered", `p50 ${f(r.frame_p50_ms, 1)}, p99 ${f(r.frame_p99_ms, 1)} ms (the main thread done with style, layout and paint of the frame showing it)`],
      ["WebSocket", `${f(r.ws_frames)} frames, ${f(r.ws_messages)} events, ${k1(r.ws_bytes)} (warm-up + window + drain)`],
      ["page main thread in the window", `${f(r.page_long_tasks)} long tasks, ${f(r.page_long_task_ms)} ms in total, longest ${f(r.page_long_task_max_ms)} ms`],
      ["CPU % of a core in the window", `hub ${f(r.cpu_hub_pct)}, chromium ${f(r.cpu_chromium_pct)}, bench (publisher + Playwright) ${f(r.cpu_bench_pct)}, other ${f(r.cpu_other_pct)}`],
      ["clock", `page - node offset ${f(r.clock_offset_ms, 2)} ms (drift ${f(r.clock_drift_ms, 2)} ms over the run; round trip <= ${f(r.clock_rtt_ms, 1)} ms)`],
      ["drain", `${f(r.drain_ms)} ms until the last values showed`],
      [
        "page load (median)",
        `JS ${k1(r.load_js_gzip)} gzip (${f(r.load_js_files)} files; framework ${k1(r.load_js_framework_gzip)}, app ${k1(r.load_js_app_gzip)}; ` +
          `raw ${k1(r.load_js_raw)}, transferred ${k1(r.load_js_transfer)} served as ${r.load_js_encodings ?? "-"}); CSS ${k1(r.load_css_gzip)}, ` +
          `HTML ${k1(r.load_html_gzip)} gzip (served as ${r.load_html_encoding ?? "-"}); ${f(r.load_requests)} requests, ${k1(r.load_transfer_total)} transferred`,
      ],
      [
        "page load (median)",
        `TTFB ${f(r.load_ttfb_ms)}, FP ${f(r.load_fp_ms)}, FCP ${f(r.load_fcp_ms)}, LCP ${f(r.load_lcp_ms)}, DCL ${f(r.load_dcl_ms)}, load ${f(r.load_load_ms)}, ` +
          `interactive ${f(r.load_hydrated_ms)} (Edit button ${f(r.load_edit_hydrated_ms)}), quiet ${f(r.load_quiet_tti_ms)} ms; long tasks ${f(r.load_long_tasks)}, ${f(r.load_long_task_ms)} ms`,
      ],
    ];
    for (const l of r.loads ?? []) {
      rows.push(["load", `FP ${f(l.fp_ms)}, FCP ${f(l.fcp_ms)}, interactive ${f(l.hydrated_ms)}, quiet ${f(l.quiet_tti_ms)} ms; JS ${k1(l.js_gzip)}`]);
    }
    for (const [figure, value] of rows) p(`| ${tag} | ${figure} | ${value} |`);
  }
  return out.join("\n");
}
