import { describe, expect, it } from "vitest";
import { TopicIndex } from "./topic-index";

const b = (s: string) => Buffer.from(s);
const u = (s: string) => new Uint8Array(Buffer.from(s));

describe("TopicIndex", () => {
  it("keeps the last message per topic with its publisher, retained flag and count", () => {
    const index = new TopicIndex();
    index.record("a/b", b("1"), 0, false, "dev-1", "user-1", 1000);
    index.record("a/b", b("22"), 1, true, "dev-2", null, 2000);
    expect(index.message("a/b")).toMatchObject({ topic: "a/b", size: 2, qos: 1, retain: true, stored: true, at: 2000, clientId: "dev-2", username: null, count: 2 });
    expect(Buffer.from(index.message("a/b")?.payload ?? []).toString()).toBe("22");
    // A plain message afterwards: the retained one is still stored.
    index.record("a/b", b("3"), 0, false, "dev-3", null, 3000);
    expect(index.message("a/b")).toMatchObject({ retain: false, stored: true, count: 3 });
    // An empty retained publish deletes it [MQTT-3.3.1-10].
    index.record("a/b", b(""), 0, true, "$hub", null, 4000);
    expect(index.message("a/b")).toMatchObject({ retain: true, stored: false, size: 0, clientId: "$hub" });
    expect(index.message("nope")).toBeUndefined();
  });

  it("lists one level at a time with counts for what lies below", () => {
    const index = new TopicIndex();
    index.record("home/kitchen/light", b("on"), 0, true, "c", null, 10);
    index.record("home/kitchen/light/state", b("on"), 0, false, "c", null, 30);
    index.record("home/kitchen/temp", b("21"), 0, false, "c", null, 20);
    index.record("home/hall", b("x"), 0, false, "c", null, 5);
    index.record("other", b("y"), 0, true, "c", null, 1);
    index.record("/leading/slash", b("z"), 0, false, "c", null, 2);
    index.restore("home/restored", b("old"), 1);

    expect(index.children(null).map((n) => n.name)).toEqual(["", "home", "other"]);
    const top = index.children(null).find((n) => n.name === "home");
    expect(top).toMatchObject({ topic: "home", hasMessage: false, children: 5, storedBelow: 2, messages: 4, lastAt: 30 });
    expect(index.children("home")).toEqual([
      { name: "hall", topic: "home/hall", hasMessage: true, retain: false, stored: false, children: 0, storedBelow: 0, messages: 1, lastAt: 5, preview: u("x"), size: 1, clientId: "c" },
      { name: "kitchen", topic: "home/kitchen", hasMessage: false, retain: false, stored: false, children: 3, storedBelow: 1, messages: 3, lastAt: 30, preview: null, size: 0, clientId: null },
      { name: "restored", topic: "home/restored", hasMessage: true, retain: true, stored: true, children: 0, storedBelow: 1, messages: 0, lastAt: null, preview: u("old"), size: 3, clientId: null },
    ]);
    // A long payload's preview is its first 160 bytes.
    index.record("home/long", b("y".repeat(1000)), 0, false, "c", null, 40);
    expect(index.children("home").find((n) => n.name === "long")).toMatchObject({ size: 1000, preview: u("y".repeat(160)) });
    expect(index.children("home/kitchen").map((n) => [n.name, n.hasMessage, n.children])).toEqual([
      ["light", true, 1],
      ["temp", true, 0],
    ]);
    expect(index.children("").map((n) => n.topic)).toEqual(["/leading"]);
    expect(index.children("home/kitchen/temp")).toEqual([]);
    // A level name that is a prefix of another is not confused with it.
    expect(index.children("hom")).toEqual([]);
    expect(index.storedTopics("home").sort()).toEqual(["home/kitchen/light", "home/restored"]);
    expect(index.storedTopics(null).sort()).toEqual(["home/kitchen/light", "home/restored", "other"]);
  });

  it("bounds topics without a stored retained message, evicting the least recently updated; retained ones stay", () => {
    const index = new TopicIndex({ maxTopics: 3 });
    index.record("keep/retained", b("r"), 0, true, "c", null, 0);
    for (let i = 0; i < 5; i++) index.record(`t/${i}`, b("x"), 0, false, "c", null, i);
    index.record("t/2", b("again"), 0, false, "c", null, 10);
    index.record("t/5", b("x"), 0, false, "c", null, 11);
    expect(index.children("t").map((n) => n.name)).toEqual(["2", "4", "5"]);
    expect(index.message("keep/retained")?.stored).toBe(true);
    expect(index.stats()).toMatchObject({ topics: 4, stored: 1, evicted: 3 });
    // A cleared retained topic becomes evictable like any other.
    index.record("keep/retained", b(""), 0, true, "c", null, 12);
    index.record("t/6", b("x"), 0, false, "c", null, 13);
    index.record("t/7", b("x"), 0, false, "c", null, 14);
    expect(index.message("keep/retained")?.stored).toBe(false);
    index.record("t/8", b("x"), 0, false, "c", null, 15);
    expect(index.message("keep/retained")).toBeUndefined();
  });

  it("bounds the payload bytes kept for those topics", () => {
    const index = new TopicIndex({ maxBytes: 1000, keepBytes: 400 });
    for (let i = 0; i < 10; i++) index.record(`big/${i}`, Buffer.alloc(300, 1), 0, false, "c", null, i);
    expect(index.stats().keptBytes).toBeLessThanOrEqual(1000);
    expect(index.children("big").map((n) => n.name)).toEqual(["7", "8", "9"]);
  });

  it("keeps the first keepBytes of a payload and the full size", () => {
    const index = new TopicIndex({ keepBytes: 4 });
    index.record("t", b("abcdefgh"), 0, false, "c", null, 1);
    const m = index.message("t");
    expect(m?.size).toBe(8);
    expect(Buffer.from(m?.payload ?? []).toString()).toBe("abcd");
  });

  it("copies a payload that is a small slice of a large read within a second, and references one that owns its memory", () => {
    const read = Buffer.alloc(65536, 7);
    const slice = read.subarray(100, 110);
    const own = Buffer.from(new Uint8Array(10).fill(8).buffer);
    const index = new TopicIndex();
    index.record("warm-up", Buffer.from("w"), 0, false, "c", null, 10_000);
    index.record("slice", slice, 0, false, "c", null, 10_001);
    index.record("own", own, 0, false, "c", null, 10_001);
    // Not yet: a busy topic replaces its payload many times before the copy would matter.
    expect(index.stats().keptBytes).toBe(21);
    index.record("other", Buffer.from("x"), 0, false, "c", null, 10_999);
    read[100] = 9;
    expect(index.message("slice")?.payload[0]).toBe(9);
    // A second later, the next message compacts: the slice is copied out of the read.
    index.record("other", Buffer.from("y"), 0, false, "c", null, 11_001);
    // Writing to the originals shows which one the index kept by reference.
    read.fill(7);
    read.fill(0);
    own.fill(0);
    expect([...(index.message("slice")?.payload ?? [])]).toEqual([9, ...new Array(9).fill(7)]);
    expect([...(index.message("own")?.payload ?? [])]).toEqual(new Array(10).fill(0));
  });

  it("restores retained messages from the store without overriding what was seen since", () => {
    const index = new TopicIndex();
    index.record("a", b("new"), 0, true, "c", null, 5);
    index.restore("a", b("old"), 0);
    index.restore("b", b("old"), 1);
    index.restore("empty", b(""), 0);
    expect(Buffer.from(index.message("a")?.payload ?? []).toString()).toBe("new");
    expect(index.message("b")).toMatchObject({ stored: true, at: null, clientId: null, count: 0, qos: 1 });
    expect(index.message("empty")).toBeUndefined();
  });
});
