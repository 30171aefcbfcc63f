// The editor's tools on a real hub: "fire this trigger" with a sample (matched by the live trigger's own code,
// conditions checked, a trace kept) and "test this condition" (evaluated on the hub's states, with reasons).
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isHubError } from "../errors";
import { ManualClock } from "../testing/manual-clock";
import { startTestHub, type TestHub } from "../testing/test-hub";

const START = Date.UTC(2026, 10, 18, 10, 0, 0);

let t: TestHub;
let c: MqttClient;
const got: Array<[string, string]> = [];

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const save = (rule: Record<string, unknown>) => t.hub.api.automations.create({ source: JSON.stringify(rule), format: "json", by: null });

beforeAll(async () => {
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, undefined, { clock: new ManualClock(START) });
  await t.hub.automations.ready;
  c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
  c.on("message", (topic, payload) => got.push([topic, payload.toString()]));
  await c.subscribeAsync("out/#");
  await c.publishAsync("homeassistant/binary_sensor/door/config", JSON.stringify({ name: "Contact", unique_id: "door_c", device_class: "door", state_topic: "door/state", device: { identifiers: ["door"], name: "Front door" } }), { retain: true, qos: 1 });
  await c.publishAsync("homeassistant/sensor/temp/config", JSON.stringify({ name: "Temperature", unique_id: "temp_t", state_topic: "temp/state", device: { identifiers: ["temp"], name: "Hall" } }), { retain: true, qos: 1 });
  await c.publishAsync("door/state", "OFF", { retain: true, qos: 1 });
  await c.publishAsync("temp/state", "21.5", { retain: true, qos: 1 });
  await until(() => t.hub.api.states.find("binary_sensor.front_door_contact")?.state === "off" && t.hub.api.states.find("sensor.hall_temperature")?.state === "21.5", "the sensors");
});

afterAll(async () => {
  c.end(true);
  await t.stop();
});

