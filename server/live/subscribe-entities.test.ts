import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { announcePlug, authed, device, ownerToken, PLUG, until, type RawClient } from "./testing";

// subscribe_entities on the wire: HA's compressed snapshot, diffs, removals and per-turn coalescing.

let t: TestHub | undefined;
const sockets: RawClient[] = [];
const devices: MqttClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const d of devices.splice(0)) await d.endAsync();
  await t?.stop();
  t = undefined;
});

async function setup(): Promise<{ h: TestHub; c: RawClient; dev: MqttClient }> {
  const h = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  t = h;
  const c = await authed(h, (await ownerToken(h)).token);
  sockets.push(c);
  const dev = await device(h, "dev");
  devices.push(dev);
  return { h, c, dev };
}

const multiSensor = (key: string) =>
  JSON.stringify({
    name: key[0]!.toUpperCase() + key.slice(1),
    uniq_id: `multi_${key}`,
    stat_t: "multi/state",
    val_tpl: `{{ value_json.${key} }}`,
    ...(key === "temperature" ? { json_attr_t: "multi/state" } : {}),
    dev: { ids: ["multi"], name: "Multi" },
  });
const TEMPERATURE = "sensor.multi_temperature";
const HUMIDITY = "sensor.multi_humidity";

async function announceMulti(h: TestHub, dev: MqttClient): Promise<void> {
  for (const key of ["temperature", "humidity"]) await dev.publishAsync(`homeassistant/sensor/multi/${key}/config`, multiSensor(key), { retain: true, qos: 1 });
  await dev.publishAsync("multi/state", JSON.stringify({ temperature: 20, humidity: 50, battery: 90 }), { retain: true, qos: 1 });
  await until(() => (h.hub.api.states.find(HUMIDITY)?.state === "50" && h.hub.api.states.find(TEMPERATURE)?.state === "20" ? true : undefined), "multi sensor states");
}

type Event = { a?: Record<string, Record<string, unknown>>; c?: Record<string, { "+"?: Record<string, unknown>; "-"?: { a: string[] } }>; r?: string[] };

async function nextEvent(c: RawClient, id: number): Promise<Event> {
  const msg = await c.message();
  expect(msg).toMatchObject({ id, type: "event" });
  return msg.event as Event;
}

