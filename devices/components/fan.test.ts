import { describe, expect, it } from "vitest";
import { fanPlatform, percentageToSpeed, speedToPercentage } from "./fan";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = fanPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, messages: Array<[string, string]>) {
  const { config, ctx } = setup(raw);
  let value = fanPlatform.initialValue(config);
  const kinds = messages.map(([role, payload]) => {
    const result = fanPlatform.decode(config, role, messageView("fan", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}, current?: EntityValue) {
  const { config, ctx } = setup(raw);
  const handler = fanPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? fanPlatform.initialValue(config), data, ctx);
}

const full = {
  command_topic: "fan/set",
  state_topic: "fan/state",
  percentage_command_topic: "fan/speed/set",
  percentage_state_topic: "fan/speed",
  preset_mode_command_topic: "fan/preset/set",
  preset_mode_state_topic: "fan/preset",
  preset_modes: ["auto", "smart"],
  oscillation_command_topic: "fan/osc/set",
  oscillation_state_topic: "fan/osc",
  direction_command_topic: "fan/dir/set",
  direction_state_topic: "fan/dir",
};
const threeSpeeds = { ...full, speed_range_min: 1, speed_range_max: 3 };

describe("fan percentage formulas (DISCOVERY.md §12)", () => {
  it.each([
    [{}, 50, 50],
    [{ speed_range_max: 3 }, 1, 33],
    [{ speed_range_max: 3 }, 2, 66],
    [{ speed_range_max: 3 }, 3, 100],
    [{ speed_range_min: 3, speed_range_max: 7 }, 3, 20],
    [{ speed_range_min: 3, speed_range_max: 7 }, 2, 0],
  ])("%j: speed %s → %s%%", (range, speed, percentage) => {
    expect(speedToPercentage(setup({ command_topic: "f", ...range }).config, speed)).toBe(percentage);
  });

  it.each([
    [{}, 50, 50],
    [{ speed_range_max: 3 }, 33, 1],
    [{ speed_range_max: 3 }, 50, 2],
    [{ speed_range_max: 3 }, 66, 2],
    [{ speed_range_max: 3 }, 100, 3],
    [{ speed_range_min: 3, speed_range_max: 7 }, 20, 3],
    [{ speed_range_max: 3 }, 0, 0],
  ])("%j: %s%% → speed %s", (range, percentage, speed) => {
    expect(percentageToSpeed(setup({ command_topic: "f", ...range }).config, percentage)).toBe(speed);
  });
});

describe("fan schema and attributes", () => {
  it.each([
    [{ speed_range_min: 0 }, "speed_range_min must be > 0"],
    [{ speed_range_min: 5, speed_range_max: 5 }, "speed_range_max must be > speed_range_min"],
    [{ preset_modes: ["None"] }, "preset_modes must not contain payload_reset_preset_mode"],
  ])("rejects %j", (raw, message) => {
    expect(fanPlatform.schema.safeParse({ command_topic: "f", ...raw }).error?.issues[0]?.message).toBe(message);
  });

  it("attributes follow features", () => {
    const { config } = setup(threeSpeeds);
    expect(fanPlatform.staticAttributes(config)).toEqual({ preset_modes: ["auto", "smart"], supported_features: 63 });
    expect(fanPlatform.initialValue(config)).toEqual({
      state: null,
      attributes: { direction: null, oscillating: false, percentage: null, percentage_step: 100 / 3, preset_mode: null },
    });
    expect(fanPlatform.initialValue(setup({ command_topic: "f" }).config)).toEqual({ state: null, attributes: {} });
    expect(fanPlatform.isOptimistic(setup(full).config)).toBe(false);
    expect(fanPlatform.isOptimistic(setup({ ...full, percentage_state_topic: undefined }).config)).toBe(true);
  });
});

describe("fan state", () => {
  it("on/off/None and sub-states", () => {
    const { value, kinds } = decodeAll(threeSpeeds, [
      ["state_topic", "ON"],
      ["state_topic", "on"],
      ["percentage_state_topic", "2"],
      ["percentage_state_topic", "4"],
      ["percentage_state_topic", "fast"],
      ["preset_mode_state_topic", "smart"],
      ["preset_mode_state_topic", "turbo"],
      ["oscillation_state_topic", "oscillate_on"],
      ["direction_state_topic", "reverse"],
    ]);
    expect(kinds).toEqual(["update", "ignore", "update", "ignore", "ignore", "update", "ignore", "update", "update"]);
    expect(value).toEqual({
      state: "on",
      attributes: { direction: "reverse", oscillating: true, percentage: 66, percentage_step: 100 / 3, preset_mode: "smart" },
    });
  });

  it("reset payloads", () => {
    const { value } = decodeAll(full, [
      ["state_topic", "ON"],
      ["percentage_state_topic", "40"],
      ["preset_mode_state_topic", "auto"],
      ["state_topic", "None"],
      ["percentage_state_topic", "None"],
      ["preset_mode_state_topic", "None"],
    ]);
    expect(value).toMatchObject({ state: null, attributes: { percentage: null, preset_mode: null } });
  });
});

describe("fan services", () => {
  it("turn_on with percentage and preset publishes in HA's order", () => {
    expect(call(threeSpeeds, "turn_on", { percentage: 50, preset_mode: "auto" })).toEqual({
      ok: true,
      publishes: [
        { topic: "fan/set", payload: "ON" },
        { topic: "fan/speed/set", payload: "2" },
        { topic: "fan/preset/set", payload: "auto" },
      ],
    });
    expect(call(full, "turn_on", { preset_mode: "turbo" })).toMatchObject({ ok: false });
  });

  it("optimistic values without state topics", () => {
    expect(call({ command_topic: "f", percentage_command_topic: "p" }, "turn_on", { percentage: 30 })).toEqual({
      ok: true,
      publishes: [
        { topic: "f", payload: "ON" },
        { topic: "p", payload: "30" },
      ],
      optimistic: { state: "on", attributes: { percentage: 30, percentage_step: 1, preset_mode: null } },
    });
  });

  it.each([
    ["turn_off", {}, "fan/set", "OFF"],
    ["set_percentage", { percentage: 100 }, "fan/speed/set", "3"],
    ["set_preset_mode", { preset_mode: "smart" }, "fan/preset/set", "smart"],
    ["oscillate", { oscillating: false }, "fan/osc/set", "oscillate_off"],
    ["set_direction", { direction: "forward" }, "fan/dir/set", "forward"],
  ])("%s %j → %s %s", (service, data, topic, payload) => {
    expect(call(threeSpeeds, service, data)).toEqual({ ok: true, publishes: [{ topic, payload }] });
  });

  it.each([
    ["increase_speed", {}, 33, "2"],
    ["decrease_speed", {}, 33, "0"],
    ["increase_speed", {}, 100, "3"],
    ["increase_speed", { percentage_step: 10 }, 33, "2"],
  ])("%s %j from %s%% sends %s", (service, data, percentage, payload) => {
    expect(call(threeSpeeds, service, data, { state: "on", attributes: { percentage } })).toMatchObject({ publishes: [{ payload }] });
  });

  it("refuses what the fan does not support", () => {
    expect(call(full, "turn_on", { speed: "high" })).toEqual({ ok: false, error: "extra keys not allowed @ data['speed']" });
    for (const service of ["set_percentage", "set_preset_mode", "oscillate", "set_direction", "increase_speed"]) {
      expect(call({ command_topic: "f" }, service, { percentage: 3, preset_mode: "a", oscillating: true, direction: "forward" })).toMatchObject({ ok: false });
    }
  });

  it("toggle follows the state", () => {
    expect(call(full, "toggle", {}, { state: "on", attributes: {} })).toMatchObject({ publishes: [{ payload: "OFF" }] });
    expect(call(full, "toggle", {}, { state: null, attributes: {} })).toMatchObject({ publishes: [{ payload: "ON" }] });
  });
});

describe("fan templates", () => {
  it("Z2M fan: value templates per topic", () => {
    const raw = {
      command_topic: "zigbee2mqtt/fan/set/fan_state",
      state_topic: "zigbee2mqtt/fan",
      state_value_template: "{{ value_json.fan_state }}",
      percentage_command_topic: "zigbee2mqtt/fan/set/fan_mode",
      percentage_command_template: "{{ {1:'low',2:'medium',3:'high'}[value] | default('') }}",
      percentage_state_topic: "zigbee2mqtt/fan",
      percentage_value_template: "{{ {'low':1,'medium':2,'high':3}[value_json.fan_mode] | default('None') }}",
      speed_range_max: 3,
    };
    const payload = '{"fan_state":"ON","fan_mode":"medium"}';
    expect(decodeAll(raw, [["state_topic", payload], ["percentage_state_topic", payload]]).value).toMatchObject({ state: "on", attributes: { percentage: 66 } });
    expect(call(raw, "set_percentage", { percentage: 100 })).toMatchObject({ publishes: [{ topic: "zigbee2mqtt/fan/set/fan_mode", payload: "high" }] });
  });
});
