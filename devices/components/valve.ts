import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, haNullableString, parsePythonFloat, pyRound, renderCommand, renderValue } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** HA's valve (homeassistant/components/mqtt/valve.py, ValveEntity in components/valve). */

const valveSchema = z
  .looseObject({
    command_topic: haPublishTopic.optional(),
    command_template: haTemplate.optional(),
    device_class: z.union([z.enum(["water", "gas"]), z.null()]).optional(),
    optimistic: haBoolean.default(false),
    payload_close: haNullableString.optional(),
    payload_open: haNullableString.optional(),
    payload_stop: haNullableString.optional(),
    position_closed: z.number().int().default(0),
    position_open: z.number().int().default(100),
    reports_position: haBoolean.default(false),
    state_closed: haString.optional(),
    state_closing: haString.default("closing"),
    state_open: haString.optional(),
    state_opening: haString.default("opening"),
    state_topic: haSubscribeTopic.optional(),
    value_template: haTemplate.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.reports_position && [c.payload_open, c.payload_close, c.state_open, c.state_closed].some((v) => v !== undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "Options `payload_open`, `payload_close`, `state_open` and `state_closed` are not allowed if the valve reports a position.",
      });
    }
  })
  .transform((c) => ({
    ...c,
    payload_close: c.payload_close === undefined ? "CLOSE" : c.payload_close,
    payload_open: c.payload_open === undefined ? "OPEN" : c.payload_open,
    state_closed: c.state_closed ?? "closed",
    state_open: c.state_open ?? "open",
  }));

export type ValveConfig = z.output<typeof valveSchema>;

/** ValveEntityFeature */
const OPEN = 1;
const CLOSE = 2;
const SET_POSITION = 4;
const STOP = 8;

function supportedFeatures(config: ValveConfig): number {
  let features = 0;
  if (config.command_topic !== undefined) {
    if (config.payload_open !== null) features |= OPEN;
    if (config.payload_close !== null) features |= CLOSE;
  }
  if (config.reports_position) features |= SET_POSITION;
  if (config.payload_stop !== undefined && config.payload_stop !== null) features |= STOP;
  return features;
}

/** What the entity knows; HA derives the state string from it (ValveEntity.state). */
interface ValveState {
  opening: boolean;
  closing: boolean;
  /** Binary valves: closed or not (null = unknown). */
  closed: boolean | null;
  /** Position valves: 0–100 (null = unknown). */
  position: number | null;
}

function readState(current: EntityValue): ValveState {
  const position = current.attributes.current_position;
  return {
    opening: current.state === "opening",
    closing: current.state === "closing",
    closed: current.state === "closed" ? true : current.state === "open" ? false : null,
    position: typeof position === "number" ? position : null,
  };
}

function toValue(config: ValveConfig, s: ValveState): EntityValue {
  let state: string | null;
  if (s.opening) state = "opening";
  else if (s.closing) state = "closing";
  else if (config.reports_position) state = s.position === null ? null : s.position === 0 ? "closed" : "open";
  else state = s.closed === null ? null : s.closed ? "closed" : "open";
  return { state, attributes: config.reports_position ? { current_position: s.position } : {} };
}

/** MqttValve._update_state: opening/closing flags; binary valves also track closed. */
function withState(config: ValveConfig, s: ValveState, state: "open" | "closed" | "opening" | "closing" | "reset" | null): ValveState {
  const next = { ...s, opening: state === "opening", closing: state === "closing" };
  if (!config.reports_position) next.closed = state === null ? null : state === "closed";
  return next;
}

/** HA's ranged_value_to_percentage over (position_closed + 1, position_open), clamped to 0–100. */
function toPercentage(config: ValveConfig, value: number): number {
  const states = config.position_open - config.position_closed;
  const pct = Math.trunc(Math.floor(((value - config.position_closed) * 100) / states));
  return Math.min(Math.max(pct, 0), 100);
}

/** Python float() of a JSON value (numbers or numeric strings). */
function pythonFloat(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" ? parsePythonFloat(value) : undefined;
}

function decode(config: ValveConfig, _role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "value_template", message, { position_open: config.position_open, position_closed: config.position_closed });
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload === "") return { kind: "ignore", reason: "empty state payload" };
  let statePayload: unknown = payload;
  let positionPayload: unknown = payload;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const dict = parsed as Record<string, unknown>;
    if (config.reports_position && !("position" in dict)) return { kind: "ignore", reason: "missing required `position` attribute in json payload" };
    if (!config.reports_position && !("state" in dict)) return { kind: "ignore", reason: "missing required `state` attribute in json payload" };
    positionPayload = dict.position;
    statePayload = dict.state;
  }
  const s = readState(current);
  if (!config.reports_position) {
    const states: Array<[string, "opening" | "closing" | "open" | "closed" | null]> = [
      [config.state_opening, "opening"],
      [config.state_closing, "closing"],
      [config.state_open, "open"],
      [config.state_closed, "closed"],
      ["None", null],
    ];
    const match = states.find(([configured]) => configured === statePayload);
    if (match === undefined) return { kind: "ignore", reason: `payload is not one of [open, closed, opening, closing]: ${String(statePayload)}` };
    return { kind: "update", value: toValue(config, withState(config, s, match[1])) };
  }
  let state: "opening" | "closing" | "reset" | null = null;
  if (statePayload === config.state_opening) state = "opening";
  else if (statePayload === config.state_closing) state = "closing";
  else if (statePayload === "None") return { kind: "update", value: toValue(config, { ...s, position: null }) };
  let next = s;
  let positionSet = false;
  if (state === null || positionPayload !== statePayload) {
    const value = pythonFloat(positionPayload);
    if (value !== undefined && Number.isFinite(value)) {
      const pct = toPercentage(config, value);
      next = { ...next, position: pct };
      if (state === null && (pct === 0 || pct === 100)) state = "reset";
      positionSet = true;
    }
  }
  if (state === null) {
    if (positionSet) return { kind: "update", value: toValue(config, next) };
    return { kind: "ignore", reason: `non numeric position or unknown state: ${String(statePayload)}` };
  }
  return { kind: "update", value: toValue(config, withState(config, next, state)) };
}

