import { describe, expect, it } from "vitest";
import { topicMatches } from "./topic-match";

describe("topicMatches", () => {
  it.each([
    ["homeassistant/+/+/config", "homeassistant/light/lamp/config", true],
    ["homeassistant/+/+/config", "homeassistant/light/node/lamp/config", false],
    ["homeassistant/#", "homeassistant", true],
    ["homeassistant/#", "homeassistant/a/b/c", true],
    ["sport/+", "sport", false],
    ["sport/+", "sport/", true],
    ["+/+", "/finance", true],
    ["#", "$SYS/broker/uptime", false],
    ["+/broker/uptime", "$SYS/broker/uptime", false],
    ["$SYS/#", "$SYS/broker/uptime", true],
    ["a/b", "a/b", true],
    ["a/b", "a/b/c", false],
  ])("%s ~ %s → %s", (pattern, topic, expected) => {
    expect(topicMatches(pattern, topic)).toBe(expected);
  });
});
