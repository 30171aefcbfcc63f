import { z } from "zod";
import { haFloat, haInt, haString } from "../discovery/ha-values";
import {
  colorHsToRgb,
  colorHsToXy,
  colorNameToRgb,
  colorRgbToHs,
  colorRgbToRgbw,
  colorRgbToRgbww,
  colorRgbToXy,
  colorRgbwToRgb,
  colorRgbwwToRgb,
  colorTemperatureKelvinToMired,
  colorTemperatureMiredToKelvin,
  colorTemperatureToHs,
  colorTemperatureToRgbww,
  colorXyToHs,
  colorXyToRgb,
  colorXyToTemperature,
  type HS,
  type RGB,
  type RGBW,
  type RGBWW,
  type XY,
} from "./light-color";
import { checkServiceKeys, pyRound, pyRoundTo } from "./mqtt-payload";
import type { EntityValue, ServiceData } from "./platform";

/**
 * What the three MQTT light schemas share: HA's LightEntity (components/light/__init__.py) —
 * the entity model behind the state, the attributes HA derives from it, and light.turn_on's
 * service-data processing (alternatives, colour conversion to what the light supports, filtering).
 */

export const VALID_COLOR_MODES = ["onoff", "brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"] as const;
export type ColorMode = (typeof VALID_COLOR_MODES)[number];
/** A light's current mode: a valid one, or "unknown" (several supported and none reported yet). */
export type CurrentColorMode = ColorMode | "unknown";

const BRIGHTNESS_MODES: ReadonlySet<string> = new Set(["brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"]);
const COLOR_MODES: ReadonlySet<string> = new Set(["hs", "rgb", "rgbw", "rgbww", "xy"]);

/** LightEntityFeature bits. */
export const LIGHT_FEATURE = { effect: 4, flash: 8, transition: 32 } as const;

/** HA's DEFAULT_MIN_KELVIN / DEFAULT_MAX_KELVIN. */
const DEFAULT_MIN_KELVIN = 2000;
const DEFAULT_MAX_KELVIN = 6535;

export function isColorMode(value: unknown): value is ColorMode {
  return typeof value === "string" && (VALID_COLOR_MODES as readonly string[]).includes(value);
}

export function brightnessSupported(modes: readonly string[] | null): boolean {
  return modes !== null && modes.some((m) => BRIGHTNESS_MODES.has(m));
}

export function colorSupported(modes: readonly string[] | null): boolean {
  return modes !== null && modes.some((m) => COLOR_MODES.has(m));
}

/** valid_supported_color_modes: the check HA runs on a configured list. */
export function invalidColorModes(modes: readonly string[]): string | undefined {
  const set = new Set(modes);
  if (
    set.size === 0 ||
    (set.has("brightness") && set.size > 1) ||
    (set.has("onoff") && set.size > 1) ||
    (set.has("white") && !colorSupported([...set]))
  ) {
    return `Invalid supported_color_modes ${JSON.stringify([...set].sort())}`;
  }
  return undefined;
}

