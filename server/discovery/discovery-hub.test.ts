import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";

// The discovery pipeline, registry and state store in a running hub: lifecycle, persistence, bad input.

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

async function hubWithDevice(env: Record<string, string> = {}, dataDir?: string, logs?: Array<Record<string, unknown>>) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", ...env }, dataDir, { logs });
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `dev-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  return { t, api: t.hub.api, device };
}

const sensorConfig = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: "Temperature",
    stat_t: `diy/${id}/temperature`,
    unit_of_meas: "°C",
    dev_cla: "temperature",
    uniq_id: `${id}_t`,
    dev: { ids: [id], name: `Node ${id}`, mf: "DIY" },
    ...extra,
  });

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 4000): Promise<T> {
  let value: T | undefined;
  const left = await eventually(() => {
    value = read();
    return Promise.resolve(value === undefined ? [what] : []);
  }, timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
  return value!;
}

describe("discovery in a running hub", () => {
  it("creates a device and entity from a retained config and decodes its state", async () => {
    const { api, device } = await hubWithDevice();
    await device.publishAsync("homeassistant/sensor/node1/temperature/config", sensorConfig("node1"), { retain: true, qos: 1 });
    const entity = await until(() => api.entities.list().find((e) => e.discovery_id === "node1 temperature"), "entity");
    expect(entity.entity_id).toBe("sensor.node_node1_temperature");
    await device.publishAsync("diy/node1/temperature", "21.5");
    const state = await until(() => (api.states.find(entity.entity_id)?.state === "21.5" ? api.states.find(entity.entity_id) : undefined), "state 21.5");
    expect(state.attributes).toMatchObject({ unit_of_measurement: "°C", device_class: "temperature", friendly_name: "Node node1 Temperature" });
    expect(state.context.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const [dev] = api.devices.list();
    expect(dev).toMatchObject({ name: "Node node1", manufacturer: "DIY", identifiers: ["node1"] });
    expect(dev!.entities.map((e) => e.entity_id)).toEqual([entity.entity_id]);
  });

  it("keeps devices, entities and entity ids across a restart, and restores non-retained configs", async () => {
    const first = await hubWithDevice();
    const dir = first.t.dataDir;
    await first.device.publishAsync("homeassistant/sensor/node2/temperature/config", sensorConfig("node2"), { retain: true, qos: 1 });
    // rtl_433-style: the config is not retained, so only the hub's own record brings it back.
    await first.device.publishAsync("homeassistant/sensor/node3/temperature/config", sensorConfig("node3"), { retain: false, qos: 1 });
    await until(() => (first.api.entities.list().length === 2 ? true : undefined), "two entities");
    const before = first.api.entities.list().map((e) => e.entity_id).sort();
    const deviceIds = first.api.devices.list().map((d) => d.id).sort();
    await first.device.endAsync();
    clients.length = 0;
    await first.t.stop();
    hubs.length = 0;

    const second = await hubWithDevice({}, dir);
    await second.t.hub.discovery.settled;
    expect(second.api.entities.list().map((e) => e.entity_id).sort()).toEqual(before);
    expect(second.api.devices.list().map((d) => d.id).sort()).toEqual(deviceIds);
    await second.device.publishAsync("diy/node3/temperature", "19.25");
    await until(() => (second.api.states.find("sensor.node_node3_temperature")?.state === "19.25" ? true : undefined), "restored entity decodes");
  });

  it("gives a clashing entity id the next suffix and never renames an entity after that", async () => {
    const { api, device } = await hubWithDevice();
    const config = (uid: string) => JSON.stringify({ name: "Lamp", cmd_t: `x/${uid}/set`, stat_t: `x/${uid}`, uniq_id: uid, def_ent_id: "switch.lamp" });
    await device.publishAsync("homeassistant/switch/a/config", config("a"), { retain: true, qos: 1 });
    await device.publishAsync("homeassistant/switch/b/config", config("b"), { retain: true, qos: 1 });
    await until(() => (api.entities.list().length === 2 ? true : undefined), "two switches");
    const ids = Object.fromEntries(api.entities.list().map((e) => [e.unique_id, e.entity_id]));
    expect(ids).toEqual({ a: "switch.lamp", b: "switch.lamp_2" });
    // A changed name hint does not move the entity id.
    await device.publishAsync("homeassistant/switch/a/config", JSON.stringify({ ...JSON.parse(config("a")), def_ent_id: "switch.other" }), { retain: true, qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(api.entities.list().find((e) => e.unique_id === "a")!.entity_id).toBe("switch.lamp");
  });

  it("deleting a device clears its retained discovery topics so it does not come back", async () => {
    const { t, api, device } = await hubWithDevice();
    await device.publishAsync("homeassistant/sensor/node4/temperature/config", sensorConfig("node4"), { retain: true, qos: 1 });
    await device.publishAsync("homeassistant/sensor/node4/humidity/config", sensorConfig("node4", { name: "Humidity", uniq_id: "node4_h", dev_cla: "humidity", unit_of_meas: "%" }), { retain: true, qos: 1 });
    const dev = await until(() => api.devices.list().find((d) => d.entities.length === 2), "device with two entities");
    await api.devices.remove(dev.id);
    expect(api.devices.list()).toEqual([]);
    expect(await t.broker.readRetained("homeassistant/#")).toEqual([]);
    expect(() => api.devices.get(dev.id)).toThrow(/no device/);
  });

  it("an empty payload removes the entity even when not retained (the broker still holds the config)", async () => {
    const { t, api, device } = await hubWithDevice();
    const topic = "homeassistant/sensor/node5/temperature/config";
    await device.publishAsync(topic, sensorConfig("node5"), { retain: true, qos: 1 });
    await until(() => api.entities.list()[0], "entity");
    await device.publishAsync(topic, "", { retain: false, qos: 1 });
    await until(() => (api.entities.list().length === 0 ? true : undefined), "removed");
    expect((await t.broker.readRetained(topic)).length).toBe(1);
  });

  it("publishes the birth message after the retained replay, and a non-retained emitter announces on it", async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    hubs.push(t);
    const device = await mqtt.connectAsync(t.mqttUrl, { clientId: "birth-listener", reconnectPeriod: 0 });
    clients.push(device);
    await t.hub.discovery.settled;
    let births = 0;
    device.on("message", (topic, payload) => {
      if (topic === "homeassistant/status" && payload.toString() === "online") {
        births++;
        void device.publishAsync("homeassistant/sensor/node6/temperature/config", sensorConfig("node6"), { retain: false, qos: 1 }).catch(() => undefined); // the client may end with this in flight
      }
    });
    await device.subscribeAsync("homeassistant/status", { qos: 1 });
    await t.hub.api.discovery.announce();
    await until(() => t.hub.api.entities.list()[0], "entity announced on birth");
    expect(births).toBe(1);
    expect(t.hub.api.discovery.status().birth_published_at).not.toBeNull();
  });

  it("keeps serving through bad configs: each is logged once per topic with its reason and counted", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const { api, device } = await hubWithDevice({}, undefined, logs);
    await device.publishAsync("homeassistant/sensor/good/temperature/config", sensorConfig("good"), { retain: true, qos: 1 });
    const bad: Array<[string, string | Buffer]> = [
      ["homeassistant/sensor/bad1/t/config", '{"name":"x","stat_t":"a/b","dev":{"ids":["b'],
      ["homeassistant/sensor/bad2/t/config", '[{"name":"x"}]'],
      ["homeassistant/sensor/bad3/t/config", `{"name":"${"x".repeat(1024 * 1024)}","stat_t":"a/b"}`],
      ["homeassistant/sensor/bad4/t/config", '{"name":"x","stat_t":"a/b","dev":{"name":"no ids"}}'],
      ["homeassistant/sensor/bad.5/t/config", '{"name":"x","stat_t":"a/b"}'],
      ["homeassistant/sensor/bad6/t/config", Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
      ["homeassistant/sensor/bad7/t/config", '{"name":"x","stat_t":"a/#/b"}'],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [topic, payload] of bad) await device.publishAsync(topic, payload, { qos: 1 });
    }
    await device.publishAsync("diy/good/temperature", "22.5");
    await until(() => (api.states.find("sensor.node_good_temperature")?.state === "22.5" ? true : undefined), "good entity still updates");
    const status = api.discovery.status();
    expect(status.rejected).toBe(bad.length * 3);
    expect(api.entities.list().map((e) => e.discovery_id)).toEqual(["good temperature"]);
    for (const [topic] of bad) {
      const warnings = logs.filter((l) => l.msg === "discovery config rejected" && l.topic === topic);
      expect(warnings, topic).toHaveLength(1);
      expect(String(warnings[0]!.reason).length).toBeGreaterThan(5);
      expect(status.recent_rejections.find((r) => r.topic === topic)?.count).toBe(3);
    }
  });

  it("a config that changes every 10 ms is applied at most once a second and ends in the last version", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const { api, device } = await hubWithDevice({}, undefined, logs);
    const topic = "homeassistant/sensor/churn/temperature/config";
    for (let i = 0; i < 60; i++) {
      await device.publishAsync(topic, sensorConfig("churn", { name: `T${i}` }), { qos: 0 });
      await new Promise((r) => setTimeout(r, 10));
    }
    await until(() => (api.entities.list()[0]?.original_name === "T59" ? true : undefined), "last config applied", 4000);
    expect(logs.filter((l) => l.msg?.toString().includes("changes too often"))).toHaveLength(1);
  });

  it("rejects a second entity with the same unique_id and keeps the first", async () => {
    const { api, device } = await hubWithDevice();
    await device.publishAsync("homeassistant/sensor/n1/temperature/config", sensorConfig("n1", { uniq_id: "same" }), { retain: true, qos: 1 });
    await until(() => api.entities.list()[0], "first");
    await device.publishAsync("homeassistant/sensor/n2/temperature/config", sensorConfig("n2", { uniq_id: "same" }), { retain: true, qos: 1 });
    await until(() => api.discovery.status().recent_rejections[0], "rejection");
    expect(api.entities.list().map((e) => e.discovery_id)).toEqual(["n1 temperature"]);
    expect(api.discovery.status().recent_rejections[0]!.reason).toContain("unique_id already used");
  });

  it("availability: all, any and latest; unavailable until the first message; expire_after", async () => {
    const { api, device } = await hubWithDevice();
    const cfg = (id: string, extra: Record<string, unknown>) =>
      JSON.stringify({ name: id, stat_t: `av/${id}`, uniq_id: id, avty: [{ t: "av/a" }, { t: "av/b", pl_avail: "up", pl_not_avail: "down" }], ...extra });
    await device.publishAsync("homeassistant/binary_sensor/all/config", cfg("all", { avty_mode: "all" }), { qos: 1 });
    await device.publishAsync("homeassistant/binary_sensor/any/config", cfg("any", { avty_mode: "any" }), { qos: 1 });
    await device.publishAsync("homeassistant/binary_sensor/latest/config", cfg("latest", {}), { qos: 1 });
    await device.publishAsync("homeassistant/sensor/exp/config", JSON.stringify({ name: "exp", stat_t: "av/exp", uniq_id: "exp", exp_aft: 1 }), { qos: 1 });
    await until(() => (api.entities.list().length === 4 ? true : undefined), "four entities");
    const avail = () => Object.fromEntries(api.entities.list().map((e) => [e.discovery_id, e.available]));
    expect(avail()).toEqual({ all: false, any: false, latest: false, exp: true });
    await device.publishAsync("av/a", "online");
    await until(() => (avail().any && avail().latest && !avail().all ? true : undefined), "a online");
    await device.publishAsync("av/b", "weird");
    await device.publishAsync("av/b", "down");
    await until(() => (!avail().latest && avail().any && !avail().all ? true : undefined), "b down");
    await device.publishAsync("av/b", "up");
    await until(() => (avail().all && avail().any && avail().latest ? true : undefined), "both up");
    await device.publishAsync("av/exp", "5");
    await until(() => (api.states.find("sensor.exp")?.state === "5" ? true : undefined), "exp has a value");
    await until(() => (api.states.find("sensor.exp")?.state === "unavailable" ? true : undefined), "exp expired", 3000);
  });

  it("services: optimistic switch, mqtt.publish, homeassistant.toggle and clear errors", async () => {
    const { api, device } = await hubWithDevice();
    await device.publishAsync("homeassistant/switch/opt/config", JSON.stringify({ name: "Opt", cmd_t: "opt/set", uniq_id: "opt", ret: true }), { qos: 1 });
    const entity = await until(() => api.entities.list()[0], "switch");
    const seen: Array<{ topic: string; payload: string; retain: boolean }> = [];
    device.on("message", (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await device.subscribeAsync(["opt/set", "free/topic"], { qos: 1 });
    const changed = await api.services.call({ domain: "switch", service: "turn_on", data: { entity_id: entity.entity_id }, userId: "7" });
    expect(changed.map((s) => [s.entity_id, s.state, s.context.user_id])).toEqual([[entity.entity_id, "on", "7"]]);
    await api.services.call({ domain: "homeassistant", service: "toggle", data: { entity_id: [entity.entity_id] }, userId: null });
    expect(api.states.find(entity.entity_id)?.state).toBe("off");
    await api.services.call({ domain: "mqtt", service: "publish", data: { topic: "free/topic", payload: 42, qos: 1 }, userId: null });
    await until(() => (seen.length >= 3 ? true : undefined), "three publishes");
    expect(seen.map((m) => `${m.topic}=${m.payload}`)).toEqual(["opt/set=ON", "opt/set=OFF", "free/topic=42"]);
    await expect(api.services.call({ domain: "switch", service: "turn_on", data: { entity_id: "switch.nope" }, userId: null })).rejects.toMatchObject({ code: "not_found" });
    await expect(api.services.call({ domain: "light", service: "turn_on", data: { entity_id: entity.entity_id }, userId: null })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(api.services.call({ domain: "switch", service: "explode", data: { entity_id: entity.entity_id }, userId: null })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(api.services.call({ domain: "mqtt", service: "publish", data: { topic: "a/+/b" }, userId: null })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("refuses to command an unavailable entity", async () => {
    const { api, device } = await hubWithDevice();
    await device.publishAsync("homeassistant/switch/off/config", JSON.stringify({ name: "Gone", cmd_t: "gone/set", stat_t: "gone", avty_t: "gone/status", uniq_id: "gone" }), { qos: 1 });
    const entity = await until(() => api.entities.list()[0], "switch");
    await expect(api.services.call({ domain: "switch", service: "turn_on", data: { entity_id: entity.entity_id }, userId: null })).rejects.toMatchObject({
      code: "device_unavailable",
    });
  });

  it("routes one message to every entity on the topic, including wildcard state topics", async () => {
    const { api, device } = await hubWithDevice();
    await device.publishAsync("homeassistant/sensor/omg/rssi/config", JSON.stringify({ name: "rssi", stat_t: "omg/+/BTtoMQTT/aa", uniq_id: "omg_rssi" }), { qos: 1 });
    await device.publishAsync("homeassistant/sensor/omg/raw/config", JSON.stringify({ name: "raw", stat_t: "omg/gw1/BTtoMQTT/aa", uniq_id: "omg_raw" }), { qos: 1 });
    await until(() => (api.entities.list().length === 2 ? true : undefined), "two entities");
    await device.publishAsync("omg/gw1/BTtoMQTT/aa", "-71");
    await until(() => (api.states.list().every((s) => s.state === "-71") && api.states.list().length === 2 ? true : undefined), "both decoded");
  });

  it("a failing or endless template drops only its own message, is logged once and shows in diagnostics", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const { api, device } = await hubWithDevice({}, undefined, logs);
    const cfg = (id: string, tpl: string) =>
      JSON.stringify({ name: id, stat_t: `tpl/${id}`, val_tpl: tpl, uniq_id: id, unit_of_meas: "W", dev: { ids: ["tpl-node"], name: "Tpl" } });
    await device.publishAsync("homeassistant/sensor/tpl/bad/config", cfg("bad", "{{ value_json.x | float }}"), { qos: 1 });
    await device.publishAsync("homeassistant/sensor/tpl/loop/config", cfg("loop", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"), { qos: 1 });
    await device.publishAsync("homeassistant/sensor/tpl/good/config", cfg("good", "{{ value_json.x }}"), { qos: 1 });
    await until(() => (api.entities.list().length === 3 ? true : undefined), "three entities");
    await device.publishAsync("tpl/bad", '{"x":"12.5"}');
    await until(() => (api.states.find("sensor.tpl_bad")?.state === "12.5" ? true : undefined), "valid value decodes");
    for (let i = 0; i < 3; i++) {
      await device.publishAsync("tpl/bad", '{"x":"not a number"}');
      await device.publishAsync("tpl/loop", "1");
    }
    await device.publishAsync("tpl/good", '{"x":7}');
    await until(() => (api.states.find("sensor.tpl_good")?.state === "7" ? true : undefined), "other entities keep working");
    expect(api.states.find("sensor.tpl_bad")?.state).toBe("12.5");
    expect(api.states.find("sensor.tpl_loop")?.state).toBe("unknown");
    const dev = api.devices.list()[0]!;
    const problems = api.devices.diagnostics(dev.id).problems;
    const bad = problems.find((p) => p.topic === "tpl/bad")!;
    const loop = problems.find((p) => p.topic === "tpl/loop")!;
    expect(bad).toMatchObject({ kind: "template", count: 3 });
    expect(loop).toMatchObject({ kind: "template", count: 3 });
    expect(loop.reason).toMatch(/time|budget|limit/i);
    expect(logs.filter((l) => l.msg === "state message not applied" && l.topic === "tpl/bad")).toHaveLength(1);
    expect(logs.filter((l) => l.msg === "state message not applied" && l.topic === "tpl/loop")).toHaveLength(1);
    expect(api.devices.diagnostics(dev.id).recent_messages.some((m) => m.topic === "tpl/good" && m.payload === '{"x":7}')).toBe(true);
  });

  it("an entity joining an availability topic other entities already use gets its retained message", async () => {
    const { api, device } = await hubWithDevice();
    await device.publishAsync("bridge/state", '{"state":"online"}', { retain: true, qos: 1 });
    const cfg = (prop: string) =>
      JSON.stringify({
        name: prop,
        stat_t: "z2m/dev",
        val_tpl: `{{ value_json.${prop} }}`,
        uniq_id: `dev_${prop}`,
        avty: [{ t: "bridge/state", val_tpl: "{{ value_json.state }}" }],
        dev: { ids: ["dev"], name: "Dev" },
      });
    await device.publishAsync("homeassistant/sensor/dev/a/config", cfg("a"), { retain: true, qos: 1 });
    await until(() => (api.entities.list()[0]?.available ? true : undefined), "first entity available");
    for (const prop of ["b", "c", "d"]) await device.publishAsync(`homeassistant/sensor/dev/${prop}/config`, cfg(prop), { retain: true, qos: 1 });
    await until(() => {
      const list = api.entities.list();
      return list.length === 4 && list.every((e) => e.available) ? true : undefined;
    }, "all four available");
  });
});
