import { z } from "zod";
import { haBoolean, haFloat, haPublishTopic, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { pyFloat } from "../templates/ha-template";
import { checkServiceKeys, parsePythonFloat, pythonFloatRepr, renderCommand, renderValue, type RenderedCommand } from "./mqtt-payload";
import type { CommandPublish, DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/**
 * HA's climate (homeassistant/components/mqtt/climate.py, ClimateEntity in components/climate).
 * The hub runs HA's metric unit system: temperatures are shown in °C; a °F device is converted.
 */

export const HUB_TEMPERATURE_UNIT = "°C";

/** Python round(x, digits) on the exact binary value, ties to even. */
export function pythonRound(x: number, digits = 0): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  const [whole = "0", fraction = ""] = Math.abs(x).toFixed(100).split(".");
  const rest = fraction.slice(digits);
  let n = BigInt(whole + fraction.slice(0, digits));
  const first = rest[0] ?? "0";
  if (first > "5" || (first === "5" && /[1-9]/.test(rest.slice(1))) || (first === "5" && n % 2n === 1n)) n += 1n;
  const text = n.toString().padStart(digits + 1, "0");
  const result = Number(digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text);
  return x < 0 && result !== 0 ? -result : result;
}

export function convertTemperature(value: number, from: string, to: string): number {
  if (from === to) return value;
  return from === "°F" ? ((value - 32) * 5) / 9 : (value * 9) / 5 + 32;
}

/** HA's display_temp: convert to the hub's unit, then round to the entity's precision. */
export function displayTemperature(value: number | null, unit: string, precision: number): number | null {
  if (value === null) return null;
  const temperature = convertTemperature(value, unit, HUB_TEMPERATURE_UNIT);
  if (precision === 0.5) return pythonRound(temperature * 2) / 2;
  if (precision === 0.1) return pythonRound(temperature, 1);
  return pythonRound(temperature);
}

/** cv.temperature_unit: "C"/"F" → "°C"/"°F". */
export const haTemperatureUnit = haString.transform((v, ctx) => {
  const unit = v.toUpperCase();
  if (unit === "C") return "°C";
  if (unit === "F") return "°F";
  ctx.addIssue({ code: "custom", message: `invalid temperature unit ${JSON.stringify(v)}` });
  return z.NEVER;
});

export const haPrecision = haFloat.pipe(z.union([z.literal(0.1), z.literal(0.5), z.literal(1)], { error: "precision must be 0.1, 0.5 or 1.0" }));

/** A temperature as HA publishes it without a template: str() of a Python float ("21.0"). */
export function temperaturePayload(ctx: PlatformContext, templateKey: string, value: number): RenderedCommand {
  return renderCommand(ctx, templateKey, pyFloat(value), {}, pythonFloatRepr(value));
}

/** Climate and water heater: a state topic's own template, else `value_template` (HA's VALUE_TEMPLATE_KEYS fallback). */
export function stateTemplateKey(config: Readonly<Record<string, unknown>>, key: string): string {
  return config[key] !== undefined ? key : "value_template";
}

/** HA's _parse_float_payload: "" ignores, "None" resets, anything else must be a float. */
export function parseFloatPayload(payload: string): { ok: true; value: number | null } | { ok: false; reason: string } {
  if (payload === "") return { ok: false, reason: "empty payload" };
  if (payload === "None") return { ok: true, value: null };
  const value = parsePythonFloat(payload);
  return value === undefined ? { ok: false, reason: `could not parse a number from '${payload}'` } : { ok: true, value };
}

const HVAC_MODES = ["off", "heat", "cool", "heat_cool", "auto", "dry", "fan_only"];
const HVAC_ACTIONS = ["off", "preheating", "defrosting", "heating", "cooling", "drying", "idle", "fan"];

const topic = haSubscribeTopic.optional();
const publishTopic = haPublishTopic.optional();
const template = haTemplate.optional();

const climateSchema = z
  .looseObject({
    action_template: template,
    action_topic: topic,
    current_humidity_template: template,
    current_humidity_topic: topic,
    current_temperature_template: template,
    current_temperature_topic: topic,
    fan_mode_command_template: template,
    fan_mode_command_topic: publishTopic,
    fan_mode_state_template: template,
    fan_mode_state_topic: topic,
    fan_modes: haStringList.default(["auto", "low", "medium", "high"]),
    initial: haFloat.optional(),
    max_humidity: haFloat.default(99),
    max_temp: haFloat.optional(),
    min_humidity: haFloat.default(30),
    min_temp: haFloat.optional(),
    mode_command_template: template,
    mode_command_topic: publishTopic,
    mode_state_template: template,
    mode_state_topic: topic,
    modes: haStringList.default(["auto", "off", "cool", "heat", "dry", "fan_only"]),
    optimistic: haBoolean.default(false),
    payload_off: haString.default("OFF"),
    payload_on: haString.default("ON"),
    power_command_template: template,
    power_command_topic: publishTopic,
    precision: haPrecision.optional(),
    preset_mode_command_template: template,
    preset_mode_command_topic: publishTopic,
    preset_mode_state_topic: topic,
    preset_mode_value_template: template,
    preset_modes: haStringList.optional(),
    swing_horizontal_mode_command_template: template,
    swing_horizontal_mode_command_topic: publishTopic,
    swing_horizontal_mode_state_template: template,
    swing_horizontal_mode_state_topic: topic,
    swing_horizontal_modes: haStringList.default(["on", "off"]),
    swing_mode_command_template: template,
    swing_mode_command_topic: publishTopic,
    swing_mode_state_template: template,
    swing_mode_state_topic: topic,
    swing_modes: haStringList.default(["on", "off"]),
    target_humidity_command_template: template,
    target_humidity_command_topic: publishTopic,
    target_humidity_state_template: template,
    target_humidity_state_topic: topic,
    temp_step: haFloat.default(1),
    temperature_command_template: template,
    temperature_command_topic: publishTopic,
    temperature_high_command_template: template,
    temperature_high_command_topic: publishTopic,
    temperature_high_state_template: template,
    temperature_high_state_topic: topic,
    temperature_low_command_template: template,
    temperature_low_command_topic: publishTopic,
    temperature_low_state_template: template,
    temperature_low_state_topic: topic,
    temperature_state_template: template,
    temperature_state_topic: topic,
    temperature_unit: haTemperatureUnit.optional(),
    value_template: template,
  })
  .superRefine((c, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: "custom", message });
    if ((c.preset_mode_command_topic === undefined) !== (c.preset_modes === undefined)) {
      issue("some but not all values in the same group of inclusion 'preset_modes' (preset_mode_command_topic and preset_modes)");
    }
    if (c.preset_modes?.includes("none")) issue("preset_modes must not include preset mode 'none'");
    if (c.min_humidity >= c.max_humidity) issue("target_humidity_max must be > target_humidity_min");
    if (c.max_humidity > 100) issue("max_humidity must be <= 100");
    if (c.target_humidity_state_topic !== undefined && c.target_humidity_command_topic === undefined) {
      issue("target_humidity_state_topic cannot be used without target_humidity_command_topic");
    }
  })
  .transform((c) => ({ ...c, preset_modes: c.preset_modes ?? [], temperature_unit: c.temperature_unit ?? HUB_TEMPERATURE_UNIT }));

