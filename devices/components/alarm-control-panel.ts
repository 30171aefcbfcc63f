import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haSubscribeTopic, haTemplate, pythonStr } from "../discovery/ha-values";
import { checkServiceKeys, renderCommand, renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceResult } from "./platform";

/**
 * HA's alarm control panel (homeassistant/components/mqtt/alarm_control_panel.py,
 * AlarmControlPanelEntity in components/alarm_control_panel).
 */

/** AlarmControlPanelEntityFeature, by the names discovery uses in `supported_features`. */
const FEATURES = { arm_home: 1, arm_away: 2, arm_night: 4, trigger: 8, arm_custom_bypass: 16, arm_vacation: 32 } as const;
type FeatureName = keyof typeof FEATURES;
const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

const STATES = ["disarmed", "armed_home", "armed_away", "armed_night", "armed_vacation", "armed_custom_bypass", "pending", "arming", "disarming", "triggered"];

/** `code` values that mean "the device checks the code": any non-empty code passes. */
const REMOTE_CODE = "REMOTE_CODE";
const REMOTE_CODE_TEXT = "REMOTE_CODE_TEXT";

const alarmSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  state_topic: requiredKey("state_topic", haSubscribeTopic),
  value_template: haTemplate.optional(),
  command_template: haTemplate.optional(),
  code: haString.optional(),
  code_arm_required: haBoolean.default(true),
  code_disarm_required: haBoolean.default(true),
  code_trigger_required: haBoolean.default(true),
  payload_arm_away: haString.default("ARM_AWAY"),
  payload_arm_custom_bypass: haString.default("ARM_CUSTOM_BYPASS"),
  payload_arm_home: haString.default("ARM_HOME"),
  payload_arm_night: haString.default("ARM_NIGHT"),
  payload_arm_vacation: haString.default("ARM_VACATION"),
  payload_disarm: haString.default("DISARM"),
  payload_trigger: haString.default("TRIGGER"),
  supported_features: z
    .array(z.enum(FEATURE_NAMES as [FeatureName, ...FeatureName[]]), { error: "supported_features must be a list of alarm features" })
    .default(FEATURE_NAMES),
});

export type AlarmControlPanelConfig = z.output<typeof alarmSchema>;

function features(c: AlarmControlPanelConfig): number {
  return c.supported_features.reduce((f, name) => f | FEATURES[name], 0);
}

/** "number" for digits (or REMOTE_CODE), "text" otherwise, null without a code. */
function codeFormat(c: AlarmControlPanelConfig): "number" | "text" | null {
  if (c.code === undefined) return null;
  return c.code === REMOTE_CODE || /^\d+$/.test(c.code) ? "number" : "text";
}

function decode(_c: AlarmControlPanelConfig, _role: string, message: MqttMessageView, _current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "value_template", message);
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload.trim() === "") return { kind: "ignore", reason: "empty state payload" };
  if (payload === "None") return { kind: "update", value: { state: null, attributes: {} } };
  if (!STATES.includes(payload)) return { kind: "ignore", reason: `unexpected payload '${payload}'` };
  return { kind: "update", value: { state: payload, attributes: {} } };
}

type Action = "disarm" | "arm_home" | "arm_away" | "arm_night" | "arm_vacation" | "arm_custom_bypass" | "trigger";

/** MqttAlarm._validate_code: no configured code, the code itself, or any code for REMOTE_CODE(_TEXT). */
function validCode(c: AlarmControlPanelConfig, code: string | null): boolean {
  return c.code === undefined || code === c.code || ((c.code === REMOTE_CODE || c.code === REMOTE_CODE_TEXT) && Boolean(code));
}

const ACTION_TEXT: Record<Action, string> = {
  disarm: "disarming",
  arm_home: "arming home",
  arm_away: "arming away",
  arm_night: "arming night",
  arm_vacation: "arming vacation",
  arm_custom_bypass: "arming custom bypass",
  trigger: "triggering",
};

function service(action: Action) {
  return (c: AlarmControlPanelConfig, _current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult => {
    const bad = checkServiceKeys(data, ["code"]);
    if (bad !== undefined) return { ok: false, error: bad };
    if (action !== "disarm" && !(features(c) & FEATURES[action])) return { ok: false, error: `this alarm control panel does not support alarm_${action}` };
    const code = data.code === undefined || data.code === null || data.code === "" ? null : pythonStr(data.code);
    // AlarmControlPanelEntity.check_code_arm_required (HA raises this even when no code is configured).
    if (action.startsWith("arm_") && code === null && c.code_arm_required) return { ok: false, error: "Arming requires a code but none was given" };
    const required = action === "disarm" ? c.code_disarm_required : action === "trigger" ? c.code_trigger_required : c.code_arm_required;
    if (required && !validCode(c, code)) return { ok: false, error: `Wrong code entered for ${ACTION_TEXT[action]}` };
    const actionPayload = c[`payload_${action}`];
    // HA's default command_template is "{{action}}".
    const payload = renderCommand(ctx, "command_template", null, { action: actionPayload, code }, actionPayload);
    if (!payload.ok) return payload;
    return { ok: true, publishes: [{ topic: c.command_topic, payload: payload.payload }] };
  };
}

export const alarmControlPanelPlatform: PlatformDefinition<AlarmControlPanelConfig> = {
  component: "alarm_control_panel",
  isEntity: true,
  schema: alarmSchema,
  stateTopics: (c) => [{ role: "state_topic", topic: c.state_topic }],
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: (c) => ({ code_format: codeFormat(c), changed_by: null, code_arm_required: c.code_arm_required, supported_features: features(c) }),
  decode,
  services: {
    alarm_disarm: service("disarm"),
    alarm_arm_home: service("arm_home"),
    alarm_arm_away: service("arm_away"),
    alarm_arm_night: service("arm_night"),
    alarm_arm_vacation: service("arm_vacation"),
    alarm_arm_custom_bypass: service("arm_custom_bypass"),
    alarm_trigger: service("trigger"),
  },
  isOptimistic: () => false,
};
