import { describe, expect, it } from "vitest";
import { humidifierPlatform } from "./humidifier";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = humidifierPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, messages: Array<[string, string]>) {
  const { config, ctx } = setup(raw);
  let value = humidifierPlatform.initialValue(config);
  const kinds = messages.map(([role, payload]) => {
    const result = humidifierPlatform.decode(config, role, messageView("hum", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}, current?: EntityValue) {
  const { config, ctx } = setup(raw);
  const handler = humidifierPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? humidifierPlatform.initialValue(config), data, ctx);
}

const full = {
  command_topic: "hum/set",
  state_topic: "hum/state",
  target_humidity_command_topic: "hum/target/set",
  target_humidity_state_topic: "hum/target",
  current_humidity_topic: "hum/current",
  action_topic: "hum/action",
  mode_command_topic: "hum/mode/set",
  mode_state_topic: "hum/mode",
  modes: ["eco", "boost"],
  min_humidity: 30,
  max_humidity: 80,
};

describe("humidifier schema", () => {
  it.each([
    [{ command_topic: "c" }, "required key 'target_humidity_command_topic' missing"],
    [{ target_humidity_command_topic: "t" }, "required key 'command_topic' missing"],
    [{ command_topic: "c", target_humidity_command_topic: "t", modes: ["a"] }, "some but not all values in the same group of inclusion 'available_modes'"],
    [{ command_topic: "c", target_humidity_command_topic: "t", min_humidity: 60, max_humidity: 50 }, "target_humidity_max must be > target_humidity_min"],
    [{ command_topic: "c", target_humidity_command_topic: "t", device_class: "fan" }, "Invalid"],
  ])("rejects %j", (raw, message) => {
    const parsed = humidifierPlatform.schema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it("static attributes", () => {
    expect(humidifierPlatform.staticAttributes(setup(full).config)).toEqual({
      min_humidity: 30,
      max_humidity: 80,
      available_modes: ["eco", "boost"],
      device_class: "humidifier",
      supported_features: 1,
    });
    expect(humidifierPlatform.staticAttributes(setup({ command_topic: "c", target_humidity_command_topic: "t", device_class: "dehumidifier" }).config)).toEqual({
      min_humidity: 0,
      max_humidity: 100,
      device_class: "dehumidifier",
      supported_features: 0,
    });
  });
});

describe("humidifier state", () => {
  it("decodes every topic", () => {
    const { value, kinds } = decodeAll(full, [
      ["state_topic", "ON"],
      ["current_humidity_topic", "45.5"],
      ["target_humidity_state_topic", "55"],
      ["target_humidity_state_topic", "90"],
      ["action_topic", "humidifying"],
      ["action_topic", "spraying"],
      ["mode_state_topic", "boost"],
      ["mode_state_topic", "turbo"],
    ]);
    expect(kinds).toEqual(["update", "update", "update", "ignore", "update", "ignore", "update", "ignore"]);
    expect(value).toEqual({ state: "on", attributes: { action: "humidifying", current_humidity: 46, humidity: 55, mode: "boost" } });
  });

  it("shows action 'off' while off, and resets with 'None'", () => {
    const { value } = decodeAll(full, [
      ["state_topic", "OFF"],
      ["action_topic", "idle"],
      ["current_humidity_topic", "40"],
      ["current_humidity_topic", "None"],
      ["mode_state_topic", "eco"],
      ["mode_state_topic", "None"],
    ]);
    expect(value).toEqual({ state: "off", attributes: { action: "off", mode: null } });
  });
});

describe("humidifier services", () => {
  it("turn_on/turn_off/toggle", () => {
    expect(call(full, "turn_on")).toEqual({ ok: true, publishes: [{ topic: "hum/set", payload: "ON" }] });
    expect(call(full, "toggle", {}, { state: "on", attributes: {} })).toEqual({ ok: true, publishes: [{ topic: "hum/set", payload: "OFF" }] });
    expect(call({ command_topic: "c", target_humidity_command_topic: "t" }, "turn_on")).toMatchObject({ optimistic: { state: "on" } });
  });

  it("set_humidity checks the range", () => {
    expect(call(full, "set_humidity", { humidity: 50 })).toEqual({ ok: true, publishes: [{ topic: "hum/target/set", payload: "50" }] });
    expect(call(full, "set_humidity", { humidity: 85 })).toEqual({ ok: false, error: "Provided humidity 85 is not valid. Accepted range is 30 to 80" });
  });

  it("set_mode checks the modes", () => {
    expect(call(full, "set_mode", { mode: "eco", level: 2 })).toEqual({ ok: false, error: "extra keys not allowed @ data['level']" });
    expect(call(full, "set_mode", { mode: "eco" })).toEqual({ ok: true, publishes: [{ topic: "hum/mode/set", payload: "eco" }] });
    expect(call(full, "set_mode", { mode: "turbo" })).toMatchObject({ ok: false });
    expect(call({ command_topic: "c", target_humidity_command_topic: "t" }, "set_mode", { mode: "eco" })).toMatchObject({ ok: false });
  });
});

describe("humidifier templates", () => {
  it("state and humidity templates", () => {
    const raw = { ...full, state_value_template: "{{ value_json.power }}", target_humidity_state_template: "{{ value_json.target }}" };
    const payload = '{"power":"ON","target":60}';
    expect(decodeAll(raw, [["state_topic", payload], ["target_humidity_state_topic", payload]]).value).toMatchObject({ state: "on", attributes: { humidity: 60 } });
  });

  it("target_humidity_command_template", () => {
    expect(call({ ...full, target_humidity_command_template: '{"humidity": {{ value }}}' }, "set_humidity", { humidity: 40 })).toMatchObject({
      publishes: [{ payload: '{"humidity": 40}' }],
    });
  });
});
