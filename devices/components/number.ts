import { z } from "zod";
import { haBoolean, haFloat, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import {
  checkServiceKeys,
  ignore,
  parsePythonFloat,
  published,
  pythonFloatRepr,
  reject,
  renderCommand,
  renderValue,
  requiredKey,
  serviceError,
  toPythonFloat,
  UNKNOWN,
  update,
} from "./mqtt-payload";
import type { PlatformDefinition } from "./platform";

const NUMBER_MODES = ["auto", "box", "slider"] as const;

export const numberSchema = z
  .looseObject({
    command_topic: requiredKey("command_topic", haPublishTopic),
    command_template: haTemplate.optional(),
    state_topic: haSubscribeTopic.optional(),
    value_template: haTemplate.optional(),
    min: haFloat.default(1),
    max: haFloat.default(100),
    step: haFloat.pipe(z.number().min(1e-3, "step must be at least 0.001")).default(1),
    mode: z.enum(NUMBER_MODES, { error: "mode must be one of auto, box, slider" }).default("auto"),
    payload_reset: haString.default("None"),
    unit_of_measurement: haString.nullable().optional(),
    optimistic: haBoolean.default(false),
  })
  .superRefine((c, ctx) => {
    if (c.max <= c.min) ctx.addIssue({ code: "custom", message: "'max' must be > 'min'" });
  });

export type NumberConfig = z.output<typeof numberSchema>;

function isOptimistic(config: NumberConfig): boolean {
  return config.optimistic || config.state_topic === undefined;
}

/** HA's state string of a number: ints as "57", floats as Python prints them ("-2.0", "21.5"). */
function numberState(value: number, isInt: boolean): string {
  return isInt ? String(value) : pythonFloatRepr(value);
}

export const numberPlatform: PlatformDefinition<NumberConfig> = {
  component: "number",
  isEntity: true,
  schema: numberSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state", topic: config.state_topic }]),
  initialValue: () => UNKNOWN,
  staticAttributes(config) {
    const attributes: Record<string, unknown> = { min: config.min, max: config.max, step: config.step, mode: config.mode };
    if (config.unit_of_measurement) attributes.unit_of_measurement = config.unit_of_measurement;
    return attributes;
  },
  decode(config, _role, message, current, ctx) {
    const rendered = renderValue(ctx, "value_template", message);
    if (!rendered.ok) return rendered.result;
    const payload = rendered.value;
    if (payload.trim() === "") return ignore("empty state");
    if (payload === config.payload_reset) return update({ state: null, attributes: { ...current.attributes } });

    // str.isnumeric() → int, anything else → float ("-5" and "5.0" are floats).
    const isInt = /^\d+$/.test(payload);
    const value = isInt ? Number(payload) : parsePythonFloat(payload);
    if (value === undefined || !Number.isFinite(value)) return reject(`payload '${payload}' is not a number`);
    if (value < config.min || value > config.max) {
      return reject(`invalid value ${numberState(value, isInt)} (range ${pythonFloatRepr(config.min)} - ${pythonFloatRepr(config.max)})`);
    }
    return update({ state: numberState(value, isInt), attributes: { ...current.attributes } });
  },
  services: {
    set_value(config, current, data, ctx) {
      const bad = checkServiceKeys(data, ["value"]);
      if (bad !== undefined) return serviceError(bad);
      if (data.value === undefined) return serviceError("required key 'value' missing");
      const value = toPythonFloat(data.value);
      if (value === undefined) return serviceError(`expected float for dictionary value @ data['value']`);
      if (value < config.min || value > config.max) {
        return serviceError(`Value ${pythonFloatRepr(value)} is outside valid range ${pythonFloatRepr(config.min)} - ${pythonFloatRepr(config.max)}`);
      }
      // Integral values go out without ".0" (HA sends int(value) when value.is_integer()).
      const isInt = Number.isInteger(value);
      const rendered = renderCommand(ctx, "command_template", value, {}, numberState(value, isInt));
      if (!rendered.ok) return serviceError(rendered.error);
      const optimistic = isOptimistic(config) ? { state: numberState(value, isInt), attributes: { ...current.attributes } } : undefined;
      return published(config.command_topic, rendered.payload, optimistic);
    },
  },
  isOptimistic,
};