/** A config list of colour modes (cv.ensure_list, vol.In(VALID_COLOR_MODES), vol.Unique, valid_supported_color_modes). */
export const supportedColorModesSchema = z
  .union([z.array(z.unknown()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .superRefine((modes, ctx) => {
    for (const mode of modes) {
      if (!isColorMode(mode)) ctx.addIssue({ code: "custom", message: `value must be one of ${VALID_COLOR_MODES.join(", ")} for supported_color_modes, got ${JSON.stringify(mode)}` });
    }
    if (new Set(modes).size !== modes.length) ctx.addIssue({ code: "custom", message: "supported_color_modes contains duplicate items" });
    const invalid = invalidColorModes(modes.filter(isColorMode));
    if (invalid !== undefined && modes.every(isColorMode)) ctx.addIssue({ code: "custom", message: invalid });
  })
  .transform((modes) => modes.filter(isColorMode));

/** The entity's memory: everything HA's light keeps, shown or not (attributes are hidden while off). */
export interface LightModel {
  isOn: boolean | null;
  brightness: number | null;
  /** _attr_color_mode; null = derive it the legacy way (_light_internal_color_mode). */
  colorMode: CurrentColorMode | null;
  colorTempKelvin: number | null;
  hs: HS | null;
  rgb: RGB | null;
  rgbw: RGBW | null;
  rgbww: RGBWW | null;
  xy: XY | null;
  effect: string | null;
}

export interface LightCapabilities {
  /** The entity's supported_color_modes; null for a JSON light that configures none. */
  supportedColorModes: readonly ColorMode[] | null;
  /** LightEntityFeature bits. */
  features: number;
  effectList: readonly string[] | null;
  minKelvin: number;
  maxKelvin: number;
}

/** _light_internal_supported_color_modes: the configured modes, or on/off only. */
export function internalColorModes(caps: LightCapabilities): readonly ColorMode[] {
  return caps.supportedColorModes !== null && caps.supportedColorModes.length > 0 ? caps.supportedColorModes : ["onoff"];
}

export function emptyLightModel(colorMode: CurrentColorMode | null): LightModel {
  return { isOn: null, brightness: null, colorMode, colorTempKelvin: null, hs: null, rgb: null, rgbw: null, rgbww: null, xy: null, effect: null };
}

/** min/max colour temperature: mireds win over kelvin when both are configured (falsy values are ignored, as in HA). */
export function kelvinRange(config: { min_mireds?: number; max_mireds?: number; min_kelvin?: number; max_kelvin?: number }): {
  minKelvin: number;
  maxKelvin: number;
} {
  return {
    minKelvin: config.max_mireds ? colorTemperatureMiredToKelvin(config.max_mireds) : config.min_kelvin || DEFAULT_MIN_KELVIN,
    maxKelvin: config.min_mireds ? colorTemperatureMiredToKelvin(config.min_mireds) : config.max_kelvin || DEFAULT_MAX_KELVIN,
  };
}

/** _light_internal_color_mode. */
function internalColorMode(model: LightModel, caps: LightCapabilities): CurrentColorMode {
  if (model.colorMode !== null) return model.colorMode;
  const supported = internalColorModes(caps);
  if (supported.includes("hs") && model.hs !== null) return "hs";
  if (supported.includes("color_temp") && model.colorTempKelvin !== null) return "color_temp";
  if (supported.includes("brightness") && model.brightness !== null) return "brightness";
  if (supported.includes("onoff")) return "onoff";
  return "unknown";
}

const round3 = (v: number) => pyRoundTo(v, 3);

/** _light_internal_convert_color: every colour representation of the current colour. */
function convertColor(model: LightModel, mode: CurrentColorMode, caps: LightCapabilities): Record<string, unknown> {
  if (mode === "hs" && model.hs) {
    const [h, s] = model.hs;
    return { hs_color: [round3(h), round3(s)], rgb_color: colorHsToRgb(h, s), xy_color: colorHsToXy(h, s) };
  }
  if (mode === "xy" && model.xy) {
    const [x, y] = model.xy;
    return { hs_color: colorXyToHs(x, y), rgb_color: colorXyToRgb(x, y), xy_color: [pyRoundTo(x, 6), pyRoundTo(y, 6)] };
  }
  if (mode === "rgb" && model.rgb) {
    const rgb = model.rgb;
    return { hs_color: colorRgbToHs(...rgb), rgb_color: rgb.map(Math.trunc), xy_color: colorRgbToXy(...rgb) };
  }
  if (mode === "rgbw" && model.rgbw) {
    const rgb = colorRgbwToRgb(...model.rgbw);
    return { hs_color: colorRgbToHs(...rgb), rgb_color: rgb.map(Math.trunc), rgbw_color: model.rgbw.map(Math.trunc), xy_color: colorRgbToXy(...rgb) };
  }
  if (mode === "rgbww" && model.rgbww) {
    const rgb = colorRgbwwToRgb(...model.rgbww, caps.minKelvin, caps.maxKelvin);
    return { hs_color: colorRgbToHs(...rgb), rgb_color: rgb.map(Math.trunc), rgbww_color: model.rgbww.map(Math.trunc), xy_color: colorRgbToXy(...rgb) };
  }
  if (mode === "color_temp" && model.colorTempKelvin) {
    const [h, s] = colorTemperatureToHs(model.colorTempKelvin);
    return { hs_color: [round3(h), round3(s)], rgb_color: colorHsToRgb(h, s), xy_color: colorHsToXy(h, s) };
  }
  return {};
}

/** LightEntity.state_attributes: what changes with the state (all null while the light is off). */
export function lightStateAttributes(model: LightModel, caps: LightCapabilities): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const supported = caps.supportedColorModes;
  const internal = internalColorModes(caps);
  const isOn = model.isOn === true;
  const mode = isOn ? internalColorMode(model, caps) : null;
  if ((caps.features & LIGHT_FEATURE.effect) !== 0) data.effect = isOn ? model.effect : null;
  data.color_mode = mode;
  if (brightnessSupported(supported)) data.brightness = mode !== null && BRIGHTNESS_MODES.has(mode) ? model.brightness : null;
  if (supported?.includes("color_temp")) {
    const kelvin = mode === "color_temp" ? model.colorTempKelvin : null;
    data.color_temp_kelvin = kelvin;
    data.color_temp = kelvin ? colorTemperatureKelvinToMired(kelvin) : null;
  }
  if (colorSupported(internal) || internal.includes("color_temp")) {
    data.hs_color = null;
    data.rgb_color = null;
    data.xy_color = null;
    if (internal.includes("rgbw")) data.rgbw_color = null;
    if (internal.includes("rgbww")) data.rgbww_color = null;
    if (mode !== null) Object.assign(data, convertColor(model, mode, caps));
  }
  return data;
}

/** LightEntity.capability_attributes plus supported_features: what the config fixes. */
export function lightStaticAttributes(caps: LightCapabilities): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const internal = internalColorModes(caps);
  if (internal.includes("color_temp")) {
    data.min_color_temp_kelvin = caps.minKelvin;
    data.max_color_temp_kelvin = caps.maxKelvin;
    data.min_mireds = colorTemperatureKelvinToMired(caps.maxKelvin);
    data.max_mireds = colorTemperatureKelvinToMired(caps.minKelvin);
  }
  if ((caps.features & LIGHT_FEATURE.effect) !== 0) data.effect_list = caps.effectList;
  data.supported_color_modes = [...internal].sort();
  data.supported_features = caps.features;
  return data;
}

/** The EntityValue of a light model: HA's state and attributes, the model kept as memory. */
export function lightValue(model: LightModel, caps: LightCapabilities, current?: EntityValue): EntityValue {
  const state = model.isOn === null ? null : model.isOn ? "on" : "off";
  return { state, attributes: { ...current?.attributes, ...lightStateAttributes(model, caps) }, memory: { ...model } };
}

function numberTuple<T extends number[]>(value: unknown, length: number): T | null {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === "number")) return null;
  return value as T;
}

