// Reading the logbook from a big history:
//   npx tsx server/history/logbook-bench.ts
// Builds a temp database of 2,000,000 state rows over 10 days for 1,000 entities (700 temperature probes, 200
// door contacts, 50 lamps of which 10 % of the changes are a person's, 50 chatty Zigbee motion sensors whose
// rows are 99 % attribute-only) and 20,000 device-trigger events, then times typical reads and prints a table.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/open-database";
import { migrationsFolder } from "../paths";
import { Logbook } from "./logbook";
import type { LogbookDirectory } from "./logbook-directory";
import { haLogbook } from "./logbook-ha";

const DAY = 86_400_000;
const END = Date.parse("2026-11-20T00:00:00Z");
const START = END - 10 * DAY;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-logbook-bench-"));
const db = openDatabase({ file: path.join(dir, "hearth.db"), migrationsFolder: migrationsFolder() });
const sql = db.$client;

let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ulidAt = (ms: number, n: number) => {
  let time = "";
  for (let i = 0, v = ms; i < 10; i++, v = Math.floor(v / 32)) time = CROCKFORD[v % 32]! + time;
  return time + String(n).padStart(16, "0");
};

const built = performance.now();
sql.transaction(() => {
  const state = sql.prepare("INSERT OR IGNORE INTO state_history (entity_ref, ts, seq, state, attributes_ref, changed_ts, context_ref) VALUES (?, ?, 0, ?, ?, ?, ?)");
  const attributes = sql.prepare("INSERT INTO state_attributes (id, hash, attributes) VALUES (?, 0, ?)");
  const entity = sql.prepare("INSERT INTO recorder_entities (id, entity_id) VALUES (?, ?)");
  const context = sql.prepare("INSERT INTO recorder_contexts (id, context_id, user_id, parent_id) VALUES (?, ?, '1', NULL)");
  const event = sql.prepare("INSERT INTO recorder_events (ts, event_type, data, context_ref) VALUES (?, ?, ?, ?)");
  attributes.run(1, JSON.stringify({ unit_of_measurement: "°C", device_class: "temperature", state_class: "measurement", friendly_name: "Probe" }));
  attributes.run(2, JSON.stringify({ device_class: "door", friendly_name: "Door" }));
  attributes.run(3, JSON.stringify({ friendly_name: "Lamp", brightness: 200 }));
  for (let i = 0; i < 100; i++) attributes.run(10 + i, JSON.stringify({ device_class: "motion", friendly_name: "Motion", linkquality: i }));
  const spread = (k: number, n: number) => Math.floor(START + (k + random() * 0.5) * ((10 * DAY) / n));
  let ref = 0;
  let contexts = 0;
  for (let i = 0; i < 700; i++) {
    entity.run(++ref, `sensor.probe_${ref}`);
    for (let k = 0; k < 2000; k++) state.run(ref, spread(k, 2000), (20 + random() * 5).toFixed(1), 1, null, null);
  }
  for (let i = 0; i < 250; i++) {
    const lamp = i >= 200;
    entity.run(++ref, lamp ? `light.lamp_${ref}` : `binary_sensor.door_${ref}`);
    for (let k = 0; k < 1000; k++) {
      const ts = spread(k, 1000);
      let contextRef: number | null = null;
      if (lamp && random() < 0.1) {
        contextRef = ++contexts;
        context.run(contextRef, ulidAt(ts, contextRef));
        event.run(ts, "call_service", JSON.stringify({ domain: "light", service: "turn_on", service_data: {} }), contextRef);
      }
      state.run(ref, ts, k % 2 === 0 ? "on" : "off", lamp ? 3 : 2, null, contextRef);
    }
  }
  for (let i = 0; i < 50; i++) {
    entity.run(++ref, `binary_sensor.motion_${ref}`);
    let changed = START;
    for (let k = 0; k < 7000; k++) {
      const ts = spread(k, 7000);
      if (k % 100 === 0) changed = ts;
      state.run(ref, ts, Math.floor(k / 100) % 2 === 0 ? "on" : "off", 10 + (k % 100), k % 100 === 0 ? null : changed, null);
    }
  }
  for (let i = 0; i < 20_000; i++) event.run(Math.floor(START + random() * (END - START)), "device_trigger", JSON.stringify({ type: "action", subtype: "single", device_id: `dev${i % 50}` }), null);
})();
const rows = (sql.prepare("SELECT count(*) AS n FROM state_history").get() as { n: number }).n;

