// The `ui` scenario of `npm run bench`: the shipped hub (dist/server.js), 1,000 entities from retained discovery
// configs, and headless Chromium on a phone-sized room page. Helpers: ui-fleet (devices, publisher), ui-hub (hub,
// HTTP setup, CPU), ui-page (browser, in-page recorders), ui-load (cold loads), ui-probe (node WebSocket client),
// ui-latency (matching), ui-report (table rows, report section).
//
//   page loads   cold loads of /rooms/<id> (fresh browser context each: empty cache), hub otherwise idle:
//                JS bytes, first paint / first contentful paint, interactive (first control hydrated). One warm-up
//                load first (the hub's first render of the route loads its code); medians over the rest.
//   latency      one page stays open on the room (100 of the 1,000 entities) while the publisher sends state
//                messages at 1,000/s round-robin over all 1,000 entities (every message reaches the hub and the
//                page's WebSocket: the client subscribes to every entity). Latency = publish -> the value first in
//                the room page's DOM, for the messages to that room's 100 entities sent in the measured window.
//
// Bounded: every wait has a time limit; hub, browser and MQTT connection are closed in `finally`.
import { sleep } from "./processes.mjs";
import { announceFleet, buildFleet, connectFleet, ENTITIES, publishStates, roomName } from "./ui-fleet.mjs";
import { call, cpuDelta, cpuSnapshot, pollFor, quietWait, setUpHome, startUiHub } from "./ui-hub.mjs";
import { analyze, LOSS_MS } from "./ui-latency.mjs";
import { frameworkChunks, measureLoad } from "./ui-load.mjs";
import { CPU_THROTTLE, cardTexts, clockOffset, collectPage, frameChanges, launchBrowser, openLivePage } from "./ui-page.mjs";
import { startProbe } from "./ui-probe.mjs";
import { attemptsWhileNoisy } from "./run-scenario.mjs";

export { UI_METRICS, renderUiDetails, uiProgress } from "./ui-report.mjs";

const RATE = 1000;
const MAX_MESSAGES = 700_000;
const REGISTER_TIMEOUT_MS = 60_000;

