import { z } from "zod";
import { pyFloat } from "../templates/ha-template";
import { haBoolean, haPositiveInt, haPublishTopic, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { colorHsvToRgb, colorRgbToHs, colorTemperatureKelvinToMired, colorTemperatureMiredToKelvin } from "./light-color";
import {
  emptyLightModel,
  kelvinRange,
  LIGHT_FEATURE,
  lightStaticAttributes,
  lightValue,
  readLightModel,
  resolveToggle,
  resolveTurnOff,
  resolveTurnOn,
  type ColorMode,
  type LightAction,
  type LightCapabilities,
  type LightModel,
  type TurnOffParams,
  type TurnOnParams,
} from "./light-entity";
import { ignore, parsePythonInt, requiredKey, serviceError, update } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceResult } from "./platform";

/** HA's light/schema_template.py: one state topic read by several templates, command templates for on/off. */

export const templateLightSchema = z.looseObject({
  schema: z.literal("template"),
  command_topic: requiredKey("command_topic", haPublishTopic),
  state_topic: haSubscribeTopic.optional(),
  command_on_template: requiredKey("command_on_template", haTemplate),
  command_off_template: requiredKey("command_off_template", haTemplate),
  state_template: haTemplate.optional(),
  brightness_template: haTemplate.optional(),
  color_temp_template: haTemplate.optional(),
  color_temp_kelvin: haBoolean.default(false),
  red_template: haTemplate.optional(),
  green_template: haTemplate.optional(),
  blue_template: haTemplate.optional(),
  effect_template: haTemplate.optional(),
  effect_list: haStringList.optional(),
  max_mireds: haPositiveInt.optional(),
  min_mireds: haPositiveInt.optional(),
  max_kelvin: haPositiveInt.optional(),
  min_kelvin: haPositiveInt.optional(),
  optimistic: haBoolean.default(false),
});

export type TemplateLightConfig = z.output<typeof templateLightSchema>;

function hasRgbTemplates(config: TemplateLightConfig): boolean {
  return config.red_template !== undefined && config.green_template !== undefined && config.blue_template !== undefined;
}

/** filter_supported_color_modes({onoff, brightness?, color_temp?, hs?}): on/off and brightness only when alone. */
function colorModes(config: TemplateLightConfig): ColorMode[] {
  const modes: ColorMode[] = ["onoff"];
  if (config.brightness_template !== undefined) modes.push("brightness");
  if (config.color_temp_template !== undefined) modes.push("color_temp");
  if (hasRgbTemplates(config)) modes.push("hs");
  let filtered = modes;
  if (filtered.length > 1) filtered = filtered.filter((m) => m !== "onoff");
  if (filtered.length > 1) filtered = filtered.filter((m) => m !== "brightness");
  return filtered;
}

export function templateLightCapabilities(config: TemplateLightConfig): LightCapabilities {
  return {
    supportedColorModes: colorModes(config),
    features: LIGHT_FEATURE.flash | LIGHT_FEATURE.transition | (config.effect_list !== undefined ? LIGHT_FEATURE.effect : 0),
    effectList: config.effect_list ?? null,
    ...kelvinRange(config),
  };
}

/** The single supported mode, if there is only one (_fixed_color_mode). */
function fixedColorMode(config: TemplateLightConfig): ColorMode | null {
  const modes = colorModes(config);
  return modes.length === 1 ? (modes[0] ?? null) : null;
}

function initialModel(config: TemplateLightConfig): LightModel {
  return emptyLightModel(fixedColorMode(config));
}

/** Optimistic unless there is a state topic and a state template. */
function isOptimistic(config: TemplateLightConfig): boolean {
  return config.optimistic || config.state_topic === undefined || config.state_template === undefined;
}

/** _update_color_mode: with colour temperature and hs both supported, hs wins when set. */
function updateColorMode(config: TemplateLightConfig, model: LightModel): void {
  if (fixedColorMode(config) !== null) return;
  model.colorMode = model.hs ? "hs" : "color_temp";
}

