import { describe, expect, it } from "vitest";
import { basicLightPlatform } from "./light-basic";
import type { CommandPublish, DecodeResult, EntityValue, ExpandedConfig, ServiceData, ServiceResult } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = basicLightPlatform.schema.safeParse({ schema: "basic", ...raw });
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

/** Messages as [role, payload]. */
function replay(raw: ExpandedConfig, messages: Array<[string, string]>): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = basicLightPlatform.initialValue(config);
  const results = messages.map(([role, payload]) => {
    const topic = basicLightPlatform.stateTopics(config).find((t) => t.role === role)?.topic;
    if (topic === undefined) throw new Error(`no topic for ${role}`);
    const result = basicLightPlatform.decode(config, role, messageView(topic, payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: ServiceData = {}): ServiceResult {
  const { config, ctx } = setup(raw);
  const handler = basicLightPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

function sent(result: ServiceResult): Array<[string, string]> | string {
  return result.ok ? result.publishes.map((p: CommandPublish) => [p.topic, p.payload]) : result.error;
}

const full = {
  command_topic: "l/set",
  state_topic: "l/state",
  brightness_command_topic: "l/b/set",
  brightness_state_topic: "l/b",
  brightness_scale: 100,
  color_temp_command_topic: "l/ct/set",
  color_temp_state_topic: "l/ct",
  hs_command_topic: "l/hs/set",
  hs_state_topic: "l/hs",
  xy_command_topic: "l/xy/set",
  xy_state_topic: "l/xy",
  effect_command_topic: "l/fx/set",
  effect_state_topic: "l/fx",
  effect_list: ["rainbow", "fire"],
};
const rgbOnly = { command_topic: "l/set", state_topic: "l/state", rgb_command_topic: "l/rgb/set", rgb_state_topic: "l/rgb" };
const OFF: EntityValue = { state: "off", attributes: {} };

describe("basic light: configuration", () => {
  it.each<[ExpandedConfig, string[], number]>([
    [{ command_topic: "l/set" }, ["onoff"], 0],
    [{ command_topic: "l/set", brightness_command_topic: "b" }, ["brightness"], 0],
    [full, ["color_temp", "hs", "xy"], 4],
    [{ command_topic: "l/set", rgb_command_topic: "r", white_command_topic: "w" }, ["rgb", "white"], 0],
  ])("modes and features of %j", (raw, modes, features) => {
    expect(basicLightPlatform.staticAttributes(setup(raw).config)).toMatchObject({ supported_color_modes: modes, supported_features: features });
  });

  it("subscribes to every state topic with its role", () => {
    expect(basicLightPlatform.stateTopics(setup({ ...full, color_mode_state_topic: "l/cm" }).config).map((t) => t.role)).toEqual([
      "state",
      "brightness",
      "color_mode",
      "color_temp",
      "effect",
      "hs",
      "xy",
    ]);
  });

  it("a single colour mode is the mode from the start", () => {
    expect(replay(rgbOnly, [["state", "ON"]]).value.attributes.color_mode).toBe("rgb");
    expect(replay(full, [["state", "ON"]]).value.attributes.color_mode).toBe("unknown");
  });
});

describe("basic light: state topics", () => {
  it.each<[string, ExpandedConfig, Array<[string, string]>, string | null, Record<string, unknown>]>([
    ["ON", full, [["state", "ON"]], "on", {}],
    ["None resets", full, [["state", "ON"], ["state", "None"]], null, {}],
    ["other payloads are ignored", full, [["state", "ON"], ["state", "on"]], "on", {}],
    ["custom payloads", { ...full, payload_on: "1", payload_off: "0" }, [["state", "1"], ["state", "0"]], "off", {}],
    ["brightness in: round(v / scale * 255)", full, [["state", "ON"], ["hs", "0,0"], ["brightness", "50"]], "on", { brightness: 128 }],
    ["brightness 0 is ignored", full, [["state", "ON"], ["hs", "0,0"], ["brightness", "50"], ["brightness", "0"]], "on", { brightness: 128 }],
    ["hs", full, [["state", "ON"], ["hs", "30,100"]], "on", { color_mode: "hs", hs_color: [30, 100], rgb_color: [255, 127, 0] }],
    ["xy", full, [["state", "ON"], ["xy", "0.3,0.3"]], "on", { color_mode: "xy", xy_color: [0.3, 0.3], rgb_color: [225, 228, 255] }],
    ["color temperature in mireds", full, [["state", "ON"], ["color_temp", "250"]], "on", { color_mode: "color_temp", color_temp_kelvin: 4000, color_temp: 250 }],
    ["color temperature in kelvin", { ...full, color_temp_kelvin: true }, [["state", "ON"], ["color_temp", "2702"]], "on", { color_temp_kelvin: 2702, color_temp: 370 }],
    ["effect", full, [["state", "ON"], ["effect", "fire"]], "on", { effect: "fire" }],
    [
      "a color mode topic decides the mode",
      { ...full, color_mode_state_topic: "l/cm" },
      [["state", "ON"], ["hs", "30,100"], ["color_mode", "color_temp"], ["color_temp", "250"]],
      "on",
      { color_mode: "color_temp", color_temp_kelvin: 4000 },
    ],
    ["rgb carries brightness without a brightness state topic", rgbOnly, [["state", "ON"], ["rgb", "128,64,0"]], "on", { brightness: 128, rgb_color: [255, 128, 0] }],
    ["all-zero rgb is ignored", rgbOnly, [["state", "ON"], ["rgb", "128,64,0"], ["rgb", "0,0,0"]], "on", { brightness: 128, rgb_color: [255, 128, 0] }],
  ])("%s", (_name, raw, messages, state, attributes) => {
    const { value } = replay(raw, messages);
    expect(value.state).toBe(state);
    expect(value.attributes).toMatchObject(attributes);
  });

  it.each<[string, Array<[string, string]>, DecodeResult["kind"]]>([
    ["a non-numeric brightness is dropped", [["brightness", "bright"]], "reject"],
    ["a bad rgb is dropped", [["rgb", "1,2,x"]], "reject"],
    ["a short rgb is dropped", [["rgb", "1,2"]], "reject"],
    ["a bad hs is ignored", [["hs", "a,b"]], "ignore"],
    ["a bad color mode is dropped", [["color_mode", "rainbow"]], "reject"],
    ["an empty payload is ignored", [["state", ""]], "ignore"],
  ])("%s", (_name, messages, kind) => {
    const raw = { ...full, ...rgbOnly, brightness_state_topic: "l/b", color_mode_state_topic: "l/cm" };
    expect(replay(raw, messages).results.at(-1)?.kind).toBe(kind);
  });

  it("one JSON topic can feed several roles through their templates", () => {
    const raw = {
      command_topic: "l/set",
      state_topic: "l",
      state_value_template: "{{ value_json.state }}",
      brightness_command_topic: "l/b/set",
      brightness_state_topic: "l",
      brightness_value_template: "{{ value_json.level }}",
    };
    const { value, results } = replay(raw, [
      ["state", '{"state":"ON","level":255}'],
      ["brightness", '{"state":"ON","level":255}'],
      ["brightness", '{"state":"ON"}'],
    ]);
    expect(value).toMatchObject({ state: "on", attributes: { brightness: 255, color_mode: "brightness" } });
    expect(results[2]?.kind).toBe("ignore");
  });
});

describe("basic light: commands", () => {
  it.each<[string, ExpandedConfig, ServiceData, Array<[string, string]> | string]>([
    ["plain turn_on sends ON last", full, {}, [["l/set", "ON"]]],
    ["brightness on its own topic, scaled", full, { brightness: 128 }, [["l/b/set", "50"], ["l/set", "ON"]]],
    ["brightness never rounds to 0", full, { brightness: 1 }, [["l/b/set", "1"], ["l/set", "ON"]]],
    ["on_command_type first", { ...full, on_command_type: "first" }, { brightness: 255 }, [["l/set", "ON"], ["l/b/set", "100"]]],
    ["on_command_type brightness sends only brightness", { ...full, on_command_type: "brightness" }, {}, [["l/b/set", "100"]]],
    ["hs as 'h,s'", full, { hs_color: [30, 100] }, [["l/hs/set", "30.0,100.0"], ["l/set", "ON"]]],
    ["xy as 'x,y'", full, { xy_color: [0.3, 0.3] }, [["l/xy/set", "0.3,0.3"], ["l/set", "ON"]]],
    ["color temperature in mireds", full, { color_temp_kelvin: 4000 }, [["l/ct/set", "250"], ["l/set", "ON"]]],
    ["color temperature in kelvin", { ...full, color_temp_kelvin: true }, { color_temp_kelvin: 4000 }, [["l/ct/set", "4000"], ["l/set", "ON"]]],
    ["an effect from the list", full, { effect: "fire" }, [["l/fx/set", "fire"], ["l/set", "ON"]]],
    ["an effect not in the list is not sent", full, { effect: "disco" }, [["l/set", "ON"]]],
    ["rgb carries the brightness without a brightness topic", rgbOnly, { rgb_color: [255, 128, 0], brightness: 128 }, [["l/rgb/set", "128,64,0"], ["l/set", "ON"]]],
    ["brightness alone scales white rgb", rgbOnly, { brightness: 128 }, [["l/rgb/set", "128,128,128"], ["l/set", "ON"]]],
    ["white with its scale", { ...rgbOnly, white_command_topic: "l/w/set", white_scale: 100 }, { white: 128 }, [["l/w/set", "50"], ["l/set", "ON"]]],
    [
      "command templates get their variables",
      {
        ...full,
        ...rgbOnly,
        brightness_command_template: "{{ value }}%",
        hs_command_template: "{{ hue }}/{{ sat }}",
        rgb_command_template: '{"r": {{ red }}, "g": {{ green }}, "b": {{ blue }}}',
      },
      { hs_color: [30, 100] },
      [["l/hs/set", "30.0/100.0"], ["l/set", "ON"]],
    ],
    ["rgb template", { ...rgbOnly, rgb_command_template: "{{ red }}-{{ green }}-{{ blue }}" }, { rgb_color: [1, 2, 3] }, [["l/rgb/set", "1-2-3"], ["l/set", "ON"]]],
    ["brightness template", { ...full, brightness_command_template: "{{ value }}%" }, { brightness_pct: 40 }, [["l/b/set", "40%"], ["l/set", "ON"]]],
    ["brightness 0 turns off", full, { brightness: 0 }, [["l/set", "OFF"]]],
    ["refuses unknown data", full, { speed: 1 }, "extra keys not allowed @ data['speed']"],
  ])("%s", (_name, raw, data, publishes) => {
    expect(sent(call(raw, "turn_on", OFF, data))).toEqual(publishes);
  });

  it("turn_off sends payload_off", () => {
    expect(sent(call({ ...full, payload_off: "0" }, "turn_off", OFF))).toEqual([["l/set", "0"]]);
  });

  it("on_command_type brightness reuses the last brightness", () => {
    const raw = { ...full, on_command_type: "brightness", brightness_state_topic: undefined };
    const current = replay(raw, [["state", "OFF"]]).value;
    const dimmed = call(raw, "turn_on", current, { brightness: 51 });
    expect(sent(dimmed)).toEqual([["l/b/set", "20"]]);
    // Brightness has no state topic, so it is updated at once; the state waits for the state topic.
    expect(dimmed).toMatchObject({ optimistic: { state: "off", memory: { brightness: 51 } } });
    if (!dimmed.ok || dimmed.optimistic === undefined) throw new Error("expected an optimistic value");
    expect(sent(call(raw, "turn_on", dimmed.optimistic))).toEqual([["l/b/set", "20"]]);
  });

  it("is optimistic per attribute when nothing reports it", () => {
    const raw = { command_topic: "l/set", brightness_command_topic: "l/b/set", hs_command_topic: "l/hs/set" };
    const result = call(raw, "turn_on", OFF, { hs_color: [120, 50], brightness: 200 });
    expect(result).toMatchObject({ ok: true, optimistic: { state: "on", attributes: { color_mode: "hs", hs_color: [120, 50], brightness: 200 } } });
    expect(call(raw, "turn_off", { state: "on", attributes: {} })).toMatchObject({ optimistic: { state: "off" } });
    expect(basicLightPlatform.isOptimistic(setup(raw).config)).toBe(true);
    expect(call(full, "turn_on", OFF, { hs_color: [120, 50] })).not.toHaveProperty("optimistic");
  });
});
