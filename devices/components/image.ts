import { z } from "zod";
import { haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { renderValue, utcIsoformat } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition } from "./platform";

/**
 * HA's image (homeassistant/components/mqtt/image.py, ImageEntity in components/image): raw (or
 * base64) bytes on `image_topic`, or a URL on `url_topic`. The state is the time of the last
 * update; the picture itself travels as `media`, never in the attributes.
 */

const imageSchema = z
  .looseObject({
    image_topic: haSubscribeTopic.optional(),
    url_topic: haSubscribeTopic.optional(),
    url_template: haTemplate.optional(),
    content_type: haString.optional(),
    image_encoding: z.literal("b64", { error: "image_encoding must be 'b64'" }).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.image_topic !== undefined && c.url_topic !== undefined) {
      ctx.addIssue({ code: "custom", message: "two or more values in the same group of exclusion 'image_topic' (image_topic and url_topic)" });
    } else if (c.image_topic === undefined && c.url_topic === undefined) {
      ctx.addIssue({ code: "custom", message: "Expected one of [`image_topic`, `url_topic`], got none" });
    }
    if (c.content_type !== undefined && c.url_topic !== undefined) {
      ctx.addIssue({ code: "custom", message: "Option `content_type` can not be used together with `url_topic`" });
    }
  });

export type ImageConfig = z.output<typeof imageSchema>;

/** Python's base64.b64decode (non-validating): characters outside the alphabet are dropped; bad padding fails. */
export function decodeBase64(text: string): Uint8Array | null {
  const cleaned = text.replace(/[^A-Za-z0-9+/=]/g, "");
  const data = cleaned.replace(/=+$/, "");
  if (cleaned.length % 4 !== 0 || data.includes("=")) return null;
  try {
    const binary = atob(cleaned);
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** cv.url: http(s) with a host. */
function isUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}

function decode(c: ImageConfig, role: string, message: MqttMessageView, _current: EntityValue, ctx: PlatformContext): DecodeResult {
  const value = { state: utcIsoformat(ctx.now()), attributes: {} };
  if (role === "image_topic") {
    const bytes = c.image_encoding === "b64" ? decodeBase64(message.text) : message.bytes;
    // HA still records the update when the data cannot be decoded; the image is then empty.
    return { kind: "update", value, media: { contentType: c.content_type ?? "image/jpeg", bytes } };
  }
  const rendered = renderValue(ctx, "url_template", message);
  if (!rendered.ok) return rendered.result;
  const url = rendered.value.trim();
  // An invalid URL is logged by HA but still counts as an update (the old URL stays).
  return isUrl(url) ? { kind: "update", value, media: { url } } : { kind: "update", value };
}

export const imagePlatform: PlatformDefinition<ImageConfig> = {
  component: "image",
  isEntity: true,
  schema: imageSchema,
  stateTopics: (c) => [
    ...(c.image_topic === undefined ? [] : [{ role: "image_topic", topic: c.image_topic }]),
    ...(c.url_topic === undefined ? [] : [{ role: "url_topic", topic: c.url_topic }]),
  ],
  initialValue: () => ({ state: null, attributes: {} }),
  staticAttributes: () => ({}),
  decode,
  services: {},
  isOptimistic: () => false,
};
