import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { RecorderStore } from "@/db/queries/history";
import { openDatabase } from "@/db/open-database";
import type { HubApi } from "../hub-api";
import { dataPaths } from "../paths";
import { newContext } from "../state/context";
import { authed } from "../live/testing";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";
import type { LogbookEntryView } from "./logbook";

// The logbook in a running hub: MQTT.js devices change state, a person runs services, the recorder writes,
// and the logbook reads it back in words with the cause. The hub's clock is moved by hand so every change
// has its own time (and ties are made on purpose).

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

const T0 = Date.parse("2026-11-20T08:00:00Z");

async function start() {
  const clock = { now: T0 };
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "60000" }, undefined, { now: () => clock.now });
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `logbook-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  const { user } = await t.hub.accounts.onboard({ name: "Ana", username: "ana", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
  return { t, api: t.hub.api, device, clock, ana: user };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const left = await eventually(() => Promise.resolve(check() ? [] : [what]), timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
}

const dev = (id: string, name: string) => ({ identifiers: [`lb-${id}`], name });

/** A lamp that confirms commands, a door contact, a temperature probe and a button with a device trigger. */
async function announceHome(client: MqttClient) {
  const configs: Array<[string, Record<string, unknown>]> = [
    ["homeassistant/light/lb/lamp/config", { name: null, uniq_id: "lb_lamp", cmd_t: "lb/lamp/set", stat_t: "lb/lamp/state", dev: dev("lamp", "Hall lamp") }],
    ["homeassistant/binary_sensor/lb/door/config", { name: null, uniq_id: "lb_door", stat_t: "lb/door", dev_cla: "door", dev: dev("door", "Front door") }],
    ["homeassistant/sensor/lb/temp/config", { name: "Temperature", uniq_id: "lb_temp", stat_t: "lb/temp", unit_of_meas: "°C", dev_cla: "temperature", stat_cla: "measurement", dev: dev("climate", "Living room") }],
    ["homeassistant/device_automation/lb/button_single/config", { automation_type: "trigger", topic: "lb/button/action", type: "action", subtype: "single", payload: "single", dev: dev("button", "Living room button") }],
  ];
  for (const [topic, config] of configs) await client.publishAsync(topic, JSON.stringify(config), { retain: true, qos: 1 });
  client.on("message", (topic, payload) => {
    if (topic === "lb/lamp/set") void client.publishAsync("lb/lamp/state", payload.toString(), { qos: 1 }).catch(() => undefined); // the client may end with this in flight
  });
  await client.subscribeAsync("lb/lamp/set", { qos: 1 });
}

function entityIdOf(api: HubApi, uniqueId: string): string {
  const e = api.entities.list().find((x) => x.unique_id === uniqueId);
  if (!e) throw new Error(`no entity ${uniqueId}`);
  return e.entity_id;
}

function deviceIdOf(api: HubApi, name: string): string {
  const d = api.devices.list().find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d.id;
}

/** Publishes and waits for the state; the clock moves a second first, so the change has its own time. */
async function change(ctx: { api: HubApi; device: MqttClient; clock: { now: number } }, topic: string, payload: string, entityId: string, state: string) {
  ctx.clock.now += 1000;
  await ctx.device.publishAsync(topic, payload, { qos: 1 });
  await until(() => ctx.api.states.find(entityId)?.state === state, `${entityId} = ${state}`);
}

const lines = (entries: LogbookEntryView[]) => entries.map((e) => e.sentence);
const iso = (ms: number) => new Date(ms).toISOString();

describe("logbook", () => {
  it("says what happened and who did it: a person, the device; doors open, readings stay out", async () => {
    const ctx = await start();
    const { api, device, clock, ana } = ctx;
    await announceHome(device);
    await until(() => api.entities.list().length === 3 && api.devices.list().length === 4, "three entities and the button");
    const lamp = entityIdOf(api, "lb_lamp");
    const door = entityIdOf(api, "lb_door");
    const temp = entityIdOf(api, "lb_temp");
    // First values: not news.
    await change(ctx, "lb/lamp/state", "OFF", lamp, "off");
    await change(ctx, "lb/door", "OFF", door, "off");
    await change(ctx, "lb/temp", "21.4", temp, "21.4");

    clock.now += 1000;
    await api.services.call({ domain: "light", service: "turn_on", data: { entity_id: lamp }, userId: String(ana.id) });
    await until(() => api.states.find(lamp)?.state === "on", "lamp on");
    const byAna = clock.now;
    await change(ctx, "lb/lamp/state", "OFF", lamp, "off");
    await change(ctx, "lb/door", "ON", door, "on");
    await change(ctx, "lb/temp", "21.5", temp, "21.5");
    await change(ctx, "lb/door", "OFF", door, "off");
    // The same value again (a device repeating itself) and an attribute-only change: not news.
    await change(ctx, "lb/door", "OFF", door, "off");
    clock.now += 1000;
    await device.publishAsync("lb/button/action", "single", { qos: 1 });
    await until(() => api.devices.list().find((d) => d.name === "Living room button")?.triggers[0]?.fired_count === 1, "the button");

    const page = await api.logbook.entries({ start_time: iso(T0), end_time: iso(clock.now + 1) });
    expect(lines(page.entries)).toEqual([
      "Living room button: single press",
      "Front door closed",
      "Front door opened",
      "Hall lamp turned off by the device",
      "Hall lamp turned on by Ana",
      "Living room button was added",
      "Living room was added",
      "Front door was added",
      "Hall lamp was added",
    ]);
    expect(page.next).toBeNull();
    const anaEntry = page.entries.find((e) => e.cause.kind === "user")!;
    expect(anaEntry).toMatchObject({ when: byAna, entity_id: lamp, name: "Hall lamp", message: "turned on", state: "on", domain: "light", icon: "bulb", cause: { kind: "user", name: "Ana", user_id: String(ana.id) } });
    expect(page.entries.find((e) => e.entity_id === door)).toMatchObject({ icon: "door", cause: { kind: "device", name: null } });

    // Asked for by id, a reading is shown, in words with its unit.
    const reading = await api.logbook.entries({ entity_id: temp, start_time: iso(T0), end_time: iso(clock.now + 1) });
    expect(lines(reading.entries)).toEqual(["Living room Temperature changed to 21.5 °C"]);

    // Oldest first, as Home Assistant's REST API answers, with HA's context fields.
    const ha = await api.logbook.ha({ datetime: iso(T0), end_time: iso(clock.now + 1), entity: lamp });
    expect(ha).toEqual([
      {
        when: "2026-11-20T08:00:04.000000+00:00",
        name: "Hall lamp",
        message: "turned on",
        entity_id: lamp,
        state: "on",
        domain: "light",
        context_id: anaEntry.context_id,
        context_user_id: String(ana.id),
        context_event_type: "call_service",
        context_domain: "light",
        context_service: "turn_on",
      },
      { when: "2026-11-20T08:00:05.000000+00:00", name: "Hall lamp", message: "turned off", entity_id: lamp, state: "off", domain: "light" },
    ]);
    expect(byAna).toBe(Date.parse("2026-11-20T08:00:04Z"));
    // Without a time, HA starts at today's midnight (the home's zone) for one day.
    expect((await api.logbook.ha({})).map((e) => e.message)).toContain("turned on");
    await expect(api.logbook.ha({ datetime: "yesterday" })).rejects.toMatchObject({ code: "invalid_input", message: "Invalid datetime" });
    await expect(api.logbook.ha({ datetime: iso(T0), entity: "Hall lamp" })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/Invalid entity id/) });
  });

  it("filters by room (entities placed there and those of devices there) and by device", async () => {
    const ctx = await start();
    const { api, device } = ctx;
    await announceHome(device);
    await until(() => api.entities.list().length === 3 && api.devices.list().length === 4, "three entities and the button");
    const lamp = entityIdOf(api, "lb_lamp");
    const door = entityIdOf(api, "lb_door");
    const hall = api.rooms.create({ name: "Hall" });
    const porch = api.rooms.create({ name: "Porch" });
    api.devices.update(deviceIdOf(api, "Hall lamp"), { room_id: hall.room_id });
    api.devices.update(deviceIdOf(api, "Front door"), { room_id: hall.room_id });
    // The door contact itself hangs on the porch: its own room wins over its device's.
    api.entities.update(door, { room_id: porch.room_id });
    api.devices.update(deviceIdOf(api, "Living room button"), { room_id: porch.room_id });
    await change(ctx, "lb/lamp/state", "OFF", lamp, "off");
    await change(ctx, "lb/door", "OFF", door, "off");
    await change(ctx, "lb/lamp/state", "ON", lamp, "on");
    await change(ctx, "lb/door", "ON", door, "on");
    ctx.clock.now += 1000;
    await device.publishAsync("lb/button/action", "single", { qos: 1 });
    await until(() => api.devices.list().find((d) => d.name === "Living room button")?.triggers[0]?.fired_count === 1, "the button");
    const range = { start_time: iso(T0), end_time: iso(ctx.clock.now + 1) };

    expect(lines((await api.logbook.entries({ ...range, room_id: hall.room_id })).entries)).toEqual(["Hall lamp turned on by the device", "Front door was added", "Hall lamp was added"]);
    expect(lines((await api.logbook.entries({ ...range, room_id: porch.room_id })).entries)).toEqual([
      "Living room button: single press",
      "Front door opened",
      "Living room button was added",
    ]);
    expect(lines((await api.logbook.entries({ ...range, device_id: deviceIdOf(api, "Front door") })).entries)).toEqual(["Front door opened", "Front door was added"]);

    // HA's WebSocket command: entities and devices together, oldest first, `when` in seconds, no names.
    const socket = await authed(ctx.t, api.tokens.create(ctx.ana.id, "ws").token);
    try {
      socket.send({ id: 1, type: "logbook/get_events", start_time: range.start_time, end_time: range.end_time, entity_ids: [lamp], device_ids: [deviceIdOf(api, "Front door")] });
      const answer = await socket.message();
      expect(answer).toMatchObject({ id: 1, type: "result", success: true });
      const events = answer.result as Array<Record<string, unknown>>;
      expect(events.map((e) => [e.entity_id, e.message])).toEqual([
        [null, "was added"],
        [lamp, "turned on"],
        [door, "opened"],
      ]);
      expect(events[1]).toMatchObject({ when: (T0 + 3000) / 1000, state: "on", domain: "light" });
      expect(events[1]!.name).toBeUndefined();
      socket.send({ id: 2, type: "logbook/get_events", start_time: "soon" });
      expect(await socket.message()).toMatchObject({ id: 2, success: false, error: { code: "invalid_format", message: "Invalid start_time" } });
    } finally {
      socket.ws.terminate();
    }

    await expect(api.logbook.entries({ room_id: "attic" })).rejects.toMatchObject({ code: "not_found" });
    await expect(api.logbook.entries({ device_id: "nope" })).rejects.toMatchObject({ code: "not_found" });
    await expect(api.logbook.entries({ device_id: "x", room_id: hall.room_id })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(api.logbook.entries({ limit: "501" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(api.logbook.entries({ start_time: "soon" })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/start_time/) });
    await expect(api.logbook.entries({ order: "oldest", before: iso(T0) })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("pages through a long logbook both ways without losing or repeating an entry, even within one millisecond", async () => {
    const ctx = await start();
    const { api, device, clock } = ctx;
    await announceHome(device);
    await until(() => api.entities.list().length === 3 && api.devices.list().length === 4, "three entities and the button");
    const lamp = entityIdOf(api, "lb_lamp");
    const door = entityIdOf(api, "lb_door");
    await change(ctx, "lb/lamp/state", "OFF", lamp, "off");
    await change(ctx, "lb/door", "OFF", door, "off");
    const CHANGES = 40;
    for (let i = 0; i < CHANGES; i++) await change(ctx, "lb/door", i % 2 === 0 ? "ON" : "OFF", door, i % 2 === 0 ? "on" : "off");
    // Two changes in the same millisecond: the lamp and the door.
    clock.now += 1000;
    await device.publishAsync("lb/lamp/state", "ON", { qos: 1 });
    await device.publishAsync("lb/door", "ON", { qos: 1 });
    await until(() => api.states.find(lamp)?.state === "on" && api.states.find(door)?.state === "on", "lamp and door on together");
    const range = { start_time: iso(T0), end_time: iso(clock.now + 1) };
    const everything = (await api.logbook.entries({ ...range, limit: "500" })).entries;
    expect(everything.filter((e) => e.entity_id !== null)).toHaveLength(CHANGES + 2);
    expect(everything[0]!.when).toBe(everything[1]!.when);

    const key = (e: LogbookEntryView) => `${e.when} ${e.sentence}`;
    for (const order of ["newest", "oldest"] as const) {
      const seen: LogbookEntryView[] = [];
      let cursor: number | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const paging: { before?: string; after?: string } = cursor === null ? {} : order === "newest" ? { before: String(cursor) } : { after: String(cursor) };
        const page = await api.logbook.entries({ ...range, order, limit: "7", ...paging });
        // A page ends on a millisecond boundary: the tie at the top comes whole (2 entries) even with limit 1.
        expect(page.entries.length).toBeLessThanOrEqual(8);
        seen.push(...page.entries);
        cursor = page.next;
        if (cursor === null) break;
      }
      expect(cursor, "paging ends").toBeNull();
      const expected = order === "newest" ? everything : [...everything].reverse();
      expect(seen.map(key)).toEqual(expected.map(key));
    }
    const first = await api.logbook.entries({ ...range, limit: "1" });
    expect(first.entries).toHaveLength(2);
    expect(first.next).toBe(clock.now);
  });

  it("leaves out what is not news: a restart's same values, attribute-only changes", async () => {
    const ctx = await start();
    const { t, api, device, clock } = ctx;
    await device.publishAsync("homeassistant/binary_sensor/lb/door/config", JSON.stringify({ name: null, uniq_id: "lb_door", stat_t: "lb/door", json_attr_t: "lb/door/attrs", dev_cla: "door", dev: dev("door", "Front door") }), { retain: true, qos: 1 });
    await until(() => api.entities.list().length === 1, "the door");
    const door = entityIdOf(api, "lb_door");
    await change(ctx, "lb/door", "OFF", door, "off");
    clock.now += 1000;
    await device.publishAsync("lb/door", "ON", { qos: 1, retain: true });
    await until(() => api.states.find(door)?.state === "on", "door on (retained)");
    clock.now += 1000;
    await device.publishAsync("lb/door/attrs", JSON.stringify({ battery: 90, linkquality: 120 }), { qos: 1, retain: true });
    await until(() => api.states.find(door)?.attributes.battery === 90, "attributes");
    await t.hub.recorder.commit();
    await device.endAsync();
    clients.splice(0);
    await t.stop();
    hubs.splice(0);

    // The same data, a later clock: the retained "on" and attributes come back and are recorded again.
    const later = { now: clock.now + 60_000 };
    const again = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "60000" }, t.dataDir, { now: () => later.now });
    hubs.push(again);
    await until(() => again.hub.api.states.find(door)?.attributes.battery === 90, "the retained state after the restart");
    await again.hub.recorder.commit();
    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    const stored = db.$client.prepare("SELECT s.state AS state, s.changed_ts IS NOT NULL AS attributeOnly FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref WHERE e.entity_id = ? ORDER BY s.ts, s.seq").all(door);
    db.$client.close();
    // What the recorder holds: every observation, including the attribute change and the restart's values.
    expect(stored.slice(0, 3)).toEqual([
      { state: "off", attributeOnly: 0 },
      { state: "on", attributeOnly: 0 },
      { state: "on", attributeOnly: 1 },
    ]);
    expect(stored.length).toBeGreaterThan(3);
    // After the restart: "on" again (and "unknown" while only the retained attributes had arrived, if they came first).
    expect(stored.slice(3).map((r) => (r as { state: string }).state)).toContain("on");
    expect(stored.slice(3).every((r) => ["on", "unknown"].includes((r as { state: string }).state))).toBe(true);
    const page = await again.hub.api.logbook.entries({ start_time: iso(T0), end_time: iso(later.now + 1) });
    expect(lines(page.entries)).toEqual(["Front door opened", "Front door was added"]);
  });

  it("an entity with availability: starting unavailable is not news; going offline and coming back is", async () => {
    const ctx = await start();
    const { api, device } = ctx;
    await device.publishAsync("homeassistant/light/lb/porch/config", JSON.stringify({ name: null, uniq_id: "lb_porch", cmd_t: "lb/porch/set", stat_t: "lb/porch/state", avty_t: "lb/porch/status", dev: dev("porch", "Porch light") }), { retain: true, qos: 1 });
    await until(() => api.entities.list().length === 1, "the porch light");
    const porch = entityIdOf(api, "lb_porch");
    await until(() => api.states.find(porch)?.state === "unavailable", "unavailable until the device speaks");
    await change(ctx, "lb/porch/status", "online", porch, "unknown");
    await change(ctx, "lb/porch/state", "OFF", porch, "off");
    await change(ctx, "lb/porch/status", "offline", porch, "unavailable");
    await change(ctx, "lb/porch/status", "online", porch, "off");
    await change(ctx, "lb/porch/state", "ON", porch, "on");
    const page = await api.logbook.entries({ start_time: iso(T0), end_time: iso(ctx.clock.now + 1) });
    expect(lines(page.entries)).toEqual(["Porch light turned on by the device", "Porch light came back online (off)", "Porch light became unavailable", "Porch light was added"]);
  });

  it("names the automation when the context, or its parent, belongs to an automation run", async () => {
    const ctx = await start();
    const { t, api, device, clock, ana } = ctx;
    await announceHome(device);
    await until(() => api.entities.list().length === 3 && api.devices.list().length === 4, "three entities and the button");
    const lamp = entityIdOf(api, "lb_lamp");
    await change(ctx, "lb/lamp/state", "OFF", lamp, "off");
    await t.hub.recorder.commit();
    // Issue 6's automations, in Home Assistant's shape: a run context (parent: what triggered it) with an
    // automation_triggered event, service calls in it, and actions in child contexts.
    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    try {
      const ref = (db.$client.prepare("SELECT id FROM recorder_entities WHERE entity_id = ?").get(lamp) as { id: number }).id;
      const at = clock.now + 10_000;
      const trigger = newContext(String(ana.id), null, at - 5);
      const run = newContext(null, trigger.id, at);
      const child = newContext(null, run.id, at + 2000);
      const state = (ts: number, s: string, contextRef: number) => ({ entityRef: ref, ts, seq: 0, state: s, attributesRef: null, changedTs: null, contextRef });
      new RecorderStore(db).write({
        entities: [],
        attributes: [],
        contexts: [
          [900_001, run.id, null, trigger.id],
          [900_002, child.id, null, run.id],
          [900_003, trigger.id, String(ana.id), null],
        ],
        states: [state(at + 1000, "on", 900_001), state(at + 3000, "off", 900_002)],
        events: [
          { ts: at, eventType: "automation_triggered", data: JSON.stringify({ name: "Evening lights", entity_id: "automation.evening_lights", source: "time pattern" }), contextRef: 900_001 },
          { ts: at + 1, eventType: "call_service", data: JSON.stringify({ domain: "light", service: "turn_on", service_data: {} }), contextRef: 900_001 },
        ],
      });
      const range = { start_time: iso(T0), end_time: iso(at + 5000) };
      const entries = (await api.logbook.entries(range)).entries;
      expect(lines(entries.slice(0, 3))).toEqual(["Hall lamp turned off by automation Evening lights", "Hall lamp turned on by automation Evening lights", "Evening lights triggered by time pattern by Ana"]);
      const ha = await api.logbook.ha({ datetime: range.start_time, end_time: range.end_time });
      const run1 = ha.find((e) => e.entity_id === "automation.evening_lights")!;
      expect(run1).toMatchObject({ name: "Evening lights", message: "triggered by time pattern", domain: "automation", source: "time pattern" });
      const on = ha.find((e) => e.entity_id === lamp && e.state === "on" && e.context_event_type !== undefined)!;
      expect(on).toMatchObject({ context_event_type: "automation_triggered", context_domain: "automation", context_name: "Evening lights", context_entity_id: "automation.evening_lights", context_source: "time pattern" });
      expect(on.context_user_id).toBeUndefined();
      // The run's entry points at what triggered it (a person's context, with no event of its own here).
      expect((await api.logbook.entries({ ...range, entity_id: "automation.evening_lights" })).entries.map((e) => e.cause)).toEqual([{ kind: "user", name: "Ana", user_id: String(ana.id) }]);
    } finally {
      db.$client.close();
    }
  });
});
