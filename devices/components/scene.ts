import { z } from "zod";
import { haPublishTopic, haString } from "../discovery/ha-values";
import { checkServiceKeys, ignore, published, requiredKey, serviceError, UNKNOWN, utcIsoformat } from "./mqtt-payload";
import type { PlatformDefinition, ServiceHandler } from "./platform";

export const sceneSchema = z.looseObject({
  command_topic: requiredKey("command_topic", haPublishTopic),
  payload_on: haString.default("ON"),
});

export type SceneConfig = z.output<typeof sceneSchema>;

const activate: ServiceHandler<SceneConfig> = (config, current, data, ctx) => {
  // scene.turn_on takes an optional transition, which MQTT scenes ignore.
  const bad = checkServiceKeys(data, ["transition"]);
  if (bad !== undefined) return serviceError(bad);
  return published(config.command_topic, config.payload_on, { state: utcIsoformat(ctx.now()), attributes: { ...current.attributes } });
};

/** A scene only publishes; its state is the time it was last activated (HA's BaseScene). */
export const scenePlatform: PlatformDefinition<SceneConfig> = {
  component: "scene",
  isEntity: true,
  schema: sceneSchema,
  stateTopics: () => [],
  initialValue: () => UNKNOWN,
  staticAttributes: () => ({}),
  decode: () => ignore("a scene has no state topic"),
  // HA's service is scene.turn_on (the entity's async_activate); "activate" is kept as an alias.
  services: { turn_on: activate, activate },
  isOptimistic: () => true,
};
