import { z } from "zod";
import { haBoolean, haPositiveInt, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, ignore, published, reject, renderCommand, renderValue, requiredKey, serviceError, UNKNOWN, update } from "./mqtt-payload";
import type { PlatformDefinition } from "./platform";

/** HA's MAX_LENGTH_STATE_STATE. */
const MAX_LENGTH = 255;

/**
 * cv.is_regex for a Python pattern, as a JavaScript RegExp anchored like re.match (start only).
 * Unicode mode matches code points as Python does; patterns it refuses (Python allows escapes
 * such as `\-` outside a class) fall back to the plain mode.
 */
function compilePattern(pattern: string): RegExp {
  const js = pattern.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
  try {
    return new RegExp(js, "uy");
  } catch {
    return new RegExp(js, "y");
  }
}

export const textSchema = z
  .looseObject({
    command_topic: requiredKey("command_topic", haPublishTopic),
    command_template: haTemplate.optional(),
    state_topic: haSubscribeTopic.optional(),
    value_template: haTemplate.optional(),
    min: haPositiveInt.default(0),
    max: haPositiveInt.default(MAX_LENGTH),
    mode: z.enum(["text", "password"], { error: "mode must be text or password" }).default("text"),
    pattern: haString
      .refine((p) => {
        try {
          compilePattern(p);
          return true;
        } catch {
          return false;
        }
      }, "invalid regular expression in pattern")
      .optional(),
    optimistic: haBoolean.default(false),
  })
  .superRefine((c, ctx) => {
    if (c.min > c.max) ctx.addIssue({ code: "custom", message: "text length min must be <= max" });
    if (c.max > MAX_LENGTH) ctx.addIssue({ code: "custom", message: `max text length must be <= ${MAX_LENGTH}` });
  });

export type TextConfig = z.output<typeof textSchema>;

function isOptimistic(config: TextConfig): boolean {
  return config.optimistic || config.state_topic === undefined;
}

/** TextEntity's checks (Python len() counts code points; the pattern must match at the start). */
function invalidText(config: TextConfig, value: string): string | undefined {
  const length = [...value].length;
  if (length < config.min) return `value '${value}' is too short (minimum length ${config.min})`;
  if (length > config.max) return `value '${value}' is too long (maximum length ${config.max})`;
  if (config.pattern !== undefined && !compilePattern(config.pattern).test(value)) return `value '${value}' doesn't match pattern ${config.pattern}`;
  return undefined;
}

export const textPlatform: PlatformDefinition<TextConfig> = {
  component: "text",
  isEntity: true,
  schema: textSchema,
  stateTopics: (config) => (config.state_topic === undefined ? [] : [{ role: "state", topic: config.state_topic }]),
  initialValue: () => UNKNOWN,
  staticAttributes: (config) => ({ mode: config.mode, min: config.min, max: config.max, pattern: config.pattern ?? null }),
  decode(config, _role, message, current, ctx) {
    const rendered = renderValue(ctx, "value_template", message);
    if (!rendered.ok) return rendered.result;
    const payload = rendered.value;
    if ([...payload].length > MAX_LENGTH) return ignore(`state is longer than ${MAX_LENGTH} characters`);
    const invalid = invalidText(config, payload);
    if (invalid !== undefined) return reject(invalid);
    return update({ state: payload, attributes: { ...current.attributes } });
  },
  services: {
    set_value(config, current, data, ctx) {
      const bad = checkServiceKeys(data, ["value"]);
      if (bad !== undefined) return serviceError(bad);
      const parsed = haString.safeParse(data.value);
      if (data.value === undefined) return serviceError("required key 'value' missing");
      if (!parsed.success) return serviceError("expected str for dictionary value @ data['value']");
      const invalid = invalidText(config, parsed.data);
      if (invalid !== undefined) return serviceError(invalid);
      const rendered = renderCommand(ctx, "command_template", parsed.data);
      if (!rendered.ok) return serviceError(rendered.error);
      const optimistic = isOptimistic(config) ? { state: parsed.data, attributes: { ...current.attributes } } : undefined;
      return published(config.command_topic, rendered.payload, optimistic);
    },
  },
  isOptimistic,
};
