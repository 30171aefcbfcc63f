import { z } from "zod";
import { haBoolean, haInt, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import {
  checkServiceKeys,
  haNullableString,
  ignore,
  pyRound,
  renderCommand,
  renderValue,
  serviceError,
  toPythonFloat,
  UNKNOWN,
  update,
} from "./mqtt-payload";
import type { DecodeResult, EntityValue, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** A Python int in the config (voluptuous `int`): integral numbers only. */
const pyInt = z.number({ error: "expected int" }).int("expected int");

export const coverSchema = z
  .looseObject({
    command_topic: haPublishTopic.optional(),
    state_topic: haSubscribeTopic.optional(),
    value_template: haTemplate.optional(),
    position_topic: haSubscribeTopic.optional(),
    position_template: haTemplate.optional(),
    set_position_topic: haPublishTopic.optional(),
    set_position_template: haTemplate.optional(),
    tilt_command_topic: haPublishTopic.optional(),
    tilt_command_template: haTemplate.optional(),
    tilt_status_topic: haSubscribeTopic.optional(),
    tilt_status_template: haTemplate.optional(),
    // null switches the command (and its feature) off.
    payload_open: haNullableString.default("OPEN"),
    payload_close: haNullableString.default("CLOSE"),
    payload_stop: haNullableString.default("STOP"),
    payload_stop_tilt: haNullableString.default("STOP"),
    state_open: haString.default("open"),
    state_opening: haString.default("opening"),
    state_closed: haString.default("closed"),
    state_closing: haString.default("closing"),
    state_stopped: haString.default("stopped"),
    position_open: pyInt.default(100),
    position_closed: pyInt.default(0),
    tilt_min: pyInt.default(0),
    tilt_max: pyInt.default(100),
    tilt_opened_value: pyInt.default(100),
    tilt_closed_value: pyInt.default(0),
    tilt_optimistic: haBoolean.default(false),
    optimistic: haBoolean.default(false),
  })
  .superRefine((c, ctx) => {
    // validate_options: a template or a set-topic needs its companion topic.
    const pairs: Array<[string, unknown, string, unknown, string]> = [
      ["set_position_topic", c.set_position_topic, "position_topic", c.position_topic, "'set_position_topic' must be set together with 'position_topic'."],
      ["value_template", c.value_template, "state_topic", c.state_topic, "'value_template' must be set together with 'state_topic'."],
      ["position_template", c.position_template, "position_topic", c.position_topic, "'position_template' must be set together with 'position_topic'."],
      [
        "set_position_template",
        c.set_position_template,
        "set_position_topic",
        c.set_position_topic,
        "'set_position_template' must be set together with 'set_position_topic'.",
      ],
      [
        "tilt_command_template",
        c.tilt_command_template,
        "tilt_command_topic",
        c.tilt_command_topic,
        "'tilt_command_template' must be set together with 'tilt_command_topic'.",
      ],
      [
        "tilt_status_template",
        c.tilt_status_template,
        "tilt_status_topic",
        c.tilt_status_topic,
        "'tilt_status_template' must be set together with 'tilt_status_topic'.",
      ],
    ];
    for (const [, value, , companion, message] of pairs) {
      if (value !== undefined && companion === undefined) ctx.addIssue({ code: "custom", message });
    }
  });

export type CoverConfig = z.output<typeof coverSchema>;

/** CoverEntityFeature bits. */
const FEATURE = { open: 1, close: 2, setPosition: 4, stop: 8, openTilt: 16, closeTilt: 32, stopTilt: 64, setTiltPosition: 128 } as const;

function supportedFeatures(config: CoverConfig): number {
  let features = 0;
  if (config.command_topic !== undefined) {
    if (config.payload_open !== null) features |= FEATURE.open;
    if (config.payload_close !== null) features |= FEATURE.close;
    if (config.payload_stop !== null) features |= FEATURE.stop;
  }
  if (config.set_position_topic !== undefined) features |= FEATURE.setPosition;
  if (config.tilt_command_topic !== undefined) {
    features |= FEATURE.openTilt | FEATURE.closeTilt | FEATURE.setTiltPosition;
    if (config.payload_stop_tilt !== null) features |= FEATURE.stopTilt;
  }
  return features;
}

/** HA's _optimistic: forced, or every configured part (state, position, tilt) lacks its state topic. */
function isOptimistic(c: CoverConfig): boolean {
  const noPosition = c.set_position_topic === undefined && c.position_topic === undefined;
  const noState = c.command_topic === undefined && c.state_topic === undefined;
  const noTilt = c.tilt_command_topic === undefined && c.tilt_status_topic === undefined;
  const optimisticPosition = c.set_position_topic !== undefined && c.position_topic === undefined;
  const optimisticState = c.command_topic !== undefined && c.state_topic === undefined;
  const optimisticTilt = c.tilt_command_topic !== undefined && c.tilt_status_topic === undefined;
  return c.optimistic || ((noPosition || optimisticPosition) && (noState || optimisticState) && (noTilt || optimisticTilt));
}

function isTiltOptimistic(c: CoverConfig): boolean {
  return c.tilt_optimistic || c.tilt_status_topic === undefined;
}

type Range = readonly [number, number];

const positionRange = (c: CoverConfig): Range => [c.position_closed + 1, c.position_open];
const tiltRange = (c: CoverConfig): Range => [c.tilt_min + 1, c.tilt_max];

/** util.percentage.ranged_value_to_percentage (integer floor division, ranges may be inverted). */
function rangedValueToPercentage([low, high]: Range, value: number): number {
  return Math.trunc(Math.floor(((value - (low - 1)) * 100) / (high - low + 1)));
}

/** util.percentage.percentage_to_ranged_value. */
function percentageToRangedValue([low, high]: Range, percentage: number): number {
  return (percentage * (high - low + 1)) / 100 + (low - 1);
}

function templateVariables(c: CoverConfig): Record<string, number> {
  return { position_open: c.position_open, position_closed: c.position_closed, tilt_min: c.tilt_min, tilt_max: c.tilt_max };
}

function withCover(current: EntityValue, state: string | null, changes: Record<string, unknown> = {}): EntityValue {
  return { state, attributes: { ...current.attributes, ...changes } };
}

function currentPosition(current: EntityValue): number | undefined {
  const p = current.attributes.current_position;
  return typeof p === "number" ? p : undefined;
}

function currentTilt(current: EntityValue): number | undefined {
  const p = current.attributes.current_tilt_position;
  return typeof p === "number" ? p : undefined;
}

/** tilt_payload_received: round(float(payload)) inside [tilt_min, tilt_max] (either order) → percentage. */
function tiltPercentage(config: CoverConfig, raw: unknown): number | string {
  const f = toPythonFloat(raw);
  if (f === undefined) return `tilt payload '${String(raw)}' is not numeric`;
  const value = pyRound(f);
  const { tilt_min: min, tilt_max: max } = config;
  if ((min <= value && value <= max) || (max <= value && value <= min)) return rangedValueToPercentage(tiltRange(config), value);
  return `tilt payload '${value}' is out of range, must be between '${min}' and '${max}' inclusive`;
}

function decodeState(config: CoverConfig, payload: string, current: EntityValue): DecodeResult {
  if (payload === "") return ignore("empty state");
  let state: string | null;
  if (payload === config.state_stopped) {
    // A stopped cover is closed if it rests at the closed position, else open.
    if (config.position_topic !== undefined) state = currentPosition(current) === 0 ? "closed" : "open";
    else state = current.state === "closed" || current.state === "closing" ? "closed" : "open";
  } else if (payload === config.state_opening) state = "opening";
  else if (payload === config.state_closing) state = "closing";
  else if (payload === config.state_open) state = "open";
  else if (payload === config.state_closed) state = "closed";
  else if (payload === "None") state = null;
  else return ignore(`payload '${payload}' is not supported (e.g. open, closed, opening, closing, stopped)`);
  return update(withCover(current, state));
}

function decodePosition(config: CoverConfig, payload: string, current: EntityValue): DecodeResult {
  if (payload === "") return ignore("empty position");
  let raw: unknown = payload;
  let tilt: number | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  // A position_template may return {"position": .., "tilt_position": ..}.
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.keys(parsed).length > 0) {
    const dict = parsed as Record<string, unknown>;
    if (!("position" in dict)) return ignore("position_template returned JSON without position attribute");
    if ("tilt_position" in dict) {
      const t = tiltPercentage(config, dict.tilt_position);
      if (typeof t === "number") tilt = t;
    }
    raw = dict.position;
  }
  const f = toPythonFloat(raw);
  if (f === undefined) return ignore(`position payload '${String(raw)}' is not numeric`);
  const position = Math.min(100, Math.max(0, rangedValueToPercentage(positionRange(config), f)));
  const changes: Record<string, unknown> = { current_position: position };
  if (tilt !== undefined) changes.current_tilt_position = tilt;
  const state = config.state_topic === undefined ? (position === 0 ? "closed" : "open") : current.state;
  return update(withCover(current, state, changes));
}

function decodeTilt(config: CoverConfig, payload: string, current: EntityValue): DecodeResult {
  if (payload === "") return ignore("empty tilt");
  const t = tiltPercentage(config, payload);
  if (typeof t === "string") return ignore(t);
  return update(withCover(current, current.state, { current_tilt_position: t }));
}

function requireFeature(config: CoverConfig, feature: number, data: ServiceData, allowed: readonly string[]): string | undefined {
  if ((supportedFeatures(config) & feature) === 0) return "the cover does not support this service";
  return checkServiceKeys(data, allowed);
}

function publishCommand(
  config: CoverConfig,
  current: EntityValue,
  payload: string | null,
  optimistic: { state: string; position: number } | undefined,
): ServiceResult {
  const topic = config.command_topic;
  if (topic === undefined || payload === null) return serviceError("the cover does not support this service");
  if (!optimistic || !isOptimistic(config)) return { ok: true, publishes: [{ topic, payload }] };
  const changes = config.position_topic !== undefined ? { current_position: optimistic.position } : {};
  return { ok: true, publishes: [{ topic, payload }], optimistic: withCover(current, optimistic.state, changes) };
}

const openCover: ServiceHandler<CoverConfig> = (config, current, data) => {
  const bad = requireFeature(config, FEATURE.open, data, []);
  return bad !== undefined ? serviceError(bad) : publishCommand(config, current, config.payload_open, { state: "open", position: 100 });
};

const closeCover: ServiceHandler<CoverConfig> = (config, current, data) => {
  const bad = requireFeature(config, FEATURE.close, data, []);
  return bad !== undefined ? serviceError(bad) : publishCommand(config, current, config.payload_close, { state: "closed", position: 0 });
};

const stopCover: ServiceHandler<CoverConfig> = (config, current, data) => {
  const bad = requireFeature(config, FEATURE.stop, data, []);
  return bad !== undefined ? serviceError(bad) : publishCommand(config, current, config.payload_stop, undefined);
};

function sendTilt(config: CoverConfig, current: EntityValue, ctx: PlatformContext, value: number, tiltPosition: number, percentage: number): ServiceResult {
  const topic = config.tilt_command_topic;
  if (topic === undefined) return serviceError("the cover does not support this service");
  const rendered = renderCommand(ctx, "tilt_command_template", value, { ...templateVariables(config), tilt_position: tiltPosition });
  if (!rendered.ok) return serviceError(rendered.error);
  const publishes = [{ topic, payload: rendered.payload }];
  if (!isTiltOptimistic(config)) return { ok: true, publishes };
  return { ok: true, publishes, optimistic: withCover(current, current.state, { current_tilt_position: percentage }) };
}

const openCoverTilt: ServiceHandler<CoverConfig> = (config, current, data, ctx) => {
  const bad = requireFeature(config, FEATURE.openTilt, data, []);
  if (bad !== undefined) return serviceError(bad);
  const value = config.tilt_opened_value;
  return sendTilt(config, current, ctx, value, value, rangedValueToPercentage(tiltRange(config), value));
};

const closeCoverTilt: ServiceHandler<CoverConfig> = (config, current, data, ctx) => {
  const bad = requireFeature(config, FEATURE.closeTilt, data, []);
  if (bad !== undefined) return serviceError(bad);
  const value = config.tilt_closed_value;
  return sendTilt(config, current, ctx, value, value, rangedValueToPercentage(tiltRange(config), value));
};

/** cover service fields: vol.All(vol.Coerce(int), vol.Range(min=0, max=100)). */
function percentField(data: ServiceData, key: string): number | string {
  if (data[key] === undefined) return `required key '${key}' missing`;
  const parsed = haInt.safeParse(data[key]);
  if (!parsed.success || parsed.data < 0 || parsed.data > 100) return `value must be an integer between 0 and 100 for dictionary value @ data['${key}']`;
  return parsed.data;
}

export const coverPlatform: PlatformDefinition<CoverConfig> = {
  component: "cover",
  isEntity: true,
  schema: coverSchema,
  stateTopics(config) {
    const topics = [];
    if (config.state_topic !== undefined) topics.push({ role: "state", topic: config.state_topic });
    if (config.position_topic !== undefined) topics.push({ role: "position", topic: config.position_topic });
    if (config.tilt_status_topic !== undefined) topics.push({ role: "tilt", topic: config.tilt_status_topic });
    return topics;
  },
  initialValue: () => UNKNOWN,
  staticAttributes: (config) => ({ supported_features: supportedFeatures(config) }),
  decode(config, role, message, current, ctx) {
    switch (role) {
      case "state": {
        const rendered = renderValue(ctx, "value_template", message);
        return rendered.ok ? decodeState(config, rendered.value, current) : rendered.result;
      }
      case "position": {
        const rendered = renderValue(ctx, "position_template", message, templateVariables(config));
        return rendered.ok ? decodePosition(config, rendered.value, current) : rendered.result;
      }
      case "tilt": {
        const rendered = renderValue(ctx, "tilt_status_template", message, templateVariables(config));
        return rendered.ok ? decodeTilt(config, rendered.value, current) : rendered.result;
      }
      default:
        return ignore(`unknown role '${role}'`);
    }
  },
  services: {
    open_cover: openCover,
    close_cover: closeCover,
    stop_cover: stopCover,
    toggle(config, current, data, ctx) {
      // CoverEntity._get_toggle_function
      const features = supportedFeatures(config);
      const moving = current.state === "opening" || current.state === "closing";
      if ((features & FEATURE.stop) !== 0 && moving) return stopCover(config, current, data, ctx);
      if (current.state === "closed" || current.state === "closing") return openCover(config, current, data, ctx);
      return closeCover(config, current, data, ctx);
    },
    set_cover_position(config, current, data, ctx) {
      const bad = requireFeature(config, FEATURE.setPosition, data, ["position"]);
      if (bad !== undefined) return serviceError(bad);
      const percentage = percentField(data, "position");
      if (typeof percentage === "string") return serviceError(percentage);
      const topic = config.set_position_topic;
      if (topic === undefined) return serviceError("the cover does not support this service");
      const ranged = pyRound(percentageToRangedValue(positionRange(config), percentage));
      const rendered = renderCommand(ctx, "set_position_template", ranged, { ...templateVariables(config), position: percentage });
      if (!rendered.ok) return serviceError(rendered.error);
      const publishes = [{ topic, payload: rendered.payload }];
      if (!isOptimistic(config)) return { ok: true, publishes };
      const state = percentage <= config.position_closed ? "closed" : "open";
      return { ok: true, publishes, optimistic: withCover(current, state, { current_position: percentage }) };
    },
    open_cover_tilt: openCoverTilt,
    close_cover_tilt: closeCoverTilt,
    stop_cover_tilt(config, _current, data) {
      const bad = requireFeature(config, FEATURE.stopTilt, data, []);
      if (bad !== undefined) return serviceError(bad);
      if (config.tilt_command_topic === undefined || config.payload_stop_tilt === null) return serviceError("the cover does not support this service");
      return { ok: true, publishes: [{ topic: config.tilt_command_topic, payload: config.payload_stop_tilt }] };
    },
    set_cover_tilt_position(config, current, data, ctx) {
      const bad = requireFeature(config, FEATURE.setTiltPosition, data, ["tilt_position"]);
      if (bad !== undefined) return serviceError(bad);
      const percentage = percentField(data, "tilt_position");
      if (typeof percentage === "string") return serviceError(percentage);
      const ranged = pyRound(percentageToRangedValue(tiltRange(config), percentage));
      return sendTilt(config, current, ctx, ranged, percentage, percentage);
    },
    toggle_cover_tilt(config, current, data, ctx) {
      const tilt = currentTilt(current);
      const closedPercentage = rangedValueToPercentage(tiltRange(config), config.tilt_closed_value);
      if (tilt !== undefined && tilt <= closedPercentage) return openCoverTilt(config, current, data, ctx);
      return closeCoverTilt(config, current, data, ctx);
    },
  },
  isOptimistic,
};