describe("subscribe_entities", () => {
  it("sends the compressed snapshot, then diffs of state, attributes and context", async () => {
    const { h, c, dev } = await setup();
    await announcePlug(h, dev);
    const state = h.hub.api.states.find(PLUG.entityId)!;
    c.send({ id: 1, type: "subscribe_entities" });
    expect(await c.message()).toEqual({ id: 1, type: "result", success: true, result: null });
    const snapshot = await nextEvent(c, 1);
    expect(Object.keys(snapshot)).toEqual(["a"]);
    const compressed = snapshot.a![PLUG.entityId]!;
    expect(compressed).toEqual({
      s: "off",
      a: state.attributes,
      c: state.context.id,
      lc: Date.parse(state.last_changed) / 1000,
      ...(state.last_updated === state.last_changed ? {} : { lu: Date.parse(state.last_updated) / 1000 }),
    });

    await dev.publishAsync(PLUG.config.stat_t, "ON");
    const on = await nextEvent(c, 1);
    const now = h.hub.api.states.find(PLUG.entityId)!;
    expect(on).toEqual({ c: { [PLUG.entityId]: { "+": { s: "on", lc: Date.parse(now.last_changed) / 1000, c: now.context.id } } } });

    await dev.publishAsync(PLUG.config.json_attr_t, JSON.stringify({ power: 12.5, voltage: 230 }));
    const attrs = await nextEvent(c, 1);
    expect(attrs.c![PLUG.entityId]!["+"]).toMatchObject({ a: { power: 12.5, voltage: 230 }, lu: expect.any(Number) as unknown });
    expect(attrs.c![PLUG.entityId]!["+"]!.s).toBeUndefined();

    await dev.publishAsync(PLUG.config.json_attr_t, JSON.stringify({ power: 3 }));
    const removed = await nextEvent(c, 1);
    expect(removed.c![PLUG.entityId]).toMatchObject({ "+": { a: { power: 3 } }, "-": { a: ["voltage"] } });
  });

  it("folds the changes of one turn into one event per subscription, the latest state winning", async () => {
    const { h, c, dev } = await setup();
    await announceMulti(h, dev);
    c.send({ id: 1, type: "subscribe_entities" });
    await c.message();
    await nextEvent(c, 1);
    const facts: string[] = [];
    h.hub.bus.on("stateChanged", (f) => facts.push(f.entityId));
    // One MQTT message feeds both sensors, and the temperature's state and attributes: several facts, one turn.
    await dev.publishAsync("multi/state", JSON.stringify({ temperature: 21, humidity: 55 }));
    const event = await nextEvent(c, 1);
    expect(facts.filter((id) => id === TEMPERATURE).length).toBeGreaterThanOrEqual(2);
    expect(facts).toContain(HUMIDITY);
    expect(Object.keys({ ...event.a, ...event.c }).sort()).toEqual([HUMIDITY, TEMPERATURE]);
    const temperature = h.hub.api.states.find(TEMPERATURE)!;
    const lc = Date.parse(temperature.last_changed) / 1000;
    if (temperature.last_updated === temperature.last_changed) {
      expect(event.c![TEMPERATURE]).toEqual({ "+": { s: "21", lc, c: temperature.context.id, a: { temperature: 21, humidity: 55 } }, "-": { a: ["battery"] } });
    } else {
      // State and attributes landed in different milliseconds: a diff's lc would also overwrite last_updated.
      expect(event.a![TEMPERATURE]).toEqual({ s: "21", a: temperature.attributes, c: temperature.context.id, lc, lu: Date.parse(temperature.last_updated) / 1000 });
    }
    expect(event.c![HUMIDITY]!["+"]).toMatchObject({ s: "55" });
    // Nothing else was queued for that turn.
    c.send({ id: 2, type: "ping" });
    expect(await c.message()).toEqual({ id: 2, type: "pong" });
  });

  it("reports removed entities in r and new ones in a, and honours entity_ids", async () => {
    const { h, c, dev } = await setup();
    await announceMulti(h, dev);
    await announcePlug(h, dev);
    c.send({ id: 1, type: "subscribe_entities" });
    await c.message();
    expect(Object.keys((await nextEvent(c, 1)).a!).sort()).toEqual([TEMPERATURE, HUMIDITY, PLUG.entityId].sort());
    c.send({ id: 2, type: "subscribe_entities", entity_ids: [PLUG.entityId] });
    await c.message();
    expect(Object.keys((await nextEvent(c, 2)).a!)).toEqual([PLUG.entityId]);

    await dev.publishAsync("homeassistant/sensor/multi/humidity/config", "", { retain: true, qos: 1 });
    expect(await nextEvent(c, 1)).toEqual({ r: [HUMIDITY] });
    await dev.publishAsync("homeassistant/sensor/multi/humidity/config", multiSensor("humidity"), { retain: true, qos: 1 });
    const added = await nextEvent(c, 1);
    expect(Object.keys(added.a ?? {})).toEqual([HUMIDITY]);
    expect(added.a![HUMIDITY]).toMatchObject({ s: expect.any(String) as unknown, lc: expect.any(Number) as unknown, c: expect.any(String) as unknown });
    // Its retained state may follow as a diff; let it settle and drain up to a pong.
    await until(() => (h.hub.api.states.find(HUMIDITY)?.state === "50" ? true : undefined), "humidity restored");
    c.send({ id: 3, type: "ping" });
    for (let msg = await c.message(); msg.type !== "pong"; msg = await c.message()) expect(Object.keys((msg.event as Event).c ?? {})).toEqual([HUMIDITY]);

    // The filtered subscription saw none of that; it sees the plug.
    await dev.publishAsync(PLUG.config.stat_t, "ON");
    const frames: Array<Record<string, unknown>> = [];
    while (frames.length < 2) frames.push(await c.message());
    expect(frames.map((f) => f.id).sort()).toEqual([1, 2]);
    for (const f of frames) expect(Object.keys((f.event as Event).c!)).toEqual([PLUG.entityId]);
  });

  it("stops sending diffs after unsubscribe_events", async () => {
    const { h, c, dev } = await setup();
    await announcePlug(h, dev);
    c.send({ id: 1, type: "subscribe_entities" });
    await c.message();
    await nextEvent(c, 1);
    c.send({ id: 2, type: "unsubscribe_events", subscription: 1 });
    expect(await c.message()).toMatchObject({ id: 2, success: true });
    await dev.publishAsync(PLUG.config.stat_t, "ON");
    await until(() => (h.hub.api.states.find(PLUG.entityId)?.state === "on" ? true : undefined), "plug on");
    c.send({ id: 3, type: "ping" });
    expect(await c.message()).toEqual({ id: 3, type: "pong" });
  });
});
