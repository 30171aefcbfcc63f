import { describe, expect, it } from "vitest";
import { decodeBase64, imagePlatform } from "./image";
import type { ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0, 500);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function setup(raw: ExpandedConfig) {
  const parsed = imagePlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw, { now: NOW }) };
}

function decode(raw: ExpandedConfig, role: string, payload: string | Uint8Array) {
  const { config, ctx } = setup(raw);
  return imagePlatform.decode(config, role, messageView("img", payload), imagePlatform.initialValue(config), ctx);
}

describe("base64 as Python decodes it", () => {
  it.each([
    ["iVBORw0KGgo=", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ["iVBO\nRw0K Ggo=", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ["aGk", null],
    ["a=b=", null],
  ])("%j", (text, bytes) => {
    const out = decodeBase64(text);
    expect(out === null ? null : [...out]).toEqual(bytes);
  });
});

describe("image schema", () => {
  it.each([
    [{}, "Expected one of [`image_topic`, `url_topic`], got none"],
    [{ image_topic: "a", url_topic: "b" }, "two or more values in the same group of exclusion 'image_topic'"],
    [{ url_topic: "b", content_type: "image/png" }, "Option `content_type` can not be used together with `url_topic`"],
    [{ image_topic: "a", image_encoding: "hex" }, "image_encoding must be 'b64'"],
  ])("rejects %j", (raw, message) => {
    expect(imagePlatform.schema.safeParse(raw).error?.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it("subscribes to its topic", () => {
    expect(imagePlatform.stateTopics(setup({ image_topic: "cam/snap" }).config)).toEqual([{ role: "image_topic", topic: "cam/snap" }]);
    expect(imagePlatform.stateTopics(setup({ url_topic: "cam/url" }).config)).toEqual([{ role: "url_topic", topic: "cam/url" }]);
    expect(imagePlatform.initialValue(setup({ url_topic: "u" }).config)).toEqual({ state: null, attributes: {} });
  });
});

describe("image decode", () => {
  it("raw bytes with the content type; state is the update time; no bytes in attributes", () => {
    expect(decode({ image_topic: "img", content_type: "image/png" }, "image_topic", PNG)).toEqual({
      kind: "update",
      value: { state: "2026-11-22T12:00:00.500000+00:00", attributes: {} },
      media: { contentType: "image/png", bytes: PNG },
    });
  });

  it("base64 images, and an undecodable one still counts as an update", () => {
    expect(decode({ image_topic: "img", image_encoding: "b64" }, "image_topic", "iVBORw0KGgo=")).toMatchObject({ media: { contentType: "image/jpeg", bytes: PNG } });
    expect(decode({ image_topic: "img", image_encoding: "b64" }, "image_topic", "aGk")).toMatchObject({ kind: "update", media: { bytes: null } });
  });

  it("url_topic with and without url_template", () => {
    expect(decode({ url_topic: "img" }, "url_topic", "http://cam.local/snap.jpg")).toMatchObject({ media: { url: "http://cam.local/snap.jpg" } });
    expect(decode({ url_topic: "img" }, "url_topic", "not a url")).toEqual({ kind: "update", value: { state: "2026-11-22T12:00:00.500000+00:00", attributes: {} } });
    expect(decode({ url_topic: "img", url_template: "{{ value_json.url }}" }, "url_topic", '{"url":"https://x.example/a.png"}')).toMatchObject({
      media: { url: "https://x.example/a.png" },
    });
  });
});
