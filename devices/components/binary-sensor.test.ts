import { describe, expect, it } from "vitest";
import { binarySensorPlatform } from "./binary-sensor";
import type { DecodeResult, EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = binarySensorPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = binarySensorPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = binarySensorPlatform.decode(config, "state", messageView(config.state_topic, payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

describe("binary_sensor: corpus cases", () => {
  it.each<[string, ExpandedConfig, string[], string]>([
    [
      "z2m-motion-occupancy (payload_on: true → 'True')",
      { state_topic: "zigbee2mqtt/hallway_motion", payload_on: true, payload_off: false, value_template: '{{ value_json["occupancy"] }}', device_class: "occupancy" },
      ['{"battery":100,"device_temperature":24,"illuminance":12,"linkquality":87,"occupancy":true,"power_outage_count":2,"voltage":3005}'],
      "on",
    ],
    [
      "z2m-contact-door-inverted",
      { state_topic: "zigbee2mqtt/front_door", payload_on: false, payload_off: true, value_template: '{{ value_json["contact"] }}', device_class: "door" },
      ['{"battery":91,"contact":true,"linkquality":120,"voltage":3015}', '{"battery":91,"contact":false,"linkquality":117,"voltage":3015}'],
      "on",
    ],
    [
      "z2m-bridge-connection-state-no-availability",
      { state_topic: "zigbee2mqtt/bridge/state", payload_on: "online", payload_off: "offline", value_template: "{{ value_json.state }}", device_class: "connectivity" },
      ['{"state":"online"}'],
      "on",
    ],
    ["esphome-binary-sensor-motion", { state_topic: "living-room/binary_sensor/motion/state", device_class: "motion" }, ["ON", "OFF"], "off"],
    [
      "esphome-status-binary-sensor-offline",
      { state_topic: "living-room/status", payload_on: "online", payload_off: "offline", device_class: "connectivity" },
      ["online", "offline"],
      "off",
    ],
    [
      "availability-latest-default-unavailable-until-first-message",
      { state_topic: "home/hall_window/contact", device_class: "window" },
      ["ON"],
      "on",
    ],
    [
      "device-based-cmps-abbreviated-shared-state-topic (battery low)",
      { state_topic: "acme/bedroom_env_01/state", device_class: "problem", value_template: "{{ 'ON' if value_json.battery < 20 else 'OFF' }}" },
      ['{"temperature":22.4,"humidity":45,"battery":12}'],
      "on",
    ],
    ["invalid-origin-ignored (the platform itself decodes)", { state_topic: "shed_node/door", device_class: "door" }, ["ON"], "on"],
  ])("%s", (_id, raw, payloads, state) => {
    expect(replay(raw, payloads).value.state).toBe(state);
  });
});

describe("binary_sensor", () => {
  it("requires a state topic", () => {
    const parsed = binarySensorPlatform.schema.safeParse({ payload_on: "1" });
    expect(parsed.error?.issues.map((i) => i.message)).toEqual(["required key 'state_topic' missing"]);
  });

  it("a string 'true' never matches a rendered JSON boolean ('True')", () => {
    const raw = { state_topic: "s", payload_on: "true", payload_off: "false", value_template: "{{ value_json.occupancy }}" };
    const { value, results } = replay(raw, ['{"occupancy":true}']);
    expect(value.state).toBeNull();
    expect(results[0]).toMatchObject({ kind: "ignore", reason: expect.stringContaining("No matching payload") as unknown });
  });

  it.each<[string, string[], string | null, DecodeResult["kind"]]>([
    ["'None' resets to unknown", ["ON", "None"], null, "update"],
    ["an empty payload is ignored", ["ON", ""], "on", "ignore"],
    ["whitespace only is ignored", ["ON", "  "], "on", "ignore"],
    ["matching is case-sensitive", ["ON", "off"], "on", "ignore"],
  ])("%s", (_name, payloads, state, kind) => {
    const { value, results } = replay({ state_topic: "s" }, payloads);
    expect(value.state).toBe(state);
    expect(results.at(-1)?.kind).toBe(kind);
  });

  it("a missing template key is no update", () => {
    const { value, results } = replay({ state_topic: "s", value_template: "{{ value_json.contact }}" }, ['{"contact":true}', '{"battery":3}']);
    expect(results[1]?.kind).toBe("ignore");
    expect(value.state).toBeNull();
  });

  it("off_delay turns an 'on' back 'off' after the delay", () => {
    const { results } = replay({ state_topic: "s", off_delay: 30 }, ["ON", "OFF"]);
    expect(results[0]).toEqual({
      kind: "update",
      value: { state: "on", attributes: {} },
      revertAfter: { ms: 30_000, value: { state: "off", attributes: {} } },
    });
    expect(results[1]).toEqual({ kind: "update", value: { state: "off", attributes: {} } });
  });

  it("has no services and no attributes of its own", () => {
    const { config } = setup({ state_topic: "s" });
    expect(binarySensorPlatform.services).toEqual({});
    expect(binarySensorPlatform.staticAttributes(config)).toEqual({});
    expect(binarySensorPlatform.stateTopics(config)).toEqual([{ role: "state", topic: "s" }]);
  });
});
