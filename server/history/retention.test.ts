import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { EventBus } from "../event-bus";
import { createLogger } from "../logger";
import { dataPaths, migrationsFolder } from "../paths";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { Recorder } from "./recorder";
import { RecorderPolicies } from "./recorder-policies";
import { nextLocalTime, Retention } from "./retention";

// Retention in a running hub: MQTT.js devices publish on a test clock set days apart, the purge runs "today",
// and what is left in SQLite is compared row by row with what should be.

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 20, 12, 0, 0);
const DAYS = [-25, -15, -12, -9, -5, -2, -1, 0];

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const dbs: HubDatabase[] = [];

afterEach(async () => {
  for (const d of dbs.splice(0)) d.$client.close();
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

function testClock(at: number) {
  const clock = { at, now: () => clock.at };
  return clock;
}

async function start(clock: { now: () => number }, env: Record<string, string> = {}) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100", HEARTH_HISTORY_KEEP_DAYS: "10", ...env }, undefined, { now: clock.now });
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `ret-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  const db = openDatabase({ file: dataPaths(t.dataDir).database });
  dbs.push(db);
  return { t, api: t.hub.api, device, db };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const left = await eventually(() => Promise.resolve(check() ? [] : [what]), timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
}

async function committed(t: TestHub) {
  await until(() => t.hub.api.history.recorder().pending === 0, "the recorder's commit");
  await t.hub.recorder.commit();
}

interface Row {
  entity: string;
  ts: number;
  seq: number;
  state: string;
  attributesRef: number | null;
  contextRef: number | null;
}

function stateRows(db: HubDatabase): Row[] {
  return db.$client
    .prepare(
      "SELECT e.entity_id AS entity, s.ts, s.seq, s.state, s.attributes_ref AS attributesRef, s.context_ref AS contextRef FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref ORDER BY e.entity_id, s.ts, s.seq",
    )
    .all() as Row[];
}

function ids(db: HubDatabase, sql: string): number[] {
  return (db.$client.prepare(sql).pluck().all() as number[]).sort((a, b) => a - b);
}

/** What retention must keep of one entity: rows from the cutoff on, plus the last one before it while the hub has the entity. */
function expectedKept(rows: Row[], cutoff: number, known: boolean): Row[] {
  const before = rows.filter((r) => r.ts < cutoff);
  const kept = rows.filter((r) => r.ts >= cutoff);
  return known && before.length > 0 ? [before.at(-1)!, ...kept] : kept;
}

describe("retention", () => {
  it("purges exactly the rows past each entity's keep days, excluded and removed entities, old events and 5-minute statistics, then the orphans", async () => {
    const clock = testClock(BASE + DAYS[0]! * DAY);
    const { t, api, device, db } = await start(clock);
    const sensors = ["Keep Default", "Keep Short", "Keep Long", "Keep Excluded", "Keep Gone"];
    const entityOf = (name: string) => `sensor.${name.toLowerCase().replace(" ", "_")}`;
    const topic = (name: string) => `ret/${name.toLowerCase().replace(" ", "_")}`;
    for (const name of sensors) {
      await device.publishAsync(
        `homeassistant/sensor/ret/${topic(name).slice(4)}/config`,
        JSON.stringify({ name, stat_t: topic(name), json_attr_t: `${topic(name)}/attrs`, uniq_id: `ret_${topic(name).slice(4)}` }),
        { retain: true, qos: 1 },
      );
    }
    await device.publishAsync("homeassistant/switch/ret/relay/config", JSON.stringify({ name: "Ret Relay", cmd_t: "ret/relay/set", stat_t: "ret/relay/state", uniq_id: "ret_relay" }), {
      retain: true,
      qos: 1,
    });
    device.on("message", (topicName, payload) => {
      if (topicName === "ret/relay/set") void device.publishAsync("ret/relay/state", payload.toString(), { qos: 1 }).catch(() => undefined); // the client may end with this in flight
    });
    await device.subscribeAsync("ret/relay/set", { qos: 1 });
    await until(() => sensors.every((n) => api.states.find(entityOf(n)) !== undefined) && api.states.find("switch.ret_relay") !== undefined, "the entities");

    for (const [i, day] of DAYS.entries()) {
      clock.at = BASE + day * DAY;
      for (const name of sensors) {
        // A new attribute set each day, then the state: both recorded, so both kinds of key age out.
        await device.publishAsync(`${topic(name)}/attrs`, JSON.stringify({ day }), { qos: 1 });
        await until(() => api.states.find(entityOf(name))?.attributes.day === day, `${name} attributes on day ${day}`);
        await device.publishAsync(topic(name), String(20 + i), { qos: 1 });
        await until(() => api.states.find(entityOf(name))?.state === String(20 + i), `${name} on day ${day}`);
      }
      if (day === -25 || day === -15 || day === -5) {
        // A person's command: a call_service event and a state row with the person's context.
        const want = day === -15 ? "off" : "on";
        await api.services.call({ domain: "switch", service: want === "on" ? "turn_on" : "turn_off", data: { entity_id: "switch.ret_relay" }, userId: `user-${day}` });
        await until(() => api.states.find("switch.ret_relay")?.state === want, `relay ${want} on day ${day}`);
      }
    }
    await committed(t);

    clock.at = BASE;
    api.history.policies.set("sensor.keep_short", { keep_days: 3 });
    api.history.policies.set("sensor.keep_long", { keep_days: 30 });
    api.history.policies.set("sensor.keep_excluded", { exclude: true });
    // A policy for an entity not seen yet is allowed and harmless.
    api.history.policies.set("sensor.not_here_yet", { keep_days: 1 });
    // An entity the hub no longer has: even its last change before the cutoff goes.
    await device.publishAsync(`homeassistant/sensor/ret/${topic("Keep Gone").slice(4)}/config`, "", { retain: true, qos: 1 });
    await until(() => api.states.find("sensor.keep_gone") === undefined, "the removed sensor gone");
    await committed(t);

    // 5-minute and hourly statistics of a statistic of our own (the compiler has none: no state_class here).
    const meta = Number(db.$client.prepare("INSERT INTO statistics_meta (statistic_id, source, unit, has_mean, has_sum, name) VALUES ('test:energy', 'test', 'kWh', 0, 1, 'Energy') RETURNING id").pluck().get());
    const periods = [-40, -15, -10.5, -9.5, -1].map((d) => BASE + Math.round(d * DAY / 300_000) * 300_000);
    for (const p of periods) {
      db.$client.prepare("INSERT INTO statistics_short_term (meta_ref, start_ts, state, sum) VALUES (?, ?, 1, 1)").run(meta, p);
      db.$client.prepare("INSERT INTO statistics (meta_ref, start_ts, state, sum) VALUES (?, ?, 1, 1)").run(meta, p - (p % 3_600_000));
    }
    const hourlyBefore = db.$client.prepare("SELECT meta_ref, start_ts FROM statistics ORDER BY 1, 2").all();

    const before = stateRows(db);
    const eventsBefore = db.$client.prepare("SELECT id, ts, event_type AS type FROM recorder_events ORDER BY id").all() as Array<{ id: number; ts: number; type: string }>;
    expect(eventsBefore.filter((e) => e.type === "call_service")).toHaveLength(3);
    const byEntity = (rows: Row[], entity: string) => rows.filter((r) => r.entity === entity);
    const cutoff = (days: number) => BASE - days * DAY;
    const expected = [
      ...expectedKept(byEntity(before, "sensor.keep_default"), cutoff(10), true),
      ...expectedKept(byEntity(before, "sensor.keep_gone"), cutoff(10), false),
      ...expectedKept(byEntity(before, "sensor.keep_long"), cutoff(30), true),
      ...expectedKept(byEntity(before, "sensor.keep_short"), cutoff(3), true),
      ...expectedKept(byEntity(before, "switch.ret_relay"), cutoff(10), true),
    ];
    // Hand-checked for one entity: its state rows from day -12 (the state at the cutoff) on.
    expect([...new Set(byEntity(expected, "sensor.keep_default").map((r) => (r.ts - BASE) / DAY))]).toEqual([-12, -9, -5, -2, -1, 0]);
    expect([...new Set(byEntity(expected, "sensor.keep_short").map((r) => (r.ts - BASE) / DAY))]).toEqual([-5, -2, -1, 0]);
    expect([...new Set(byEntity(expected, "sensor.keep_gone").map((r) => (r.ts - BASE) / DAY))]).toEqual([-9, -5, -2, -1, 0]);
    expect(byEntity(expected, "sensor.keep_long")).toEqual(byEntity(before, "sensor.keep_long"));
    const attributesBefore = ids(db, "SELECT id FROM state_attributes");
    const contextsBefore = ids(db, "SELECT id FROM recorder_contexts");

    const report = await api.history.purge();

    const after = stateRows(db);
    expect(after).toEqual(expected);
    expect(report.removed.states).toBe(before.length - expected.length);
    expect(report.excluded_entities).toBe(1);
    const eventsAfter = db.$client.prepare("SELECT id, ts, event_type AS type FROM recorder_events ORDER BY id").all();
    expect(eventsAfter).toEqual(eventsBefore.filter((e) => e.ts >= cutoff(10)));
    expect(eventsAfter).toContainEqual(expect.objectContaining({ type: "call_service" }));
    expect(report.removed.events).toBe(eventsBefore.length - eventsAfter.length);
    const shortTerm = db.$client.prepare("SELECT start_ts FROM statistics_short_term WHERE meta_ref = ? ORDER BY start_ts").pluck().all(meta);
    expect(shortTerm).toEqual(periods.filter((p) => p >= cutoff(10)));
    expect(report.removed.statistics_short_term).toBe(periods.length - shortTerm.length);
    expect(db.$client.prepare("SELECT meta_ref, start_ts FROM statistics ORDER BY 1, 2").all()).toEqual(hourlyBefore);

    // Orphans: exactly the attribute sets and contexts the kept rows and events no longer use are gone.
    const usedAttributes = [...new Set(after.flatMap((r) => (r.attributesRef === null ? [] : [r.attributesRef])))].sort((a, b) => a - b);
    const usedContexts = ids(db, "SELECT context_ref FROM state_history WHERE context_ref IS NOT NULL UNION SELECT context_ref FROM recorder_events WHERE context_ref IS NOT NULL");
    expect(ids(db, "SELECT id FROM state_attributes")).toEqual(usedAttributes);
    expect(ids(db, "SELECT id FROM recorder_contexts")).toEqual(usedContexts);
    expect(report.removed.attributes).toBe(attributesBefore.length - usedAttributes.length);
    expect(report.removed.contexts).toBe(contextsBefore.length - usedContexts.length);
    expect(report.removed.attributes).toBeGreaterThan(10);
    expect(report.removed.contexts).toBeGreaterThan(0);
    expect(usedContexts.length).toBeGreaterThan(0);
    expect(report.completed).toBe(true);

    // History still reads right: the state at the cutoff, then what followed.
    const history = api.history.period({ start: new Date(cutoff(10)).toISOString(), end_time: new Date(BASE + 1).toISOString(), filter_entity_id: "sensor.keep_default" })[0]!;
    expect(history.map((s) => s.state)).toEqual(["22", "23", "24", "25", "26", "27"]);

    // The recorder goes on with the same keys after the sweep (its caches were reset): a new change reads back whole.
    clock.at = BASE + 60_000;
    await device.publishAsync("ret/keep_default/attrs", JSON.stringify({ day: -25 }), { qos: 1 });
    await until(() => api.states.find("sensor.keep_default")?.attributes.day === -25, "an old attribute set again");
    await committed(t);
    const last = api.history.period({ start: new Date(BASE).toISOString(), end_time: new Date(BASE + DAY).toISOString(), filter_entity_id: "sensor.keep_default", significant_changes_only: "0" })[0]!;
    expect(last.at(-1)).toMatchObject({ attributes: { day: -25, friendly_name: "Keep Default" } });

    // Nothing left to do: a second purge removes nothing.
    const again = await api.history.purge();
    expect(again.removed).toEqual({ states: 0, events: 0, statistics_short_term: 0, attributes: 0, contexts: 0 });
    expect(stateRows(db).length).toBe(after.length + 1);
  }, 60_000);

  it("gives the freed pages back with incremental vacuum, in small steps that leave the event loop free", async () => {
    const clock = testClock(BASE);
    const { t, api, db } = await start(clock);
    const ROWS = 250_000;
    // A big old history, written straight into the file (a fresh entity key far above the recorder's).
    db.$client.prepare("INSERT INTO recorder_entities (id, entity_id) VALUES (1000000, 'sensor.bulk')").run();
    const insert = db.$client.prepare("INSERT INTO state_history (entity_ref, ts, seq, state) VALUES (1000000, ?, 0, ?)");
    db.$client.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(BASE - 20 * DAY + i * 1000, (20 + (i % 1000) / 100).toFixed(2));
    })();
    // Some of it deleted by hand first: free pages that only a vacuum gives back.
    db.$client.prepare("DELETE FROM state_history WHERE entity_ref = 1000000 AND ts < ?").run(BASE - 20 * DAY + 50_000 * 1000);
    const pagesBefore = db.$client.pragma("page_count", { simple: true }) as number;
    const freeBefore = db.$client.pragma("freelist_count", { simple: true }) as number;
    expect(freeBefore).toBeGreaterThan(100);

    // The event loop's longest gap while the purge runs (the hub runs in this process).
    let worstGap = 0;
    let lastTick = performance.now();
    const ticker = setInterval(() => {
      const tick = performance.now();
      worstGap = Math.max(worstGap, tick - lastTick);
      lastTick = tick;
    }, 1);
    const report = await api.history.purge();
    clearInterval(ticker);

    expect(report.removed.states).toBe(ROWS - 50_000);
    const pagesAfter = db.$client.pragma("page_count", { simple: true }) as number;
    const freeAfter = db.$client.pragma("freelist_count", { simple: true }) as number;
    expect(freeAfter).toBe(0);
    expect(report.pages_freed).toBe(pagesBefore - pagesAfter);
    // The bulk history was most of the file.
    expect(pagesAfter).toBeLessThan(pagesBefore / 3);
    db.$client.pragma("wal_checkpoint(PASSIVE)");
    expect(fs.statSync(dataPaths(t.dataDir).database).size).toBeLessThanOrEqual(pagesAfter * 4096);
    console.log(
      `purge of ${report.removed.states} rows: ${report.duration_ms} ms, ${report.steps} steps, longest step ${report.longest_step_ms} ms, ` +
        `worst event-loop gap ${worstGap.toFixed(1)} ms, ${report.pages_freed} pages given back (${pagesBefore} → ${pagesAfter})`,
    );
    // Small steps with the loop free between; one transaction would hold it for the whole purge. The bounds are
    // loose because a loaded 2-core box stretches any 4 ms step (typical here: longest 15-30 ms when quiet).
    expect(report.steps).toBeGreaterThan(10);
    expect(report.longest_step_ms).toBeLessThan(Math.min(250, report.duration_ms / 3));
    expect(worstGap).toBeLessThan(300);
  }, 60_000);

  it("never deletes an attribute set that a buffered row is about to use", async () => {
    const clock = testClock(BASE - 20 * DAY);
    // A long commit interval: the new row waits in the buffer while the purge runs.
    const { t, api, device, db } = await start(clock, { HEARTH_HISTORY_COMMIT_MS: "60000" });
    await device.publishAsync("homeassistant/sensor/ret/guard/config", JSON.stringify({ name: "Guard", stat_t: "ret/guard", json_attr_t: "ret/guard/attrs", uniq_id: "ret_guard" }), {
      retain: true,
      qos: 1,
    });
    await until(() => api.states.find("sensor.guard") !== undefined, "the sensor");
    await device.publishAsync("ret/guard/attrs", JSON.stringify({ mode: "a" }), { qos: 1 });
    await device.publishAsync("ret/guard", "1", { qos: 1 });
    await until(() => api.states.find("sensor.guard")?.state === "1", "day -20");
    clock.at = BASE - 19 * DAY;
    await device.publishAsync("ret/guard/attrs", JSON.stringify({ mode: "b" }), { qos: 1 });
    await device.publishAsync("ret/guard", "2", { qos: 1 });
    await until(() => api.states.find("sensor.guard")?.state === "2", "day -19");
    await t.hub.recorder.commit();
    const modeA = Number(db.$client.prepare(`SELECT id FROM state_attributes WHERE attributes LIKE '%"mode":"a"%'`).pluck().get());
    expect(modeA).toBeGreaterThan(0);

    // Today the attributes go back to "a": the recorder hands out the stored key from memory, and buffers the row.
    clock.at = BASE;
    await device.publishAsync("ret/guard/attrs", JSON.stringify({ mode: "a" }), { qos: 1 });
    await until(() => api.states.find("sensor.guard")?.attributes.mode === "a", "mode a again");
    expect(api.history.recorder().pending).toBeGreaterThan(0);

    const report = await api.history.purge();
    // Every row with mode "a" in the table is gone (only day -19's last row, the state at the cutoff, stays) ...
    expect(stateRows(db).filter((r) => r.entity === "sensor.guard").map((r) => [(r.ts - BASE) / DAY, r.state])).toEqual([[-19, "2"]]);
    expect(report.removed.states).toBeGreaterThan(0);
    // ... yet the set "a" stays, because the buffered row uses it.
    expect(ids(db, "SELECT id FROM state_attributes")).toContain(modeA);
    await t.hub.recorder.commit();
    const latest = db.$client
      .prepare("SELECT a.attributes FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref LEFT JOIN state_attributes a ON a.id = s.attributes_ref WHERE e.entity_id = 'sensor.guard' ORDER BY s.ts DESC, s.seq DESC LIMIT 1")
      .pluck()
      .get() as string | null;
    expect(latest).toContain('"mode":"a"');
  }, 30_000);
});

describe("retention schedule", () => {
  it("finds the next 04:12 on the home's wall clock, across DST changes", () => {
    // Berlin, the day before summer time starts (29 March 2026): 04:12 CEST is 02:12 UTC.
    expect(new Date(nextLocalTime(Date.UTC(2026, 2, 28, 12), "Europe/Berlin", 4, 12)).toISOString()).toBe("2026-03-29T02:12:00.000Z");
    // Just after today's run: tomorrow's.
    expect(new Date(nextLocalTime(Date.UTC(2026, 0, 10, 3, 13), "Europe/Berlin", 4, 12)).toISOString()).toBe("2026-01-11T03:12:00.000Z");
    expect(new Date(nextLocalTime(Date.UTC(2026, 0, 10, 3, 11), "Europe/Berlin", 4, 12)).toISOString()).toBe("2026-01-10T03:12:00.000Z");
    // New York, the night summer time ends (1 November 2026): 04:12 EST is 09:12 UTC.
    expect(new Date(nextLocalTime(Date.UTC(2026, 10, 1, 2), "America/New_York", 4, 12)).toISOString()).toBe("2026-11-01T09:12:00.000Z");
    expect(new Date(nextLocalTime(Date.UTC(2026, 5, 1, 4, 12), "UTC", 4, 12)).toISOString()).toBe("2026-06-02T04:12:00.000Z");
  });

  it("purges shortly after start, then nightly at 04:12 home time", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-ret-schedule-"));
    const db = openDatabase({ file: path.join(dir, "hearth.db"), migrationsFolder: migrationsFolder() });
    dbs.push(db);
    const log = createLogger("silent");
    const clock = testClock(Date.UTC(2026, 0, 10, 12));
    const policies = new RecorderPolicies({ db, now: clock.now, defaultKeepDays: 10 });
    const recorder = new Recorder({ bus: new EventBus(log), db, log, commitMs: 1000, now: clock.now });
    const retention = new Retention({
      db,
      log,
      policies,
      recorder,
      isKnownEntity: () => true,
      now: clock.now,
      timeZone: () => "Europe/Berlin",
      startDelayMs: 60_000,
      checkMs: 10,
    });
    policies.start();
    recorder.start();
    retention.start();
    try {
      expect(retention.status()).toMatchObject({ running: false, last_purge: null, next_purge_at: clock.at + 60_000, default_keep_days: 10 });
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(retention.status().last_purge, "not before the start delay").toBeNull();
      clock.at += 60_000;
      await until(() => retention.status().last_purge?.trigger === "startup", "the start-up purge");
      expect(retention.status().next_purge_at).toBe(Date.UTC(2026, 0, 11, 3, 12));
      clock.at = Date.UTC(2026, 0, 11, 3, 11);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(retention.status().last_purge?.trigger).toBe("startup");
      clock.at = Date.UTC(2026, 0, 11, 3, 12);
      await until(() => retention.status().last_purge?.trigger === "nightly", "the nightly purge");
      expect(retention.status().last_purge?.started_at).toBe(Date.UTC(2026, 0, 11, 3, 12));
      expect(retention.status().next_purge_at).toBe(Date.UTC(2026, 0, 12, 3, 12));
    } finally {
      await retention.stop();
      await recorder.stop();
      policies.stop();
    }
  });
});
