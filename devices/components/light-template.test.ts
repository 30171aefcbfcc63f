import { describe, expect, it } from "vitest";
import { templateLightPlatform } from "./light-template";
import type { DecodeResult, EntityValue, ExpandedConfig, ServiceData, ServiceResult } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = templateLightPlatform.schema.safeParse({ schema: "template", ...raw });
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = templateLightPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = templateLightPlatform.decode(config, "state", messageView("l", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: ServiceData = {}): ServiceResult {
  const { config, ctx } = setup(raw);
  const handler = templateLightPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

/** Shaped like the Shelly Gen1 discovery script's RGBW bulbs. */
const shelly = {
  command_topic: "shellies/bulb/color/0/set",
  state_topic: "shellies/bulb/color/0/status",
  command_on_template:
    '{"turn": "on"{% if brightness is defined %}, "gain": {{ (brightness / 2.55) | int }}{% endif %}{% if red is defined %}, "red": {{ red }}, "green": {{ green }}, "blue": {{ blue }}{% endif %}{% if transition is defined %}, "transition": {{ (transition * 1000) | int }}{% endif %}{% if effect is defined %}, "effect": "{{ effect }}"{% endif %}}',
  command_off_template: '{"turn": "off"{% if transition is defined %}, "transition": {{ (transition * 1000) | int }}{% endif %}}',
  state_template: "{% if value_json.ison %}on{% else %}off{% endif %}",
  brightness_template: "{{ (value_json.gain * 2.55) | round(0) }}",
  red_template: "{{ value_json.red }}",
  green_template: "{{ value_json.green }}",
  blue_template: "{{ value_json.blue }}",
  effect_list: ["Off", "Meteor Shower"],
  effect_template: "{{ value_json.effect }}",
};
const OFF: EntityValue = { state: "off", attributes: {} };

describe("template light: state", () => {
  it("reads state, brightness, colour and effect from one message", () => {
    const { value } = replay(shelly, ['{"ison":true,"gain":50,"red":255,"green":0,"blue":0,"effect":"Meteor Shower"}']);
    expect(value).toMatchObject({
      state: "on",
      // 50 * 2.55 is 127.49999999999999 in binary floating point.
      attributes: { color_mode: "hs", brightness: 127, hs_color: [0, 100], rgb_color: [255, 0, 0], effect: "Meteor Shower" },
    });
    expect(templateLightPlatform.staticAttributes(setup(shelly).config)).toEqual({
      effect_list: ["Off", "Meteor Shower"],
      supported_color_modes: ["hs"],
      supported_features: 4 | 8 | 32,
    });
  });

  it.each<[string, string[], string | null, Record<string, unknown>, DecodeResult["kind"]]>([
    ["off", ['{"ison":false}'], "off", {}, "update"],
    ["a zero brightness is ignored", ['{"ison":true,"gain":40,"red":1,"green":2,"blue":3}', '{"ison":true,"gain":0}'], "on", { brightness: 102 }, "ignore"],
    ["an unknown effect is ignored", ['{"ison":true,"effect":"Disco"}'], "on", { effect: null }, "update"],
    ["all-None colour clears the colour", ['{"ison":true,"red":1,"green":2,"blue":3}', '{"ison":true,"red":null,"green":null,"blue":null}'], "on", { hs_color: null }, "update"],
  ])("%s", (_name, payloads, state, attributes, kind) => {
    const { value, results } = replay(shelly, payloads);
    expect(value.state).toBe(state);
    expect(value.attributes).toMatchObject(attributes);
    expect(results.at(-1)?.kind).toBe(kind);
  });

  it("state words are HA's 'on'/'off'/'None'; others are ignored", () => {
    const raw = { command_topic: "l/set", state_topic: "l", command_on_template: "on", command_off_template: "off", state_template: "{{ value }}" };
    expect(replay(raw, ["on", "None"]).value.state).toBeNull();
    expect(replay(raw, ["on", "ON"]).results[1]?.kind).toBe("ignore");
    expect(replay(raw, ["off"]).value.state).toBe("off");
  });

  it("a failing template skips only its own part", () => {
    const { value, results } = replay(shelly, ['{"ison":true,"gain":"x","red":1,"green":2,"blue":3}']);
    expect(results[0]?.kind).toBe("update");
    expect(value).toMatchObject({ state: "on", attributes: { brightness: null, rgb_color: [84, 169, 255] } });
  });

  it("colour temperature and hs together: hs wins when set", () => {
    const raw = {
      command_topic: "l/set",
      state_topic: "l",
      command_on_template: "on",
      command_off_template: "off",
      state_template: "{{ value_json.state }}",
      color_temp_template: "{{ value_json.ct }}",
      red_template: "{{ value_json.r }}",
      green_template: "{{ value_json.g }}",
      blue_template: "{{ value_json.b }}",
    };
    expect(replay(raw, ['{"state":"on","ct":250,"r":"None","g":"None","b":"None"}']).value.attributes).toMatchObject({
      color_mode: "color_temp",
      color_temp_kelvin: 4000,
    });
    expect(replay(raw, ['{"state":"on","ct":250,"r":0,"g":0,"b":255}']).value.attributes).toMatchObject({ color_mode: "hs", hs_color: [240, 100] });
    expect(templateLightPlatform.staticAttributes(setup(raw).config)).toMatchObject({ supported_color_modes: ["color_temp", "hs"] });
  });
});

describe("template light: commands", () => {
  it.each<[string, ServiceData, string]>([
    ["plain on", {}, '{"turn": "on"}'],
    ["brightness, colour at full brightness, transition", { brightness: 128, hs_color: [0, 100], transition: 2 }, '{"turn": "on", "gain": 50, "red": 255, "green": 0, "blue": 0, "transition": 2000}'],
    ["rgb is converted to hs, then to red/green/blue", { rgb_color: [0, 0, 255] }, '{"turn": "on", "red": 0, "green": 0, "blue": 255}'],
    ["effect", { effect: "Off" }, '{"turn": "on", "effect": "Off"}'],
  ])("%s", (_name, data, payload) => {
    expect(call(shelly, "turn_on", OFF, data)).toEqual({ ok: true, publishes: [{ topic: "shellies/bulb/color/0/set", payload }] });
  });

  it("turn_off renders command_off_template", () => {
    expect(call(shelly, "turn_off", OFF, { transition: 1.5 })).toEqual({
      ok: true,
      publishes: [{ topic: "shellies/bulb/color/0/set", payload: '{"turn": "off", "transition": 1500}' }],
    });
  });

  it("variables: state is a boolean, colour temperature in mireds, hue/sat as floats", () => {
    const raw = {
      command_topic: "l/set",
      command_on_template: "{{ state }} {{ color_temp | default('-') }} {{ hue | default('-') }} {{ sat | default('-') }} {{ value }}",
      command_off_template: "{{ state }}",
      color_temp_template: "{{ value_json.ct }}",
      red_template: "{{ value_json.r }}",
      green_template: "{{ value_json.g }}",
      blue_template: "{{ value_json.b }}",
    };
    expect(call(raw, "turn_on", OFF, { color_temp_kelvin: 4000 })).toMatchObject({ publishes: [{ payload: "True 250 - - None" }] });
    expect(call(raw, "turn_on", OFF, { hs_color: [30, 50] })).toMatchObject({ publishes: [{ payload: "True - 30.0 50.0 None" }] });
    expect(call(raw, "turn_off", OFF)).toMatchObject({ publishes: [{ payload: "False" }] });
  });

  it("is optimistic without a state template", () => {
    const raw = { command_topic: "l/set", state_topic: "l", command_on_template: "on", command_off_template: "off", brightness_template: "{{ value }}" };
    expect(templateLightPlatform.isOptimistic(setup(raw).config)).toBe(true);
    expect(call(raw, "turn_on", OFF, { brightness: 40 })).toMatchObject({ optimistic: { state: "on", attributes: { brightness: 40, color_mode: "brightness" } } });
    expect(templateLightPlatform.isOptimistic(setup(shelly).config)).toBe(false);
    expect(call(shelly, "turn_on", OFF)).not.toHaveProperty("optimistic");
  });
});