export type ClimateConfig = z.output<typeof climateSchema>;

/** ClimateEntityFeature */
const F = { TARGET_TEMPERATURE: 1, TARGET_TEMPERATURE_RANGE: 2, TARGET_HUMIDITY: 4, FAN_MODE: 8, PRESET_MODE: 16, SWING_MODE: 32, TURN_OFF: 128, TURN_ON: 256, SWING_HORIZONTAL_MODE: 512 };

function features(c: ClimateConfig): number {
  let f = F.TURN_ON | F.TURN_OFF;
  if (c.temperature_state_topic !== undefined || c.temperature_command_topic !== undefined) f |= F.TARGET_TEMPERATURE;
  if (c.temperature_low_state_topic !== undefined || c.temperature_low_command_topic !== undefined) f |= F.TARGET_TEMPERATURE_RANGE;
  if (c.temperature_high_state_topic !== undefined || c.temperature_high_command_topic !== undefined) f |= F.TARGET_TEMPERATURE_RANGE;
  if (c.target_humidity_command_topic !== undefined) f |= F.TARGET_HUMIDITY;
  if (c.fan_mode_state_topic !== undefined || c.fan_mode_command_topic !== undefined) f |= F.FAN_MODE;
  if (c.swing_horizontal_mode_state_topic !== undefined || c.swing_horizontal_mode_command_topic !== undefined) f |= F.SWING_HORIZONTAL_MODE;
  if (c.swing_mode_state_topic !== undefined || c.swing_mode_command_topic !== undefined) f |= F.SWING_MODE;
  if (c.preset_mode_command_topic !== undefined) f |= F.PRESET_MODE;
  return f;
}

