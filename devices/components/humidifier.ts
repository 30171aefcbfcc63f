import { z } from "zod";
import { haBoolean, haInt, haPublishTopic, haString, haStringList, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, parsePythonFloat, pyRound, renderCommand, renderValue, requiredKey } from "./mqtt-payload";
import type { CommandPublish, DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** HA's humidifier (homeassistant/components/mqtt/humidifier.py, HumidifierEntity in components/humidifier). */

const template = haTemplate.optional();
const positiveInt = haInt.refine((n) => n >= 0, "expected a non-negative integer");

const humidifierSchema = z
  .looseObject({
    command_topic: requiredKey("command_topic", haPublishTopic),
    command_template: template,
    state_topic: haSubscribeTopic.optional(),
    state_value_template: template,
    payload_on: haString.default("ON"),
    payload_off: haString.default("OFF"),
    optimistic: haBoolean.default(false),
    action_template: template,
    action_topic: haSubscribeTopic.optional(),
    current_humidity_template: template,
    current_humidity_topic: haSubscribeTopic.optional(),
    device_class: z.union([z.enum(["humidifier", "dehumidifier"]), z.null()]).default("humidifier"),
    modes: haStringList.optional(),
    mode_command_template: template,
    mode_command_topic: haPublishTopic.optional(),
    mode_state_template: template,
    mode_state_topic: haSubscribeTopic.optional(),
    payload_reset_mode: haString.default("None"),
    target_humidity_command_topic: requiredKey("target_humidity_command_topic", haPublishTopic),
    target_humidity_command_template: template,
    target_humidity_state_template: template,
    target_humidity_state_topic: haSubscribeTopic.optional(),
    min_humidity: positiveInt.default(0),
    max_humidity: positiveInt.default(100),
    payload_reset_humidity: haString.default("None"),
  })
  .superRefine((c, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: "custom", message });
    if ((c.modes === undefined) !== (c.mode_command_topic === undefined)) {
      issue("some but not all values in the same group of inclusion 'available_modes' (modes and mode_command_topic)");
    }
    if (c.modes?.includes(c.payload_reset_mode)) issue("modes must not contain payload_reset_mode");
    if (c.min_humidity >= c.max_humidity) issue("target_humidity_max must be > target_humidity_min");
    if (c.max_humidity > 100) issue("max_humidity must be <= 100");
  })
  .transform((c) => ({ ...c, modes: c.modes ?? [] }));

export type HumidifierConfig = z.output<typeof humidifierSchema>;

/** HumidifierEntityFeature.MODES */
const MODES = 1;
const ACTIONS = ["off", "humidifying", "drying", "idle"];

const features = (c: HumidifierConfig) => (c.modes.length > 0 ? MODES : 0);

interface HumidifierState {
  on: boolean | null;
  action: string | null;
  current_humidity: number | null;
  humidity: number | null;
  mode: string | null;
}

function readState(current: EntityValue): HumidifierState {
  const a = current.attributes;
  const on = current.state === "on" ? true : current.state === "off" ? false : null;
  return {
    on,
    // While off HA shows the action as "off"; the device's next action message replaces it.
    action: typeof a.action === "string" ? a.action : null,
    current_humidity: typeof a.current_humidity === "number" ? a.current_humidity : null,
    humidity: typeof a.humidity === "number" ? a.humidity : null,
    mode: typeof a.mode === "string" ? a.mode : null,
  };
}

/** HumidifierEntity.state_attributes. */
function toValue(c: HumidifierConfig, s: HumidifierState): EntityValue {
  const attributes: Record<string, unknown> = {};
  if (s.action !== null) attributes.action = s.on ? s.action : "off";
  if (s.current_humidity !== null) attributes.current_humidity = s.current_humidity;
  if (s.humidity !== null) attributes.humidity = s.humidity;
  if (features(c) & MODES) attributes.mode = s.mode;
  return { state: s.on === null ? null : s.on ? "on" : "off", attributes };
}

/** Python round(float(x)), or undefined when x is not a number. */
function roundedHumidity(payload: string): number | undefined {
  const value = parsePythonFloat(payload);
  return value === undefined ? undefined : pyRound(value);
}

function apply(c: HumidifierConfig, role: string, payload: string, s: HumidifierState): HumidifierState | string {
  switch (role) {
    case "state_topic":
      if (payload === "") return "empty state";
      if (payload === c.payload_on) return { ...s, on: true };
      if (payload === c.payload_off) return { ...s, on: false };
      return payload === "None" ? { ...s, on: null } : `no matching payload for '${payload}'`;
    case "action_topic":
      if (payload === "" || payload === "None") return "empty action";
      return ACTIONS.includes(payload) ? { ...s, action: payload } : `'${payload}' is not a valid action`;
    case "current_humidity_topic": {
      if (payload === c.payload_reset_humidity) return { ...s, current_humidity: null };
      if (payload === "") return "empty current humidity";
      const humidity = roundedHumidity(payload);
      return humidity === undefined || humidity < 0 || humidity > 100 ? `'${payload}' is not a valid humidity` : { ...s, current_humidity: humidity };
    }
    case "target_humidity_state_topic": {
      if (payload === "") return "empty target humidity";
      if (payload === c.payload_reset_humidity) return { ...s, humidity: null };
      const humidity = roundedHumidity(payload);
      if (humidity === undefined || humidity < c.min_humidity || humidity > c.max_humidity) return `'${payload}' is not a valid target humidity`;
      return { ...s, humidity };
    }
    case "mode_state_topic":
      if (payload === c.payload_reset_mode) return { ...s, mode: null };
      if (payload === "") return "empty mode";
      return c.modes.includes(payload) ? { ...s, mode: payload } : `'${payload}' is not a valid mode`;
    default:
      return `unknown role ${role}`;
  }
}