const room = [...Array.from({ length: 10 }, (_, i) => `binary_sensor.door_${701 + i}`), ...Array.from({ length: 5 }, (_, i) => `light.lamp_${901 + i}`), ...Array.from({ length: 5 }, (_, i) => `binary_sensor.motion_${951 + i}`)];
const directory: LogbookDirectory = {
  entity: () => undefined,
  deviceName: (id) => `Device ${id}`,
  entitiesOfDevice: (id) => (id === "dev3" ? ["light.lamp_905", "binary_sensor.motion_960"] : undefined),
  room: (id) => (id === "hall" ? { entityIds: room, deviceIds: ["dev3", "dev4"] } : undefined),
  userName: () => "Ana",
};
const logbook = new Logbook({ db, directory, now: () => END });

async function time(label: string, read: () => Promise<number>, runs = 10): Promise<string> {
  await read();
  const ms: number[] = [];
  let n = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    n = await read();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return `| ${label} | ${n} | ${ms[Math.floor(runs / 2)]!.toFixed(1)} | ${ms[runs - 1]!.toFixed(1)} |`;
}
const page = (q: Record<string, string>) => async () => (await logbook.entries({ end_time: String(END), ...q })).entries.length;
const all = { start_time: "0" };
const lines = [
  `${rows} state rows, built in ${((performance.now() - built) / 1000).toFixed(1)} s`,
  "| read | entries | median ms | max ms |",
  "|---|---:|---:|---:|",
  await time("whole home, newest 50 (default range: last 24 h)", page({ limit: "50" })),
  await time("whole home, newest 500", page({ limit: "500" })),
  await time("whole home, newest 50 of 10 days", page({ ...all, limit: "50" })),
  await time("whole home, 20 pages of 50 back (all 20 pages)", async () => {
    let before: number | null = END;
    for (let i = 0; i < 20 && before !== null; i++) before = (await logbook.entries({ ...all, end_time: String(END), before: String(before), limit: "50" })).next;
    return 50;
  }, 3),
  await time("whole home, oldest 50 of 10 days", page({ ...all, order: "oldest", limit: "50" })),
  await time("room (20 entities, 2 devices), newest 50", page({ ...all, room_id: "hall", limit: "50" })),
  await time("device (2 entities), newest 50", page({ ...all, device_id: "dev3", limit: "50" })),
  await time("one lamp, newest 50", page({ ...all, entity_id: "light.lamp_905", limit: "50" })),
  await time("one motion sensor (99 % attribute-only rows), newest 50", page({ ...all, entity_id: "binary_sensor.motion_960", limit: "50" })),
  await time("one temperature probe asked for by id, newest 50", page({ ...all, entity_id: "sensor.probe_5", limit: "50" })),
  await time("HA REST: whole home, one day, every entry oldest first", async () => (await haLogbook(logbook, { datetime: new Date(END - DAY).toISOString(), end_time: new Date(END).toISOString() }, END, "UTC")).length, 3),
];
// The alternative for the whole home: the state table has no time index, so a time-ordered read scans it all.
const scan = sql.prepare("SELECT entity_ref, ts, state FROM state_history WHERE ts >= ? AND ts < ? AND changed_ts IS NULL ORDER BY ts DESC LIMIT 50");
const t = performance.now();
for (let i = 0; i < 3; i++) scan.all(END - DAY, END);
lines.push(`| (alternative) time-ordered scan of the whole state table, 24 h, 50 rows | 50 | ${((performance.now() - t) / 3).toFixed(1)} | |`);
process.stdout.write(`${lines.join("\n")}\n`);
db.$client.close();
fs.rmSync(dir, { recursive: true, force: true });
