import { z } from "zod";
import { pyFloat } from "../templates/ha-template";
import { haBoolean, haInt, haPositiveInt, haPublishTopic, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { colorRgbwToRgb, colorRgbwwToRgb, colorTemperatureKelvinToMired, colorTemperatureMiredToKelvin, type HS, type RGB, type RGBW, type RGBWW, type XY } from "./light-color";
import {
  emptyLightModel,
  invalidColorModes,
  isColorMode,
  kelvinRange,
  LIGHT_FEATURE,
  lightStaticAttributes,
  lightValue,
  readLightModel,
  resolveToggle,
  resolveTurnOff,
  resolveTurnOn,
  type ColorMode,
  type CurrentColorMode,
  type LightAction,
  type LightCapabilities,
  type LightModel,
  type TurnOnParams,
} from "./light-entity";
import { ignore, parsePythonFloat, parsePythonInt, pyRound, pythonFloatRepr, reject, renderCommand, renderValue, requiredKey, serviceError, update } from "./mqtt-payload";
import type { CommandPublish, DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceResult, StateTopic } from "./platform";

/** HA's light/schema_basic.py: a topic per feature (state, brightness, colour, effect...). */

export const basicLightSchema = z
  .looseObject({
    schema: z.literal("basic"),
    command_topic: requiredKey("command_topic", haPublishTopic),
    state_topic: haSubscribeTopic.optional(),
    state_value_template: haTemplate.optional(),
    payload_on: haString.default("ON"),
    payload_off: haString.default("OFF"),
    on_command_type: z.enum(["first", "last", "brightness"], { error: "on_command_type must be first, last or brightness" }).default("last"),
    brightness_command_topic: haPublishTopic.optional(),
    brightness_command_template: haTemplate.optional(),
    brightness_state_topic: haSubscribeTopic.optional(),
    brightness_value_template: haTemplate.optional(),
    brightness_scale: haInt.pipe(z.number().min(1, "brightness_scale must be at least 1")).default(255),
    color_mode_state_topic: haSubscribeTopic.optional(),
    color_mode_value_template: haTemplate.optional(),
    color_temp_command_topic: haPublishTopic.optional(),
    color_temp_command_template: haTemplate.optional(),
    color_temp_state_topic: haSubscribeTopic.optional(),
    color_temp_value_template: haTemplate.optional(),
    color_temp_kelvin: haBoolean.default(false),
    effect_command_topic: haPublishTopic.optional(),
    effect_command_template: haTemplate.optional(),
    effect_state_topic: haSubscribeTopic.optional(),
    effect_value_template: haTemplate.optional(),
    effect_list: haStringList.optional(),
    hs_command_topic: haPublishTopic.optional(),
    hs_command_template: haTemplate.optional(),
    hs_state_topic: haSubscribeTopic.optional(),
    hs_value_template: haTemplate.optional(),
    rgb_command_topic: haPublishTopic.optional(),
    rgb_command_template: haTemplate.optional(),
    rgb_state_topic: haSubscribeTopic.optional(),
    rgb_value_template: haTemplate.optional(),
    rgbw_command_topic: haPublishTopic.optional(),
    rgbw_command_template: haTemplate.optional(),
    rgbw_state_topic: haSubscribeTopic.optional(),
    rgbw_value_template: haTemplate.optional(),
    rgbww_command_topic: haPublishTopic.optional(),
    rgbww_command_template: haTemplate.optional(),
    rgbww_state_topic: haSubscribeTopic.optional(),
    rgbww_value_template: haTemplate.optional(),
    xy_command_topic: haPublishTopic.optional(),
    xy_command_template: haTemplate.optional(),
    xy_state_topic: haSubscribeTopic.optional(),
    xy_value_template: haTemplate.optional(),
    white_command_topic: haPublishTopic.optional(),
    white_scale: haInt.pipe(z.number().min(1, "white_scale must be at least 1")).default(255),
    max_mireds: haPositiveInt.optional(),
    min_mireds: haPositiveInt.optional(),
    max_kelvin: haPositiveInt.optional(),
    min_kelvin: haPositiveInt.optional(),
    optimistic: haBoolean.default(false),
  })
  .superRefine((c, ctx) => {
    const invalid = invalidColorModes(colorSetup(c).modes);
    if (invalid !== undefined) ctx.addIssue({ code: "custom", message: invalid });
  });

export type BasicLightConfig = z.output<typeof basicLightSchema>;
type TopicKeys = Pick<
  BasicLightConfig,
  | "color_temp_command_topic"
  | "hs_command_topic"
  | "rgb_command_topic"
  | "rgbw_command_topic"
  | "rgbww_command_topic"
  | "white_command_topic"
  | "xy_command_topic"
  | "brightness_command_topic"
>;

/** The colour modes the command topics give, and the mode the light starts in. */
function colorSetup(c: TopicKeys): { modes: ColorMode[]; initial: CurrentColorMode } {
  const modes: ColorMode[] = [];
  let initial: CurrentColorMode = "onoff";
  const add = (topic: string | undefined, mode: ColorMode, setsMode = true) => {
    if (topic === undefined) return;
    modes.push(mode);
    if (setsMode) initial = mode;
  };
  add(c.color_temp_command_topic, "color_temp");
  add(c.hs_command_topic, "hs");
  add(c.rgb_command_topic, "rgb");
  add(c.rgbw_command_topic, "rgbw");
  add(c.rgbww_command_topic, "rgbww");
  add(c.white_command_topic, "white", false);
  add(c.xy_command_topic, "xy");
  if (modes.length > 1) initial = "unknown";
  if (modes.length === 0) {
    const mode = c.brightness_command_topic !== undefined ? "brightness" : "onoff";
    modes.push(mode);
    initial = mode;
  }
  return { modes, initial };
}

export function basicLightCapabilities(config: BasicLightConfig): LightCapabilities {
  return {
    supportedColorModes: colorSetup(config).modes,
    features: config.effect_command_topic !== undefined ? LIGHT_FEATURE.effect : 0,
    effectList: config.effect_list ?? null,
    ...kelvinRange(config),
  };
}

function initialModel(config: BasicLightConfig): LightModel {
  return emptyLightModel(colorSetup(config).initial);
}

/** Per attribute: updated at once on a command because nothing reports it (HA's _optimistic_*). */
function optimism(c: BasicLightConfig) {
  const o = c.optimistic;
  return {
    state: o || c.state_topic === undefined,
    colorMode: o || c.color_mode_state_topic === undefined,
    brightness:
      o ||
      (c.brightness_command_topic !== undefined && c.brightness_state_topic === undefined) ||
      (c.brightness_command_topic === undefined && c.rgb_state_topic === undefined),
    colorTemp: o || c.color_temp_state_topic === undefined,
    effect: o || c.effect_state_topic === undefined,
    hs: o || c.hs_state_topic === undefined,
    rgb: o || c.rgb_state_topic === undefined,
    rgbw: o || c.rgbw_state_topic === undefined,
    rgbww: o || c.rgbww_state_topic === undefined,
    xy: o || c.xy_state_topic === undefined,
  };
}

const ROLES = [
  ["state", "state_topic"],
  ["brightness", "brightness_state_topic"],
  ["rgb", "rgb_state_topic"],
  ["rgbw", "rgbw_state_topic"],
  ["rgbww", "rgbww_state_topic"],
  ["color_mode", "color_mode_state_topic"],
  ["color_temp", "color_temp_state_topic"],
  ["effect", "effect_state_topic"],
  ["hs", "hs_state_topic"],
  ["xy", "xy_state_topic"],
] as const;

function splitNumbers(payload: string, parse: (s: string) => number | undefined, maxParts?: number): number[] | undefined {
  let parts = payload.split(",");
  // Python's str.split(",", 2): at most three parts, the last keeps the rest.
  if (maxParts !== undefined && parts.length > maxParts) parts = [...parts.slice(0, maxParts - 1), parts.slice(maxParts - 1).join(",")];
  const values = parts.map(parse);
  return values.every((v) => v !== undefined) ? (values) : undefined;
}

/** _rgbx_received: the colour, and (without a brightness state topic) the brightness it carries. */
function decodeRgbx(
  config: BasicLightConfig,
  payload: string,
  mode: "rgb" | "rgbw" | "rgbww",
  model: LightModel,
  caps: LightCapabilities,
): number[] | DecodeResult {
  const length = { rgb: 3, rgbw: 4, rgbww: 5 }[mode];
  const color = splitNumbers(payload, parsePythonInt);
  if (color === undefined) return reject(`${mode} payload '${payload}' is not a list of integers`);
  if (color.length !== length) return reject(`${mode} payload '${payload}' needs ${length} values`);
  if (optimism(config).colorMode) model.colorMode = mode;
  if (config.brightness_state_topic !== undefined) return color;
  const rgb =
    mode === "rgb" ? color : mode === "rgbw" ? colorRgbwToRgb(...(color as RGBW)) : colorRgbwwToRgb(...(color as RGBWW), caps.minKelvin, caps.maxKelvin);
  const brightness = Math.max(...rgb);
  if (brightness === 0) return ignore(`${mode} message with zero brightness`);
  model.brightness = brightness;
  // The colour is kept at full brightness.
  return color.map((c) => Math.min(pyRound((c / brightness) * 255), 255));
}

function decodeRole(config: BasicLightConfig, role: string, payload: string, model: LightModel, caps: LightCapabilities): DecodeResult | undefined {
  const opt = optimism(config);
  switch (role) {
    case "state":
      if (payload === config.payload_on) model.isOn = true;
      else if (payload === config.payload_off) model.isOn = false;
      else if (payload === "None") model.isOn = null;
      else return ignore(`'${payload}' matches neither payload_on nor payload_off`);
      return undefined;
    case "brightness": {
      const value = parsePythonFloat(payload);
      if (value === undefined) return reject(`brightness payload '${payload}' is not a number`);
      if (value === 0) return ignore("zero brightness");
      model.brightness = Math.min(pyRound((value / config.brightness_scale) * 255), 255);
      return undefined;
    }
    case "rgb":
    case "rgbw":
    case "rgbww": {
      const color = decodeRgbx(config, payload, role, model, caps);
      if (!Array.isArray(color)) return color;
      if (role === "rgb") model.rgb = color as RGB;
      else if (role === "rgbw") model.rgbw = color as RGBW;
      else model.rgbww = color as RGBWW;
      return undefined;
    }
    case "color_mode":
      if (!isColorMode(payload) && payload !== "unknown") return reject(`'${payload}' is not a valid color mode`);
      model.colorMode = payload;
      return undefined;
    case "color_temp": {
      const value = parsePythonInt(payload);
      if (value === undefined || (value === 0 && !config.color_temp_kelvin)) return reject(`color temperature payload '${payload}' is not valid`);
      if (opt.colorMode) model.colorMode = "color_temp";
      model.colorTempKelvin = config.color_temp_kelvin ? value : colorTemperatureMiredToKelvin(value);
      return undefined;
    }
    case "effect":
      model.effect = payload;
      return undefined;
    case "hs": {
      const hs = splitNumbers(payload, parsePythonFloat, 3);
      if (hs?.length !== 2) return ignore(`failed to parse hs state update: '${payload}'`);
      if (opt.colorMode) model.colorMode = "hs";
      model.hs = hs as HS;
      return undefined;
    }
    case "xy": {
      const xy = splitNumbers(payload, parsePythonFloat, 3);
      if (xy === undefined) return reject(`xy payload '${payload}' is not a pair of numbers`);
      if (xy.length !== 2) return reject(`xy payload '${payload}' needs 2 values`);
      if (opt.colorMode) model.colorMode = "xy";
      model.xy = xy as XY;
      return undefined;
    }
    default:
      return ignore(`unknown role '${role}'`);
  }
}

export function decodeBasicLight(config: BasicLightConfig, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const templateKey = role === "state" ? "state_value_template" : `${role}_value_template`;
  const rendered = renderValue(ctx, templateKey, message);
  if (!rendered.ok) return rendered.result;
  if (rendered.value === "") return ignore(`empty ${role} message`);
  const caps = basicLightCapabilities(config);
  const model = { ...readLightModel(current, initialModel(config)) };
  const problem = decodeRole(config, role, rendered.value, model, caps);
  return problem ?? update(lightValue(model, caps, current));
}

function turnOn(config: BasicLightConfig, current: EntityValue, input: TurnOnParams, ctx: PlatformContext): ServiceResult {
  const caps = basicLightCapabilities(config);
  const opt = optimism(config);
  const model = { ...readLightModel(current, initialModel(config)) };
  const params: TurnOnParams = { ...input };
  const publishes: CommandPublish[] = [];
  let changed = false;
  let error: string | undefined;

  const publish = (topic: string | undefined, key: string, value: unknown, variables: Record<string, unknown> = {}, plain?: string) => {
    if (topic === undefined || error !== undefined) return;
    const rendered = renderCommand(ctx, key, value, variables, plain);
    if (rendered.ok) publishes.push({ topic, payload: rendered.payload });
    else error = rendered.error;
  };
  const setOptimistic = (enabled: boolean, apply: () => void, mode?: CurrentColorMode) => {
    if (!enabled) return;
    if (mode !== undefined && opt.colorMode) model.colorMode = mode;
    apply();
    changed = true;
  };
  /** scale_rgbx: RGBx carries the brightness unless a brightness topic does. */
  const scaleRgbx = (color: readonly number[], brightness?: number) => {
    const level = brightness ?? (config.brightness_command_topic !== undefined ? 255 : params.brightness || model.brightness || 255);
    return color.map((c) => Math.trunc((c * level) / 255));
  };
  const rgbxVariables = (color: readonly number[], mode: "rgb" | "rgbw" | "rgbww") => {
    const keys = ["red", "green", "blue", ...(mode === "rgbw" ? ["white"] : mode === "rgbww" ? ["cold_white", "warm_white"] : [])];
    return Object.fromEntries(keys.map((k, i) => [k, color[i]]));
  };
  const publishRgbx = (mode: "rgb" | "rgbw" | "rgbww", color: readonly number[]) => {
    const text = color.join(",");
    publish(config[`${mode}_command_topic`], `${mode}_command_template`, text, rgbxVariables(color, mode));
  };

  if (config.on_command_type === "first") {
    publishes.push({ topic: config.command_topic, payload: config.payload_on });
  } else if (config.on_command_type === "brightness" && params.brightness === undefined && params.white === undefined) {
    // No on command: brightness turns the light on (the last brightness, or full).
    params.brightness = model.brightness || 255;
  }

  const hs = params.hs_color;
  if (hs !== undefined && config.hs_command_topic !== undefined) {
    const [h, s] = hs;
    publish(config.hs_command_topic, "hs_command_template", `${pythonFloatRepr(h)},${pythonFloatRepr(s)}`, { hue: pyFloat(h), sat: pyFloat(s) });
    setOptimistic(opt.hs, () => (model.hs = hs), "hs");
  }
  const rgb = params.rgb_color;
  if (rgb !== undefined && config.rgb_command_topic !== undefined) {
    publishRgbx("rgb", scaleRgbx(rgb));
    setOptimistic(opt.rgb, () => (model.rgb = rgb), "rgb");
  }
  const rgbw = params.rgbw_color;
  if (rgbw !== undefined && config.rgbw_command_topic !== undefined) {
    publishRgbx("rgbw", scaleRgbx(rgbw));
    setOptimistic(opt.rgbw, () => (model.rgbw = rgbw), "rgbw");
  }
  const rgbww = params.rgbww_color;
  if (rgbww !== undefined && config.rgbww_command_topic !== undefined) {
    publishRgbx("rgbww", scaleRgbx(rgbww));
    setOptimistic(opt.rgbww, () => (model.rgbww = rgbww), "rgbww");
  }
  const xy = params.xy_color;
  if (xy !== undefined && config.xy_command_topic !== undefined) {
    const [x, y] = xy;
    publish(config.xy_command_topic, "xy_command_template", `${pythonFloatRepr(x)},${pythonFloatRepr(y)}`, { x: pyFloat(x), y: pyFloat(y) });
    setOptimistic(opt.xy, () => (model.xy = xy), "xy");
  }

  const brightness = params.brightness;
  if (brightness !== undefined) {
    const setBrightness = () => setOptimistic(opt.brightness, () => (model.brightness = brightness));
    if (config.brightness_command_topic !== undefined) {
      const scale = config.brightness_scale;
      // Never rounded down to 0.
      const device = Math.max(Math.min(pyRound((brightness / 255) * scale), scale), 1);
      publish(config.brightness_command_topic, "brightness_command_template", device);
      setBrightness();
    } else if (params.rgb_color === undefined && config.rgb_command_topic !== undefined) {
      publishRgbx("rgb", scaleRgbx(model.rgb ?? [255, 255, 255], brightness));
      setBrightness();
    } else if (params.rgbw_color === undefined && config.rgbw_command_topic !== undefined) {
      publishRgbx("rgbw", scaleRgbx(model.rgbw ?? [255, 255, 255, 255], brightness));
      setBrightness();
    } else if (params.rgbww_color === undefined && config.rgbww_command_topic !== undefined) {
      publishRgbx("rgbww", scaleRgbx(model.rgbww ?? [255, 255, 255, 255, 255], brightness));
      setBrightness();
    }
  }
  const kelvin = params.color_temp_kelvin;
  if (kelvin !== undefined && config.color_temp_command_topic !== undefined) {
    const value = config.color_temp_kelvin ? kelvin : colorTemperatureKelvinToMired(kelvin);
    publish(config.color_temp_command_topic, "color_temp_command_template", value);
    setOptimistic(opt.colorTemp, () => (model.colorTempKelvin = kelvin), "color_temp");
  }
  const effect = params.effect;
  if (effect !== undefined && config.effect_command_topic !== undefined && config.effect_list?.includes(effect) === true) {
    publish(config.effect_command_topic, "effect_command_template", effect);
    setOptimistic(opt.effect, () => (model.effect = effect));
  }
  const white = params.white;
  if (white !== undefined && config.white_command_topic !== undefined) {
    const scale = config.white_scale;
    publishes.push({ topic: config.white_command_topic, payload: String(Math.min(pyRound((white / 255) * scale), scale)) });
    setOptimistic(opt.brightness, () => (model.brightness = white), "white");
  }
  if (config.on_command_type === "last") publishes.push({ topic: config.command_topic, payload: config.payload_on });
  if (error !== undefined) return serviceError(error);
  if (opt.state) {
    model.isOn = true;
    changed = true;
  }
  return changed ? { ok: true, publishes, optimistic: lightValue(model, caps, current) } : { ok: true, publishes };
}

function turnOff(config: BasicLightConfig, current: EntityValue): ServiceResult {
  const publishes = [{ topic: config.command_topic, payload: config.payload_off }];
  if (!optimism(config).state) return { ok: true, publishes };
  const model = { ...readLightModel(current, initialModel(config)), isOn: false };
  return { ok: true, publishes, optimistic: lightValue(model, basicLightCapabilities(config), current) };
}

function run(config: BasicLightConfig, current: EntityValue, action: LightAction, ctx: PlatformContext): ServiceResult {
  if (!action.ok) return serviceError(action.error);
  return action.turn === "on" ? turnOn(config, current, action.params, ctx) : turnOff(config, current);
}

export const basicLightPlatform: PlatformDefinition<BasicLightConfig> = {
  component: "light",
  isEntity: true,
  schema: basicLightSchema,
  stateTopics(config) {
    const topics: StateTopic[] = [];
    for (const [role, key] of ROLES) {
      const topic = config[key];
      if (topic !== undefined) topics.push({ role, topic });
    }
    return topics;
  },
  initialValue: (config) => lightValue(initialModel(config), basicLightCapabilities(config)),
  staticAttributes: (config) => lightStaticAttributes(basicLightCapabilities(config)),
  decode: decodeBasicLight,
  services: {
    turn_on: (config, current, data, ctx) =>
      run(config, current, resolveTurnOn(data, readLightModel(current, initialModel(config)), basicLightCapabilities(config)), ctx),
    turn_off: (config, current, data, ctx) => run(config, current, resolveTurnOff(data, basicLightCapabilities(config)), ctx),
    toggle: (config, current, data, ctx) =>
      run(config, current, resolveToggle(data, readLightModel(current, initialModel(config)), basicLightCapabilities(config)), ctx),
  },
  isOptimistic: (config) => optimism(config).state,
};