function publish(ctx: PlatformContext, value: string | number, variables: Record<string, unknown> = {}) {
  return renderCommand(ctx, "command_template", value, variables);
}

const unsupported = (what: string): ServiceResult => ({ ok: false, error: `this valve does not support ${what}` });

function setPosition(config: ValveConfig, current: EntityValue, percentage: number, ctx: PlatformContext): ServiceResult {
  if (config.command_topic === undefined) return unsupported("set_valve_position without a command_topic");
  const scaled = pyRound(config.position_closed + ((config.position_open - config.position_closed) * percentage) / 100);
  const rendered = publish(ctx, scaled, { position: percentage, position_open: config.position_open, position_closed: config.position_closed });
  if (!rendered.ok) return rendered;
  const s = withState(config, readState(current), percentage === config.position_closed ? "closed" : "open");
  return { ok: true, publishes: [{ topic: config.command_topic, payload: rendered.payload }], optimistic: toValue(config, { ...s, position: percentage }) };
}

function openOrClose(direction: "open" | "closed") {
  return (config: ValveConfig, current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult => {
    const feature = direction === "open" ? OPEN : CLOSE;
    if (!(supportedFeatures(config) & feature)) return unsupported(direction === "open" ? "open_valve" : "close_valve");
    if (config.reports_position) return setPosition(config, current, direction === "open" ? 100 : 0, ctx);
    const payload = direction === "open" ? config.payload_open : config.payload_close;
    if (payload === null || config.command_topic === undefined) return unsupported(direction);
    const rendered = publish(ctx, payload);
    if (!rendered.ok) return rendered;
    return {
      ok: true,
      publishes: [{ topic: config.command_topic, payload: rendered.payload }],
      optimistic: toValue(config, withState(config, readState(current), direction)),
    };
  };
}

const openValve = openOrClose("open");
const closeValve = openOrClose("closed");

function stopValve(config: ValveConfig, _current: EntityValue, _data: ServiceData, ctx: PlatformContext): ServiceResult {
  if (!(supportedFeatures(config) & STOP) || config.payload_stop === null || config.payload_stop === undefined || config.command_topic === undefined) {
    return unsupported("stop_valve");
  }
  const rendered = publish(ctx, config.payload_stop);
  return rendered.ok ? { ok: true, publishes: [{ topic: config.command_topic, payload: rendered.payload }] } : rendered;
}

/** HA's entity service schemas refuse keys they do not know. */
function acceptKeys<C>(allowed: readonly string[], handler: ServiceHandler<C>): ServiceHandler<C> {
  return (config, current, data, ctx) => {
    const bad = checkServiceKeys(data, allowed);
    return bad === undefined ? handler(config, current, data, ctx) : { ok: false, error: bad };
  };
}

export const valvePlatform: PlatformDefinition<ValveConfig> = {
  component: "valve",
  isEntity: true,
  schema: valveSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state_topic", topic: config.state_topic }]),
  initialValue: (config) => toValue(config, { opening: false, closing: false, closed: null, position: null }),
  staticAttributes: (config) => ({ supported_features: supportedFeatures(config) }),
  decode,
  services: {
    open_valve: acceptKeys([], openValve),
    close_valve: acceptKeys([], closeValve),
    stop_valve: acceptKeys([], stopValve),
    set_valve_position: acceptKeys(["position"], (config, current, data, ctx) => {
      if (!(supportedFeatures(config) & SET_POSITION)) return unsupported("set_valve_position");
      const position = data.position;
      if (typeof position !== "number" || !Number.isInteger(position) || position < 0 || position > 100) {
        return { ok: false, error: "position must be an integer between 0 and 100" };
      }
      return setPosition(config, current, position, ctx);
    }),
    /** ValveEntity.async_toggle: stop a moving valve, open a closed one, otherwise close. */
    toggle: acceptKeys([], (config, current, data, ctx) => {
      const features = supportedFeatures(config);
      if (!(features & (OPEN | CLOSE))) return unsupported("toggle");
      if (features & STOP && (current.state === "opening" || current.state === "closing")) return stopValve(config, current, data, ctx);
      return current.state === "closed" || current.state === "closing" ? openValve(config, current, data, ctx) : closeValve(config, current, data, ctx);
    }),
  },
  isOptimistic: (config) => config.optimistic || config.state_topic === undefined,
};
