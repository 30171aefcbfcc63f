import { describe, expect, it } from "vitest";
import { lightPlatform } from "./light";
import type { EntityValue, ExpandedConfig, ServiceData } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = lightPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): EntityValue {
  const { config, ctx } = setup(raw);
  let value = lightPlatform.initialValue(config);
  for (const payload of payloads) {
    const result = lightPlatform.decode(config, "state", messageView("l", payload), value, ctx);
    if (result.kind === "update") value = result.value;
  }
  return value;
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: ServiceData = {}) {
  const { config, ctx } = setup(raw);
  const handler = lightPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

/** The corpus's Z2M Hue bulb (json schema). */
const z2mBulb = {
  brightness: true,
  brightness_scale: 254,
  command_topic: "zigbee2mqtt/living_room_bulb/set",
  effect: true,
  effect_list: ["blink", "breathe", "okay", "channel_change", "candle", "fireplace", "colorloop", "finish_effect", "stop_effect", "stop_hue_effect"],
  max_mireds: 500,
  min_mireds: 153,
  name: null,
  schema: "json",
  state_topic: "zigbee2mqtt/living_room_bulb",
  supported_color_modes: ["xy", "color_temp"],
};

describe("light: corpus cases", () => {
  it("z2m-light-json-brightness", () => {
    const value = replay(z2mBulb, [
      '{"brightness":254,"color":{"h":34,"hue":34,"s":77,"saturation":77,"x":0.4599,"y":0.4106},"color_mode":"color_temp","color_temp":370,"linkquality":255,"power_on_behavior":"previous","state":"ON","update":{"installed_version":16786434,"latest_version":16786434,"state":"idle"}}',
    ]);
    expect(value.state).toBe("on");
    expect(value.attributes).toMatchObject({ brightness: 255, color_mode: "color_temp", color_temp_kelvin: 2702 });
    expect(call(z2mBulb, "turn_on", value, { brightness_pct: 50 })).toEqual({
      ok: true,
      publishes: [{ topic: "zigbee2mqtt/living_room_bulb/set", payload: '{"state":"ON","brightness":127}' }],
    });
  });

  it("z2m-light-json-color-temp-command", () => {
    const value = replay(z2mBulb, ['{"brightness":127,"color":{"h":241,"hue":241,"s":100,"saturation":100,"x":0.1355,"y":0.0399},"color_mode":"xy","color_temp":153,"linkquality":255,"state":"ON"}']);
    expect(value.state).toBe("on");
    expect(value.attributes).toMatchObject({ brightness: 128, color_mode: "xy", xy_color: [0.1355, 0.0399] });
    expect(call(z2mBulb, "turn_on", value, { color_temp_kelvin: 4000 })).toEqual({
      ok: true,
      publishes: [{ topic: "zigbee2mqtt/living_room_bulb/set", payload: '{"state":"ON","color_temp":250}' }],
    });
  });

  it("shows HA's attributes for the bulb", () => {
    const { config } = setup(z2mBulb);
    expect(lightPlatform.staticAttributes(config)).toEqual({
      min_color_temp_kelvin: 2000,
      max_color_temp_kelvin: 6535,
      min_mireds: 153,
      max_mireds: 500,
      effect_list: z2mBulb.effect_list,
      supported_color_modes: ["color_temp", "xy"],
      supported_features: 4 | 8 | 32,
    });
    expect(replay(z2mBulb, ['{"state":"ON","color_mode":"color_temp","color_temp":370,"brightness":254}']).attributes).toEqual({
      effect: null,
      color_mode: "color_temp",
      brightness: 255,
      color_temp_kelvin: 2702,
      color_temp: 370,
      hs_color: [28.391, 65.659],
      rgb_color: [255, 166, 87],
      xy_color: [0.526, 0.387],
    });
  });
});

describe("light schema dispatch", () => {
  it.each<[ExpandedConfig, string]>([
    [{ command_topic: "l/set" }, "basic"],
    [{ command_topic: "l/set", schema: "JSON" }, "json"],
    [{ command_topic: "l/set", schema: "template", command_on_template: "on", command_off_template: "off" }, "template"],
  ])("%j is the %s schema", (raw, schema) => {
    expect(setup(raw).config.schema).toBe(schema);
  });

  it.each<[ExpandedConfig, string]>([
    [{ schema: "json" }, "required key 'command_topic' missing"],
    [{ state_topic: "l" }, "required key 'command_topic' missing"],
    [{ command_topic: "l/set", schema: "template", command_off_template: "off" }, "required key 'command_on_template' missing"],
    [{ command_topic: "l/set", schema: "fancy" }, "value must be one of basic, json, template for dictionary value @ data['schema']"],
    [{ command_topic: "l/set", schema: "json", supported_color_modes: ["brightness", "hs"] }, 'Invalid supported_color_modes ["brightness","hs"]'],
    [{ command_topic: "l/set", schema: "json", supported_color_modes: ["white"] }, 'Invalid supported_color_modes ["white"]'],
    [{ command_topic: "l/set", schema: "json", supported_color_modes: ["rainbow"] }, "value must be one of"],
    [{ command_topic: "l/set", white_command_topic: "w" }, 'Invalid supported_color_modes ["white"]'],
  ])("rejects %j", (raw, message) => {
    const parsed = lightPlatform.schema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join("\n")).toContain(message);
  });

  it("keeps unknown keys", () => {
    expect(setup({ command_topic: "l/set", schema: "json", unique_id: "u", device: { identifiers: ["d"] } }).config).toMatchObject({
      unique_id: "u",
      device: { identifiers: ["d"] },
    });
  });

  it("delegates topics, optimism and services to the schema's platform", () => {
    const basic = setup({ command_topic: "l/set", brightness_state_topic: "l/b", state_topic: "l/s" }).config;
    expect(lightPlatform.stateTopics(basic)).toEqual([
      { role: "state", topic: "l/s" },
      { role: "brightness", topic: "l/b" },
    ]);
    expect(lightPlatform.isOptimistic(basic)).toBe(false);
    const off = { state: "off", attributes: {} };
    expect(call({ command_topic: "l/set", schema: "json" }, "toggle", off)).toMatchObject({ publishes: [{ payload: '{"state":"ON"}' }], optimistic: { state: "on" } });
    expect(call({ command_topic: "l/set" }, "turn_off", off)).toMatchObject({ publishes: [{ payload: "OFF" }] });
  });
});