const median = (values) => {
  const s = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The hub's view of our entities: unique_id -> { entity_id, room_id }, once all of them are registered. */
async function registeredEntities(hub, fleet) {
  const ours = new Set(fleet.entities.map((e) => e.uniqueId));
  return pollFor(`all ${ENTITIES} entities registered`, REGISTER_TIMEOUT_MS, async () => {
    const { data } = await call(hub, "GET", "/api/entities");
    const found = new Map(data.filter((e) => ours.has(e.unique_id)).map((e) => [e.unique_id, e]));
    return { value: found.size === ours.size ? found : undefined, progress: `${found.size} of ${ours.size}` };
  });
}

async function firstStatesShown(hub, fleet, idToIndex) {
  await pollFor("first states (k = 0) in GET /api/states", REGISTER_TIMEOUT_MS, async () => {
    const { data } = await call(hub, "GET", "/api/states");
    let ok = 0;
    for (const s of data) {
      const e = fleet.entities[idToIndex.get(s.entity_id)];
      if (e && e.readRaw(e.kind === "light" ? s.attributes.brightness : s.state) === 0) ok++;
    }
    return { value: ok === ENTITIES ? ok : undefined, progress: `${ok} of ${ENTITIES}` };
  });
}

async function pageLoads(ctx, browser, hub, roomPath, base) {
  const framework = frameworkChunks(ctx.root);
  if (framework.size === 0) base.warnings.push("no .next/build-manifest.json rootMainFiles: JS is not split into framework and app");
  await measureLoad(browser, hub, roomPath, framework); // warm-up, not counted
  const loads = [];
  for (let i = 0; i < (ctx.opts.quick ? 3 : 5); i++) loads.push(await measureLoad(browser, hub, roomPath, framework));
  base.loads = loads;
  for (const key of Object.keys(loads[0])) {
    if (typeof loads[0][key] === "number" || loads[0][key] === null) base[`load_${key}`] = median(loads.map((l) => l[key]));
  }
  base.load_js_encodings = loads[0].js_encodings;
  base.load_html_encoding = loads[0].html_encoding;
  if (loads.some((l) => l.quiet_tti_ms === null)) base.warnings.push("page load: in some loads the main thread had no 5 s without a long task within 20 s (quiet TTI left out)");
}

async function latencyWindow(ctx, browser, hub, client, fleet, lookup, roomPath, base) {
  const { opts } = ctx;
  const live = await openLivePage(browser, hub, roomPath);
  let probe;
  try {
    base.page_cards = live.cards;
    const { data: token } = await call(hub, "POST", "/api/auth/websocket-token", {});
    probe = await startProbe({ url: `ws://127.0.0.1:${hub.httpPort}/api/websocket`, token: token.access_token, entityIds: lookup.roomIds });
    const before = await clockOffset(live.page);
    base.pre_other_pct = await quietWait(opts, hub.pid);
    const seconds = opts.warmup + opts.latencyDuration;
    const publishing = publishStates(client, fleet, { rate: RATE, seconds, maxMessages: MAX_MESSAGES });
    await sleep(opts.warmup * 1000);
    const a = cpuSnapshot(hub.pid);
    const sent = await publishing;
    const cpu = cpuDelta(a, cpuSnapshot(hub.pid));
    // Drain: until every room card shows its last value, at most LOSS_MS.
    const finalK = new Map();
    for (let i = 0; i < sent.count; i++) finalK.set(sent.entity[i], sent.k[i]);
    const drainStart = Date.now();
    while (Date.now() - drainStart < LOSS_MS) {
      const texts = await cardTexts(live.page);
      const behind = texts.filter(([id, text]) => {
        const idx = lookup.idToIndex.get(id);
        if (idx === undefined || !finalK.has(idx)) return false;
        const e = fleet.entities[idx];
        const want = e.modulo ? finalK.get(idx) % e.modulo : finalK.get(idx);
        return e.readK(text) !== want;
      });
      if (behind.length === 0) break;
      await sleep(250);
    }
    base.drain_ms = Date.now() - drainStart;
    const after = await clockOffset(live.page);
    const page = await collectPage(live.page);
    const inPage = frameChanges(page.frames);
    const probed = frameChanges(await probe.stop());
    probe = undefined;
    const offset = (before.offset + after.offset) / 2;
    const from = sent.t0 + opts.warmup * 1000;
    const to = sent.t0 + seconds * 1000;
    const result = analyze({ fleet, idToIndex: lookup.idToIndex, roomIndexes: lookup.roomIndexes, sent, from, to, records: page.records, changes: inPage.changes, probeChanges: probed.changes, offset });
    const inWindow = page.longTasks.filter(([start]) => page.timeOrigin + start - offset >= from && page.timeOrigin + start - offset < to);
    Object.assign(base, {
      window_s: opts.latencyDuration,
      sent: sent.count,
      sent_per_s: sent.count / sent.seconds,
      publisher_max_lag_ms: sent.maxLagMs,
      clock_offset_ms: offset,
      clock_drift_ms: after.offset - before.offset,
      clock_rtt_ms: Math.max(before.rtt, after.rtt),
      lat_measured: result.measured,
      lat_rendered: result.rendered,
      lat_lost: result.lost,
      lat_superseded: result.superseded,
      lat_p50_ms: result.p50_ms,
      lat_p90_ms: result.p90_ms,
      lat_p99_ms: result.p99_ms,
      lat_max_ms: result.max_ms,
      frame_p50_ms: result.frame.p50,
      frame_p99_ms: result.frame.p99,
      ws_p50_ms: result.ws.p50,
      ws_p90_ms: result.ws.p90,
      ws_p99_ms: result.ws.p99,
      ws_max_ms: result.ws.max,
      ws_lost: result.ws.lost,
      probe_p50_ms: result.probe.p50,
      probe_p90_ms: result.probe.p90,
      probe_p99_ms: result.probe.p99,
      probe_max_ms: result.probe.max,
      probe_frames: probed.frames,
      ws_frames: inPage.frames,
      ws_messages: inPage.messages,
      ws_bytes: inPage.bytes,
      page_long_tasks: inWindow.length,
      page_long_task_ms: inWindow.reduce((n, [, d]) => n + d, 0),
      page_long_task_max_ms: inWindow.reduce((m, [, d]) => Math.max(m, d), 0),
      cpu_hub_pct: cpu.hub,
      cpu_chromium_pct: cpu.chromium,
      cpu_bench_pct: cpu.bench,
      cpu_other_pct: cpu.other,
    });
    if (probed.frames === 0) base.warnings.push("the WebSocket probe received no frames: no hub/browser split");
    if (result.measured === 0) throw new Error("no message of the measured window went to the open room");
    if (result.rendered === 0) throw new Error(`none of ${result.measured} measured values appeared in the page (does the card text still read as "<value> <unit>"?)`);
  } finally {
    await probe?.terminate();
    await live.context.close().catch(() => undefined);
  }
}

async function runOnce(ctx, round) {
  const base = { scenario: "ui", variant: "hub", round, started: new Date().toISOString(), errors: [], warnings: [] };
  let hub;
  let client;
  let browser;
  try {
    hub = await startUiHub(ctx.root);
    base.broker_start_ms = hub.startMs;
    const credentials = await setUpHome(hub);
    const fleet = buildFleet();
    client = await connectFleet(hub.mqttPort, credentials);
    const t0 = Date.now();
    const publishFirstStates = await announceFleet(client, fleet);
    const registered = await registeredEntities(hub, fleet);
    base.announce_ms = Date.now() - t0;
    const idToIndex = new Map(fleet.entities.map((e, i) => [registered.get(e.uniqueId).entity_id, i]));
    await publishFirstStates();
    await firstStatesShown(hub, fleet, idToIndex);
    const { data: rooms } = await call(hub, "GET", "/api/rooms");
    const room = rooms.find((r) => r.name === roomName(0));
    if (!room) throw new Error(`room "${roomName(0)}" (suggested_area) not found in GET /api/rooms`);
    const roomIndexes = new Set(fleet.entities.flatMap((e, i) => (registered.get(e.uniqueId).room_id === room.room_id ? [i] : [])));
    base.room_entities = roomIndexes.size;
    if (roomIndexes.size !== ENTITIES / 10) base.warnings.push(`the room holds ${roomIndexes.size} entities, expected ${ENTITIES / 10}`);
    const roomPath = `/rooms/${encodeURIComponent(room.room_id)}`;
    browser = await launchBrowser();
    base.chromium = browser.version();
    base.cpu_throttle = CPU_THROTTLE;
    await pageLoads(ctx, browser, hub, roomPath, base);
    const roomIds = fleet.entities.flatMap((e, i) => (roomIndexes.has(i) ? [registered.get(e.uniqueId).entity_id] : []));
    await latencyWindow(ctx, browser, hub, client, fleet, { idToIndex, roomIndexes, roomIds }, roomPath, base);
    base.ok = true;
  } catch (err) {
    base.ok = false;
    base.errors.push(String(err?.message ?? err).split("\n")[0].slice(0, 400));
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    if (client) await client.endAsync(true).catch(() => undefined);
    if (hub) {
      base.hub_log_lines = Object.fromEntries(["warn", "error"].filter((l) => hub.logged[l] > 0).map((l) => [l, hub.logged[l]]));
      base.hub_log_samples = hub.logged.samples;
      base.stop_forced = (await hub.stop().catch(() => ({ forced: true }))).forced;
    }
  }
  base.noisy = Math.max(base.cpu_other_pct ?? 0, base.pre_other_pct ?? 0) > ctx.opts.noiseLimit;
  // The shared CPU table: "gen" is the bench process (publisher + Playwright), "broker" the hub.
  base.cpu_gen_pct = base.cpu_bench_pct;
  base.cpu_broker_pct = base.cpu_hub_pct;
  const busy = [["hub", base.cpu_hub_pct], ["chromium", base.cpu_chromium_pct], ["bench", base.cpu_bench_pct]].filter(([, v]) => v >= 90);
  base.bound = `chromium ${Math.round(base.cpu_chromium_pct ?? 0)} %${busy.length ? `; >= 90 %: ${busy.map(([n]) => n).join(", ")}` : ""}`;
  return base;
}

/** Every attempt of one round; a noisy one is repeated up to --retries times. */
export function runUi(ctx, round) {
  return attemptsWhileNoisy(ctx, () => runOnce(ctx, round));
}