const STATE_TEMPLATES = [
  "state_template",
  "brightness_template",
  "color_temp_template",
  "red_template",
  "green_template",
  "blue_template",
  "effect_template",
] as const;

/**
 * Every configured template over the message (state_template falls back to the payload). A missing
 * key renders "" and counts as empty; a failing template skips only its own part (HA logs the
 * error and carries on with the other templates).
 */
function renderParts(config: TemplateLightConfig, message: MqttMessageView, ctx: PlatformContext, notes: string[]): Map<string, string> {
  const parts = new Map<string, string>();
  for (const key of STATE_TEMPLATES) {
    if (key !== "state_template" && config[key] === undefined) continue;
    const outcome = ctx.render(key, {}, message);
    if (outcome === undefined) parts.set(key, message.text);
    else if (!outcome.ok) notes.push(`${key}: ${outcome.error}`);
    else parts.set(key, outcome.undefinedAccess !== undefined ? "" : outcome.value);
  }
  return parts;
}

export function decodeTemplateLight(config: TemplateLightConfig, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const notes: string[] = [];
  const parts = renderParts(config, message, ctx, notes);
  const model = { ...readLightModel(current, initialModel(config)) };

  // A part that is undefined had its template fail (noted by renderParts).
  const state = parts.get("state_template");
  if (state === "") notes.push("empty state value");
  else if (state === "on" || state === "off" || state === "None") model.isOn = state === "None" ? null : state === "on";
  else if (state !== undefined) notes.push(`invalid state value '${state}'`);

  const brightnessText = parts.get("brightness_template");
  if (brightnessText !== undefined && brightnessText !== "") {
    const brightness = parsePythonInt(brightnessText);
    if (brightness === undefined) notes.push(`invalid brightness value '${brightnessText}'`);
    else if (brightness !== 0) model.brightness = brightness;
  }

  const ctText = parts.get("color_temp_template");
  if (ctText !== undefined && ctText !== "") {
    if (!config.color_temp_kelvin && ctText === "None") model.colorTempKelvin = null;
    else {
      const ct = parsePythonInt(ctText);
      if (ct === undefined || (ct === 0 && !config.color_temp_kelvin)) notes.push(`invalid color temperature value '${ctText}'`);
      else model.colorTempKelvin = config.color_temp_kelvin ? ct : colorTemperatureMiredToKelvin(ct);
    }
  }

  if (hasRgbTemplates(config)) {
    const rgbText = [parts.get("red_template"), parts.get("green_template"), parts.get("blue_template")];
    const rgb = rgbText.map((c) => parsePythonInt(c ?? ""));
    if (rgbText.includes("")) notes.push("empty color value");
    else if (rgbText.every((c) => c === "None")) {
      model.hs = null;
      updateColorMode(config, model);
    } else if (!rgbText.includes(undefined)) {
      const [r, g, b] = rgb;
      if (r === undefined || g === undefined || b === undefined) notes.push("invalid color value");
      else {
        model.hs = colorRgbToHs(r, g, b);
        updateColorMode(config, model);
      }
    }
  }

  const effect = parts.get("effect_template");
  if (effect) {
    if (config.effect_list?.includes(effect) === true) model.effect = effect;
    else notes.push(`unsupported effect value '${effect}'`);
  }

  const unchanged = JSON.stringify(model) === JSON.stringify(readLightModel(current, initialModel(config)));
  if (unchanged && notes.length > 0) return ignore(notes.join("; "));
  return update(lightValue(model, templateLightCapabilities(config), current));
}

