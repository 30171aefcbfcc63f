import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { pyFloat } from "../templates/ha-template";
import { checkServiceKeys, renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** HA's siren (homeassistant/components/mqtt/siren.py, SirenEntity in components/siren). */

/** cv.ensure_list without coercion: tones keep their JSON type (HA compares them with `in`). */
const toneList = z
  .union([z.array(z.union([z.string(), z.number()])), z.string(), z.number()])
  .transform((v) => (Array.isArray(v) ? v : [v]));

const sirenSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  available_tones: toneList.optional(),
  command_template: haTemplate.optional(),
  command_off_template: haTemplate.optional(),
  optimistic: haBoolean.default(false),
  payload_off: haString.default("OFF"),
  payload_on: haString.default("ON"),
  state_off: haString.optional(),
  state_on: haString.optional(),
  state_topic: haSubscribeTopic.optional(),
  state_value_template: haTemplate.optional(),
  support_duration: haBoolean.default(true),
  support_volume_set: haBoolean.default(true),
});

export type SirenConfig = z.output<typeof sirenSchema>;

/** SirenEntityFeature */
const TURN_ON = 1;
const TURN_OFF = 2;
const TONES = 4;
const VOLUME_SET = 8;
const DURATION = 16;

type Tone = string | number;
interface TurnOnParams {
  tone?: Tone;
  duration?: number;
  volume_level?: number;
}

function features(config: SirenConfig): number {
  let f = TURN_ON | TURN_OFF;
  if (config.support_duration) f |= DURATION;
  if (config.available_tones !== undefined && config.available_tones.length > 0) f |= TONES;
  if (config.support_volume_set) f |= VOLUME_SET;
  return f;
}

/** The attributes the siren reports: one per supported parameter, null until known. */
function extraAttributeKeys(config: SirenConfig): Array<keyof TurnOnParams> {
  const f = features(config);
  const keys: Array<keyof TurnOnParams> = [];
  if (f & DURATION) keys.push("duration");
  if (f & TONES) keys.push("tone");
  if (f & VOLUME_SET) keys.push("volume_level");
  return keys;
}

/** siren.TURN_ON_SCHEMA: tone (int or str), duration (positive int), volume_level (0–1); nothing else. */
function parseTurnOnParams(data: Readonly<Record<string, unknown>>): { ok: true; params: TurnOnParams } | { ok: false; error: string } {
  const params: TurnOnParams = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === "tone") {
      if (typeof value === "number" && Number.isFinite(value)) params.tone = Math.trunc(value);
      else if (typeof value === "string") params.tone = /^\s*[-+]?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : value;
      else return { ok: false, error: `invalid tone ${JSON.stringify(value)}` };
    } else if (key === "duration") {
      const n = typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isFinite(n) || n < 0) return { ok: false, error: `invalid duration ${JSON.stringify(value)}` };
      params.duration = Math.trunc(n);
    } else if (key === "volume_level") {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
      if (!(n >= 0 && n <= 1)) return { ok: false, error: `invalid volume_level ${JSON.stringify(value)}` };
      params.volume_level = n;
    } else return { ok: false, error: `extra keys not allowed @ data['${key}']` };
  }
  return { ok: true, params };
}

/** siren.process_turn_on_params: drop unsupported parameters; a tone must be one of available_tones. */
function processTurnOnParams(config: SirenConfig, params: TurnOnParams): { ok: true; params: TurnOnParams } | { ok: false; error: string } {
  const f = features(config);
  const out: TurnOnParams = { ...params };
  if (!(f & TONES)) delete out.tone;
  else if (out.tone !== undefined && !(config.available_tones ?? []).includes(out.tone)) {
    return { ok: false, error: `Invalid tone specified: ${out.tone}, check the available_tones attribute for valid tones to pass in` };
  }
  if (!(f & DURATION)) delete out.duration;
  if (!(f & VOLUME_SET)) delete out.volume_level;
  return { ok: true, params: out };
}

function stateOn(config: SirenConfig): string {
  return config.state_on !== undefined && config.state_on !== "" ? config.state_on : config.payload_on;
}

function stateOff(config: SirenConfig): string {
  return config.state_off !== undefined && config.state_off !== "" ? config.state_off : config.payload_off;
}

/** MqttSiren._update: supported parameters that are given replace the reported ones. */
function withParams(config: SirenConfig, attributes: Record<string, unknown>, params: TurnOnParams): Record<string, unknown> {
  const next: Record<string, unknown> = {};
  for (const key of extraAttributeKeys(config)) next[key] = params[key] !== undefined ? params[key] : (attributes[key] ?? null);
  return next;
}

