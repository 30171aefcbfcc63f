// Query side of the history bench (`npm run bench -- --scenarios history`): builds a database as the recorder and
// the statistics compiler would have left it, then times the reads the history page makes.
//
//   build (once per --data dir)  --entities (20) chart sensors + --background (200) other sensors, one state change
//                                per minute each for --days (7), written time-ordered through db/queries/history.ts
//                                RecorderStore.write in hour-sized batches (as the recorder's commits interleave
//                                entities); one year of hourly statistics for every one of them through
//                                db/queries/statistics.ts StatisticsStore.writePeriod.
//   time                         HistoryReader.periodJson (the route's call: JSON bytes) for the chart sensors over the whole range (full states,
//                                minimal_response, minimal_response + no_attributes as the chart asks) and
//                                StatisticsReader.during for one sensor over the year (all types, and the chart's
//                                mean/min/max/state). Cold = first query on a new connection (SQLite's page cache
//                                empty; the OS file cache stays warm); warm = the same connection afterwards.
//                                Each figure: the reader's call, then JSON.stringify of its answer (what the route
//                                sends), and both together.
//
// Run by scripts/bench/history.mjs as `node dist/bench/history-query.js --data DIR`; result lines on stdout start
// with "@@bench " + JSON.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { RecorderStore, type RecorderBatch, type StateRow } from "@/db/queries/history";
import { StatisticsStore, type StatisticValues } from "@/db/queries/statistics";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { HistoryReader, type HistoryPeriodQuery } from "@/server/history/history-reader";
import { StatisticsReader, type StatisticsQuery } from "@/server/history/statistics-reader";
import { dataPaths, migrationsFolder } from "@/server/paths";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    entities: { type: "string", default: "20" },
    background: { type: "string", default: "200" },
    days: { type: "string", default: "7" },
    "stat-days": { type: "string", default: "365" },
    cold: { type: "string", default: "3" },
    warm: { type: "string", default: "7" },
    "max-seconds": { type: "string", default: "600" },
  },
  strict: true,
});

const CHART = Number(args.entities);
const BACKGROUND = Number(args.background);
const DAYS = Number(args.days);
const STAT_DAYS = Number(args["stat-days"]);
const COLD = Number(args.cold);
const WARM = Number(args.warm);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const emit = (ev: string, data: Record<string, unknown> = {}) => process.stdout.write(`@@bench ${JSON.stringify({ ev, ...data })}\n`);
const r2 = (x: number) => Math.round(x * 100) / 100;

if (!args.data || ![CHART, BACKGROUND, DAYS, STAT_DAYS, COLD, WARM].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write("usage: history-query.ts --data DIR [--entities N] [--background N] [--days N] [--stat-days N] [--cold N] [--warm N]\n");
  process.exit(2);
}
const file = dataPaths(args.data).database;
const layoutFile = path.join(args.data, "history-bench.json");

const hardStop = setTimeout(() => {
  emit("error", { message: `history-query: --max-seconds ${args["max-seconds"]} reached` });
  process.exit(3);
}, Number(args["max-seconds"]) * 1000);
hardStop.unref();

/** What was built: the time range and the ids, kept beside the database so later rounds query the same. */
interface Layout {
  end: number;
  chartIds: string[];
  rows: number;
  statRows: number;
  buildMs: number;
  statBuildMs: number;
}

const entityId = (i: number) => (i < CHART ? `sensor.chart_${String(i).padStart(2, "0")}_temperature` : `sensor.other_${String(i - CHART).padStart(3, "0")}_temperature`);

function attributesOf(i: number): Record<string, unknown> {
  return { state_class: "measurement", unit_of_measurement: "°C", device_class: "temperature", friendly_name: `Room ${i} Temperature` };
}

/** 32-bit FNV-1a, as the recorder keys attribute texts. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** A temperature that moves every minute (a new value each time: every row is a state change). */
const value = (i: number, minute: number) => 18 + 4 * Math.sin((minute + i * 37) / 240) + ((minute * 7 + i) % 13) / 100;

function build(): Layout {
  const db = openDatabase({ file, migrationsFolder: migrationsFolder() });
  const total = CHART + BACKGROUND;
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - DAYS * DAY;
  const store = new RecorderStore(db);
  const t0 = performance.now();
  let batch: RecorderBatch = {
    entities: Array.from({ length: total }, (_, i) => [i + 1, entityId(i)] as [number, string]),
    attributes: Array.from({ length: total }, (_, i) => {
      const json = JSON.stringify(attributesOf(i));
      return [i + 1, fnv1a(json), json] as [number, number, string];
    }),
    contexts: [],
    states: [],
    events: [],
  };
  let rows = 0;
  const minutes = DAYS * 1440;
  for (let m = 0; m < minutes; m++) {
    for (let i = 0; i < total; i++) {
      // Devices report at their own phase within the minute.
      const row: StateRow = { entityRef: i + 1, ts: start + m * MINUTE + ((i * 2711) % MINUTE), seq: 0, state: value(i, m).toFixed(2), attributesRef: i + 1, changedTs: null, contextRef: null };
      batch.states.push(row);
    }
    if ((m + 1) % 60 === 0 || m === minutes - 1) {
      rows += store.write(batch);
      batch = { entities: [], attributes: [], contexts: [], states: [], events: [] };
    }
  }
  const buildMs = performance.now() - t0;

  const t1 = performance.now();
  const stats = new StatisticsStore(db);
  const statStart = end - STAT_DAYS * DAY;
  let statRows = 0;
  for (let i = 0; i < total; i++) {
    const id = entityId(i);
    const hourly: Array<{ statisticId: string; row: StatisticValues }> = [];
    for (let t = statStart; t < end; t += HOUR) {
      const h = (t - statStart) / HOUR;
      const mean = 18 + 4 * Math.sin((h + i) / 4);
      hourly.push({ statisticId: id, row: { start: t, mean: r2(mean), min: r2(mean - 0.4), max: r2(mean + 0.5), lastReset: null, state: null, sum: null } });
    }
    stats.writePeriod({ start: end - 5 * MINUTE, metas: [{ statisticId: id, unit: "°C", hasMean: true, hasSum: false, name: `Room ${i} Temperature` }], shortTerm: [], hourly, issues: [] });
    statRows += hourly.length;
  }
  const statBuildMs = performance.now() - t1;
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  const layout: Layout = { end, chartIds: Array.from({ length: CHART }, (_, i) => entityId(i)), rows, statRows, buildMs: Math.round(buildMs), statBuildMs: Math.round(statBuildMs) };
  fs.writeFileSync(layoutFile, JSON.stringify(layout));
  return layout;
}

