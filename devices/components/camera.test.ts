import { describe, expect, it } from "vitest";
import { cameraPlatform } from "./camera";
import type { ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);

function decode(raw: ExpandedConfig, payload: string | Uint8Array) {
  const parsed = cameraPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return cameraPlatform.decode(parsed.data, "topic", messageView("cam", payload), cameraPlatform.initialValue(parsed.data), platformContext(raw));
}

describe("camera", () => {
  it("requires topic", () => {
    expect(cameraPlatform.schema.safeParse({}).error?.issues[0]?.message).toBe("required key 'topic' missing");
  });

  it("is idle and serves the last picture", () => {
    const parsed = cameraPlatform.schema.parse({ topic: "cam/snap" });
    expect(cameraPlatform.initialValue(parsed)).toEqual({ state: "idle", attributes: {} });
    expect(cameraPlatform.stateTopics(parsed)).toEqual([{ role: "topic", topic: "cam/snap" }]);
    expect(decode({ topic: "cam/snap" }, JPEG)).toEqual({ kind: "update", value: { state: "idle", attributes: {} }, media: { contentType: "image/jpeg", bytes: JPEG } });
  });

  it("decodes base64 and refuses what is not", () => {
    expect(decode({ topic: "cam", image_encoding: "b64" }, "/9j/4A==")).toMatchObject({ media: { bytes: JPEG } });
    expect(decode({ topic: "cam", image_encoding: "b64" }, "/9j/4A=")).toEqual({ kind: "reject", reason: "camera image is not valid base64" });
  });
});
