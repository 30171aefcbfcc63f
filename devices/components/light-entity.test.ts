import { describe, expect, it } from "vitest";
import {
  emptyLightModel,
  invalidColorModes,
  kelvinRange,
  lightStateAttributes,
  lightStaticAttributes,
  lightValue,
  readLightModel,
  resolveToggle,
  resolveTurnOff,
  resolveTurnOn,
  type ColorMode,
  type LightCapabilities,
  type LightModel,
} from "./light-entity";
import type { ServiceData } from "./platform";

function caps(modes: ColorMode[] | null, features = 0): LightCapabilities {
  return { supportedColorModes: modes, features, effectList: null, minKelvin: 2000, maxKelvin: 6535 };
}

const onModel = (changes: Partial<LightModel> = {}): LightModel => ({ ...emptyLightModel(null), isOn: true, ...changes });

describe("light.turn_on processing", () => {
  it.each<[string, ColorMode[] | null, ServiceData, unknown]>([
    ["brightness_pct rounds half to even", ["brightness"], { brightness_pct: 50 }, { brightness: 128 }],
    ["brightness is dropped on an on/off light", ["onoff"], { brightness: 10 }, {}],
    ["hs → rgb for an rgb light", ["rgb"], { hs_color: [30, 100] }, { rgb_color: [255, 127, 0] }],
    ["hs → color temperature for a white-only light", ["color_temp"], { hs_color: [30, 50] }, { color_temp_kelvin: 2385 }],
    ["xy → hs", ["hs"], { xy_color: [0.3, 0.3] }, { hs_color: [234, 11.765] }],
    ["color temperature emulated with rgbww", ["rgbww"], { color_temp_kelvin: 4000, brightness: 255 }, { brightness: 255, rgbww_color: [0, 0, 0, 184, 71] }],
    ["color temperature emulated with hs", ["hs"], { color_temp_kelvin: 4000 }, { hs_color: [26.812, 34.87] }],
    ["color temperature dropped on a brightness light", ["brightness"], { color_temp_kelvin: 4000 }, {}],
    ["legacy light without modes: colour becomes hs, then is dropped", null, { rgb_color: [255, 0, 0] }, {}],
    ["white: true takes the current brightness", ["hs", "white"], { white: true }, { white: 90 }],
    ["unknown colour names fall back to white", ["rgb"], { color_name: "octarine" }, { rgb_color: [255, 255, 255] }],
    ["deprecated color_temp (mireds)", ["color_temp"], { color_temp: 250 }, { color_temp_kelvin: 4000 }],
    ["transition without the feature is dropped", ["color_temp"], { transition: 2 }, {}],
  ])("%s", (_name, modes, data, params) => {
    expect(resolveTurnOn(data, onModel({ brightness: 90 }), caps(modes))).toEqual({ ok: true, turn: "on", params });
  });

  it("brightness steps start from 0 when the light is off", () => {
    expect(resolveTurnOn({ brightness_step: 20 }, { ...onModel({ brightness: 200 }), isOn: false }, caps(["brightness"]))).toMatchObject({ params: { brightness: 20 } });
    expect(resolveTurnOn({ brightness_step: 100 }, onModel({ brightness: 200 }), caps(["brightness"]))).toMatchObject({ params: { brightness: 255 } });
    expect(resolveTurnOn({ brightness_step_pct: -100 }, onModel({ brightness: 200 }), caps(["brightness"], 32))).toEqual({ ok: true, turn: "off", params: {} });
  });

  it("turn_off and toggle keep only transition and flash, if supported", () => {
    expect(resolveTurnOff({ transition: 3, flash: "long" }, caps(["onoff"], 32))).toEqual({ ok: true, turn: "off", params: { transition: 3 } });
    expect(resolveTurnOff({ brightness: 3 }, caps(["onoff"]))).toEqual({ ok: false, error: "extra keys not allowed @ data['brightness']" });
    expect(resolveToggle({ brightness: 3, transition: 1 }, onModel(), caps(["brightness"], 32))).toEqual({ ok: true, turn: "off", params: { transition: 1 } });
    expect(resolveToggle({ brightness: 3 }, emptyLightModel(null), caps(["brightness"]))).toEqual({ ok: true, turn: "on", params: { brightness: 3 } });
  });

  it("clamps like HA's service schema", () => {
    expect(resolveTurnOn({ brightness: 300, transition: 9000 }, onModel(), caps(["brightness"], 32))).toMatchObject({ params: { brightness: 255, transition: 6553 } });
  });
});

describe("light attributes", () => {
  it("validates configured colour modes as HA does", () => {
    expect(invalidColorModes(["hs", "color_temp"])).toBeUndefined();
    expect(invalidColorModes(["onoff", "hs"])).toBe('Invalid supported_color_modes ["hs","onoff"]');
    expect(invalidColorModes([])).toBe("Invalid supported_color_modes []");
  });

  it("mireds win over kelvin limits", () => {
    expect(kelvinRange({ min_mireds: 153, max_mireds: 500, min_kelvin: 1000 })).toEqual({ minKelvin: 2000, maxKelvin: 6535 });
    expect(kelvinRange({ min_kelvin: 2700, max_kelvin: 6000 })).toEqual({ minKelvin: 2700, maxKelvin: 6000 });
    expect(kelvinRange({})).toEqual({ minKelvin: 2000, maxKelvin: 6535 });
  });

  it("a light without a reported mode derives one (legacy _light_internal_color_mode)", () => {
    expect(lightStateAttributes(onModel({ brightness: 10 }), caps(["brightness"]))).toEqual({ color_mode: "brightness", brightness: 10 });
    expect(lightStateAttributes(onModel(), caps(null))).toEqual({ color_mode: "onoff" });
    expect(lightStateAttributes(onModel({ hs: [10, 20] }), caps(["hs", "color_temp"]))).toMatchObject({ color_mode: "hs", rgb_color: [255, 212, 204] });
  });

  it("static attributes", () => {
    expect(lightStaticAttributes(caps(["rgbww", "color_temp"], 4))).toEqual({
      min_color_temp_kelvin: 2000,
      max_color_temp_kelvin: 6535,
      min_mireds: 153,
      max_mireds: 500,
      effect_list: null,
      supported_color_modes: ["color_temp", "rgbww"],
      supported_features: 4,
    });
  });

  it("reads its model back from memory, or from the shown attributes", () => {
    const model = onModel({ brightness: 50, colorMode: "xy", xy: [0.3, 0.3] });
    const value = lightValue(model, caps(["xy"]));
    expect(readLightModel(value, emptyLightModel("xy"))).toEqual(model);
    const { memory: _memory, ...shown } = value;
    expect(readLightModel(shown, emptyLightModel("xy"))).toMatchObject({ isOn: true, brightness: 50, colorMode: "xy", xy: [0.3, 0.3] });
    expect(readLightModel({ state: null, attributes: {} }, emptyLightModel("hs"))).toEqual(emptyLightModel("hs"));
  });
});