/** The preset list HA shows: "none" first when there are presets. */
function presetModes(c: ClimateConfig): string[] {
  return c.preset_modes.length > 0 ? ["none", ...c.preset_modes] : [];
}

function precision(c: ClimateConfig): number {
  return c.precision ?? (HUB_TEMPERATURE_UNIT === "°C" ? 0.1 : 1);
}

/** min_temp/max_temp in the device's unit (HA's 7–35 °C defaults). */
function tempRange(c: ClimateConfig): { min: number; max: number } {
  return { min: c.min_temp ?? convertTemperature(7, "°C", c.temperature_unit), max: c.max_temp ?? convertTemperature(35, "°C", c.temperature_unit) };
}

/** What the entity knows, in the hub's display units. The state is the HVAC mode. */
interface ClimateState {
  hvac_mode: string | null;
  current_temperature: number | null;
  temperature: number | null;
  target_temp_high: number | null;
  target_temp_low: number | null;
  current_humidity: number | null;
  humidity: number | null;
  fan_mode: string | null;
  hvac_action: string | null;
  preset_mode: string | null;
  swing_mode: string | null;
  swing_horizontal_mode: string | null;
}

const num = (v: unknown) => (typeof v === "number" ? v : null);
const str = (v: unknown) => (typeof v === "string" ? v : null);

function readState(current: EntityValue): ClimateState {
  const a = current.attributes;
  return {
    hvac_mode: current.state,
    current_temperature: num(a.current_temperature),
    temperature: num(a.temperature),
    target_temp_high: num(a.target_temp_high),
    target_temp_low: num(a.target_temp_low),
    current_humidity: num(a.current_humidity),
    humidity: num(a.humidity),
    fan_mode: str(a.fan_mode),
    hvac_action: str(a.hvac_action),
    preset_mode: str(a.preset_mode),
    swing_mode: str(a.swing_mode),
    swing_horizontal_mode: str(a.swing_horizontal_mode),
  };
}

/** ClimateEntity.state_attributes: which values show depends on the supported features. */
function toValue(c: ClimateConfig, s: ClimateState): EntityValue {
  const f = features(c);
  const attributes: Record<string, unknown> = { current_temperature: s.current_temperature };
  if (f & F.TARGET_TEMPERATURE) attributes.temperature = s.temperature;
  if (f & F.TARGET_TEMPERATURE_RANGE) {
    attributes.target_temp_high = s.target_temp_high;
    attributes.target_temp_low = s.target_temp_low;
  }
  if (s.current_humidity !== null) attributes.current_humidity = s.current_humidity;
  if (f & F.TARGET_HUMIDITY) attributes.humidity = s.humidity;
  if (f & F.FAN_MODE) attributes.fan_mode = s.fan_mode;
  if (s.hvac_action) attributes.hvac_action = s.hvac_action;
  if (f & F.PRESET_MODE) attributes.preset_mode = s.preset_mode;
  if (f & F.SWING_MODE) attributes.swing_mode = s.swing_mode;
  if (f & F.SWING_HORIZONTAL_MODE) attributes.swing_horizontal_mode = s.swing_horizontal_mode;
  return { state: s.hvac_mode, attributes };
}

