import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, ignore, published, renderCommand, renderValue, requiredKey, serviceError, UNKNOWN, update } from "./mqtt-payload";
import type { EntityValue, PlatformContext, PlatformDefinition, ServiceResult } from "./platform";

export const switchSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  command_template: haTemplate.optional(),
  state_topic: haSubscribeTopic.optional(),
  value_template: haTemplate.optional(),
  payload_on: haString.default("ON"),
  payload_off: haString.default("OFF"),
  state_on: haString.optional(),
  state_off: haString.optional(),
  optimistic: haBoolean.default(false),
});

export type SwitchConfig = z.output<typeof switchSchema>;

function isOptimistic(config: SwitchConfig): boolean {
  return config.optimistic || config.state_topic === undefined;
}

function send(config: SwitchConfig, current: EntityValue, ctx: PlatformContext, on: boolean): ServiceResult {
  const rendered = renderCommand(ctx, "command_template", on ? config.payload_on : config.payload_off);
  if (!rendered.ok) return serviceError(rendered.error);
  const optimistic = isOptimistic(config) ? { state: on ? "on" : "off", attributes: { ...current.attributes } } : undefined;
  return published(config.command_topic, rendered.payload, optimistic);
}

export const switchPlatform: PlatformDefinition<SwitchConfig> = {
  component: "switch",
  isEntity: true,
  schema: switchSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state", topic: config.state_topic }]),
  initialValue: () => UNKNOWN,
  staticAttributes: () => ({}),
  decode(config, _role, message, current, ctx) {
    const rendered = renderValue(ctx, "value_template", message);
    if (!rendered.ok) return rendered.result;
    const payload = rendered.value;
    // state_on/state_off default to payload_on/payload_off (an empty string counts as unset).
    const stateOn = config.state_on || config.payload_on;
    const stateOff = config.state_off || config.payload_off;
    if (payload === stateOn) return update({ state: "on", attributes: { ...current.attributes } });
    if (payload === stateOff) return update({ state: "off", attributes: { ...current.attributes } });
    if (payload === "None") return update({ state: null, attributes: { ...current.attributes } });
    return ignore(`'${payload}' matches neither state_on '${stateOn}' nor state_off '${stateOff}'`);
  },
  services: {
    turn_on(config, current, data, ctx) {
      const bad = checkServiceKeys(data, []);
      return bad === undefined ? send(config, current, ctx, true) : serviceError(bad);
    },
    turn_off(config, current, data, ctx) {
      const bad = checkServiceKeys(data, []);
      return bad === undefined ? send(config, current, ctx, false) : serviceError(bad);
    },
    toggle(config, current, data, ctx) {
      const bad = checkServiceKeys(data, []);
      return bad === undefined ? send(config, current, ctx, current.state !== "on") : serviceError(bad);
    },
  },
  isOptimistic,
};