interface Timing {
  callMs: number;
  jsonMs: number;
  totalMs: number;
  items: number;
  bytes: number;
}

function timeOnce(call: () => unknown, count: (answer: unknown) => number): Timing {
  const t0 = performance.now();
  const answer = call();
  const t1 = performance.now();
  // The history reader answers JSON bytes (what the route sends); the others objects the route serializes.
  const text = answer instanceof Uint8Array ? undefined : JSON.stringify(answer);
  const t2 = performance.now();
  const bytes = answer instanceof Uint8Array ? answer.length : Buffer.byteLength(text!);
  const items = count(answer instanceof Uint8Array ? JSON.parse(Buffer.from(answer).toString("utf8")) : answer);
  return { callMs: t1 - t0, jsonMs: t2 - t1, totalMs: t2 - t0, items, bytes };
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function summarize(samples: Timing[]) {
  return {
    n: samples.length,
    call_ms: r2(median(samples.map((s) => s.callMs))),
    json_ms: r2(median(samples.map((s) => s.jsonMs))),
    total_ms: r2(median(samples.map((s) => s.totalMs))),
    total_max_ms: r2(Math.max(...samples.map((s) => s.totalMs))),
    items: samples[0]?.items ?? 0,
    bytes: samples[0]?.bytes ?? 0,
  };
}

interface Variant {
  name: string;
  run: (readers: { history: HistoryReader; statistics: StatisticsReader }) => unknown;
  count: (answer: unknown) => number;
}

function variants(layout: Layout): Variant[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const period: HistoryPeriodQuery = { start: iso(layout.end - DAYS * DAY), end_time: iso(layout.end), filter_entity_id: layout.chartIds.join(",") };
  const states = (answer: unknown) => (answer as unknown[][]).reduce((n, a) => n + a.length, 0);
  const stat: StatisticsQuery = { statistic_ids: [layout.chartIds[0]!], period: "hour", start_time: iso(layout.end - STAT_DAYS * DAY), end_time: iso(layout.end) };
  const points = (answer: unknown) => Object.values(answer as Record<string, unknown[]>).reduce((n, a) => n + a.length, 0);
  return [
    { name: "history_full", run: (r) => r.history.periodJson(period), count: states },
    { name: "history_minimal", run: (r) => r.history.periodJson({ ...period, minimal_response: true }), count: states },
    { name: "history_chart", run: (r) => r.history.periodJson({ ...period, minimal_response: true, no_attributes: true }), count: states },
    { name: "statistics_all", run: (r) => r.statistics.during(stat), count: points },
    { name: "statistics_chart", run: (r) => r.statistics.during({ ...stat, types: ["mean", "min", "max", "state"] }), count: points },
  ];
}

function open(): { db: HubDatabase; readers: { history: HistoryReader; statistics: StatisticsReader } } {
  const db = openDatabase({ file });
  return { db, readers: { history: new HistoryReader({ db }), statistics: new StatisticsReader({ db }) } };
}

function time(layout: Layout) {
  const out: Record<string, unknown> = {};
  for (const v of variants(layout)) {
    const cold: Timing[] = [];
    for (let c = 0; c < COLD; c++) {
      const { db, readers } = open();
      cold.push(timeOnce(() => v.run(readers), v.count));
      db.$client.close();
    }
    const { db, readers } = open();
    v.run(readers); // first use of this connection: not counted as warm
    const warm: Timing[] = [];
    for (let w = 0; w < WARM; w++) warm.push(timeOnce(() => v.run(readers), v.count));
    db.$client.close();
    out[v.name] = { cold: summarize(cold), warm: summarize(warm) };
  }
  return out;
}

function tableSizes(): Record<string, number> {
  const db = openDatabase({ file });
  try {
    const rows = db.$client.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all() as Array<{ name: string; bytes: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } finally {
    db.$client.close();
  }
}

function main(): void {
  let built = false;
  let layout: Layout;
  if (fs.existsSync(file) && fs.existsSync(layoutFile)) {
    layout = JSON.parse(fs.readFileSync(layoutFile, "utf8")) as Layout;
  } else {
    layout = build();
    built = true;
  }
  emit("built", { built, ...layout, chartIds: undefined, chart_ids: layout.chartIds, days: DAYS, stat_days: STAT_DAYS, file_bytes: fs.statSync(file).size });
  const timings = time(layout);
  const sizes = tableSizes();
  emit("done", { entities: CHART, background: BACKGROUND, days: DAYS, stat_days: STAT_DAYS, cold_runs: COLD, warm_runs: WARM, state_rows: layout.rows, stat_rows: layout.statRows, build_ms: built ? layout.buildMs : null, stat_build_ms: built ? layout.statBuildMs : null, timings, sizes });
}

try {
  main();
  process.exit(0);
} catch (err) {
  emit("error", { message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
}
