import { describe, expect, it } from "vitest";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";
import { waterHeaterPlatform } from "./water-heater";

function setup(raw: ExpandedConfig) {
  const parsed = waterHeaterPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, messages: Array<[string, string]>) {
  const { config, ctx } = setup(raw);
  let value = waterHeaterPlatform.initialValue(config);
  const kinds = messages.map(([role, payload]) => {
    const result = waterHeaterPlatform.decode(config, role, messageView("boiler", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}, current?: EntityValue) {
  const { config, ctx } = setup(raw);
  const handler = waterHeaterPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? waterHeaterPlatform.initialValue(config), data, ctx);
}

const full = {
  mode_command_topic: "boiler/mode/set",
  mode_state_topic: "boiler/mode",
  temperature_command_topic: "boiler/temp/set",
  temperature_state_topic: "boiler/temp",
  current_temperature_topic: "boiler/current",
  power_command_topic: "boiler/power",
};

describe("water heater attributes", () => {
  it("HA's defaults: 110–140 °F shown in °C, operation list, features", () => {
    expect(waterHeaterPlatform.staticAttributes(setup(full).config)).toEqual({
      min_temp: 43.3,
      max_temp: 60,
      operation_list: ["eco", "electric", "gas", "heat_pump", "high_demand", "performance", "off"],
      supported_features: 11,
    });
    expect(waterHeaterPlatform.staticAttributes(setup({ min_temp: "40", max_temp: 80 }).config)).toEqual({ min_temp: 40, max_temp: 80, supported_features: 0 });
  });

  it("initial value: off and the initial temperature when nothing reports them", () => {
    expect(waterHeaterPlatform.initialValue(setup({ temperature_command_topic: "t", mode_command_topic: "m" }).config)).toEqual({
      state: "off",
      attributes: { current_temperature: null, temperature: 43.3, target_temp_high: null, target_temp_low: null, operation_mode: "off" },
    });
    expect(waterHeaterPlatform.initialValue(setup(full).config).state).toBeNull();
  });
});

describe("water heater state", () => {
  it("mode from the list, temperatures as floats", () => {
    const { value, kinds } = decodeAll(full, [
      ["mode_state_topic", "eco"],
      ["mode_state_topic", "boost"],
      ["temperature_state_topic", "55.55"],
      ["current_temperature_topic", "48"],
      ["current_temperature_topic", "hot"],
    ]);
    expect(kinds).toEqual(["update", "ignore", "update", "update", "ignore"]);
    expect(value).toEqual({
      state: "eco",
      attributes: { current_temperature: 48, temperature: 55.5, target_temp_high: null, target_temp_low: null, operation_mode: "eco" },
    });
  });

  it("'None' resets", () => {
    expect(decodeAll(full, [["mode_state_topic", "gas"], ["mode_state_topic", "None"]]).value.state).toBeNull();
  });
});

describe("water heater services", () => {
  it("set_operation_mode checks the list", () => {
    expect(call(full, "set_operation_mode", { mode: "eco" })).toEqual({ ok: false, error: "extra keys not allowed @ data['mode']" });
    expect(call(full, "set_operation_mode", { operation_mode: "gas" })).toEqual({ ok: true, publishes: [{ topic: "boiler/mode/set", payload: "gas" }] });
    expect(call(full, "set_operation_mode", { operation_mode: "turbo" })).toMatchObject({ ok: false });
  });

  it("set_temperature sends a Python float, optionally after the mode", () => {
    expect(call(full, "set_temperature", { temperature: 55 })).toEqual({ ok: true, publishes: [{ topic: "boiler/temp/set", payload: "55.0" }] });
    expect(call({ temperature_command_topic: "t" }, "set_temperature", { temperature: 50.5, operation_mode: "eco" })).toEqual({
      ok: true,
      publishes: [{ topic: "t", payload: "50.5" }],
      optimistic: { state: "eco", attributes: { current_temperature: null, temperature: 50.5, target_temp_high: null, target_temp_low: null } },
    });
  });

  it("turn_on/turn_off need the power topic", () => {
    expect(call(full, "turn_on")).toEqual({ ok: true, publishes: [{ topic: "boiler/power", payload: "ON" }] });
    expect(call({ ...full, power_command_topic: undefined }, "turn_off")).toMatchObject({ ok: false });
  });
});

describe("water heater templates", () => {
  it("value_template is the fallback", () => {
    expect(decodeAll({ ...full, value_template: "{{ value_json.t }}" }, [["current_temperature_topic", '{"t": 51.2}']]).value.attributes.current_temperature).toBe(51.2);
  });

  it("mode_command_template", () => {
    expect(call({ ...full, mode_command_template: '{"mode":"{{ value }}"}' }, "set_operation_mode", { operation_mode: "eco" })).toMatchObject({
      publishes: [{ payload: '{"mode":"eco"}' }],
    });
  });
});
