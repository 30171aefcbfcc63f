import { z } from "zod";
import { haBoolean, haPositiveInt, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { ignore, renderValue, requiredKey, UNKNOWN } from "./mqtt-payload";
import type { EntityValue, PlatformDefinition } from "./platform";

export const binarySensorSchema = z.looseObject({
  state_topic: requiredKey("state_topic", haSubscribeTopic),
  value_template: haTemplate.optional(),
  // cv.string: Z2M's `"payload_on": true` becomes "True", which is what its template renders.
  payload_on: haString.default("ON"),
  payload_off: haString.default("OFF"),
  off_delay: haPositiveInt.optional(),
  force_update: haBoolean.default(false),
});

export type BinarySensorConfig = z.output<typeof binarySensorSchema>;

function value(current: EntityValue, state: "on" | "off" | null): EntityValue {
  return { state, attributes: { ...current.attributes } };
}

export const binarySensorPlatform: PlatformDefinition<BinarySensorConfig> = {
  component: "binary_sensor",
  isEntity: true,
  schema: binarySensorSchema,
  stateTopics: (config) => [{ role: "state", topic: config.state_topic }],
  initialValue: () => UNKNOWN,
  staticAttributes: () => ({}),
  decode(config, _role, message, current, ctx) {
    const rendered = renderValue(ctx, "value_template", message);
    if (!rendered.ok) return rendered.result;
    const payload = rendered.value;
    if (payload.trim() === "") return ignore("empty state");

    let state: "on" | "off" | null;
    if (payload === config.payload_on) state = "on";
    else if (payload === config.payload_off) state = "off";
    else if (payload === "None") state = null;
    else return ignore(`No matching payload found: '${payload}' is neither payload_on '${config.payload_on}' nor payload_off '${config.payload_off}'`);

    const next = value(current, state);
    // off_delay: an "on" falls back to "off" after the delay unless another message comes first.
    if (state === "on" && config.off_delay !== undefined) {
      return { kind: "update", value: next, revertAfter: { ms: config.off_delay * 1000, value: value(current, "off") } };
    }
    return { kind: "update", value: next };
  },
  services: {},
  isOptimistic: () => false,
};