function initialState(c: ClimateConfig): ClimateState {
  const assumed = (stateTopic: string | undefined) => c.optimistic || stateTopic === undefined;
  const initTemp = displayTemperature(c.initial ?? convertTemperature(21, "°C", c.temperature_unit), c.temperature_unit, precision(c));
  return {
    hvac_mode: assumed(c.mode_state_topic) ? "off" : null,
    current_temperature: null,
    temperature: assumed(c.temperature_state_topic) ? initTemp : null,
    target_temp_high: assumed(c.temperature_high_state_topic) ? initTemp : null,
    target_temp_low: assumed(c.temperature_low_state_topic) ? initTemp : null,
    current_humidity: null,
    humidity: null,
    fan_mode: assumed(c.fan_mode_state_topic) ? "low" : null,
    hvac_action: null,
    preset_mode: c.preset_mode_command_topic !== undefined ? "none" : null,
    swing_mode: assumed(c.swing_mode_state_topic) ? "off" : null,
    swing_horizontal_mode: assumed(c.swing_horizontal_mode_state_topic) ? "off" : null,
  };
}

type Decoder = (c: ClimateConfig, payload: string, s: ClimateState) => ClimateState | { ignore: string };

/** A listed mode: "None" resets, anything outside the list is ignored. */
const modeDecoder =
  (field: "hvac_mode" | "fan_mode" | "swing_mode" | "swing_horizontal_mode", list: (c: ClimateConfig) => string[]): Decoder =>
  (c, payload, s) => {
    if (payload === "None") return { ...s, [field]: null };
    if (!list(c).includes(payload)) return { ignore: `invalid ${field}: '${payload}'` };
    return { ...s, [field]: payload };
  };

const floatDecoder =
  (field: "current_temperature" | "temperature" | "target_temp_high" | "target_temp_low" | "current_humidity" | "humidity", isTemperature: boolean): Decoder =>
  (c, payload, s) => {
    const parsed = parseFloatPayload(payload);
    if (!parsed.ok) return { ignore: parsed.reason };
    return { ...s, [field]: isTemperature ? displayTemperature(parsed.value, c.temperature_unit, precision(c)) : parsed.value };
  };

/** State topic key → (its value template key, how its value changes the state). */
const DECODERS: Readonly<Record<string, [string, Decoder]>> = {
  action_topic: [
    "action_template",
    (_c, payload, s) => {
      if (payload === "") return { ignore: "empty action" };
      if (payload === "None") return { ...s, hvac_action: null };
      return HVAC_ACTIONS.includes(payload) ? { ...s, hvac_action: payload } : { ignore: `invalid hvac action '${payload}'` };
    },
  ],
  current_humidity_topic: ["current_humidity_template", floatDecoder("current_humidity", false)],
  target_humidity_state_topic: ["target_humidity_state_template", floatDecoder("humidity", false)],
  mode_state_topic: ["mode_state_template", modeDecoder("hvac_mode", (c) => c.modes)],
  fan_mode_state_topic: ["fan_mode_state_template", modeDecoder("fan_mode", (c) => c.fan_modes)],
  swing_horizontal_mode_state_topic: ["swing_horizontal_mode_state_template", modeDecoder("swing_horizontal_mode", (c) => c.swing_horizontal_modes)],
  swing_mode_state_topic: ["swing_mode_state_template", modeDecoder("swing_mode", (c) => c.swing_modes)],
  preset_mode_state_topic: [
    "preset_mode_value_template",
    (c, payload, s) => {
      if (payload === "none" || payload === "None") return { ...s, preset_mode: "none" };
      if (payload === "") return { ignore: "empty preset_mode" };
      return presetModes(c).includes(payload) ? { ...s, preset_mode: payload } : { ignore: `'${payload}' is not a valid preset mode` };
    },
  ],
  current_temperature_topic: ["current_temperature_template", floatDecoder("current_temperature", true)],
  temperature_state_topic: ["temperature_state_template", floatDecoder("temperature", true)],
  temperature_low_state_topic: ["temperature_low_state_template", floatDecoder("target_temp_low", true)],
  temperature_high_state_topic: ["temperature_high_state_template", floatDecoder("target_temp_high", true)],
};

function decode(c: ClimateConfig, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const decoder = DECODERS[role];
  if (decoder === undefined) return { kind: "ignore", reason: `unknown role ${role}` };
  const rendered = renderValue(ctx, stateTemplateKey(c, decoder[0]), message);
  if (!rendered.ok) return rendered.result;
  const next = decoder[1](c, rendered.value, readState(current));
  if ("ignore" in next) return { kind: "ignore", reason: next.ignore };
  return { kind: "update", value: toValue(c, next) };
}

