// The history answer is written as bytes (history-json.ts). These tests hold it to a plain object-by-object reading
// of the same rows, written the obvious way and serialized with JSON.stringify, over awkward states and every flag.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecorderStore, type RecorderBatch, type StateRow } from "@/db/queries/history";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { dataPaths, migrationsFolder } from "@/server/paths";
import { haTimestamp } from "../state/context";
import { HistoryReader, MAX_HISTORY_STATES, type HistoryPeriodQuery } from "./history-reader";

const SIGNIFICANT = new Set(["climate", "device_tracker", "humidifier", "thermostat", "water_heater"]);
const NEED_ATTRIBUTES = new Set(["climate", "humidifier", "input_datetime", "thermostat", "water_heater"]);
const T0 = Date.UTC(2026, 10, 20, 23, 58, 0, 7); // a range over midnight

// States a device may really send, and ones that test the quoting.
const AWKWARD = ["on", "off", "21.5", "", 'say "hi"', "back\\slash", "tab\there", "line\nbreak", "\u0000nul", "\u001frs", "snow ☃", "🙂 emoji", "ünïcödé", "unavailable", "x".repeat(300)];
const ENTITIES = ["sensor.a_temperature", "light.kitchen", "climate.hall", "binary_sensor.door", "sensor.unicode_☃"];

interface Row {
  entityId: string;
  ts: number;
  seq: number;
  state: string;
  attributes: Record<string, unknown> | null;
  changedTs: number | null;
}

/** A deterministic series per entity: repeats of a state (attribute-only changes) and new states. */
function rowsFor(entityId: string, k: number): Row[] {
  const rows: Row[] = [];
  let state = AWKWARD[k % AWKWARD.length]!;
  let changed = T0 - 3_600_000;
  let ts = changed;
  for (let i = 0; i < 120; i++) {
    ts += 1 + ((i * 7919 + k * 31) % 90_000);
    const sameState = (i + k) % 3 === 0;
    if (!sameState) {
      state = AWKWARD[(i * 5 + k) % AWKWARD.length]!;
      changed = ts;
    }
    const attributes = i % 4 === 0 ? null : { friendly_name: `E ${k} "q"`, unit: "°C", n: i % 3, nested: { a: [1, "☃"] } };
    rows.push({ entityId, ts, seq: i % 2, state, attributes, changedTs: changed === ts ? null : changed });
  }
  return rows;
}

/** The answer as the reader answered it before it wrote bytes: objects, one by one. */
function reference(rows: Row[], q: HistoryPeriodQuery, start: number, end: number): unknown[][] {
  const out: unknown[][] = [];
  for (const entityId of q.filter_entity_id!.split(",")) {
    const domain = entityId.split(".")[0]!;
    const mine = rows.filter((r) => r.entityId === entityId).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    const changesOnly = q.significant_changes_only !== "0" && !SIGNIFICANT.has(domain);
    const inRange = mine.filter((r) => r.ts >= start && r.ts < end && (!changesOnly || r.changedTs === null));
    const initial = q.skip_initial_state ? undefined : mine.filter((r) => r.ts < start).at(-1);
    const minimal = q.minimal_response === true && !NEED_ATTRIBUTES.has(domain);
    const noAttributes = q.no_attributes === true && !NEED_ATTRIBUTES.has(domain);
    const full = (r: Row, changed: number, updated: number) => ({
      entity_id: entityId,
      state: r.state,
      attributes: noAttributes || r.attributes === null ? {} : r.attributes,
      last_changed: haTimestamp(changed),
      last_updated: haTimestamp(updated),
    });
    const states: unknown[] = [];
    if (initial) states.push(full(initial, start, start));
    let previous = initial?.state;
    for (const r of inRange) {
      if (minimal && states.length > 0) {
        if (r.state === previous) continue;
        states.push({ state: r.state, last_changed: haTimestamp(r.ts) });
      } else states.push(full(r, r.changedTs ?? r.ts, r.ts));
      previous = r.state;
    }
    if (states.length > 0) out.push(states);
  }
  return out;
}

