import { describe, expect, it } from "vitest";
import { jsonLightPlatform } from "./light-json";
import type { DecodeResult, EntityValue, ExpandedConfig, ServiceData, ServiceResult } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = jsonLightPlatform.schema.safeParse({ schema: "json", ...raw });
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = jsonLightPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = jsonLightPlatform.decode(config, "state", messageView("l", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: ServiceData = {}): ServiceResult {
  const { config, ctx } = setup(raw);
  const handler = jsonLightPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

function payloadOf(result: ServiceResult): string | undefined {
  return result.ok ? result.publishes[0]?.payload : result.error;
}

const rgbLight = { command_topic: "l/set", state_topic: "l", supported_color_modes: ["rgb", "color_temp"], brightness_scale: 100 };
const on = (raw: ExpandedConfig, ...payloads: string[]) => replay(raw, ['{"state":"ON"}', ...payloads]).value;

describe("json light: state", () => {
  it.each<[string, ExpandedConfig, string[], string | null, Record<string, unknown>]>([
    ["OFF", rgbLight, ['{"state":"ON"}', '{"state":"OFF"}'], "off", { brightness: null, color_mode: null }],
    ["null resets", rgbLight, ['{"state":"ON"}', '{"state":null}'], null, {}],
    ["other state strings leave the state", rgbLight, ['{"state":"ON"}', '{"state":"on"}'], "on", {}],
    ["brightness in: ceil(v*255/scale)", rgbLight, ['{"state":"ON","color_mode":"rgb","color":{"r":1,"g":2,"b":3},"brightness":2}'], "on", { brightness: 6 }],
    ["brightness 0 is ignored", rgbLight, ['{"state":"ON","color_mode":"rgb","color":{"r":1,"g":2,"b":3},"brightness":40}', '{"state":"ON","brightness":0}'], "on", { brightness: 102 }],
    ["colour without color_mode is ignored", rgbLight, ['{"state":"ON","color":{"r":1,"g":2,"b":3}}'], "on", { color_mode: "unknown", rgb_color: null }],
    ["an unsupported color_mode is ignored", rgbLight, ['{"state":"ON","color_mode":"xy","color":{"x":0.3,"y":0.3}}'], "on", { color_mode: "unknown", xy_color: null }],
    [
      "rgb",
      rgbLight,
      ['{"state":"ON","color_mode":"rgb","color":{"r":10,"g":200,"b":30}}'],
      "on",
      { color_mode: "rgb", rgb_color: [10, 200, 30], hs_color: [126.316, 95], xy_color: [0.174, 0.724] },
    ],
    ["an incomplete colour is ignored", rgbLight, ['{"state":"ON","color_mode":"rgb","color":{"r":10,"g":200}}'], "on", { color_mode: "unknown", rgb_color: null }],
    ["color_temp in mireds", rgbLight, ['{"state":"ON","color_mode":"color_temp","color_temp":250}'], "on", { color_mode: "color_temp", color_temp_kelvin: 4000, color_temp: 250 }],
    [
      "color_temp in kelvin",
      { ...rgbLight, color_temp_kelvin: true },
      ['{"state":"ON","color_mode":"color_temp","color_temp":2700}'],
      "on",
      { color_mode: "color_temp", color_temp_kelvin: 2700, color_temp: 370 },
    ],
    ["hs", { ...rgbLight, supported_color_modes: ["hs"] }, ['{"state":"ON","color_mode":"hs","color":{"h":30,"s":"100"}}'], "on", { color_mode: "hs", hs_color: [30, 100] }],
    [
      "rgbww",
      { ...rgbLight, supported_color_modes: ["rgbww"] },
      ['{"state":"ON","color_mode":"rgbww","color":{"r":255,"g":0,"b":0,"c":0,"w":0}}'],
      "on",
      { color_mode: "rgbww", rgbww_color: [255, 0, 0, 0, 0], rgb_color: [255, 0, 0] },
    ],
    ["white", { ...rgbLight, supported_color_modes: ["hs", "white"] }, ['{"state":"ON","color_mode":"white","brightness":50}'], "on", { color_mode: "white", brightness: 128 }],
    ["effect", { ...rgbLight, effect: true, effect_list: ["blink"] }, ['{"state":"ON","effect":"blink"}'], "on", { effect: "blink" }],
    ["legacy brightness flag: brightness is the mode", { command_topic: "l/set", brightness: true }, ['{"state":"ON","brightness":128}'], "on", { color_mode: "brightness", brightness: 128 }],
    ["no modes at all: on/off only", { command_topic: "l/set" }, ['{"state":"ON","brightness":128}'], "on", { color_mode: "onoff" }],
  ])("%s", (_name, raw, payloads, state, attributes) => {
    const { value } = replay(raw, payloads);
    expect(value.state).toBe(state);
    expect(value.attributes).toMatchObject(attributes);
  });

  it.each<[string, string]>([
    ["not an object", "[1,2]"],
    ["not JSON", "ON"],
    ["no state key", '{"brightness": 3}'],
  ])("drops a message that is %s", (_name, payload) => {
    expect(replay(rgbLight, [payload]).results[0]?.kind).toBe("reject");
  });

  it("remembers brightness and colour while off (HA hides them)", () => {
    const { value } = replay(rgbLight, ['{"state":"ON","color_mode":"rgb","color":{"r":10,"g":200,"b":30},"brightness":50}', '{"state":"OFF"}', '{"state":"ON"}']);
    expect(value.attributes).toMatchObject({ color_mode: "rgb", brightness: 128, rgb_color: [10, 200, 30] });
    const off = replay(rgbLight, ['{"state":"ON","color_mode":"rgb","color":{"r":10,"g":200,"b":30},"brightness":50}', '{"state":"OFF"}']).value;
    expect(off.attributes).toEqual({ color_mode: null, brightness: null, color_temp_kelvin: null, color_temp: null, hs_color: null, rgb_color: null, xy_color: null });
    // Without memory (e.g. a value restored from storage) the shown attributes are used.
    const restored = { state: "on", attributes: { color_mode: "rgb", brightness: 128, rgb_color: [10, 200, 30] } };
    // 128 + 10 = 138 → round(138 * 100 / 255) = 54.
    expect(call(rgbLight, "turn_on", restored, { brightness_step: 10 })).toMatchObject({ publishes: [{ payload: '{"state":"ON","brightness":54}' }] });
  });
});

describe("json light: commands", () => {
  const xyLight = { command_topic: "l/set", state_topic: "l", supported_color_modes: ["xy", "color_temp"], brightness_scale: 254 };
  const hsLight = { command_topic: "l/set", state_topic: "l", supported_color_modes: ["hs", "color_temp"] };

  it.each<[string, ExpandedConfig, ServiceData, string]>([
    ["plain on", xyLight, {}, '{"state":"ON"}'],
    ["brightness out: max(round(b*scale/255), 1)", xyLight, { brightness: 1 }, '{"state":"ON","brightness":1}'],
    ["brightness 255 at scale 254", xyLight, { brightness: 255 }, '{"state":"ON","brightness":254}'],
    ["brightness_pct", xyLight, { brightness_pct: 10 }, '{"state":"ON","brightness":26}'],
    ["color_temp_kelvin → mireds", xyLight, { color_temp_kelvin: 4000 }, '{"state":"ON","color_temp":250}'],
    ["color_temp_kelvin stays kelvin with the flag", { ...xyLight, color_temp_kelvin: true }, { color_temp_kelvin: 4000 }, '{"state":"ON","color_temp":4000}'],
    ["color_temp in mireds (deprecated field)", xyLight, { color_temp: 370 }, '{"state":"ON","color_temp":370}'],
    ["kelvin (deprecated field)", xyLight, { kelvin: 2702 }, '{"state":"ON","color_temp":370}'],
    ["hs converted to xy", xyLight, { hs_color: [30, 100] }, '{"state":"ON","color":{"x":0.612,"y":0.374}}'],
    ["hs sent as floats", hsLight, { hs_color: [30, 100] }, '{"state":"ON","color":{"h":30.0,"s":100.0}}'],
    ["rgb converted to hs", hsLight, { rgb_color: [255, 0, 0] }, '{"state":"ON","color":{"h":0.0,"s":100.0}}'],
    ["color_name", hsLight, { color_name: "blue" }, '{"state":"ON","color":{"h":240.0,"s":100.0}}'],
    ["xy sent as given", xyLight, { xy_color: [0.3, 0.3] }, '{"state":"ON","color":{"x":0.3,"y":0.3}}'],
    [
      "transition and flash, in HA's order",
      { ...xyLight, effect: true },
      { brightness: 128, transition: 2, flash: "long", effect: "blink" },
      '{"state":"ON","transition":2.0,"flash":10,"brightness":127,"effect":"blink"}',
    ],
    ["flash short uses flash_time_short", { ...xyLight, flash_time_short: 1 }, { flash: "short" }, '{"state":"ON","flash":1}'],
    ["rgb carries the brightness without the legacy flag", { ...xyLight, supported_color_modes: ["rgb"] }, { rgb_color: [255, 128, 0], brightness: 128 }, '{"state":"ON","color":{"r":128,"g":64,"b":0}}'],
    [
      "rgb at full scale with the legacy brightness flag",
      { ...xyLight, supported_color_modes: ["rgb"], brightness: true },
      { rgb_color: [255, 128, 0], brightness: 128 },
      '{"state":"ON","color":{"r":255,"g":128,"b":0},"brightness":127}',
    ],
    ["rgbw", { ...xyLight, supported_color_modes: ["rgbw"] }, { rgbw_color: [10, 20, 30, 40] }, '{"state":"ON","color":{"r":10,"g":20,"b":30,"w":40}}'],
    ["rgb converted to rgbw", { ...xyLight, supported_color_modes: ["rgbw"] }, { rgb_color: [255, 127, 127] }, '{"state":"ON","color":{"r":255,"g":0,"b":0,"w":253}}'],
    ["white scaled", { ...xyLight, supported_color_modes: ["hs", "white"], white_scale: 100 }, { white: 128 }, '{"state":"ON","white":50}'],
    ["white with brightness uses the brightness", { ...xyLight, supported_color_modes: ["hs", "white"] }, { white: true, brightness: 10 }, '{"state":"ON","white":10}'],
    ["color_temp emulated on an hs-only light", { ...hsLight, supported_color_modes: ["hs"] }, { color_temp_kelvin: 2702 }, '{"state":"ON","color":{"h":28.391,"s":65.659}}'],
    ["unsupported features are dropped", { ...xyLight, flash: false, transition: false }, { flash: "long", transition: 3 }, '{"state":"ON"}'],
    ["effect only when the light has effects", xyLight, { effect: "blink" }, '{"state":"ON"}'],
  ])("%s", (_name, raw, data, payload) => {
    expect(payloadOf(call(raw, "turn_on", { state: "off", attributes: {} }, data))).toBe(payload);
  });

  it("brightness 0 turns the light off", () => {
    expect(call(xyLight, "turn_on", on(xyLight), { brightness: 0, transition: 1 })).toEqual({
      ok: true,
      publishes: [{ topic: "l/set", payload: '{"state":"OFF","transition":1.0}' }],
    });
  });

  it("brightness_step adds to the current brightness", () => {
    const current = replay(xyLight, ['{"state":"ON","color_mode":"xy","color":{"x":0.3,"y":0.3},"brightness":127}']).value;
    expect(current.attributes.brightness).toBe(128);
    expect(payloadOf(call(xyLight, "turn_on", current, { brightness_step: -28 }))).toBe('{"state":"ON","brightness":100}');
    expect(payloadOf(call(xyLight, "turn_on", current, { brightness_step_pct: 100 }))).toBe('{"state":"ON","brightness":254}');
    expect(payloadOf(call(xyLight, "turn_on", current, { brightness_step_pct: -60 }))).toBe('{"state":"OFF"}');
  });

  it("turn_off and toggle", () => {
    expect(payloadOf(call(xyLight, "turn_off", on(xyLight), { transition: 5, flash: "short" }))).toBe('{"state":"OFF","transition":5.0,"flash":2}');
    expect(payloadOf(call(xyLight, "toggle", on(xyLight), { brightness: 3 }))).toBe('{"state":"OFF"}');
    expect(payloadOf(call(xyLight, "toggle", { state: "off", attributes: {} }, { brightness: 255 }))).toBe('{"state":"ON","brightness":254}');
  });

  it.each<[ServiceData, string]>([
    [{ brightness: 1, brightness_pct: 2 }, "two or more values in the same group of exclusion 'brightness'"],
    [{ hs_color: [1, 2], rgb_color: [1, 2, 3] }, "two or more values in the same group of exclusion 'Color descriptors'"],
    [{ rgb_color: [1, 2] }, "invalid value for rgb_color"],
    [{ brightness_pct: 101 }, "invalid value for brightness_pct"],
    [{ flash: "medium" }, "invalid value for flash"],
    [{ hue: 3 }, "extra keys not allowed @ data['hue']"],
    [{ profile: "relax" }, "light profiles are not supported"],
  ])("refuses %j", (data, error) => {
    const result = call(xyLight, "turn_on", on(xyLight), data);
    expect(result.ok).toBe(false);
    expect(payloadOf(result)).toContain(error);
  });

  it("optimistic without a state topic", () => {
    const raw = { command_topic: "l/set", supported_color_modes: ["hs"] };
    const result = call(raw, "turn_on", { state: "off", attributes: {} }, { hs_color: [120, 50], brightness: 200 });
    expect(result).toMatchObject({ ok: true, optimistic: { state: "on", attributes: { color_mode: "hs", brightness: 200, hs_color: [120, 50] } } });
    expect(call(raw, "turn_off", on(raw))).toMatchObject({ optimistic: { state: "off", attributes: { brightness: null } } });
    expect(jsonLightPlatform.isOptimistic(setup(raw).config)).toBe(true);
    expect(jsonLightPlatform.stateTopics(setup(raw).config)).toEqual([]);
  });
});