/** The model behind `current`: its memory, or (without one) what its state and attributes show. */
export function readLightModel(current: EntityValue, initial: LightModel): LightModel {
  const memory = current.memory;
  const a = memory ?? current.attributes;
  const num = (key: string) => (typeof a[key] === "number" ? a[key] : null);
  const str = (key: string) => (typeof a[key] === "string" ? a[key] : null);
  const mode = memory ? a.colorMode : a.color_mode;
  return {
    isOn: memory ? (typeof a.isOn === "boolean" ? a.isOn : null) : current.state === null ? null : current.state === "on",
    brightness: num("brightness"),
    colorMode: mode === "unknown" || isColorMode(mode) ? mode : memory ? null : initial.colorMode,
    colorTempKelvin: memory ? num("colorTempKelvin") : num("color_temp_kelvin"),
    hs: numberTuple<HS>(memory ? a.hs : a.hs_color, 2),
    rgb: numberTuple<RGB>(memory ? a.rgb : a.rgb_color, 3),
    rgbw: numberTuple<RGBW>(memory ? a.rgbw : a.rgbw_color, 4),
    rgbww: numberTuple<RGBWW>(memory ? a.rgbww : a.rgbww_color, 5),
    xy: numberTuple<XY>(memory ? a.xy : a.xy_color, 2),
    effect: str("effect"),
  };
}

/** light.turn_on's parameters after HA's processing, as the platform's async_turn_on sees them. */
export interface TurnOnParams {
  brightness?: number;
  color_temp_kelvin?: number;
  hs_color?: HS;
  rgb_color?: RGB;
  rgbw_color?: RGBW;
  rgbww_color?: RGBWW;
  xy_color?: XY;
  white?: number;
  effect?: string;
  flash?: "short" | "long";
  transition?: number;
}

export interface TurnOffParams {
  flash?: "short" | "long";
  transition?: number;
}