function turnOn(config: TemplateLightConfig, current: EntityValue, params: TurnOnParams, ctx: PlatformContext): ServiceResult {
  const optimistic = isOptimistic(config);
  const model = { ...readLightModel(current, initialModel(config)) };
  const values: Record<string, unknown> = { state: true };
  if (optimistic) model.isOn = true;
  if (params.brightness !== undefined) {
    values.brightness = Math.trunc(params.brightness);
    if (optimistic) model.brightness = params.brightness;
  }
  if (params.color_temp_kelvin !== undefined) {
    const kelvin = params.color_temp_kelvin;
    values.color_temp = config.color_temp_kelvin ? kelvin : colorTemperatureKelvinToMired(kelvin);
    if (optimistic) {
      model.colorTempKelvin = kelvin;
      model.hs = null;
      updateColorMode(config, model);
    }
  }
  if (params.hs_color !== undefined) {
    const [h, s] = params.hs_color;
    // A brightness template means the device takes brightness separately: send the colour at full brightness.
    const brightness = config.brightness_template !== undefined ? 255 : (params.brightness ?? model.brightness ?? 255);
    const [red, green, blue] = colorHsvToRgb(h, s, (brightness / 255) * 100);
    Object.assign(values, { red, green, blue, hue: pyFloat(h), sat: pyFloat(s) });
    if (optimistic) {
      model.colorTempKelvin = null;
      model.hs = params.hs_color;
      updateColorMode(config, model);
    }
  }
  if (params.effect !== undefined) {
    values.effect = params.effect;
    if (optimistic) model.effect = params.effect;
  }
  if (params.flash !== undefined) values.flash = params.flash;
  if (params.transition !== undefined) values.transition = pyFloat(params.transition);
  return send(config, current, ctx, "command_on_template", values, optimistic ? model : undefined);
}

function turnOff(config: TemplateLightConfig, current: EntityValue, params: TurnOffParams, ctx: PlatformContext): ServiceResult {
  const values: Record<string, unknown> = { state: false };
  if (params.transition !== undefined) values.transition = pyFloat(params.transition);
  const model = isOptimistic(config) ? { ...readLightModel(current, initialModel(config)), isOn: false } : undefined;
  return send(config, current, ctx, "command_off_template", values, model);
}

function send(
  config: TemplateLightConfig,
  current: EntityValue,
  ctx: PlatformContext,
  key: string,
  values: Record<string, unknown>,
  model: LightModel | undefined,
): ServiceResult {
  const outcome = ctx.render(key, { ...values, value: null });
  if (outcome === undefined) return serviceError(`${key} is missing`);
  if (!outcome.ok) return serviceError(`${key}: ${outcome.error}`);
  const publishes = [{ topic: config.command_topic, payload: outcome.value }];
  if (model === undefined) return { ok: true, publishes };
  return { ok: true, publishes, optimistic: lightValue(model, templateLightCapabilities(config), current) };
}

function run(config: TemplateLightConfig, current: EntityValue, action: LightAction, ctx: PlatformContext): ServiceResult {
  if (!action.ok) return serviceError(action.error);
  return action.turn === "on" ? turnOn(config, current, action.params, ctx) : turnOff(config, current, action.params, ctx);
}

export const templateLightPlatform: PlatformDefinition<TemplateLightConfig> = {
  component: "light",
  isEntity: true,
  schema: templateLightSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state", topic: config.state_topic }]),
  initialValue: (config) => lightValue(initialModel(config), templateLightCapabilities(config)),
  staticAttributes: (config) => lightStaticAttributes(templateLightCapabilities(config)),
  decode: (config, role, message, current, ctx) =>
    role === "state" ? decodeTemplateLight(config, message, current, ctx) : ignore(`unknown role '${role}'`),
  services: {
    turn_on: (config, current, data, ctx) =>
      run(config, current, resolveTurnOn(data, readLightModel(current, initialModel(config)), templateLightCapabilities(config)), ctx),
    turn_off: (config, current, data, ctx) => run(config, current, resolveTurnOff(data, templateLightCapabilities(config)), ctx),
    toggle: (config, current, data, ctx) =>
      run(config, current, resolveToggle(data, readLightModel(current, initialModel(config)), templateLightCapabilities(config)), ctx),
  },
  isOptimistic,
};