describe("history answer as bytes", () => {
  let dir: string;
  let db: HubDatabase;
  let reader: HistoryReader;
  const rows = ENTITIES.flatMap((e, k) => rowsFor(e, k));

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-history-json-"));
    db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
    const attributeIds = new Map<string, number>();
    const batch: RecorderBatch = { entities: ENTITIES.map((e, i) => [i + 1, e]), attributes: [], contexts: [], states: [], events: [] };
    for (const r of rows) {
      let ref: number | null = null;
      if (r.attributes) {
        const json = JSON.stringify(r.attributes);
        ref = attributeIds.get(json) ?? attributeIds.size + 1;
        if (!attributeIds.has(json)) batch.attributes.push([ref, attributeIds.size + 1, json]);
        attributeIds.set(json, ref);
      }
      const row: StateRow = { entityRef: ENTITIES.indexOf(r.entityId) + 1, ts: r.ts, seq: r.seq, state: r.state, attributesRef: ref, changedTs: r.changedTs, contextRef: null };
      batch.states.push(row);
    }
    expect(new RecorderStore(db).write(batch)).toBe(rows.length);
    reader = new HistoryReader({ db, now: () => T0 + 86_400_000 });
  });

  afterAll(() => {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const flags: Array<Partial<HistoryPeriodQuery>> = [
    {},
    { minimal_response: true },
    { minimal_response: true, no_attributes: true },
    { no_attributes: true },
    { significant_changes_only: "0" },
    { significant_changes_only: "0", minimal_response: true },
    { skip_initial_state: true },
    { skip_initial_state: true, minimal_response: true, no_attributes: true },
    { skip_initial_state: true, minimal_response: true, significant_changes_only: "0" },
  ];

  it.each(flags)("equals the object-by-object answer, byte for byte once parsed: %o", (flag) => {
    const start = T0 - 1_800_000;
    const end = T0 + 1_800_000;
    const q: HistoryPeriodQuery = { start: new Date(start).toISOString(), end_time: new Date(end).toISOString(), filter_entity_id: ENTITIES.join(","), ...flag };
    const bytes = reader.periodJson(q);
    const text = Buffer.from(bytes).toString("utf8");
    const expected = reference(rows, q, start, end);
    expect(expected.length).toBeGreaterThan(2);
    expect(JSON.parse(text)).toEqual(expected);
    // Same text as JSON.stringify would send: key order and escapes included.
    expect(text).toBe(JSON.stringify(expected));
  });

  it("answers the same asynchronously, an entity per event-loop turn", async () => {
    const q = { start: new Date(T0 - 1_800_000).toISOString(), filter_entity_id: ENTITIES.join(","), minimal_response: true };
    expect(Buffer.from(await reader.periodJsonAsync(q)).equals(Buffer.from(reader.periodJson(q)))).toBe(true);
    expect(reader.period(q)).toHaveLength(ENTITIES.length);
  });

  it("answers an entity whose range is empty with its state at the start only, and no entity at all when it has neither", () => {
    const later = T0 + 40 * 86_400_000;
    const q = { start: new Date(later).toISOString(), end_time: new Date(later + 1000).toISOString(), filter_entity_id: ENTITIES.join(",") };
    const r2 = new HistoryReader({ db, now: () => later + 1000 });
    const answer = r2.period(q);
    expect(answer).toHaveLength(ENTITIES.length);
    for (const states of answer) expect(states).toHaveLength(1);
    expect(r2.period({ ...q, skip_initial_state: true })).toEqual([]);
  });

  it("refuses an answer over the state limit instead of cutting it short", () => {
    expect(MAX_HISTORY_STATES).toBe(1_000_000);
    const many = openDatabase({ file: path.join(dir, "many.db"), migrationsFolder: migrationsFolder() });
    try {
      const store = new RecorderStore(many);
      const n = MAX_HISTORY_STATES + 5;
      for (let from = 0; from < n; from += 200_000) {
        const states: StateRow[] = [];
        for (let i = from; i < Math.min(n, from + 200_000); i++) states.push({ entityRef: 1, ts: T0 + i, seq: 0, state: String(i % 2), attributesRef: null, changedTs: null, contextRef: null });
        store.write({ entities: from === 0 ? [[1, "sensor.many"]] : [], attributes: [], contexts: [], states, events: [] });
      }
      const r = new HistoryReader({ db: many, now: () => T0 + n });
      const q = { start: new Date(T0).toISOString(), end_time: new Date(T0 + n).toISOString(), filter_entity_id: "sensor.many", minimal_response: true };
      expect(() => r.periodJson(q)).toThrow(/more than 1000000 states/);
      const fits = r.period({ ...q, end_time: new Date(T0 + MAX_HISTORY_STATES).toISOString() });
      expect(fits[0]).toHaveLength(MAX_HISTORY_STATES);
    } finally {
      many.$client.close();
    }
  });
});