describe("fire this trigger with a sample", () => {
  it("an MQTT sample on a wildcard topic runs the rule with its trigger data; a sample that does not match says why", async () => {
    await save({
      id: "z2m_button",
      triggers: [{ trigger: "mqtt", topic: "zigbee2mqtt/+/action", payload: "single" }],
      actions: [{ action: "mqtt.publish", data: { topic: "out/button", payload: "{{ trigger.topic }} {{ trigger.payload }}" } }],
    });
    const api = t.hub.api.automations;
    expect(api.fireSample("z2m_button", 0, { topic: "zigbee2mqtt/kitchen/action", payload: "double" }, null)).toEqual({ fired: false, reason: 'the payload is "double", the trigger wants "single"' });
    expect(api.fireSample("z2m_button", 0, { topic: "tasmota/kitchen/action", payload: "single" }, null)).toEqual({ fired: false, reason: "tasmota/kitchen/action does not match the trigger's topic zigbee2mqtt/+/action" });
    expect(api.fireSample("z2m_button", 0, { payload: "single" }, null)).toEqual({ fired: false, reason: "give a topic that matches zigbee2mqtt/+/action" });
    const r = api.fireSample("z2m_button", 0, { topic: "zigbee2mqtt/kitchen/action", payload: "single" }, null);
    expect(r.fired).toBe(true);
    await until(() => got.some(([topic]) => topic === "out/button"), "the action's publish");
    expect(got.find(([topic]) => topic === "out/button")?.[1]).toBe("zigbee2mqtt/kitchen/action single");
    await until(() => api.traces("z2m_button").some((tr) => tr.outcome === "success"), "the trace");
    const trace = api.traces("z2m_button")[0]!;
    expect(trace.run_id).toBe(r.fired ? r.run_id : "");
    expect(String(trace.trigger?.description)).toContain("a sample, fired by hand");
    expect(trace.summary).toContain("message on zigbee2mqtt/kitchen/action (a sample, fired by hand)");
    // The hub's broker did not see a made-up message: nothing else reacts to a sample.
    expect(got.some(([topic]) => topic.startsWith("zigbee2mqtt/"))).toBe(false);
  });

  it("a state sample goes through the rule's conditions: a failing one is a near miss with its reason", async () => {
    await save({
      id: "door_warm",
      triggers: [{ trigger: "state", entity_id: "binary_sensor.front_door_contact", to: "on" }],
      conditions: [{ condition: "numeric_state", entity_id: "sensor.hall_temperature", above: 25 }],
      actions: [{ action: "mqtt.publish", data: { topic: "out/door", payload: "{{ trigger.to_state.state }}" } }],
    });
    const api = t.hub.api.automations;
    expect(api.fireSample("door_warm", 0, { to: "off" }, null)).toMatchObject({ fired: false, reason: expect.stringContaining('from "off" to "off"') });
    const r = api.fireSample("door_warm", 0, {}, null);
    // The near miss is known as it fires: the answer says so, with the reason.
    expect(r).toMatchObject({ fired: true, outcome: "near_miss", summary: expect.stringContaining("condition failed") });
    await until(() => api.traces("door_warm").length > 0, "the near miss");
    const trace = api.traces("door_warm")[0]!;
    expect(trace.outcome).toBe("near_miss");
    expect(trace.summary).toContain("21.5");
    expect(() => api.fireSample("door_warm", 3, {}, null)).toThrow(/there is no trigger 3/);
    expect(() => api.fireSample("nope", 0, {}, null)).toThrow(/no automation nope/);
  });

  it("a numeric_state sample outside the range is refused with the limit", async () => {
    await save({ id: "hot", triggers: [{ trigger: "numeric_state", entity_id: "sensor.hall_temperature", above: 30 }], actions: [{ action: "mqtt.publish", data: { topic: "out/hot", payload: "{{ trigger.to_state.state }}" } }] });
    const api = t.hub.api.automations;
    expect(api.fireSample("hot", 0, { to: "22" }, null)).toEqual({ fired: false, reason: "22 is not above 30" });
    expect(api.fireSample("hot", 0, { to: "warm" }, null)).toEqual({ fired: false, reason: '"warm" is not a number' });
    expect(api.fireSample("hot", 0, { to: "31" }, null).fired).toBe(true);
    await until(() => got.some(([topic]) => topic === "out/hot"), "the publish");
    expect(got.find(([topic]) => topic === "out/hot")?.[1]).toBe("31");
  });
});

describe("test this condition", () => {
  it("evaluates on the hub's states and says why", () => {
    const api = t.hub.api.automations;
    const r = api.testConditions({ condition: "state", entity_id: "binary_sensor.front_door_contact", state: "on" });
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("off");
    const both = api.testConditions([
      { condition: "numeric_state", entity_id: "sensor.hall_temperature", below: 25 },
      { condition: "template", value_template: "{{ is_state('binary_sensor.front_door_contact', 'off') }}" },
    ]);
    expect(both.ok).toBe(true);
    expect(both.children?.map((ch) => ch.ok)).toEqual([true, true]);
    // A `trigger` condition tests against the variables given.
    expect(api.testConditions({ condition: "trigger", id: "door" }, { trigger: { id: "door" } }).ok).toBe(true);
  });

  it("refuses a condition that does not parse with each issue's path (422)", () => {
    try {
      t.hub.api.automations.testConditions([{ condition: "stat", entity_id: "x.y" }]);
      expect.unreachable();
    } catch (err) {
      expect(isHubError(err) && err.code).toBe("unprocessable");
      expect((err as { details?: { issues: unknown } }).details?.issues).toEqual([{ path: "condition[0].condition", message: "unknown condition 'stat'; did you mean 'state'?" }]);
    }
    expect(() => t.hub.api.automations.testConditions(undefined)).toThrow(/a condition is required/);
  });
});