export type LightAction = { ok: true; turn: "on"; params: TurnOnParams } | { ok: true; turn: "off"; params: TurnOffParams } | { ok: false; error: string };

const clampTo = (min: number, max: number) => (v: number) => Math.min(Math.max(v, min), max);
const byte = haInt.pipe(z.number().min(0).max(255));
const range = (min: number, max: number) => haFloat.pipe(z.number().min(min).max(max));
const tuple = <T extends z.ZodType>(item: T, length: number) =>
  z.array(item).refine((v) => v.length === length, `expected a list of ${length} values`);

/** LIGHT_TURN_ON_SCHEMA (light/__init__.py). */
const turnOnFields = {
  transition: haFloat.transform(clampTo(0, 6553)),
  brightness: haInt.transform(clampTo(0, 255)),
  brightness_pct: range(0, 100),
  brightness_step: haInt.transform(clampTo(-255, 255)),
  brightness_step_pct: haFloat.transform(clampTo(-100, 100)),
  color_name: haString,
  color_temp: haInt.pipe(z.number().min(1)),
  color_temp_kelvin: haInt.pipe(z.number().min(0)),
  kelvin: haInt.pipe(z.number().min(0)),
  hs_color: z.tuple([range(0, 360), range(0, 100)]),
  rgb_color: tuple(byte, 3),
  rgbw_color: tuple(byte, 4),
  rgbww_color: tuple(byte, 5),
  xy_color: z.tuple([range(0, 1), range(0, 1)]),
  white: z.union([z.literal(true), haInt.transform(clampTo(0, 255))]),
  flash: z.enum(["short", "long"]),
  effect: haString,
  profile: haString,
} as const;

type TurnOnField = keyof typeof turnOnFields;
type RawTurnOn = { -readonly [K in TurnOnField]?: z.output<(typeof turnOnFields)[K]> };

const EXCLUSIVE_GROUPS: ReadonlyArray<readonly [string, readonly TurnOnField[]]> = [
  ["brightness", ["brightness", "brightness_pct", "brightness_step", "brightness_step_pct"]],
  [
    "Color descriptors",
    ["profile", "color_name", "color_temp", "color_temp_kelvin", "kelvin", "hs_color", "rgb_color", "rgbw_color", "rgbww_color", "xy_color", "white"],
  ],
];

function validateFields(data: ServiceData, allowed: readonly TurnOnField[]): RawTurnOn | string {
  const bad = checkServiceKeys(data, allowed);
  if (bad !== undefined) return bad;
  const out: Record<string, unknown> = {};
  for (const key of allowed) {
    if (data[key] === undefined) continue;
    const parsed = turnOnFields[key].safeParse(data[key]);
    if (!parsed.success) return `invalid value for ${key}: ${parsed.error.issues[0]?.message ?? "invalid"}`;
    out[key] = parsed.data;
  }
  for (const [group, keys] of EXCLUSIVE_GROUPS) {
    if (keys.filter((k) => k in out).length > 1) return `two or more values in the same group of exclusion '${group}'`;
  }
  if (out.profile !== undefined) return "light profiles are not supported";
  return out;
}

const TURN_ON_KEYS = Object.keys(turnOnFields) as TurnOnField[];

function turnOffParams(raw: { transition?: number; flash?: "short" | "long" }, caps: LightCapabilities): TurnOffParams {
  const params: TurnOffParams = {};
  if (raw.transition !== undefined && (caps.features & LIGHT_FEATURE.transition) !== 0) params.transition = raw.transition;
  if (raw.flash !== undefined && (caps.features & LIGHT_FEATURE.flash) !== 0) params.flash = raw.flash;
  return params;
}

/** light.turn_off: transition and flash, if the light supports them. */
export function resolveTurnOff(data: ServiceData, caps: LightCapabilities): LightAction {
  const raw = validateFields(data, ["transition", "flash"]);
  if (typeof raw === "string") return { ok: false, error: raw };
  return { ok: true, turn: "off", params: turnOffParams(raw, caps) };
}

/** light.toggle: turn_off when on, else turn_on (with turn_on's data). */
export function resolveToggle(data: ServiceData, model: LightModel, caps: LightCapabilities): LightAction {
  if (model.isOn !== true) return resolveTurnOn(data, model, caps);
  const raw = validateFields(data, TURN_ON_KEYS);
  if (typeof raw === "string") return { ok: false, error: raw };
  return { ok: true, turn: "off", params: turnOffParams(raw, caps) };
}

