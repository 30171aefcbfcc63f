import { z } from "zod";
import { haPublishTopic, haString, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, ignore, published, renderCommand, requiredKey, serviceError, UNKNOWN, utcIsoformat } from "./mqtt-payload";
import type { PlatformDefinition } from "./platform";

export const buttonSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  command_template: haTemplate.optional(),
  payload_press: haString.default("PRESS"),
});

export type ButtonConfig = z.output<typeof buttonSchema>;

/** A button has no state topic; its state is the time it was last pressed (HA's ButtonEntity). */
export const buttonPlatform: PlatformDefinition<ButtonConfig> = {
  component: "button",
  isEntity: true,
  schema: buttonSchema,
  stateTopics: () => [],
  initialValue: () => UNKNOWN,
  staticAttributes: () => ({}),
  decode: () => ignore("a button has no state topic"),
  services: {
    press(config, current, data, ctx) {
      const bad = checkServiceKeys(data, []);
      if (bad !== undefined) return serviceError(bad);
      const rendered = renderCommand(ctx, "command_template", config.payload_press);
      if (!rendered.ok) return serviceError(rendered.error);
      return published(config.command_topic, rendered.payload, { state: utcIsoformat(ctx.now()), attributes: { ...current.attributes } });
    },
  },
  isOptimistic: () => true,
};