const TEMPLATES: Readonly<Record<string, string>> = {
  state_topic: "state_value_template",
  action_topic: "action_template",
  current_humidity_topic: "current_humidity_template",
  target_humidity_state_topic: "target_humidity_state_template",
  mode_state_topic: "mode_state_template",
};

function decode(c: HumidifierConfig, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const templateKey = TEMPLATES[role] ?? "state_value_template";
  const rendered = renderValue(ctx, templateKey, message);
  if (!rendered.ok) return rendered.result;
  const next = apply(c, role, rendered.value, readState(current));
  return typeof next === "string" ? { kind: "ignore", reason: next } : { kind: "update", value: toValue(c, next) };
}

function publish(c: HumidifierConfig, current: EntityValue, ctx: PlatformContext, commandTopic: string | undefined, templateKey: string, value: string | number, optimistic: boolean, update: Partial<HumidifierState>): ServiceResult {
  if (commandTopic === undefined) return { ok: false, error: `this humidifier has no command topic for ${templateKey}` };
  const out = renderCommand(ctx, templateKey, value);
  if (!out.ok) return out;
  const publishes: CommandPublish[] = [{ topic: commandTopic, payload: out.payload }];
  return { ok: true, publishes, ...(optimistic ? { optimistic: toValue(c, { ...readState(current), ...update }) } : {}) };
}

function power(on: boolean) {
  return (c: HumidifierConfig, current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult =>
    publish(c, current, ctx, c.command_topic, "command_template", on ? c.payload_on : c.payload_off, c.optimistic || c.state_topic === undefined, { on });
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

export const humidifierPlatform: PlatformDefinition<HumidifierConfig> = {
  component: "humidifier",
  isEntity: true,
  schema: humidifierSchema,
  stateTopics: (c) =>
    Object.keys(TEMPLATES).flatMap((role) => {
      const stateTopic = (c as Record<string, unknown>)[role];
      return typeof stateTopic === "string" ? [{ role, topic: stateTopic }] : [];
    }),
  initialValue: (c) => toValue(c, { on: null, action: null, current_humidity: null, humidity: null, mode: null }),
  staticAttributes: (c) => ({
    min_humidity: c.min_humidity,
    max_humidity: c.max_humidity,
    ...(features(c) & MODES ? { available_modes: c.modes } : {}),
    ...(c.device_class === null ? {} : { device_class: c.device_class }),
    supported_features: features(c),
  }),
  decode,
  services: {
    turn_on: acceptKeys([], turnOn),
    turn_off: acceptKeys([], turnOff),
    toggle: acceptKeys([], (c, current, data, ctx) => (current.state === "on" ? turnOff(c, current, data, ctx) : turnOn(c, current, data, ctx))),
    set_humidity: acceptKeys(["humidity"], (c, current, data, ctx) => {
      const raw = data.humidity;
      const humidity = typeof raw === "number" ? Math.trunc(raw) : typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(humidity) || humidity < c.min_humidity || humidity > c.max_humidity) {
        return { ok: false, error: `Provided humidity ${String(raw)} is not valid. Accepted range is ${c.min_humidity} to ${c.max_humidity}` };
      }
      const optimistic = c.optimistic || c.target_humidity_state_topic === undefined;
      return publish(c, current, ctx, c.target_humidity_command_topic, "target_humidity_command_template", humidity, optimistic, { humidity });
    }),
    set_mode: acceptKeys(["mode"], (c, current, data, ctx) => {
      if (!(features(c) & MODES)) return { ok: false, error: "this humidifier does not support modes" };
      if (typeof data.mode !== "string" || !c.modes.includes(data.mode)) return { ok: false, error: `mode ${JSON.stringify(data.mode)} is not one of: ${c.modes.join(", ")}` };
      const optimistic = c.optimistic || c.mode_state_topic === undefined;
      return publish(c, current, ctx, c.mode_command_topic, "mode_command_template", data.mode, optimistic, { mode: data.mode });
    }),
  },
  isOptimistic: (c) =>
    c.optimistic || c.state_topic === undefined || c.target_humidity_state_topic === undefined || (c.mode_command_topic !== undefined && c.mode_state_topic === undefined),
};
