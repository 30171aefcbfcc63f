import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haSubscribeTopic, haTemplate, pythonStr } from "../discovery/ha-values";
import { checkServiceKeys, renderCommand, renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceHandler, ServiceResult } from "./platform";

/** HA's lock (homeassistant/components/mqtt/lock.py, LockEntity in components/lock). */

/** cv.is_regex: the pattern must compile (JS syntax stands in for Python's `re`). */
const regexPattern = haString.refine((pattern) => {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}, "code_format is not a valid regular expression");

const lockSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  command_template: haTemplate.optional(),
  state_topic: haSubscribeTopic.optional(),
  value_template: haTemplate.optional(),
  code_format: regexPattern.optional(),
  optimistic: haBoolean.default(false),
  payload_lock: haString.default("LOCK"),
  payload_unlock: haString.default("UNLOCK"),
  payload_open: haString.optional(),
  payload_reset: haString.default("None"),
  state_jammed: haString.default("JAMMED"),
  state_locked: haString.default("LOCKED"),
  state_locking: haString.default("LOCKING"),
  state_open: haString.default("OPEN"),
  state_opening: haString.default("OPENING"),
  state_unlocked: haString.default("UNLOCKED"),
  state_unlocking: haString.default("UNLOCKING"),
});

export type LockConfig = z.output<typeof lockSchema>;

/** LockEntityFeature.OPEN */
const FEATURE_OPEN = 1;

/**
 * The HA state for a payload, with LockEntity.state's precedence when several configured state
 * strings are equal (jammed > opening > locking > open > unlocking > locked/unlocked).
 */
function lockStateFor(config: LockConfig, payload: string): string | undefined {
  const order: Array<[string, string]> = [
    [config.state_jammed, "jammed"],
    [config.state_opening, "opening"],
    [config.state_locking, "locking"],
    [config.state_open, "open"],
    [config.state_unlocking, "unlocking"],
    [config.state_locked, "locked"],
    [config.state_unlocked, "unlocked"],
  ];
  return order.find(([configured]) => configured === payload)?.[1];
}

function decode(config: LockConfig, _role: string, message: MqttMessageView, _current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "value_template", message);
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload.trim() === "") return { kind: "ignore", reason: "empty state payload" };
  if (payload === config.payload_reset) return { kind: "update", value: { state: null, attributes: {} } };
  const state = lockStateFor(config, payload);
  if (state === undefined) return { kind: "ignore", reason: `no matching lock state for '${payload}'` };
  return { kind: "update", value: { state, attributes: {} } };
}

/**
 * LockEntity.add_default_code: an empty code is dropped; with `code_format` the code (or "")
 * must match the whole pattern.
 */
function checkCode(config: LockConfig, data: ServiceData, action: string): { ok: true; code: string | null } | { ok: false; error: string } {
  const raw = data.code;
  const code = raw === undefined || raw === null ? "" : pythonStr(raw);
  if (config.code_format !== undefined && !new RegExp(`^(?:${config.code_format})$`, "u").test(code)) {
    return { ok: false, error: `Code '${code}' for ${action} doesn't match pattern ${config.code_format}` };
  }
  return { ok: true, code: code === "" ? null : code };
}

function command(payloadKey: "payload_lock" | "payload_unlock" | "payload_open", optimisticState: string, action: string) {
  return (config: LockConfig, _current: EntityValue, data: ServiceData, ctx: PlatformContext): ServiceResult => {
    const payload = config[payloadKey];
    if (payload === undefined) return { ok: false, error: "this lock does not support open" };
    const code = checkCode(config, data, action);
    if (!code.ok) return code;
    const out = renderCommand(ctx, "command_template", payload, { code: code.code });
    if (!out.ok) return out;
    return {
      ok: true,
      publishes: [{ topic: config.command_topic, payload: out.payload }],
      optimistic: { state: optimisticState, attributes: {} },
    };
  };
}

/** HA's entity service schemas refuse keys they do not know. */
function acceptKeys<C>(allowed: readonly string[], handler: ServiceHandler<C>): ServiceHandler<C> {
  return (config, current, data, ctx) => {
    const bad = checkServiceKeys(data, allowed);
    return bad === undefined ? handler(config, current, data, ctx) : { ok: false, error: bad };
  };
}

export const lockPlatform: PlatformDefinition<LockConfig> = {
  component: "lock",
  isEntity: true,
  schema: lockSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state_topic", topic: config.state_topic }]),
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: (config) => ({
    ...(config.code_format === undefined ? {} : { code_format: config.code_format }),
    supported_features: config.payload_open === undefined ? 0 : FEATURE_OPEN,
  }),
  decode,
  services: {
    lock: acceptKeys(["code"], command("payload_lock", "locked", "locking")),
    unlock: acceptKeys(["code"], command("payload_unlock", "unlocked", "unlocking")),
    open: acceptKeys(["code"], command("payload_open", "open", "opening")),
  },
  isOptimistic: (config) => config.optimistic || config.state_topic === undefined,
};
