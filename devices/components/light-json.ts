import { z } from "zod";
import { haBoolean, haInt, haPositiveInt, haPublishTopic, haStringList, haSubscribeTopic } from "../discovery/ha-values";
import { colorTemperatureKelvinToMired, colorTemperatureMiredToKelvin, type HS, type RGB, type RGBW, type RGBWW, type XY } from "./light-color";
import {
  brightnessSupported,
  emptyLightModel,
  kelvinRange,
  LIGHT_FEATURE,
  lightStaticAttributes,
  lightValue,
  readLightModel,
  resolveToggle,
  resolveTurnOff,
  resolveTurnOn,
  supportedColorModesSchema,
  type ColorMode,
  type LightAction,
  type LightCapabilities,
  type LightModel,
  type TurnOffParams,
  type TurnOnParams,
} from "./light-entity";
import { ignore, pyRound, pythonFloatRepr, reject, requiredKey, serviceError, toPythonFloat, toPythonInt, update } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformDefinition, ServiceResult } from "./platform";

/** HA's light/schema_json.py: one JSON state topic, one JSON command topic. */

export const jsonLightSchema = z.looseObject({
  schema: z.literal("json"),
  command_topic: requiredKey("command_topic", haPublishTopic),
  state_topic: haSubscribeTopic.optional(),
  // Legacy flag: with no supported_color_modes, brightness is the only mode.
  brightness: haBoolean.default(false),
  brightness_scale: haInt.pipe(z.number().min(1, "brightness_scale must be at least 1")).default(255),
  color_temp_kelvin: haBoolean.default(false),
  effect: haBoolean.default(false),
  effect_list: haStringList.optional(),
  flash: haBoolean.default(true),
  flash_time_long: haPositiveInt.default(10),
  flash_time_short: haPositiveInt.default(2),
  max_mireds: haPositiveInt.optional(),
  min_mireds: haPositiveInt.optional(),
  max_kelvin: haPositiveInt.optional(),
  min_kelvin: haPositiveInt.optional(),
  supported_color_modes: supportedColorModesSchema.optional(),
  transition: haBoolean.default(true),
  white_scale: haInt.pipe(z.number().min(1, "white_scale must be at least 1")).default(255),
  optimistic: haBoolean.default(false),
});

export type JsonLightConfig = z.output<typeof jsonLightSchema>;

export function jsonLightCapabilities(config: JsonLightConfig): LightCapabilities {
  let features = 0;
  if (config.effect) features |= LIGHT_FEATURE.effect;
  if (config.flash) features |= LIGHT_FEATURE.flash;
  if (config.transition) features |= LIGHT_FEATURE.transition;
  const modes = config.supported_color_modes;
  return {
    supportedColorModes: modes !== undefined && modes.length > 0 ? modes : config.brightness ? ["brightness"] : null,
    features,
    effectList: config.effect_list ?? null,
    ...kelvinRange(config),
  };
}

function initialModel(config: JsonLightConfig): LightModel {
  const modes = config.supported_color_modes;
  if (modes === undefined || modes.length === 0) return emptyLightModel(null);
  return emptyLightModel(modes.length === 1 ? (modes[0] ?? null) : "unknown");
}

function isOptimistic(config: JsonLightConfig): boolean {
  return config.optimistic || config.state_topic === undefined;
}

/** A float Python's json encoder writes with its decimal point (30 → 30.0). */
class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

type PyJson = string | number | PyFloat | { readonly [key: string]: PyJson };

/** HA's json_dumps: compact, keys in insertion order, floats as Python writes them. */
function dumps(value: PyJson): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${dumps(v)}`)
    .join(",")}}`;
}