/**
 * light.turn_on as HA processes it before the platform sees it: preprocess_turn_on_alternatives,
 * brightness steps, colour-temperature emulation, conversion to a supported colour space, white,
 * brightness 0 → turn_off, and filter_turn_on_params.
 */
export function resolveTurnOn(data: ServiceData, model: LightModel, caps: LightCapabilities): LightAction {
  const raw = validateFields(data, TURN_ON_KEYS);
  if (typeof raw === "string") return { ok: false, error: raw };

  const p: RawTurnOn = { ...raw };
  if (p.brightness_step !== undefined || p.brightness_step_pct !== undefined) {
    let brightness = model.isOn === true && model.brightness ? model.brightness : 0;
    brightness += p.brightness_step ?? pyRound(((p.brightness_step_pct ?? 0) / 100) * 255);
    p.brightness = Math.max(0, Math.min(255, brightness));
    delete p.brightness_step;
    delete p.brightness_step_pct;
  }
  if (p.color_name !== undefined) {
    // HA falls back to white for an unknown name.
    p.rgb_color = colorNameToRgb(p.color_name) ?? [255, 255, 255];
    delete p.color_name;
  }
  if (p.color_temp !== undefined) {
    p.color_temp_kelvin = colorTemperatureMiredToKelvin(p.color_temp);
    delete p.color_temp;
  }
  if (p.kelvin !== undefined) {
    p.color_temp_kelvin = p.kelvin;
    delete p.kelvin;
  }
  if (p.brightness_pct !== undefined) {
    p.brightness = pyRound((255 * p.brightness_pct) / 100);
    delete p.brightness_pct;
  }

  const supported = caps.supportedColorModes !== null && caps.supportedColorModes.length > 0 ? caps.supportedColorModes : null;
  const internal = internalColorModes(caps);
  const has = (mode: ColorMode) => supported !== null && supported.includes(mode);

  // Emulate a colour temperature the light cannot show.
  if (p.color_temp_kelvin !== undefined) {
    const kelvin = p.color_temp_kelvin;
    if (supported !== null && !has("color_temp") && has("rgbww")) {
      delete p.color_temp_kelvin;
      p.rgbww_color = colorTemperatureToRgbww(kelvin, p.brightness ?? model.brightness ?? 255, caps.minKelvin, caps.maxKelvin);
    } else if (!internal.includes("color_temp")) {
      delete p.color_temp_kelvin;
      if (colorSupported(internal)) p.hs_color = colorTemperatureToHs(kelvin);
    }
  }

  convertToSupportedColor(p, supported, caps);

  if (p.white === true) p.white = model.brightness ?? 255;
  if (supported !== null && p.white !== undefined && has("white")) {
    p.white = p.brightness ?? p.white;
    delete p.brightness;
  }

  if (p.brightness === 0 || p.white === 0) return { ok: true, turn: "off", params: turnOffParams(p, caps) };

  // filter_turn_on_params
  const params: TurnOnParams = {};
  if (p.effect !== undefined && (caps.features & LIGHT_FEATURE.effect) !== 0) params.effect = p.effect;
  if (p.flash !== undefined && (caps.features & LIGHT_FEATURE.flash) !== 0) params.flash = p.flash;
  if (p.transition !== undefined && (caps.features & LIGHT_FEATURE.transition) !== 0) params.transition = p.transition;
  if (p.brightness !== undefined && brightnessSupported(internal)) params.brightness = p.brightness;
  if (p.color_temp_kelvin !== undefined && internal.includes("color_temp")) params.color_temp_kelvin = p.color_temp_kelvin;
  if (p.hs_color !== undefined && internal.includes("hs")) params.hs_color = p.hs_color;
  if (p.rgb_color !== undefined && internal.includes("rgb")) params.rgb_color = p.rgb_color as RGB;
  if (p.rgbw_color !== undefined && internal.includes("rgbw")) params.rgbw_color = p.rgbw_color as RGBW;
  if (p.rgbww_color !== undefined && internal.includes("rgbww")) params.rgbww_color = p.rgbww_color as RGBWW;
  if (typeof p.white === "number" && internal.includes("white")) params.white = p.white;
  if (p.xy_color !== undefined && internal.includes("xy")) params.xy_color = p.xy_color;
  return { ok: true, turn: "on", params };
}