type Outcome = { ok: true; publishes: CommandPublish[]; state: ClimateState; changed: boolean } | { ok: false; error: string };

/** Publish one value on `<x>_command_topic` (if configured) and update it optimistically when there is no state topic. */
function setValue(c: ClimateConfig, prev: Outcome, commandTopic: string | undefined, payload: RenderedCommand, stateTopic: string | undefined, update: Partial<ClimateState>): Outcome {
  if (!prev.ok) return prev;
  if (!payload.ok) return payload;
  const publishes = commandTopic === undefined ? prev.publishes : [...prev.publishes, { topic: commandTopic, payload: payload.payload }];
  const optimistic = c.optimistic || stateTopic === undefined;
  return { ok: true, publishes, state: optimistic ? { ...prev.state, ...update } : prev.state, changed: prev.changed || optimistic };
}

function finish(c: ClimateConfig, outcome: Outcome): ServiceResult {
  if (!outcome.ok) return outcome;
  return { ok: true, publishes: outcome.publishes, ...(outcome.changed ? { optimistic: toValue(c, outcome.state) } : {}) };
}

function start(current: EntityValue): Outcome {
  return { ok: true, publishes: [], state: readState(current), changed: false };
}

function setHvacMode(c: ClimateConfig, prev: Outcome, mode: string, ctx: PlatformContext): Outcome {
  return setValue(c, prev, c.mode_command_topic, renderCommand(ctx, "mode_command_template", mode), c.mode_state_topic, { hvac_mode: mode });
}

function requireFeature(c: ClimateConfig, feature: number, name: string): ServiceResult | undefined {
  return features(c) & feature ? undefined : { ok: false, error: `this climate entity does not support ${name}` };
}

