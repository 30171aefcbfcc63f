import { z } from "zod";
import { haBoolean, haInt, haPublishTopic, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, parsePythonInt, renderCommand, renderValue, requiredKey } from "./mqtt-payload";
import type { CommandPublish, DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** HA's fan (homeassistant/components/mqtt/fan.py, FanEntity in components/fan, util/percentage.py). */

const topic = haSubscribeTopic.optional();
const publishTopic = haPublishTopic.optional();
const template = haTemplate.optional();
const positiveInt = haInt.refine((n) => n >= 0, "expected a non-negative integer");

const fanSchema = z
  .looseObject({
    command_topic: requiredKey("command_topic", haPublishTopic),
    command_template: template,
    state_topic: topic,
    state_value_template: template,
    payload_on: haString.default("ON"),
    payload_off: haString.default("OFF"),
    optimistic: haBoolean.default(false),
    direction_command_template: template,
    direction_command_topic: publishTopic,
    direction_state_topic: topic,
    direction_value_template: template,
    oscillation_command_template: template,
    oscillation_command_topic: publishTopic,
    oscillation_state_topic: topic,
    oscillation_value_template: template,
    payload_oscillation_on: haString.default("oscillate_on"),
    payload_oscillation_off: haString.default("oscillate_off"),
    percentage_command_template: template,
    percentage_command_topic: publishTopic,
    percentage_state_topic: topic,
    percentage_value_template: template,
    speed_range_min: positiveInt.default(1),
    speed_range_max: positiveInt.default(100),
    payload_reset_percentage: haString.default("None"),
    preset_mode_command_template: template,
    preset_mode_command_topic: publishTopic,
    preset_mode_state_topic: topic,
    preset_mode_value_template: template,
    preset_modes: haStringList.default([]),
    payload_reset_preset_mode: haString.default("None"),
  })
  .superRefine((c, ctx) => {
    if (c.speed_range_min === 0) ctx.addIssue({ code: "custom", message: "speed_range_min must be > 0" });
    else if (c.speed_range_min >= c.speed_range_max) ctx.addIssue({ code: "custom", message: "speed_range_max must be > speed_range_min" });
    if (c.preset_modes.includes(c.payload_reset_preset_mode)) ctx.addIssue({ code: "custom", message: "preset_modes must not contain payload_reset_preset_mode" });
  });

export type FanConfig = z.output<typeof fanSchema>;

/** FanEntityFeature */
const SET_SPEED = 1;
const OSCILLATE = 2;
const DIRECTION = 4;
const PRESET_MODE = 8;
const TURN_OFF = 16;
const TURN_ON = 32;

function features(c: FanConfig): number {
  let f = TURN_ON | TURN_OFF;
  if (c.oscillation_command_topic !== undefined) f |= OSCILLATE;
  if (c.direction_command_topic !== undefined) f |= DIRECTION;
  if (c.percentage_command_topic !== undefined) f |= SET_SPEED;
  if (c.preset_mode_command_topic !== undefined) f |= PRESET_MODE;
  return f;
}

const statesInRange = (c: FanConfig) => c.speed_range_max - c.speed_range_min + 1;

/** DISCOVERY.md §12: percentage = int((v - (min-1)) * 100 // (max-min+1)). */
export function speedToPercentage(c: FanConfig, value: number): number {
  return Math.trunc(Math.floor(((value - (c.speed_range_min - 1)) * 100) / statesInRange(c)));
}

/** DISCOVERY.md §12: command value = ceil((max-min+1) * pct / 100 + (min-1)). */
export function percentageToSpeed(c: FanConfig, percentage: number): number {
  return Math.ceil((statesInRange(c) * percentage) / 100 + (c.speed_range_min - 1));
}

function speedCount(c: FanConfig): number {
  return c.percentage_command_topic !== undefined ? Math.min(statesInRange(c), 100) : 100;
}

interface FanState {
  on: boolean | null;
  percentage: number | null;
  preset_mode: string | null;
  oscillating: boolean | null;
  direction: string | null;
}

function readState(current: EntityValue): FanState {
  const a = current.attributes;
  return {
    on: current.state === "on" ? true : current.state === "off" ? false : null,
    percentage: typeof a.percentage === "number" ? a.percentage : null,
    preset_mode: typeof a.preset_mode === "string" ? a.preset_mode : null,
    oscillating: typeof a.oscillating === "boolean" ? a.oscillating : null,
    direction: typeof a.direction === "string" ? a.direction : null,
  };
}

/** FanEntity.state_attributes. */
function toValue(c: FanConfig, s: FanState): EntityValue {
  const f = features(c);
  const attributes: Record<string, unknown> = {};
  if (f & DIRECTION) attributes.direction = s.direction;
  if (f & OSCILLATE) attributes.oscillating = s.oscillating;
  if (f & SET_SPEED) {
    attributes.percentage = s.percentage;
    attributes.percentage_step = 100 / speedCount(c);
  }
  if (f & (SET_SPEED | PRESET_MODE)) attributes.preset_mode = s.preset_mode;
  return { state: s.on === null ? null : s.on ? "on" : "off", attributes };
}

const TEMPLATES: Readonly<Record<string, string>> = {
  state_topic: "state_value_template",
  percentage_state_topic: "percentage_value_template",
  preset_mode_state_topic: "preset_mode_value_template",
  oscillation_state_topic: "oscillation_value_template",
  direction_state_topic: "direction_value_template",
};

function apply(c: FanConfig, role: string, payload: string, s: FanState): FanState | string {
  switch (role) {
    case "state_topic":
      if (payload === "") return "empty state";
      if (payload === c.payload_on) return { ...s, on: true };
      if (payload === c.payload_off) return { ...s, on: false };
      return payload === "None" ? { ...s, on: null } : `no matching payload for '${payload}'`;
    case "percentage_state_topic": {
      if (payload === "") return "empty speed";
      if (payload === c.payload_reset_percentage) return { ...s, percentage: null };
      const speed = parsePythonInt(payload);
      const percentage = speed === undefined ? undefined : speedToPercentage(c, speed);
      return percentage === undefined || percentage < 0 || percentage > 100 ? `'${payload}' is not a valid speed within the speed range` : { ...s, percentage };
    }
    case "preset_mode_state_topic":
      if (payload === c.payload_reset_preset_mode) return { ...s, preset_mode: null };
      if (payload === "") return "empty preset_mode";
      return c.preset_modes.includes(payload) ? { ...s, preset_mode: payload } : `'${payload}' is not a valid preset mode`;
    case "oscillation_state_topic":
      if (payload === "") return "empty oscillation";
      if (payload === c.payload_oscillation_on) return { ...s, oscillating: true };
      return payload === c.payload_oscillation_off ? { ...s, oscillating: false } : `no matching oscillation payload for '${payload}'`;
    case "direction_state_topic":
      return payload === "" ? "empty direction" : { ...s, direction: payload };
    default:
      return `unknown role ${role}`;
  }
}

function decode(c: FanConfig, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const templateKey = TEMPLATES[role] ?? "state_value_template";
  const rendered = renderValue(ctx, templateKey, message);
  if (!rendered.ok) return rendered.result;
  const next = apply(c, role, rendered.value, readState(current));
  return typeof next === "string" ? { kind: "ignore", reason: next } : { kind: "update", value: toValue(c, next) };
}

/** Publishes collected by one service call, with the optimistic state they imply. */
interface Plan {
  publishes: CommandPublish[];
  state: FanState;
  changed: boolean;
}

function send(c: FanConfig, plan: Plan, ctx: PlatformContext, topicKey: string, templateKey: string, value: string | number, stateTopic: string | undefined, update: Partial<FanState>): Plan | string {
  const commandTopic = (c as Record<string, unknown>)[topicKey];
  if (typeof commandTopic !== "string") return `this fan has no ${topicKey}`;
  const out = renderCommand(ctx, templateKey, value);
  if (!out.ok) return out.error;
  const optimistic = c.optimistic || stateTopic === undefined;
  return {
    publishes: [...plan.publishes, { topic: commandTopic, payload: out.payload }],
    state: optimistic ? { ...plan.state, ...update } : plan.state,
    changed: plan.changed || optimistic,
  };
}

function result(c: FanConfig, plan: Plan | string): ServiceResult {
  if (typeof plan === "string") return { ok: false, error: plan };
  return { ok: true, publishes: plan.publishes, ...(plan.changed ? { optimistic: toValue(c, plan.state) } : {}) };
}

const begin = (current: EntityValue): Plan => ({ publishes: [], state: readState(current), changed: false });

function readPercentage(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 100 ? Math.trunc(n) : undefined;
}

function checkPreset(c: FanConfig, preset: unknown): string | undefined {
  if (typeof preset === "string" && c.preset_modes.includes(preset)) return undefined;
  return `Preset mode ${String(preset)} is not valid, valid preset modes are: ${c.preset_modes.join(", ")}`;
}

function setPercentage(c: FanConfig, plan: Plan, percentage: number, ctx: PlatformContext): Plan | string {
  const speed = percentageToSpeed(c, percentage);
  return send(c, plan, ctx, "percentage_command_topic", "percentage_command_template", speed, c.percentage_state_topic, { percentage });
}

function setPreset(c: FanConfig, plan: Plan, preset: string, ctx: PlatformContext): Plan | string {
  return send(c, plan, ctx, "preset_mode_command_topic", "preset_mode_command_template", preset, c.preset_mode_state_topic, { preset_mode: preset });
}

function turnOn(c: FanConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult {
  const percentage = data.percentage === undefined ? undefined : readPercentage(data.percentage);
  if (data.percentage !== undefined && percentage === undefined) return { ok: false, error: "percentage must be an integer between 0 and 100" };
  if (data.preset_mode !== undefined) {
    const invalid = checkPreset(c, data.preset_mode);
    if (invalid) return { ok: false, error: invalid };
  }
  let plan = send(c, begin(current), ctx, "command_topic", "command_template", c.payload_on, c.state_topic, { on: true });
  if (typeof plan !== "string" && percentage) plan = setPercentage(c, plan, percentage, ctx);
  if (typeof plan !== "string" && typeof data.preset_mode === "string") plan = setPreset(c, plan, data.preset_mode, ctx);
  return result(c, plan);
}

function turnOff(c: FanConfig, current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult {
  return result(c, send(c, begin(current), ctx, "command_topic", "command_template", c.payload_off, c.state_topic, { on: false }));
}

const unsupported = (name: string): ServiceResult => ({ ok: false, error: `this fan does not support ${name}` });

/** FanEntity._async_adjust_speed: step through speed_count speeds, or by percentage_step. */
function adjustSpeed(modifier: 1 | -1) {
  return (c: FanConfig, current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult => {
    if (!(features(c) & SET_SPEED)) return unsupported(modifier > 0 ? "increase_speed" : "decrease_speed");
    const currentPercentage = readState(current).percentage ?? 0;
    let next: number;
    if (data.percentage_step !== undefined) {
      const step = readPercentage(data.percentage_step);
      if (step === undefined) return { ok: false, error: "percentage_step must be an integer between 0 and 100" };
      next = currentPercentage + step * modifier;
    } else {
      const count = speedCount(c);
      const index = Math.ceil((count * currentPercentage) / 100);
      next = Math.trunc(Math.floor(((index + modifier) * 100) / count));
    }
    return result(c, setPercentage(c, begin(current), Math.max(0, Math.min(100, next)), ctx));
  };
}

/** HA's entity service schemas refuse keys they do not know. */
function acceptKeys<C>(allowed: readonly string[], handler: ServiceHandler<C>): ServiceHandler<C> {
  return (config, current, data, ctx) => {
    const bad = checkServiceKeys(data, allowed);
    return bad === undefined ? handler(config, current, data, ctx) : { ok: false, error: bad };
  };
}

export const fanPlatform: PlatformDefinition<FanConfig> = {
  component: "fan",
  isEntity: true,
  schema: fanSchema,
  stateTopics: (c) =>
    Object.keys(TEMPLATES).flatMap((role) => {
      const stateTopic = (c as Record<string, unknown>)[role];
      return typeof stateTopic === "string" ? [{ role, topic: stateTopic }] : [];
    }),
  initialValue: (c) =>
    toValue(c, { on: null, percentage: null, preset_mode: null, oscillating: c.oscillation_state_topic !== undefined ? false : null, direction: null }),
  staticAttributes: (c) => ({ ...(features(c) & PRESET_MODE ? { preset_modes: c.preset_modes } : {}), supported_features: features(c) }),
  decode,
  services: {
    turn_on: acceptKeys(["percentage", "preset_mode"], turnOn),
    turn_off: acceptKeys([], turnOff),
    toggle: acceptKeys([], (c, current, data, ctx) => (current.state === "on" ? turnOff(c, current, data, ctx) : turnOn(c, current, {}, ctx))),
    set_percentage: acceptKeys(["percentage"], (c, current, data, ctx) => {
      if (!(features(c) & SET_SPEED)) return unsupported("set_percentage");
      const percentage = readPercentage(data.percentage);
      if (percentage === undefined) return { ok: false, error: "percentage must be an integer between 0 and 100" };
      return result(c, setPercentage(c, begin(current), percentage, ctx));
    }),
    set_preset_mode: acceptKeys(["preset_mode"], (c, current, data, ctx) => {
      if (!(features(c) & PRESET_MODE)) return unsupported("set_preset_mode");
      const invalid = checkPreset(c, data.preset_mode);
      return invalid ? { ok: false, error: invalid } : result(c, setPreset(c, begin(current), String(data.preset_mode), ctx));
    }),
    oscillate: acceptKeys(["oscillating"], (c, current, data, ctx) => {
      if (!(features(c) & OSCILLATE)) return unsupported("oscillate");
      if (typeof data.oscillating !== "boolean") return { ok: false, error: "oscillating must be a boolean" };
      const payload = data.oscillating ? c.payload_oscillation_on : c.payload_oscillation_off;
      return result(c, send(c, begin(current), ctx, "oscillation_command_topic", "oscillation_command_template", payload, c.oscillation_state_topic, { oscillating: data.oscillating }));
    }),
    set_direction: acceptKeys(["direction"], (c, current, data, ctx) => {
      if (!(features(c) & DIRECTION)) return unsupported("set_direction");
      if (data.direction !== "forward" && data.direction !== "reverse") return { ok: false, error: "direction must be 'forward' or 'reverse'" };
      return result(c, send(c, begin(current), ctx, "direction_command_topic", "direction_command_template", data.direction, c.direction_state_topic, { direction: data.direction }));
    }),
    increase_speed: acceptKeys(["percentage_step"], adjustSpeed(1)),
    decrease_speed: acceptKeys(["percentage_step"], adjustSpeed(-1)),
  },
  isOptimistic: (c) =>
    c.optimistic ||
    c.state_topic === undefined ||
    (c.percentage_command_topic !== undefined && c.percentage_state_topic === undefined) ||
    (c.preset_mode_command_topic !== undefined && c.preset_mode_state_topic === undefined) ||
    (c.oscillation_command_topic !== undefined && c.oscillation_state_topic === undefined) ||
    (c.direction_command_topic !== undefined && c.direction_state_topic === undefined),
};