function decode(config: SirenConfig, _role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "state_value_template", message);
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload === "" || payload === "{}") return { kind: "ignore", reason: "empty state payload" };
  let fields: Record<string, unknown>;
  if ([stateOn(config), stateOff(config), "None"].includes(payload)) fields = { state: payload };
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "ignore", reason: `no valid (JSON) payload: '${payload}'` };
    fields = { ...(parsed as Record<string, unknown>) };
  }
  let state = current.state;
  if ("state" in fields) {
    if (fields.state === stateOn(config)) state = "on";
    if (fields.state === stateOff(config)) state = "off";
    if (fields.state === "None") state = null;
    delete fields.state;
  }
  let attributes = withParams(config, current.attributes, {});
  if (Object.keys(fields).length > 0) {
    const parsed = parseTurnOnParams(fields);
    if (parsed.ok) {
      const processed = processTurnOnParams(config, parsed.params);
      if (!processed.ok) return { kind: "reject", reason: processed.error };
      attributes = withParams(config, current.attributes, processed.params);
    }
  }
  return { kind: "update", value: { state, attributes } };
}

/** HA's json_dumps (compact); volume_level is a float and keeps its ".0". */
function jsonPayload(variables: Record<string, unknown>): string {
  const parts = Object.entries(variables).map(([key, value]) => {
    const text = key === "volume_level" && typeof value === "number" && Number.isInteger(value) ? `${value}.0` : JSON.stringify(value);
    return `${JSON.stringify(key)}:${text}`;
  });
  return `{${parts.join(",")}}`;
}

function publish(config: SirenConfig, templateKey: string | undefined, value: string, params: TurnOnParams, ctx: PlatformContext) {
  const variables: Record<string, unknown> = { state: value, ...params };
  let payload: string;
  if (templateKey === undefined) payload = jsonPayload(variables);
  else {
    const templateVars = { ...variables, value, ...(params.volume_level === undefined ? {} : { volume_level: pyFloat(params.volume_level) }) };
    const out = ctx.render(templateKey, templateVars);
    if (out === undefined) payload = value;
    else if (!out.ok) return { ok: false as const, error: `${templateKey}: ${out.error}` };
    else payload = out.value;
  }
  // HA skips the publish when the template renders nothing (or "None").
  return { ok: true as const, publishes: payload === "" || payload === "None" ? [] : [{ topic: config.command_topic, payload }] };
}

function turnOn(config: SirenConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  const parsed = parseTurnOnParams(data);
  if (!parsed.ok) return parsed;
  const processed = processTurnOnParams(config, parsed.params);
  if (!processed.ok) return processed;
  const result = publish(config, config.command_template === undefined ? undefined : "command_template", config.payload_on, processed.params, ctx);
  if (!result.ok) return result;
  return { ...result, optimistic: { state: "on", attributes: withParams(config, current.attributes, processed.params) } };
}

function turnOff(config: SirenConfig, current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult {
  const key = config.command_off_template !== undefined ? "command_off_template" : config.command_template !== undefined ? "command_template" : undefined;
  const result = publish(config, key, config.payload_off, {}, ctx);
  if (!result.ok) return result;
  return { ...result, optimistic: { state: "off", attributes: withParams(config, current.attributes, {}) } };
}

/** HA's entity service schemas refuse keys they do not know. */
function acceptKeys<C>(allowed: readonly string[], handler: ServiceHandler<C>): ServiceHandler<C> {
  return (config, current, data, ctx) => {
    const bad = checkServiceKeys(data, allowed);
    return bad === undefined ? handler(config, current, data, ctx) : { ok: false, error: bad };
  };
}

export const sirenPlatform: PlatformDefinition<SirenConfig> = {
  component: "siren",
  isEntity: true,
  schema: sirenSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state_topic", topic: config.state_topic }]),
  initialValue: (config) => ({
    state: config.optimistic || config.state_topic === undefined ? "off" : null,
    attributes: withParams(config, {}, {}),
  }),
  staticAttributes: (config) => ({
    ...(features(config) & TONES ? { available_tones: config.available_tones } : {}),
    supported_features: features(config),
  }),
  decode,
  services: {
    turn_on: turnOn,
    turn_off: acceptKeys([], turnOff),
    toggle: acceptKeys([], (config, current, data, ctx) => (current.state === "on" ? turnOff(config, current, data, ctx) : turnOn(config, current, {}, ctx))),
  },
  isOptimistic: (config) => config.optimistic || config.state_topic === undefined,
};