function listedMode(field: "fan_mode" | "swing_mode" | "swing_horizontal_mode" | "preset_mode", feature: number, list: (c: ClimateConfig) => string[]) {
  const keys = {
    fan_mode: ["fan_mode_command_topic", "fan_mode_command_template", "fan_mode_state_topic"],
    swing_mode: ["swing_mode_command_topic", "swing_mode_command_template", "swing_mode_state_topic"],
    swing_horizontal_mode: ["swing_horizontal_mode_command_topic", "swing_horizontal_mode_command_template", "swing_horizontal_mode_state_topic"],
    preset_mode: ["preset_mode_command_topic", "preset_mode_command_template", "preset_mode_state_topic"],
  } as const;
  return (c: ClimateConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult => {
    const missing = requireFeature(c, feature, `set_${field}`);
    if (missing) return missing;
    const value = data[field];
    if (typeof value !== "string" || !list(c).includes(value)) {
      return { ok: false, error: `${field} ${JSON.stringify(value)} is not valid; valid modes are: ${list(c).join(", ")}` };
    }
    const [commandKey, templateKey, stateKey] = keys[field];
    return finish(c, setValue(c, start(current), c[commandKey], renderCommand(ctx, templateKey, value), c[stateKey], { [field]: value }));
  };
}

function setTemperature(c: ClimateConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  const f = features(c);
  const read = (key: string): number | undefined | null => {
    const v = data[key];
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" ? parsePythonFloat(v) : undefined;
    return n === undefined || Number.isNaN(n) ? null : n;
  };
  const temperature = read("temperature");
  const low = read("target_temp_low");
  const high = read("target_temp_high");
  if (temperature === null || low === null || high === null) return { ok: false, error: "temperatures must be numbers" };
  if (temperature === undefined && low === undefined && high === undefined) return { ok: false, error: "must contain at least one of temperature, target_temp_high, target_temp_low" };
  if ((low === undefined) !== (high === undefined)) return { ok: false, error: "target_temp_low and target_temp_high must be given together" };
  if (temperature !== undefined && low !== undefined) return { ok: false, error: "temperature cannot be combined with target_temp_low/target_temp_high" };
  if (temperature !== undefined && !(f & F.TARGET_TEMPERATURE)) return { ok: false, error: "this climate entity does not support setting a target temperature" };
  if (low !== undefined && !(f & F.TARGET_TEMPERATURE_RANGE)) return { ok: false, error: "this climate entity does not support a target temperature range" };
  if (low !== undefined && high !== undefined && low > high) return { ok: false, error: "target_temp_low must not be higher than target_temp_high" };
  const hvacMode = data.hvac_mode;
  if (hvacMode !== undefined && (typeof hvacMode !== "string" || !HVAC_MODES.includes(hvacMode))) return { ok: false, error: `invalid hvac_mode ${JSON.stringify(hvacMode)}` };

  const { min, max } = tempRange(c);
  const device = (v: number) => convertTemperature(v, HUB_TEMPERATURE_UNIT, c.temperature_unit);
  for (const v of [temperature, low, high]) {
    if (v !== undefined && (device(v) < min || device(v) > max)) {
      return { ok: false, error: `Provided temperature ${v} is not valid. Accepted range is ${displayTemperature(min, c.temperature_unit, precision(c))} to ${displayTemperature(max, c.temperature_unit, precision(c))}` };
    }
  }
  let outcome = start(current);
  if (typeof hvacMode === "string") outcome = setHvacMode(c, outcome, hvacMode, ctx);
  const shown = (v: number) => displayTemperature(device(v), c.temperature_unit, precision(c));
  if (temperature !== undefined) {
    const payload = temperaturePayload(ctx, "temperature_command_template", device(temperature));
    outcome = setValue(c, outcome, c.temperature_command_topic, payload, c.temperature_state_topic, { temperature: shown(temperature) });
  }
  if (low !== undefined && high !== undefined) {
    outcome = setValue(c, outcome, c.temperature_low_command_topic, temperaturePayload(ctx, "temperature_low_command_template", device(low)), c.temperature_low_state_topic, { target_temp_low: shown(low) });
    outcome = setValue(c, outcome, c.temperature_high_command_topic, temperaturePayload(ctx, "temperature_high_command_template", device(high)), c.temperature_high_state_topic, { target_temp_high: shown(high) });
  }
  return finish(c, outcome);
}

function setHumidity(c: ClimateConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  const missing = requireFeature(c, F.TARGET_HUMIDITY, "set_humidity");
  if (missing) return missing;
  const value = data.humidity;
  const humidity = typeof value === "number" ? Math.trunc(value) : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(humidity) || humidity < c.min_humidity || humidity > c.max_humidity) {
    return { ok: false, error: `Provided humidity ${String(value)} is not valid. Accepted range is ${c.min_humidity} to ${c.max_humidity}` };
  }
  return finish(c, setValue(c, start(current), c.target_humidity_command_topic, renderCommand(ctx, "target_humidity_command_template", humidity), c.target_humidity_state_topic, { humidity }));
}

function setHvacModeService(c: ClimateConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  const mode = data.hvac_mode;
  if (typeof mode !== "string" || !HVAC_MODES.includes(mode) || !c.modes.includes(mode)) {
    return { ok: false, error: `hvac_mode ${JSON.stringify(mode)} is not valid; valid modes are: ${c.modes.join(", ")}` };
  }
  return finish(c, setHvacMode(c, start(current), mode, ctx));
}

