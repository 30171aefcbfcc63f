import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haStringList } from "../discovery/ha-values";
import { checkServiceKeys, pyRound } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceResult } from "./platform";

/**
 * HA's vacuum, state schema (homeassistant/components/mqtt/vacuum.py, StateVacuumEntity in
 * components/vacuum). The legacy schema was removed in HA 2024.2.
 */

/** VacuumEntityFeature */
const FEATURES = {
  pause: 4,
  stop: 8,
  return_home: 16,
  fan_speed: 32,
  battery: 64,
  status: 128,
  send_command: 256,
  locate: 512,
  clean_spot: 1024,
  start: 8192,
} as const;
const STATE = 4096;
type FeatureName = keyof typeof FEATURES;
const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

const POSSIBLE_STATES = ["idle", "docked", "error", "paused", "returning", "cleaning"];

const vacuumSchema = z
  .looseObject({
    command_topic: haPublishTopic.optional(),
    fan_speed_list: haStringList.default([]),
    payload_clean_spot: haString.default("clean_spot"),
    payload_locate: haString.default("locate"),
    payload_pause: haString.default("pause"),
    payload_return_to_base: haString.default("return_to_base"),
    payload_start: haString.default("start"),
    payload_stop: haString.default("stop"),
    retain: haBoolean.default(false),
    schema: z.string().optional(),
    send_command_topic: haPublishTopic.optional(),
    set_fan_speed_topic: haPublishTopic.optional(),
    // HA validates the vacuum state topic as a publish topic (no wildcards).
    state_topic: haPublishTopic.optional(),
    supported_features: z
      .array(z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]]), { error: "supported_features must be a list of vacuum features" })
      .default(["start", "stop", "return_home", "battery", "clean_spot"]),
  })
  .superRefine((c, ctx) => {
    const schema = c.schema?.toLowerCase();
    if (schema === "legacy") ctx.addIssue({ code: "custom", message: "The support for the `legacy` MQTT vacuum schema has been removed" });
    else if (schema !== undefined && schema !== "state") ctx.addIssue({ code: "custom", message: `invalid vacuum schema '${c.schema}'` });
  });

export type VacuumConfig = z.output<typeof vacuumSchema>;

function features(c: VacuumConfig): number {
  return c.supported_features.reduce((f, name) => f | FEATURES[name], STATE);
}

/** HA's icon_for_battery_level (charging while docked). */
function batteryIcon(level: number | null, charging: boolean): string {
  if (level === null) return "mdi:battery-unknown";
  if (charging && level > 10) return `mdi:battery-charging-${pyRound(level / 20 - 0.01) * 20}`;
  if (charging) return "mdi:battery-outline";
  if (level <= 5) return "mdi:battery-alert";
  if (level > 5 && level < 95) return `mdi:battery-${pyRound(level / 10 - 0.01) * 10}`;
  return "mdi:battery";
}

/** StateVacuumEntity.state_attributes: battery (BATTERY), fan speed (FAN_SPEED). */
function toValue(c: VacuumConfig, state: string | null, fanSpeed: unknown, batteryLevel: number | null): EntityValue {
  const f = features(c);
  const attributes: Record<string, unknown> = {};
  if (f & FEATURES.battery) {
    attributes.battery_level = batteryLevel;
    attributes.battery_icon = batteryIcon(batteryLevel, state === "docked");
  }
  if (f & FEATURES.fan_speed) attributes.fan_speed = fanSpeed;
  return { state, attributes };
}

/**
 * The state topic carries a JSON object: `state` (one of HA's vacuum states, or null) plus other
 * keys merged into what the vacuum reported before; fan_speed and battery_level default to 0.
 */