/** The colour-space conversion block of async_handle_light_on_service. */
function convertToSupportedColor(p: RawTurnOn, supported: readonly ColorMode[] | null, caps: LightCapabilities): void {
  const { minKelvin, maxKelvin } = caps;
  const has = (mode: ColorMode) => supported?.includes(mode) === true;
  const toColorTemp = (xy: XY) => {
    p.color_temp_kelvin = colorXyToTemperature(...xy);
  };
  if (supported === null) {
    if (p.rgb_color !== undefined) p.hs_color = colorRgbToHs(...(p.rgb_color as RGB));
    else if (p.xy_color !== undefined) p.hs_color = colorXyToHs(...p.xy_color);
    else if (p.rgbw_color !== undefined) p.hs_color = colorRgbToHs(...colorRgbwToRgb(...(p.rgbw_color as RGBW)));
    else if (p.rgbww_color !== undefined) p.hs_color = colorRgbToHs(...colorRgbwwToRgb(...(p.rgbww_color as RGBWW), minKelvin, maxKelvin));
    delete p.rgb_color;
    delete p.xy_color;
    delete p.rgbw_color;
    delete p.rgbww_color;
    return;
  }
  if (p.hs_color !== undefined && !has("hs")) {
    const hs = p.hs_color;
    delete p.hs_color;
    if (has("rgb")) p.rgb_color = colorHsToRgb(...hs);
    else if (has("rgbw")) p.rgbw_color = colorRgbToRgbw(...colorHsToRgb(...hs));
    else if (has("rgbww")) p.rgbww_color = colorRgbToRgbww(...colorHsToRgb(...hs), minKelvin, maxKelvin);
    else if (has("xy")) p.xy_color = colorHsToXy(...hs);
    else if (has("color_temp")) toColorTemp(colorHsToXy(...hs));
  } else if (p.rgb_color !== undefined && !has("rgb")) {
    const rgb = p.rgb_color as RGB;
    delete p.rgb_color;
    if (has("rgbw")) p.rgbw_color = colorRgbToRgbw(...rgb);
    else if (has("rgbww")) p.rgbww_color = colorRgbToRgbww(...rgb, minKelvin, maxKelvin);
    else if (has("hs")) p.hs_color = colorRgbToHs(...rgb);
    else if (has("xy")) p.xy_color = colorRgbToXy(...rgb);
    else if (has("color_temp")) toColorTemp(colorRgbToXy(...rgb));
  } else if (p.xy_color !== undefined && !has("xy")) {
    const xy = p.xy_color;
    delete p.xy_color;
    if (has("hs")) p.hs_color = colorXyToHs(...xy);
    else if (has("rgb")) p.rgb_color = colorXyToRgb(...xy);
    else if (has("rgbw")) p.rgbw_color = colorRgbToRgbw(...colorXyToRgb(...xy));
    else if (has("rgbww")) p.rgbww_color = colorRgbToRgbww(...colorXyToRgb(...xy), minKelvin, maxKelvin);
    else if (has("color_temp")) toColorTemp(xy);
  } else if (p.rgbw_color !== undefined && !has("rgbw")) {
    const rgb = colorRgbwToRgb(...(p.rgbw_color as RGBW));
    delete p.rgbw_color;
    if (has("rgb")) p.rgb_color = rgb;
    else if (has("rgbww")) p.rgbww_color = colorRgbToRgbww(...rgb, minKelvin, maxKelvin);
    else if (has("hs")) p.hs_color = colorRgbToHs(...rgb);
    else if (has("xy")) p.xy_color = colorRgbToXy(...rgb);
    else if (has("color_temp")) toColorTemp(colorRgbToXy(...rgb));
  } else if (p.rgbww_color !== undefined && !has("rgbww")) {
    const rgb = colorRgbwwToRgb(...(p.rgbww_color as RGBWW), minKelvin, maxKelvin);
    delete p.rgbww_color;
    if (has("rgb")) p.rgb_color = rgb;
    else if (has("rgbw")) p.rgbw_color = colorRgbToRgbw(...rgb);
    else if (has("hs")) p.hs_color = colorRgbToHs(...rgb);
    else if (has("xy")) p.xy_color = colorRgbToXy(...rgb);
    else if (has("color_temp")) toColorTemp(colorRgbToXy(...rgb));
  }
}