/** _update_color: apply the colour the message reports for its color_mode. */
function updateColor(config: JsonLightConfig, caps: LightCapabilities, values: Record<string, unknown>, model: LightModel): void {
  const mode = values.color_mode;
  if (typeof mode !== "string" || !caps.supportedColorModes?.includes(mode as ColorMode)) return;
  const color = typeof values.color === "object" && values.color !== null ? (values.color as Record<string, unknown>) : undefined;
  const ints = (keys: readonly string[]) => {
    const out = keys.map((k) => toPythonInt(color?.[k]));
    return out.every((v) => v !== undefined) ? (out) : undefined;
  };
  const floats = (keys: readonly string[]) => {
    const out = keys.map((k) => toPythonFloat(color?.[k]));
    return out.every((v) => v !== undefined) ? (out) : undefined;
  };
  // An incomplete or invalid colour leaves everything as it was (HA logs a warning).
  switch (mode) {
    case "color_temp": {
      // mireds → kelvin is arithmetic on the raw JSON value: only numbers work.
      const ct = values.color_temp;
      if (typeof ct !== "number" || ct === 0) return;
      model.colorTempKelvin = config.color_temp_kelvin ? ct : colorTemperatureMiredToKelvin(ct);
      model.colorMode = "color_temp";
      return;
    }
    case "hs": {
      const hs = floats(["h", "s"]);
      if (hs === undefined) return;
      model.colorMode = "hs";
      model.hs = hs as HS;
      return;
    }
    case "rgb": {
      const rgb = ints(["r", "g", "b"]);
      if (rgb === undefined) return;
      model.colorMode = "rgb";
      model.rgb = rgb as RGB;
      return;
    }
    case "rgbw": {
      const rgbw = ints(["r", "g", "b", "w"]);
      if (rgbw === undefined) return;
      model.colorMode = "rgbw";
      model.rgbw = rgbw as RGBW;
      return;
    }
    case "rgbww": {
      const rgbww = ints(["r", "g", "b", "c", "w"]);
      if (rgbww === undefined) return;
      model.colorMode = "rgbww";
      model.rgbww = rgbww as RGBWW;
      return;
    }
    case "white":
      model.colorMode = "white";
      return;
    case "xy": {
      const xy = floats(["x", "y"]);
      if (xy === undefined) return;
      model.colorMode = "xy";
      model.xy = xy as XY;
      return;
    }
    default:
      return;
  }
}

/** _state_received. */
export function decodeJsonLight(config: JsonLightConfig, message: MqttMessageView, current: EntityValue): DecodeResult {
  const values = message.json;
  if (typeof values !== "object" || values === null || Array.isArray(values)) return reject("state message is not a JSON object");
  const v = values as Record<string, unknown>;
  // HA reads values["state"] unconditionally: a message without it is dropped.
  if (!("state" in v)) return reject("state message has no 'state' key");
  const caps = jsonLightCapabilities(config);
  const model = { ...readLightModel(current, initialModel(config)) };
  if (v.state === "ON") model.isOn = true;
  else if (v.state === "OFF") model.isOn = false;
  else if (v.state === null) model.isOn = null;

  // Colour is applied only when the message says which colour mode it is in.
  if ("color_mode" in v) updateColor(config, caps, v, model);

  if (brightnessSupported(caps.supportedColorModes) && "brightness" in v) {
    const b = v.brightness;
    // value_to_brightness((1, scale), b); a zero (or otherwise falsy) brightness is ignored.
    if (typeof b === "number" && b !== 0) model.brightness = Math.min(255, Math.max(1, Math.ceil((b * 255) / config.brightness_scale)));
  }

  // HA tests `supported_features and EFFECT`, which holds whenever any feature is on.
  if (caps.features !== 0 && "effect" in v) model.effect = typeof v.effect === "string" || v.effect === null ? v.effect : JSON.stringify(v.effect);

  return update(lightValue(model, caps, current));
}

function flashAndTransition(config: JsonLightConfig, params: TurnOnParams | TurnOffParams, message: Record<string, PyJson>): void {
  if (params.transition !== undefined) message.transition = new PyFloat(params.transition);
  if (params.flash === "long") message.flash = config.flash_time_long;
  else if (params.flash === "short") message.flash = config.flash_time_short;
}

