// Compiling statistics for many sensors, and what it costs the event loop:
//   npx tsx server/history/statistics-compile-bench.ts [sensors=200] [hours=24] [seconds between changes=30]
// Builds a temp database with that much recorded history (a quarter of the sensors energy meters, the rest
// measurements), compiles it as a restart would, and prints one JSON line.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/open-database";
import type { HaState } from "../hub-api";
import { createLogger } from "../logger";
import { migrationsFolder } from "../paths";
import { StatisticsCompiler } from "./statistics-compiler";

const [SENSORS = 200, HOURS = 24, EVERY_S = 30] = process.argv.slice(2).map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-stats-bench-"));
const db = openDatabase({ file: path.join(dir, "hearth.db"), migrationsFolder: migrationsFolder() });
const t0 = Date.parse("2025-01-06T00:00:00Z");
const end = t0 + HOURS * 3_600_000;
const sql = db.$client;
const states: HaState[] = [];
sql.transaction(() => {
  const entity = sql.prepare("INSERT INTO recorder_entities (id, entity_id) VALUES (?, ?)");
  const attributes = sql.prepare("INSERT INTO state_attributes (id, hash, attributes) VALUES (?, 0, ?)");
  const state = sql.prepare("INSERT INTO state_history (entity_ref, ts, seq, state, attributes_ref) VALUES (?, ?, 0, ?, ?)");
  for (let s = 1; s <= SENSORS; s++) {
    const meter = s % 4 === 0;
    const attrs = { state_class: meter ? "total_increasing" : "measurement", unit_of_measurement: meter ? "kWh" : "°C", friendly_name: `Sensor ${s}` };
    entity.run(s, `sensor.s${s}`);
    attributes.run(s, JSON.stringify(attrs));
    let value = 100;
    for (let t = t0 + s * 7; t < end; t += EVERY_S * 1000) {
      value = meter ? value + 0.01 : 20 + Math.sin(t / 3.6e6) * 3;
      state.run(s, t, value.toFixed(2), s);
    }
    const at = new Date(t0).toISOString();
    states.push({ entity_id: `sensor.s${s}`, state: "1", attributes: attrs, last_changed: at, last_reported: at, last_updated: at, context: { id: "bench", parent_id: null, user_id: null } });
  }
})();
const stateRows = (sql.prepare("SELECT count(*) AS n FROM state_history").get() as { n: number }).n;
let clock = end + 10_000;
const compiler = new StatisticsCompiler({ db, log: createLogger("warn"), now: () => clock, states: () => states, flush: () => Promise.resolve(), keepDays: 10 });
// The event loop's worst gap while compiling: the longest wait between ticks of a 1 ms timer.
let last = performance.now();
let worstGap = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  worstGap = Math.max(worstGap, now - last);
  last = now;
}, 1);
const started = performance.now();
const periods = await compiler.compileNow();
const catchUpMs = performance.now() - started;
clock += 5 * 60_000;
const liveStarted = performance.now();
await compiler.compileNow();
const liveMs = performance.now() - liveStarted;
clearInterval(ticker);
const status = compiler.status();
process.stdout.write(
  `${JSON.stringify({
    sensors: SENSORS,
    hours: HOURS,
    stateRows,
    periods,
    catchUpMs: Math.round(catchUpMs),
    msPerPeriod: +(catchUpMs / periods).toFixed(1),
    onePeriodMs: +liveMs.toFixed(1),
    longestSliceMs: +status.longestSliceMs.toFixed(1),
    worstEventLoopGapMs: +worstGap.toFixed(1),
  })}\n`,
);
sql.close();
fs.rmSync(dir, { recursive: true, force: true });