/** With a power_command_topic, publish payload_on/payload_off; otherwise HA's default: switch the HVAC mode. */
function power(on: boolean) {
  return (c: ClimateConfig, current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult => {
    if (c.power_command_topic !== undefined) {
      const payload = renderCommand(ctx, "power_command_template", on ? c.payload_on : c.payload_off);
      if (!payload.ok) return payload;
      const publishes = [{ topic: c.power_command_topic, payload: payload.payload }];
      if (!on && c.optimistic) return { ok: true, publishes, optimistic: toValue(c, { ...readState(current), hvac_mode: "off" }) };
      return { ok: true, publishes };
    }
    if (!on) {
      if (!c.modes.includes("off")) return { ok: false, error: "this climate entity has no 'off' mode" };
      return finish(c, setHvacMode(c, start(current), "off", ctx));
    }
    const others = c.modes.filter((m) => m !== "off");
    if (c.modes.length !== 2 || others.length !== 1 || others[0] === undefined) return { ok: false, error: "turn_on needs a power_command_topic or exactly one mode besides 'off'" };
    return finish(c, setHvacMode(c, start(current), others[0], ctx));
  };
}

/** Command/state topic pairs; a value whose state topic is missing is assumed from the command. */
const OPTIMISTIC_PAIRS = [
  ["mode_command_topic", "mode_state_topic"],
  ["temperature_command_topic", "temperature_state_topic"],
  ["temperature_low_command_topic", "temperature_low_state_topic"],
  ["temperature_high_command_topic", "temperature_high_state_topic"],
  ["target_humidity_command_topic", "target_humidity_state_topic"],
  ["fan_mode_command_topic", "fan_mode_state_topic"],
  ["swing_mode_command_topic", "swing_mode_state_topic"],
  ["swing_horizontal_mode_command_topic", "swing_horizontal_mode_state_topic"],
  ["preset_mode_command_topic", "preset_mode_state_topic"],
] as const;

/**
 * HA decides per value: each one without a state topic (and the HVAC mode always, even without a
 * command topic) takes the commanded value at once. Services return `optimistic` only for those.
 */
function isOptimistic(c: ClimateConfig): boolean {
  return c.optimistic || OPTIMISTIC_PAIRS.some(([command, state]) => c[state] === undefined && (c[command] !== undefined || command === "mode_command_topic"));
}

const turnOn = power(true);
const turnOff = power(false);

/** HA's entity service schemas refuse keys they do not know. */
function acceptKeys<C>(allowed: readonly string[], handler: ServiceHandler<C>): ServiceHandler<C> {
  return (config, current, data, ctx) => {
    const bad = checkServiceKeys(data, allowed);
    return bad === undefined ? handler(config, current, data, ctx) : { ok: false, error: bad };
  };
}

export const climatePlatform: PlatformDefinition<ClimateConfig> = {
  component: "climate",
  isEntity: true,
  schema: climateSchema,
  stateTopics: (c) =>
    Object.keys(DECODERS).flatMap((role) => {
      const topic = (c as Record<string, unknown>)[role];
      return typeof topic === "string" ? [{ role, topic }] : [];
    }),
  initialValue: (c) => toValue(c, initialState(c)),
  staticAttributes: (c) => {
    const f = features(c);
    const p = precision(c);
    const { min, max } = tempRange(c);
    return {
      hvac_modes: c.modes,
      min_temp: displayTemperature(min, c.temperature_unit, p),
      max_temp: displayTemperature(max, c.temperature_unit, p),
      ...(c.temp_step ? { target_temp_step: c.temp_step } : {}),
      ...(f & F.TARGET_HUMIDITY ? { min_humidity: c.min_humidity, max_humidity: c.max_humidity } : {}),
      ...(f & F.FAN_MODE ? { fan_modes: c.fan_modes } : {}),
      ...(f & F.PRESET_MODE ? { preset_modes: presetModes(c) } : {}),
      ...(f & F.SWING_MODE ? { swing_modes: c.swing_modes } : {}),
      ...(f & F.SWING_HORIZONTAL_MODE ? { swing_horizontal_modes: c.swing_horizontal_modes } : {}),
      supported_features: f,
    };
  },
  decode,
  services: {
    set_hvac_mode: acceptKeys(["hvac_mode"], setHvacModeService),
    set_temperature: acceptKeys(["temperature", "target_temp_high", "target_temp_low", "hvac_mode"], setTemperature),
    set_humidity: acceptKeys(["humidity"], setHumidity),
    set_fan_mode: acceptKeys(["fan_mode"], listedMode("fan_mode", F.FAN_MODE, (c) => c.fan_modes)),
    set_swing_mode: acceptKeys(["swing_mode"], listedMode("swing_mode", F.SWING_MODE, (c) => c.swing_modes)),
    set_swing_horizontal_mode: acceptKeys(["swing_horizontal_mode"], listedMode("swing_horizontal_mode", F.SWING_HORIZONTAL_MODE, (c) => c.swing_horizontal_modes)),
    set_preset_mode: acceptKeys(["preset_mode"], listedMode("preset_mode", F.PRESET_MODE, presetModes)),
    turn_on: acceptKeys([], turnOn),
    turn_off: acceptKeys([], turnOff),
    toggle: acceptKeys([], (c, current, data, ctx) => (current.state === "off" ? turnOn(c, current, data, ctx) : turnOff(c, current, data, ctx))),
  },
  isOptimistic,
};
