import { describe, expect, it } from "vitest";
import type { ExpandedConfig } from "./platform";
import { tagPlatform } from "./tag";
import { messageView, platformContext } from "./testing";

function decode(raw: ExpandedConfig, payload: string) {
  const parsed = tagPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return tagPlatform.decode(parsed.data, "topic", messageView("reader/scan", payload), tagPlatform.initialValue(parsed.data), platformContext(raw));
}

describe("tag scanner", () => {
  it("requires topic and is not an entity", () => {
    expect(tagPlatform.schema.safeParse({}).error?.issues[0]?.message).toBe("required key 'topic' missing");
    expect(tagPlatform.isEntity).toBe(false);
    expect(tagPlatform.stateTopics(tagPlatform.schema.parse({ topic: "reader/scan" }))).toEqual([{ role: "topic", topic: "reader/scan" }]);
  });

  it.each([
    ["E9F35959", "E9F35959"],
    ["  04-A2-1B \n", "04-A2-1B"],
  ])("fires tag_scanned for %j", (payload, tagId) => {
    expect(decode({ topic: "reader/scan" }, payload)).toEqual({ kind: "update", value: { state: null, attributes: {} }, fired: { eventType: "tag_scanned", data: { tag_id: tagId } } });
  });

  it("ignores empty ids", () => {
    expect(decode({ topic: "reader/scan" }, "   ")).toEqual({ kind: "ignore", reason: "empty tag id" });
  });

  it("value_template extracts the id (HA docs example)", () => {
    const raw = { topic: "0AFFD2/tag_scanned", value_template: "{{ value_json.PN532.UID }}" };
    expect(decode(raw, '{"Time":"2020-09-28T17:02:10","PN532":{"UID":"E9F35959","DATA":"ILOVETASMOTA"}}')).toMatchObject({ fired: { data: { tag_id: "E9F35959" } } });
    expect(decode(raw, '{"PN532":{}}')).toMatchObject({ kind: "ignore" });
  });
});
