import { describe, expect, it } from "vitest";
import { climatePlatform, pythonRound } from "./climate";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = climatePlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

/** Replays [role, payload] pairs as the pipeline would, threading the value through. */
function decodeAll(raw: ExpandedConfig, messages: Array<[string, string]>) {
  const { config, ctx } = setup(raw);
  let value = climatePlatform.initialValue(config);
  const kinds = messages.map(([role, payload]) => {
    const result = climatePlatform.decode(config, role, messageView("hvac/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}, current?: EntityValue) {
  const { config, ctx } = setup(raw);
  const handler = climatePlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? climatePlatform.initialValue(config), data, ctx);
}

const full = {
  mode_command_topic: "hvac/mode/set",
  mode_state_topic: "hvac/mode",
  temperature_command_topic: "hvac/temp/set",
  temperature_state_topic: "hvac/temp",
  current_temperature_topic: "hvac/current",
  fan_mode_command_topic: "hvac/fan/set",
  fan_mode_state_topic: "hvac/fan",
  action_topic: "hvac/action",
};

describe("python numbers", () => {
  it.each([
    [21.25, 1, 21.2],
    [21.35, 1, 21.4],
    [0.15, 1, 0.1],
    [2.5, 0, 2],
    [3.5, 0, 4],
    [-2.5, 0, -2],
    [22.46, 1, 22.5],
  ])("round(%s, %s) = %s", (x, digits, expected) => {
    expect(pythonRound(x, digits)).toBe(expected);
  });
});

describe("climate schema", () => {
  it.each([
    [{ preset_modes: ["eco"] }, "some but not all values in the same group of inclusion"],
    [{ preset_mode_command_topic: "p", preset_modes: ["none", "eco"] }, "preset_modes must not include preset mode 'none'"],
    [{ min_humidity: 50, max_humidity: 40 }, "target_humidity_max must be > target_humidity_min"],
    [{ target_humidity_state_topic: "h" }, "target_humidity_state_topic cannot be used without target_humidity_command_topic"],
    [{ precision: 0.2 }, "precision must be 0.1, 0.5 or 1.0"],
    [{ temperature_unit: "K" }, 'invalid temperature unit "K"'],
  ])("rejects %j", (raw, message) => {
    const parsed = climatePlatform.schema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it("accepts Z2M's string min/max and an empty config", () => {
    expect(setup({ min_temp: "5", max_temp: "30", temp_step: 0.5 }).config).toMatchObject({ min_temp: 5, max_temp: 30, temp_step: 0.5 });
    expect(setup({}).config.modes).toEqual(["auto", "off", "cool", "heat", "dry", "fan_only"]);
  });
});

describe("climate attributes", () => {
  it("static attributes follow the supported features", () => {
    expect(climatePlatform.staticAttributes(setup(full).config)).toEqual({
      hvac_modes: ["auto", "off", "cool", "heat", "dry", "fan_only"],
      min_temp: 7,
      max_temp: 35,
      target_temp_step: 1,
      fan_modes: ["auto", "low", "medium", "high"],
      supported_features: 1 | 8 | 128 | 256,
    });
    const presets = climatePlatform.staticAttributes(setup({ preset_mode_command_topic: "p", preset_modes: ["eco"], target_humidity_command_topic: "h" }).config);
    expect(presets).toMatchObject({ preset_modes: ["none", "eco"], min_humidity: 30, max_humidity: 99, supported_features: 4 | 16 | 128 | 256 });
  });

  it("a °F device shows °C", () => {
    expect(climatePlatform.staticAttributes(setup({ temperature_unit: "F" }).config)).toMatchObject({ min_temp: 7, max_temp: 35 });
    expect(decodeAll({ ...full, temperature_unit: "F" }, [["current_temperature_topic", "70"]]).value.attributes.current_temperature).toBe(21.1);
  });

  it("initial values: assumed where there is no state topic", () => {
    expect(climatePlatform.initialValue(setup(full).config)).toEqual({ state: null, attributes: { current_temperature: null, temperature: null, fan_mode: null } });
    expect(climatePlatform.initialValue(setup({ temperature_command_topic: "t", fan_mode_command_topic: "f" }).config)).toEqual({
      state: "off",
      attributes: { current_temperature: null, temperature: 21, fan_mode: "low" },
    });
    expect(climatePlatform.isOptimistic(setup(full).config)).toBe(false);
    expect(climatePlatform.isOptimistic(setup({ ...full, mode_state_topic: undefined }).config)).toBe(true);
  });

  it("subscribes per role", () => {
    expect(climatePlatform.stateTopics(setup(full).config).map((t) => t.role).sort()).toEqual(
      ["action_topic", "current_temperature_topic", "fan_mode_state_topic", "mode_state_topic", "temperature_state_topic"].sort(),
    );
  });
});

describe("climate state", () => {
  it("takes modes from the list, resets on None, ignores others", () => {
    const { value, kinds } = decodeAll(full, [
      ["mode_state_topic", "heat"],
      ["mode_state_topic", "turbo"],
      ["fan_mode_state_topic", "high"],
      ["fan_mode_state_topic", "None"],
    ]);
    expect(kinds).toEqual(["update", "ignore", "update", "update"]);
    expect(value.state).toBe("heat");
    expect(value.attributes.fan_mode).toBeNull();
  });

  it("parses temperatures, rounds to precision, ignores junk and empty", () => {
    const { value, kinds } = decodeAll(full, [
      ["current_temperature_topic", "21.46"],
      ["temperature_state_topic", "22"],
      ["temperature_state_topic", "warm"],
      ["temperature_state_topic", ""],
    ]);
    expect(kinds).toEqual(["update", "update", "ignore", "ignore"]);
    expect(value.attributes).toMatchObject({ current_temperature: 21.5, temperature: 22 });
    expect(decodeAll({ ...full, precision: 0.5 }, [["temperature_state_topic", "21.3"]]).value.attributes.temperature).toBe(21.5);
    expect(decodeAll({ ...full, precision: 1 }, [["temperature_state_topic", "21.5"]]).value.attributes.temperature).toBe(22);
    expect(decodeAll(full, [["temperature_state_topic", "22"], ["temperature_state_topic", "None"]]).value.attributes.temperature).toBeNull();
  });

  it("hvac_action must be one of HA's actions and shows only when set", () => {
    const { value, kinds } = decodeAll(full, [
      ["action_topic", "heating"],
      ["action_topic", "burning"],
    ]);
    expect(kinds).toEqual(["update", "ignore"]);
    expect(value.attributes.hvac_action).toBe("heating");
    expect(decodeAll(full, [["action_topic", "heating"], ["action_topic", "None"]]).value.attributes).not.toHaveProperty("hvac_action");
  });

  it("preset 'none' and listed presets", () => {
    const raw = { preset_mode_command_topic: "p/set", preset_mode_state_topic: "p", preset_modes: ["eco", "away"] };
    expect(decodeAll(raw, [["preset_mode_state_topic", "eco"]]).value.attributes.preset_mode).toBe("eco");
    expect(decodeAll(raw, [["preset_mode_state_topic", "eco"], ["preset_mode_state_topic", "None"]]).value.attributes.preset_mode).toBe("none");
    expect(decodeAll(raw, [["preset_mode_state_topic", "boost"]]).kinds).toEqual(["ignore"]);
  });

  it("humidity values", () => {
    const raw = { current_humidity_topic: "h", target_humidity_command_topic: "th/set", target_humidity_state_topic: "th" };
    expect(decodeAll(raw, [["current_humidity_topic", "45.5"], ["target_humidity_state_topic", "50"]]).value.attributes).toMatchObject({ current_humidity: 45.5, humidity: 50 });
  });
});

describe("climate services", () => {
  it("set_hvac_mode publishes the mode; optimistic only without a state topic", () => {
    expect(call(full, "set_hvac_mode", { hvac_mode: "cool", fan: 1 })).toEqual({ ok: false, error: "extra keys not allowed @ data['fan']" });
    expect(call(full, "set_hvac_mode", { hvac_mode: "cool" })).toEqual({ ok: true, publishes: [{ topic: "hvac/mode/set", payload: "cool" }] });
    expect(call({ mode_command_topic: "m" }, "set_hvac_mode", { hvac_mode: "heat" })).toMatchObject({ optimistic: { state: "heat" } });
    expect(call(full, "set_hvac_mode", { hvac_mode: "heat_cool" })).toMatchObject({ ok: false });
  });

  it.each([
    [22.5, "22.5"],
    [21, "21.0"],
    ["19.5", "19.5"],
  ])("set_temperature %j sends %s", (temperature, payload) => {
    expect(call(full, "set_temperature", { temperature })).toEqual({ ok: true, publishes: [{ topic: "hvac/temp/set", payload }] });
  });

  it("set_temperature checks range and features, and can set the mode first", () => {
    expect(call(full, "set_temperature", { temperature: 40 })).toEqual({ ok: false, error: "Provided temperature 40 is not valid. Accepted range is 7 to 35" });
    expect(call(full, "set_temperature", { target_temp_low: 18, target_temp_high: 22 })).toMatchObject({ ok: false });
    expect(call(full, "set_temperature", { temperature: 20, hvac_mode: "heat" })).toEqual({
      ok: true,
      publishes: [
        { topic: "hvac/mode/set", payload: "heat" },
        { topic: "hvac/temp/set", payload: "20.0" },
      ],
    });
    const range = { temperature_low_command_topic: "lo", temperature_high_command_topic: "hi" };
    expect(call(range, "set_temperature", { target_temp_low: 18, target_temp_high: 22.5 })).toMatchObject({
      publishes: [
        { topic: "lo", payload: "18.0" },
        { topic: "hi", payload: "22.5" },
      ],
      optimistic: { attributes: { target_temp_low: 18, target_temp_high: 22.5 } },
    });
    expect(call(range, "set_temperature", { target_temp_low: 23, target_temp_high: 22 })).toMatchObject({ ok: false });
  });

  it("set_temperature converts to a °F device", () => {
    expect(call({ ...full, temperature_unit: "F", min_temp: 45, max_temp: 95 }, "set_temperature", { temperature: 20 })).toMatchObject({ publishes: [{ payload: "68.0" }] });
  });

  it("fan, swing, preset modes must be in their lists", () => {
    expect(call(full, "set_fan_mode", { fan_mode: "high" })).toEqual({ ok: true, publishes: [{ topic: "hvac/fan/set", payload: "high" }] });
    expect(call(full, "set_fan_mode", { fan_mode: "turbo" })).toMatchObject({ ok: false });
    expect(call(full, "set_swing_mode", { swing_mode: "on" })).toMatchObject({ ok: false });
    const presets = { preset_mode_command_topic: "p/set", preset_modes: ["eco"] };
    expect(call(presets, "set_preset_mode", { preset_mode: "eco" })).toMatchObject({ publishes: [{ topic: "p/set", payload: "eco" }], optimistic: { attributes: { preset_mode: "eco" } } });
    expect(call(presets, "set_preset_mode", { preset_mode: "none" })).toMatchObject({ publishes: [{ payload: "none" }] });
  });

  it("set_humidity: integer payload within min/max", () => {
    const raw = { target_humidity_command_topic: "th/set" };
    expect(call(raw, "set_humidity", { humidity: 45 })).toMatchObject({ publishes: [{ topic: "th/set", payload: "45" }], optimistic: { attributes: { humidity: 45 } } });
    expect(call(raw, "set_humidity", { humidity: 20 })).toMatchObject({ ok: false });
    expect(call(full, "set_humidity", { humidity: 45 })).toMatchObject({ ok: false });
  });

  it("turn_on/turn_off use power_command_topic, else the modes", () => {
    const power = { ...full, power_command_topic: "hvac/power" };
    expect(call(power, "turn_on")).toEqual({ ok: true, publishes: [{ topic: "hvac/power", payload: "ON" }] });
    expect(call(power, "turn_off")).toEqual({ ok: true, publishes: [{ topic: "hvac/power", payload: "OFF" }] });
    expect(call(full, "turn_off")).toEqual({ ok: true, publishes: [{ topic: "hvac/mode/set", payload: "off" }] });
    expect(call(full, "turn_on")).toMatchObject({ ok: false });
    expect(call({ ...full, modes: ["off", "heat"] }, "turn_on")).toEqual({ ok: true, publishes: [{ topic: "hvac/mode/set", payload: "heat" }] });
    expect(call({ ...full, modes: ["off", "heat"] }, "toggle", {}, { state: "heat", attributes: {} })).toMatchObject({ publishes: [{ payload: "off" }] });
  });
});

describe("climate templates", () => {
  const z2m = {
    action_template:
      "{% set values = {None:None,'idle':'idle','heat':'heating','cool':'cooling','fan_only':'fan'} %}{{ values[value_json.running_state] }}",
    action_topic: "zigbee2mqtt/trv",
    current_temperature_template: "{{ value_json.local_temperature }}",
    current_temperature_topic: "zigbee2mqtt/trv",
    max_temp: "30",
    min_temp: "5",
    mode_command_topic: "zigbee2mqtt/trv/set/system_mode",
    mode_state_template: "{{ value_json.system_mode }}",
    mode_state_topic: "zigbee2mqtt/trv",
    modes: ["off", "heat"],
    temp_step: 0.5,
    temperature_command_topic: "zigbee2mqtt/trv/set/current_heating_setpoint",
    temperature_state_template: "{{ value_json.current_heating_setpoint }}",
    temperature_state_topic: "zigbee2mqtt/trv",
    temperature_unit: "C",
  };
  const payload = '{"local_temperature":19.5,"current_heating_setpoint":21,"system_mode":"heat","running_state":"heat"}';

  it("Z2M thermostat: one JSON message feeds every role", () => {
    const roles = climatePlatform.stateTopics(setup(z2m).config).map((t) => t.role);
    const { value } = decodeAll(
      z2m,
      roles.map((role) => [role, payload]),
    );
    expect(value).toEqual({ state: "heat", attributes: { current_temperature: 19.5, temperature: 21, hvac_action: "heating" } });
  });

  it("value_template is the fallback for every state topic", () => {
    const raw = { mode_state_topic: "m", value_template: "{{ value_json.mode }}" };
    expect(decodeAll(raw, [["mode_state_topic", '{"mode":"cool"}']]).value.state).toBe("cool");
  });

  it("temperature_command_template sees a Python float", () => {
    const raw = { ...full, temperature_command_template: '{"setpoint": {{ value }}}' };
    expect(call(raw, "set_temperature", { temperature: 21 })).toMatchObject({ publishes: [{ payload: '{"setpoint": 21.0}' }] });
  });
});
