import { z } from "zod";
import { haBoolean, haPublishTopic, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, renderCommand, renderValue } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceResult } from "./platform";

/** HA's lawn mower (homeassistant/components/mqtt/lawn_mower.py, LawnMowerEntity in components/lawn_mower). */

const lawnMowerSchema = z.looseObject({
  activity_state_topic: haSubscribeTopic.optional(),
  activity_value_template: haTemplate.optional(),
  dock_command_template: haTemplate.optional(),
  dock_command_topic: haPublishTopic.optional(),
  optimistic: haBoolean.default(false),
  pause_command_template: haTemplate.optional(),
  pause_command_topic: haPublishTopic.optional(),
  start_mowing_command_template: haTemplate.optional(),
  start_mowing_command_topic: haPublishTopic.optional(),
});

export type LawnMowerConfig = z.output<typeof lawnMowerSchema>;

/** LawnMowerActivity */
const ACTIVITIES = ["error", "paused", "mowing", "docked", "returning"];

/** LawnMowerEntityFeature */
const START_MOWING = 1;
const PAUSE = 2;
const DOCK = 4;

function features(c: LawnMowerConfig): number {
  return (c.start_mowing_command_topic !== undefined ? START_MOWING : 0) | (c.pause_command_topic !== undefined ? PAUSE : 0) | (c.dock_command_topic !== undefined ? DOCK : 0);
}

function isOptimistic(c: LawnMowerConfig): boolean {
  return c.optimistic || c.activity_state_topic === undefined;
}

function decode(_c: LawnMowerConfig, _role: string, message: MqttMessageView, _current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "activity_value_template", message);
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload === "") return { kind: "ignore", reason: "empty activity payload" };
  if (payload.toLowerCase() === "none") return { kind: "update", value: { state: null, attributes: {} } };
  if (!ACTIVITIES.includes(payload)) return { kind: "ignore", reason: `invalid activity '${payload}' (valid activities: ${ACTIVITIES.join(", ")})` };
  return { kind: "update", value: { state: payload, attributes: {} } };
}

/** The command's payload is the option name ("start_mowing", "pause", "dock"), through its template. */
function operate(option: "start_mowing" | "pause" | "dock", feature: number, activity: string) {
  return (c: LawnMowerConfig, _current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult => {
    const bad = checkServiceKeys(data, []);
    if (bad !== undefined) return { ok: false, error: bad };
    const topic = c[`${option}_command_topic`];
    if (!(features(c) & feature) || topic === undefined) return { ok: false, error: `this lawn mower does not support ${option}` };
    const payload = renderCommand(ctx, `${option}_command_template`, option);
    if (!payload.ok) return payload;
    return { ok: true, publishes: [{ topic, payload: payload.payload }], optimistic: { state: activity, attributes: {} } };
  };
}

export const lawnMowerPlatform: PlatformDefinition<LawnMowerConfig> = {
  component: "lawn_mower",
  isEntity: true,
  schema: lawnMowerSchema,
  stateTopics: (c) => (c.activity_state_topic === undefined ? [] : [{ role: "activity_state_topic", topic: c.activity_state_topic }]),
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: (c) => ({ supported_features: features(c) }),
  decode,
  services: {
    start_mowing: operate("start_mowing", START_MOWING, "mowing"),
    pause: operate("pause", PAUSE, "paused"),
    dock: operate("dock", DOCK, "docked"),
  },
  isOptimistic,
};
