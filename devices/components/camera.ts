import { z } from "zod";
import { haSubscribeTopic } from "../discovery/ha-values";
import { decodeBase64 } from "./image";
import { requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition } from "./platform";

/**
 * HA's camera (homeassistant/components/mqtt/camera.py): the latest picture from `topic` (raw or
 * base64 JPEG). The state stays "idle"; the picture travels as `media`.
 */

const cameraSchema = z.looseObject({
  topic: requiredKey("topic", haSubscribeTopic),
  image_encoding: z.literal("b64", { error: "image_encoding must be 'b64'" }).optional(),
});

export type CameraConfig = z.output<typeof cameraSchema>;

const IDLE: EntityValue = { state: "idle", attributes: {} };

function decode(c: CameraConfig, _role: string, message: MqttMessageView, _current: EntityValue, _ctx: PlatformContext): DecodeResult {
  const bytes = c.image_encoding === "b64" ? decodeBase64(message.text) : message.bytes;
  if (bytes === null) return { kind: "reject", reason: "camera image is not valid base64" };
  return { kind: "update", value: IDLE, media: { contentType: "image/jpeg", bytes } };
}

export const cameraPlatform: PlatformDefinition<CameraConfig> = {
  component: "camera",
  isEntity: true,
  schema: cameraSchema,
  stateTopics: (c) => [{ role: "topic", topic: c.topic }],
  initialValue: () => IDLE,
  staticAttributes: () => ({}),
  decode,
  services: {},
  isOptimistic: () => false,
};