function decode(c: VacuumConfig, _role: string, message: MqttMessageView, current: EntityValue): DecodeResult {
  const json = message.json;
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { kind: "reject", reason: "vacuum state payload is not a JSON object" };
  const payload = { ...(json as Record<string, unknown>) };
  let state = current.state;
  if ("state" in payload && (payload.state === null || (typeof payload.state === "string" && POSSIBLE_STATES.includes(payload.state)))) {
    state = typeof payload.state === "string" && payload.state !== "" ? payload.state : null;
    delete payload.state;
  }
  const before = current.attributes;
  const fanSpeed = "fan_speed" in payload ? payload.fan_speed : (before.fan_speed ?? 0);
  const battery = "battery_level" in payload ? payload.battery_level : (before.battery_level ?? 0);
  if (typeof battery !== "number") return { kind: "reject", reason: `battery_level must be a number, got ${JSON.stringify(battery)}` };
  return { kind: "update", value: toValue(c, state, fanSpeed, Math.max(0, Math.min(100, battery))) };
}

function requireFeature(c: VacuumConfig, name: FeatureName): ServiceResult | undefined {
  return features(c) & FEATURES[name] ? undefined : { ok: false, error: `this vacuum does not support ${name}` };
}

/** A command on command_topic; without a command_topic HA publishes nothing. */
function command(feature: FeatureName, payloadKey: "payload_start" | "payload_pause" | "payload_stop" | "payload_return_to_base" | "payload_clean_spot" | "payload_locate") {
  return (c: VacuumConfig, _current: EntityValue, data: ServiceData): ServiceResult => {
    const bad = checkServiceKeys(data, []);
    if (bad !== undefined) return { ok: false, error: bad };
    const missing = requireFeature(c, feature);
    if (missing) return missing;
    return { ok: true, publishes: c.command_topic === undefined ? [] : [{ topic: c.command_topic, payload: c[payloadKey] }] };
  };
}

function setFanSpeed(c: VacuumConfig, _current: EntityValue, data: ServiceData): ServiceResult {
  const missing = requireFeature(c, "fan_speed");
  if (missing) return missing;
  const speed = data.fan_speed;
  if (typeof speed !== "string") return { ok: false, error: "fan_speed must be a string" };
  // HA publishes nothing for a speed outside fan_speed_list or without set_fan_speed_topic.
  if (c.set_fan_speed_topic === undefined || !c.fan_speed_list.includes(speed)) return { ok: true, publishes: [] };
  return { ok: true, publishes: [{ topic: c.set_fan_speed_topic, payload: speed }] };
}

/** send_command: a dict of params becomes JSON {"command": ..., ...params}; otherwise the command alone. */
function sendCommand(c: VacuumConfig, _current: EntityValue, data: ServiceData): ServiceResult {
  const missing = requireFeature(c, "send_command");
  if (missing) return missing;
  const cmd = data.command;
  if (typeof cmd !== "string" && typeof cmd !== "number") return { ok: false, error: "command must be a string" };
  if (c.send_command_topic === undefined) return { ok: true, publishes: [] };
  const params = data.params;
  const payload = typeof params === "object" && params !== null && !Array.isArray(params) ? JSON.stringify({ command: String(cmd), ...params }) : String(cmd);
  return { ok: true, publishes: [{ topic: c.send_command_topic, payload }] };
}

export const vacuumPlatform: PlatformDefinition<VacuumConfig> = {
  component: "vacuum",
  isEntity: true,
  schema: vacuumSchema,
  stateTopics: (c) => (c.state_topic === undefined ? [] : [{ role: "state_topic", topic: c.state_topic }]),
  initialValue: (c) => toValue(c, null, null, null),
  staticAttributes: (c) => ({ ...(features(c) & FEATURES.fan_speed ? { fan_speed_list: c.fan_speed_list } : {}), supported_features: features(c) }),
  decode: (c, role, message, current, _ctx: PlatformContext) => decode(c, role, message, current),
  services: {
    start: command("start", "payload_start"),
    pause: command("pause", "payload_pause"),
    stop: command("stop", "payload_stop"),
    return_to_base: command("return_home", "payload_return_to_base"),
    clean_spot: command("clean_spot", "payload_clean_spot"),
    locate: command("locate", "payload_locate"),
    set_fan_speed: setFanSpeed,
    send_command: sendCommand,
  },
  isOptimistic: () => false,
};
