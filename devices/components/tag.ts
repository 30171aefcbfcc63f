import { z } from "zod";
import { haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition } from "./platform";

/**
 * HA's MQTT tag scanner (homeassistant/components/mqtt/tag.py): not an entity. Each message on
 * `topic` is a scanned tag id (after `value_template`, stripped); it fires `tag_scanned`.
 */

const tagSchema = z.looseObject({
  topic: requiredKey("topic", haSubscribeTopic),
  value_template: haTemplate.optional(),
});

export type TagConfig = z.output<typeof tagSchema>;

function decode(_c: TagConfig, _role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const rendered = renderValue(ctx, "value_template", message);
  if (!rendered.ok) return rendered.result;
  const tagId = rendered.value.trim();
  if (tagId === "") return { kind: "ignore", reason: "empty tag id" };
  return { kind: "update", value: current, fired: { eventType: "tag_scanned", data: { tag_id: tagId } } };
}

export const tagPlatform: PlatformDefinition<TagConfig> = {
  component: "tag",
  isEntity: false,
  schema: tagSchema,
  stateTopics: (c) => [{ role: "topic", topic: c.topic }],
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: () => ({}),
  decode,
  services: {},
  isOptimistic: () => false,
};
