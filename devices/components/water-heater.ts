import { z } from "zod";
import { haBoolean, haFloat, haPublishTopic, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import {
  convertTemperature,
  displayTemperature,
  haPrecision,
  haTemperatureUnit,
  HUB_TEMPERATURE_UNIT,
  parseFloatPayload,
  stateTemplateKey,
  temperaturePayload,
} from "./climate";
import { checkServiceKeys, parsePythonFloat, renderCommand, renderValue } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** HA's water heater (homeassistant/components/mqtt/water_heater.py, WaterHeaterEntity in components/water_heater). */

const topic = haSubscribeTopic.optional();
const template = haTemplate.optional();

const waterHeaterSchema = z
  .looseObject({
    current_temperature_template: template,
    current_temperature_topic: topic,
    initial: haFloat.optional(),
    max_temp: haFloat.optional(),
    min_temp: haFloat.optional(),
    mode_command_template: template,
    mode_command_topic: haPublishTopic.optional(),
    mode_state_template: template,
    mode_state_topic: topic,
    modes: haStringList.default(["eco", "electric", "gas", "heat_pump", "high_demand", "performance", "off"]),
    optimistic: haBoolean.default(false),
    payload_off: haString.default("OFF"),
    payload_on: haString.default("ON"),
    power_command_template: template,
    power_command_topic: haPublishTopic.optional(),
    precision: haPrecision.optional(),
    temperature_command_template: template,
    temperature_command_topic: haPublishTopic.optional(),
    temperature_state_template: template,
    temperature_state_topic: topic,
    temperature_unit: haTemperatureUnit.optional(),
    value_template: template,
  })
  .transform((c) => ({ ...c, temperature_unit: c.temperature_unit ?? HUB_TEMPERATURE_UNIT }));

export type WaterHeaterConfig = z.output<typeof waterHeaterSchema>;

/** WaterHeaterEntityFeature */
const TARGET_TEMPERATURE = 1;
const OPERATION_MODE = 2;
const ON_OFF = 8;

function features(c: WaterHeaterConfig): number {
  let f = 0;
  if (c.temperature_state_topic !== undefined || c.temperature_command_topic !== undefined) f |= TARGET_TEMPERATURE;
  if (c.mode_state_topic !== undefined || c.mode_command_topic !== undefined) f |= OPERATION_MODE;
  if (c.power_command_topic !== undefined) f |= ON_OFF;
  return f;
}

function precision(c: WaterHeaterConfig): number {
  return c.precision ?? (HUB_TEMPERATURE_UNIT === "°C" ? 0.1 : 1);
}

/** HA's water heater range defaults: 110–140 °F in the device's unit. */
function tempRange(c: WaterHeaterConfig): { min: number; max: number } {
  return { min: c.min_temp ?? convertTemperature(110, "°F", c.temperature_unit), max: c.max_temp ?? convertTemperature(140, "°F", c.temperature_unit) };
}

interface WaterHeaterState {
  operation: string | null;
  current_temperature: number | null;
  temperature: number | null;
}

const num = (v: unknown) => (typeof v === "number" ? v : null);

function readState(current: EntityValue): WaterHeaterState {
  return { operation: current.state, current_temperature: num(current.attributes.current_temperature), temperature: num(current.attributes.temperature) };
}

/** WaterHeaterEntity: the state is the current operation; the attributes carry the temperatures. */
function toValue(c: WaterHeaterConfig, s: WaterHeaterState): EntityValue {
  return {
    state: s.operation,
    attributes: {
      current_temperature: s.current_temperature,
      temperature: s.temperature,
      target_temp_high: null,
      target_temp_low: null,
      ...(features(c) & OPERATION_MODE ? { operation_mode: s.operation } : {}),
    },
  };
}

const DECODERS: Readonly<Record<string, string>> = {
  mode_state_topic: "mode_state_template",
  current_temperature_topic: "current_temperature_template",
  temperature_state_topic: "temperature_state_template",
};

function decode(c: WaterHeaterConfig, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const templateKey = DECODERS[role];
  if (templateKey === undefined) return { kind: "ignore", reason: `unknown role ${role}` };
  const rendered = renderValue(ctx, stateTemplateKey(c, templateKey), message);
  if (!rendered.ok) return rendered.result;
  const s = readState(current);
  if (role === "mode_state_topic") {
    if (rendered.value === "None") return { kind: "update", value: toValue(c, { ...s, operation: null }) };
    if (!c.modes.includes(rendered.value)) return { kind: "ignore", reason: `invalid mode: '${rendered.value}'` };
    return { kind: "update", value: toValue(c, { ...s, operation: rendered.value }) };
  }
  const parsed = parseFloatPayload(rendered.value);
  if (!parsed.ok) return { kind: "ignore", reason: parsed.reason };
  const shown = displayTemperature(parsed.value, c.temperature_unit, precision(c));
  return { kind: "update", value: toValue(c, role === "temperature_state_topic" ? { ...s, temperature: shown } : { ...s, current_temperature: shown }) };
}

function setOperation(c: WaterHeaterConfig, s: WaterHeaterState, mode: string, ctx: PlatformContext) {
  const payload = renderCommand(ctx, "mode_command_template", mode);
  if (!payload.ok) return payload;
  const optimistic = c.optimistic || c.mode_state_topic === undefined;
  return {
    ok: true as const,
    publishes: c.mode_command_topic === undefined ? [] : [{ topic: c.mode_command_topic, payload: payload.payload }],
    state: optimistic ? { ...s, operation: mode } : s,
    changed: optimistic,
  };
}

function validMode(c: WaterHeaterConfig, mode: unknown): string | undefined {
  return typeof mode === "string" && c.modes.includes(mode) ? mode : undefined;
}

function setOperationMode(c: WaterHeaterConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  if (!(features(c) & OPERATION_MODE)) return { ok: false, error: "this water heater does not support operation modes" };
  const mode = validMode(c, data.operation_mode);
  if (mode === undefined) return { ok: false, error: `operation_mode ${JSON.stringify(data.operation_mode)} is not valid; valid modes are: ${c.modes.join(", ")}` };
  const out = setOperation(c, readState(current), mode, ctx);
  if (!out.ok) return out;
  return { ok: true, publishes: out.publishes, ...(out.changed ? { optimistic: toValue(c, out.state) } : {}) };
}

function setTemperature(c: WaterHeaterConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  if (!(features(c) & TARGET_TEMPERATURE)) return { ok: false, error: "this water heater does not support a target temperature" };
  const raw = data.temperature;
  const value = typeof raw === "number" ? raw : typeof raw === "string" ? parsePythonFloat(raw) : undefined;
  if (value === undefined || Number.isNaN(value)) return { ok: false, error: "temperature must be a number" };
  let s = readState(current);
  const publishes = [];
  let changed = false;
  if (data.operation_mode !== undefined) {
    const mode = typeof data.operation_mode === "string" ? data.operation_mode : undefined;
    if (mode === undefined) return { ok: false, error: "operation_mode must be a string" };
    const out = setOperation(c, s, mode, ctx);
    if (!out.ok) return out;
    publishes.push(...out.publishes);
    s = out.state;
    changed = out.changed;
  }
  const device = convertTemperature(value, HUB_TEMPERATURE_UNIT, c.temperature_unit);
  const payload = temperaturePayload(ctx, "temperature_command_template", device);
  if (!payload.ok) return payload;
  if (c.temperature_command_topic !== undefined) publishes.push({ topic: c.temperature_command_topic, payload: payload.payload });
  if (c.optimistic || c.temperature_state_topic === undefined) {
    s = { ...s, temperature: displayTemperature(device, c.temperature_unit, precision(c)) };
    changed = true;
  }
  return { ok: true, publishes, ...(changed ? { optimistic: toValue(c, s) } : {}) };
}

function power(on: boolean) {
  return (c: WaterHeaterConfig, _current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult => {
    if (c.power_command_topic === undefined) return { ok: false, error: "this water heater has no power_command_topic" };
    const payload = renderCommand(ctx, "power_command_template", on ? c.payload_on : c.payload_off);
    return payload.ok ? { ok: true, publishes: [{ topic: c.power_command_topic, payload: payload.payload }] } : payload;
  };
}

/** HA's entity service schemas refuse keys they do not know. */
function acceptKeys<C>(allowed: readonly string[], handler: ServiceHandler<C>): ServiceHandler<C> {
  return (config, current, data, ctx) => {
    const bad = checkServiceKeys(data, allowed);
    return bad === undefined ? handler(config, current, data, ctx) : { ok: false, error: bad };
  };
}

export const waterHeaterPlatform: PlatformDefinition<WaterHeaterConfig> = {
  component: "water_heater",
  isEntity: true,
  schema: waterHeaterSchema,
  stateTopics: (c) =>
    Object.keys(DECODERS).flatMap((role) => {
      const stateTopic = (c as Record<string, unknown>)[role];
      return typeof stateTopic === "string" ? [{ role, topic: stateTopic }] : [];
    }),
  initialValue: (c) => {
    const initial = c.initial ?? convertTemperature(110, "°F", c.temperature_unit);
    return toValue(c, {
      operation: c.optimistic || c.mode_state_topic === undefined ? "off" : null,
      current_temperature: null,
      temperature: c.optimistic || c.temperature_state_topic === undefined ? displayTemperature(initial, c.temperature_unit, precision(c)) : null,
    });
  },
  staticAttributes: (c) => {
    const { min, max } = tempRange(c);
    return {
      min_temp: displayTemperature(min, c.temperature_unit, precision(c)),
      max_temp: displayTemperature(max, c.temperature_unit, precision(c)),
      ...(features(c) & OPERATION_MODE ? { operation_list: c.modes } : {}),
      supported_features: features(c),
    };
  },
  decode,
  services: {
    set_temperature: acceptKeys(["temperature", "target_temp_high", "target_temp_low", "operation_mode"], setTemperature),
    set_operation_mode: acceptKeys(["operation_mode"], setOperationMode),
    turn_on: acceptKeys([], power(true)),
    turn_off: acceptKeys([], power(false)),
  },
  isOptimistic: (c) => c.optimistic || c.mode_state_topic === undefined || c.temperature_state_topic === undefined,
};