function turnOn(config: JsonLightConfig, current: EntityValue, params: TurnOnParams): ServiceResult {
  const caps = jsonLightCapabilities(config);
  const supports = (mode: ColorMode) => caps.supportedColorModes?.includes(mode) === true;
  const optimistic = isOptimistic(config);
  const model = { ...readLightModel(current, initialModel(config)) };
  const message: Record<string, PyJson> = { state: "ON" };
  let brightness = params.brightness;

  // _scale_rgbxx: without the legacy brightness flag, RGB carries the brightness (and brightness is not sent).
  const scale = (channels: readonly number[]) => {
    let level = 255;
    if (!config.brightness) {
      level = brightness ?? 255;
      brightness = undefined;
    }
    return channels.map((c) => pyRound((c / 255) * level));
  };

  if (params.hs_color !== undefined && supports("hs")) {
    const [h, s] = params.hs_color;
    message.color = { h: new PyFloat(h), s: new PyFloat(s) };
    if (optimistic) Object.assign(model, { colorMode: "hs", hs: params.hs_color });
  }
  if (params.rgb_color !== undefined && supports("rgb")) {
    const [r = 0, g = 0, b = 0] = scale(params.rgb_color);
    message.color = { r, g, b };
    if (optimistic) Object.assign(model, { colorMode: "rgb", rgb: [r, g, b] });
  }
  if (params.rgbw_color !== undefined && supports("rgbw")) {
    const [r = 0, g = 0, b = 0, w = 0] = scale(params.rgbw_color);
    message.color = { r, g, b, w };
    if (optimistic) Object.assign(model, { colorMode: "rgbw", rgbw: [r, g, b, w] });
  }
  if (params.rgbww_color !== undefined && supports("rgbww")) {
    const [r = 0, g = 0, b = 0, c = 0, w = 0] = scale(params.rgbww_color);
    message.color = { r, g, b, c, w };
    if (optimistic) Object.assign(model, { colorMode: "rgbww", rgbww: [r, g, b, c, w] });
  }
  if (params.xy_color !== undefined && supports("xy")) {
    const [x, y] = params.xy_color;
    message.color = { x: new PyFloat(x), y: new PyFloat(y) };
    if (optimistic) Object.assign(model, { colorMode: "xy", xy: params.xy_color });
  }
  flashAndTransition(config, params, message);
  if (brightness !== undefined && brightnessSupported(caps.supportedColorModes)) {
    // brightness_to_value((1, scale), b), never rounded down to 0.
    message.brightness = Math.max(pyRound((brightness * config.brightness_scale) / 255), 1);
    if (optimistic) model.brightness = brightness;
  }
  if (params.color_temp_kelvin !== undefined) {
    const kelvin = params.color_temp_kelvin;
    message.color_temp = config.color_temp_kelvin ? kelvin : colorTemperatureKelvinToMired(kelvin);
    if (optimistic) Object.assign(model, { colorMode: "color_temp", colorTempKelvin: kelvin, hs: null });
  }
  if (params.effect !== undefined) {
    message.effect = params.effect;
    if (optimistic) model.effect = params.effect;
  }
  if (params.white !== undefined && supports("white")) {
    const scaleWhite = config.white_scale;
    message.white = Math.max(Math.min(pyRound((params.white / 255) * scaleWhite), scaleWhite), 1);
    if (optimistic) Object.assign(model, { colorMode: "white", brightness: params.white });
  }
  const publishes = [{ topic: config.command_topic, payload: dumps(message) }];
  if (!optimistic) return { ok: true, publishes };
  model.isOn = true;
  return { ok: true, publishes, optimistic: lightValue(model, caps, current) };
}

function turnOff(config: JsonLightConfig, current: EntityValue, params: TurnOffParams): ServiceResult {
  const message: Record<string, PyJson> = { state: "OFF" };
  flashAndTransition(config, params, message);
  const publishes = [{ topic: config.command_topic, payload: dumps(message) }];
  if (!isOptimistic(config)) return { ok: true, publishes };
  const model = { ...readLightModel(current, initialModel(config)), isOn: false };
  return { ok: true, publishes, optimistic: lightValue(model, jsonLightCapabilities(config), current) };
}

function run(config: JsonLightConfig, current: EntityValue, action: LightAction): ServiceResult {
  if (!action.ok) return serviceError(action.error);
  return action.turn === "on" ? turnOn(config, current, action.params) : turnOff(config, current, action.params);
}

export const jsonLightPlatform: PlatformDefinition<JsonLightConfig> = {
  component: "light",
  isEntity: true,
  schema: jsonLightSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state", topic: config.state_topic }]),
  initialValue: (config) => lightValue(initialModel(config), jsonLightCapabilities(config)),
  staticAttributes: (config) => lightStaticAttributes(jsonLightCapabilities(config)),
  decode: (config, role, message, current) => (role === "state" ? decodeJsonLight(config, message, current) : ignore(`unknown role '${role}'`)),
  services: {
    turn_on: (config, current, data) =>
      run(config, current, resolveTurnOn(data, readLightModel(current, initialModel(config)), jsonLightCapabilities(config))),
    turn_off: (config, current, data) => run(config, current, resolveTurnOff(data, jsonLightCapabilities(config))),
    toggle: (config, current, data) =>
      run(config, current, resolveToggle(data, readLightModel(current, initialModel(config)), jsonLightCapabilities(config))),
  },
  isOptimistic,
};
