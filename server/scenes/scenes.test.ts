// Scenes end to end: simulated Zigbee2MQTT-style JSON lights (plus a switch, a sensor and an MQTT scene) on the real
// broker; scenes created, applied and restored through the hub's service layer, checked by the commands the hub
// publishes; a created scene outlives a restart; automations use `action: scene.create` and the `scene:` shorthand.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { isHubError } from "../errors";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop().catch(() => undefined);
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const LIGHT = (id: string, modes: string[]) => ({
  schema: "json",
  name: null,
  unique_id: `${id}_light`,
  command_topic: `z2m/${id}/set`,
  state_topic: `z2m/${id}`,
  brightness: true,
  supported_color_modes: modes,
  max_mireds: 500,
  min_mireds: 153,
  device: { identifiers: [`z2m_${id}`], name: id, manufacturer: "Philips" },
});

/**
 * The devices: two JSON lights that obey their command topics and report the result (as Zigbee2MQTT does), a
 * switch, a sensor and an MQTT scene. `commands` holds what the hub sent, as [topic, payload].
 */
async function devices(t: TestHub): Promise<{ c: MqttClient; commands: Array<[string, string]>; report: (id: string, state: Record<string, unknown>) => Promise<void> }> {
  const c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
  clients.push(c);
  const commands: Array<[string, string]> = [];
  const states = new Map<string, Record<string, unknown>>();
  const report = async (id: string, state: Record<string, unknown>) => {
    const next = { ...states.get(id), ...state };
    if (next.state === "OFF") delete next.brightness;
    states.set(id, next);
    await c.publishAsync(`z2m/${id}`, JSON.stringify(next), { retain: true, qos: 1 });
  };
  c.on("message", (topic, payload) => {
    commands.push([topic, payload.toString()]);
    const light = /^z2m\/(lamp_\w+)\/set$/.exec(topic)?.[1];
    if (light) void report(light, JSON.parse(payload.toString()) as Record<string, unknown>).catch(() => undefined); // the client may end with this in flight
  });
  await c.subscribeAsync(["z2m/+/set", "fan/set", "scenes/#"]);
  const configs: Array<[string, unknown]> = [
    ["homeassistant/light/lamp_a/light/config", LIGHT("lamp_a", ["color_temp", "xy"])],
    ["homeassistant/light/lamp_b/light/config", LIGHT("lamp_b", ["brightness"])],
    ["homeassistant/switch/fan/config", { name: "Fan", unique_id: "fan_sw", command_topic: "fan/set", state_topic: "fan/state" }],
    ["homeassistant/sensor/temp/config", { name: "Temp", unique_id: "temp_s", state_topic: "temp/state" }],
    ["homeassistant/scene/party/config", { name: "Party", unique_id: "party_scene", command_topic: "scenes/party", payload_on: "GO" }],
  ];
  for (const [topic, config] of configs) await c.publishAsync(topic, JSON.stringify(config), { retain: true, qos: 1 });
  await until(() => t.hub.api.states.find("light.lamp_b") !== undefined && t.hub.api.states.find("scene.party") !== undefined, "discovery");
  return { c, commands, report };
}

async function hub(dir?: string): Promise<TestHub> {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hearth-scenes-")));
  hubs.push(t);
  await t.hub.automations.ready;
  return t;
}

const call = (t: TestHub, service: string, data: Record<string, unknown>) => t.hub.api.services.call({ domain: "scene", service, data, userId: null });
const json = (commands: Array<[string, string]>): Array<[string, unknown]> => commands.map(([topic, payload]) => [topic, payload.startsWith("{") ? (JSON.parse(payload) as unknown) : payload]);
const stateOf = (t: TestHub, id: string) => t.hub.api.states.find(id);

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!isHubError(err)) throw new Error(`expected a HubError, got ${String(err)}`);
  return err;
}

describe("scenes", () => {
  it("snapshots two lights, restores them with scene.turn_on, and keeps the scene across a restart", async () => {
    let t = await hub();
    let d = await devices(t);
    await d.report("lamp_a", { state: "ON", brightness: 200, color_mode: "color_temp", color_temp: 370 });
    await d.report("lamp_b", { state: "ON", brightness: 80 });
    await until(() => stateOf(t, "light.lamp_a")?.attributes.brightness === 200 && stateOf(t, "light.lamp_b")?.attributes.brightness === 80, "lamps on");

    await call(t, "create", { scene_id: "evening", snapshot_entities: ["light.lamp_a", "light.lamp_b"] });
    expect(t.hub.api.scenes.list()).toMatchObject([
      {
        id: "evening",
        entity_id: "scene.evening",
        origin: "created",
        entities: { "light.lamp_a": { state: "on", brightness: 200, color_mode: "color_temp", color_temp_kelvin: 2702 }, "light.lamp_b": { state: "on", brightness: 80 } },
      },
    ]);

    await d.report("lamp_a", { state: "OFF" });
    await d.report("lamp_b", { brightness: 255 });
    await until(() => stateOf(t, "light.lamp_a")?.state === "off" && stateOf(t, "light.lamp_b")?.attributes.brightness === 255, "lamps changed");
    await t.hub.api.services.call({ domain: "scene", service: "turn_on", data: { entity_id: "scene.evening" }, userId: null });
    await until(() => d.commands.length === 2, "the restoring commands");
    expect(json(d.commands)).toEqual([
      ["z2m/lamp_a/set", { state: "ON", brightness: 200, color_temp: 370 }],
      ["z2m/lamp_b/set", { state: "ON", brightness: 80 }],
    ]);

    // The same data directory after a restart: the scene is still there and still works.
    await until(() => stateOf(t, "light.lamp_a")?.state === "on", "lamp a restored");
    await d.report("lamp_a", { state: "OFF" });
    await until(() => stateOf(t, "light.lamp_a")?.state === "off", "lamp a off");
    const dir = t.dataDir;
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();
    t = await hub(dir);
    d = await devices(t);
    await until(() => stateOf(t, "light.lamp_a")?.state === "off", "lamp a's retained state");
    expect(t.hub.api.scenes.list().map((s) => s.entity_id)).toEqual(["scene.evening"]);
    await call(t, "turn_on", { entity_id: ["scene.evening"], transition: 2 });
    await until(() => d.commands.length === 1, "the command after the restart");
    expect(json(d.commands)).toEqual([["z2m/lamp_a/set", { state: "ON", brightness: 200, color_temp: 370, transition: 2 }]]);

    await call(t, "delete", { entity_id: "scene.evening" });
    expect(t.hub.api.scenes.list()).toEqual([]);
    expect(await failure(call(t, "delete", { entity_id: "scene.party" }))).toMatchObject({ code: "invalid_input", message: "The scene scene.party is not created with service `scene.create`" });
  });

  it("scene.apply sets mixed entities, reports the ones it cannot set, and refuses bad values", async () => {
    const t = await hub();
    const d = await devices(t);
    await d.report("lamp_a", { state: "OFF" });
    await d.c.publishAsync("fan/state", "OFF", { retain: true, qos: 1 });
    await d.c.publishAsync("temp/state", "21", { retain: true, qos: 1 });
    await until(() => stateOf(t, "switch.fan")?.state === "off" && stateOf(t, "sensor.temp")?.state === "21" && stateOf(t, "light.lamp_a")?.state === "off", "states");

    const err = await failure(
      call(t, "apply", {
        entities: { "light.lamp_a": { state: "on", brightness: 50, color_mode: "xy", xy_color: [0.6, 0.3] }, "switch.fan": true, "light.nowhere": "on", "sensor.temp": "30", "light.lamp_b": "off" },
      }),
    );
    expect(err).toMatchObject({ code: "unprocessable", message: "scene.apply: 3 of 5 entities set; no such entities: light.nowhere; scenes cannot set: sensor.temp" });
    await until(() => d.commands.length === 3, "three commands");
    expect(json(d.commands)).toEqual([
      ["z2m/lamp_a/set", { state: "ON", brightness: 50, color: { x: 0.6, y: 0.3 } }],
      ["fan/set", "ON"],
      ["z2m/lamp_b/set", { state: "OFF" }],
    ]);

    d.commands.length = 0;
    const bad = await failure(call(t, "apply", { entities: { "light.lamp_a": "purple", "switch.fan": "on" } }));
    expect(bad).toMatchObject({ code: "invalid_input", message: 'scene.apply: entities.light.lamp_a: a light is "on" or "off", not "purple"' });
    expect((await failure(call(t, "apply", { entities: {}, brightness: 3 }))).message).toMatch(/^scene\.apply: .*brightness/);
    expect((await failure(call(t, "create", { scene_id: "Movie Night", entities: { "light.lamp_a": "on" } }))).message).toMatch(/scene_id: must be a slug/);
    expect((await failure(call(t, "create", { scene_id: "x", snapshot_entities: "light.ghost, sensor.temp" }))).message).toBe(
      "scene.create scene.x: no such entities: light.ghost; cannot be reproduced: sensor.temp (scenes cannot set sensor entities)",
    );
    expect((await failure(call(t, "create", { scene_id: "party", entities: { "light.lamp_a": "on" } }))).code).toBe("conflict");
    await new Promise((r) => setTimeout(r, 100));
    expect(d.commands).toEqual([]);
  });

  it("MQTT scenes keep answering scene.turn_on, alone or with hub scenes", async () => {
    const t = await hub();
    const d = await devices(t);
    await call(t, "turn_on", { entity_id: "scene.party" });
    await until(() => d.commands.length === 1, "the MQTT scene's command");
    await call(t, "create", { scene_id: "fan_on", entities: { "switch.fan": "on" } });
    await call(t, "turn_on", { entity_id: ["scene.party", "scene.fan_on"] });
    await until(() => d.commands.length === 3, "both scenes");
    expect(d.commands.slice().sort()).toEqual([["fan/set", "ON"], ["scenes/party", "GO"], ["scenes/party", "GO"]]);
    expect(t.hub.api.services.list().find((s) => s.domain === "scene")?.services).toMatchObject({ turn_on: {}, activate: {}, apply: {}, create: {}, delete: {}, reload: {} });
  });

  it("automations: action scene.create, then the scene: shorthand restores it", async () => {
    const t = await hub();
    const d = await devices(t);
    await d.report("lamp_a", { state: "ON", brightness: 200, color_mode: "color_temp", color_temp: 250 });
    await until(() => stateOf(t, "light.lamp_a")?.attributes.brightness === 200, "lamp a on");
    const rule = {
      id: "flash_and_restore",
      triggers: [{ trigger: "mqtt", topic: "in/doorbell" }],
      actions: [
        { action: "scene.create", data: { scene_id: "before_doorbell", snapshot_entities: ["light.lamp_a"] } },
        { action: "light.turn_off", target: { entity_id: "light.lamp_a" } },
        { wait_template: "{{ is_state('light.lamp_a', 'off') }}", timeout: 5 },
        { scene: "scene.before_doorbell" },
      ],
    };
    await t.hub.api.automations.create({ source: JSON.stringify(rule), format: "json", by: null });
    await d.c.publishAsync("in/doorbell", "ring", { qos: 1 });
    await until(() => d.commands.length === 2, "off, then restored");
    expect(json(d.commands)).toEqual([
      ["z2m/lamp_a/set", { state: "OFF" }],
      ["z2m/lamp_a/set", { state: "ON", brightness: 200, color_temp: 250 }],
    ]);
    await until(() => t.hub.api.automations.traces("flash_and_restore")[0]?.outcome === "success", "the run to end");
    expect(t.hub.api.automations.traces("flash_and_restore")[0]!.steps.map((s) => s.result)).toEqual([
      "called scene.create",
      "called light.turn_off on light.lamp_a",
      "the wait was over",
      "applied scene.before_doorbell",
    ]);
  });
});
