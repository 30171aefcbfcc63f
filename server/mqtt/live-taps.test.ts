import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveTaps, type TapEvent } from "./live-taps";

afterEach(() => {
  vi.useRealTimers();
});

function taps(perSecond: number) {
  const delivered: Array<[number, TapEvent]> = [];
  const skipped: Array<[number, number]> = [];
  const t = new LiveTaps({ perSecond, keepBytes: 4, deliver: (id, e) => delivered.push([id, e]), skipped: (id, n) => skipped.push([id, n]) });
  return { t, delivered, skipped };
}

describe("LiveTaps", () => {
  it("delivers what matches each tap's filter, with the payload cut to keepBytes and copied", () => {
    const { t, delivered } = taps(100);
    t.open(1, "a/+");
    t.open(2, "#");
    const payload = Buffer.from("abcdefgh");
    t.offer("a/b", payload, 1, true, "dev", "user", 1000);
    t.offer("c", payload, 0, false, null, null, 1001);
    t.offer("$SYS/x", payload, 0, false, null, null, 1002);
    expect(delivered.map(([id, e]) => `${id}:${e.topic}`)).toEqual(["1:a/b", "2:a/b", "2:c"]);
    const first = delivered[0]?.[1];
    expect(first).toMatchObject({ size: 8, qos: 1, retain: true, clientId: "dev", username: "user", at: 1000 });
    payload.fill(0);
    expect(Buffer.from(first?.payload ?? []).toString()).toBe("abcd");
  });

  it("passes at most perSecond messages per tap per second and reports the rest once a second", () => {
    vi.useFakeTimers();
    const { t, delivered, skipped } = taps(3);
    t.open(7, "#");
    t.open(8, "quiet/#");
    for (let i = 0; i < 10; i++) t.offer("x", Buffer.from("1"), 0, false, null, null, 5000 + i);
    expect(delivered).toHaveLength(3);
    vi.advanceTimersByTime(1000);
    expect(skipped).toEqual([[7, 7]]);
    // A new second, a new allowance; nothing skipped, nothing reported.
    t.offer("x", Buffer.from("1"), 0, false, null, null, 6100);
    expect(delivered).toHaveLength(4);
    vi.advanceTimersByTime(1000);
    expect(skipped).toEqual([[7, 7]]);
  });

  it("stops its timer when the last tap closes", () => {
    vi.useFakeTimers();
    const { t } = taps(1);
    t.open(1, "#");
    expect(vi.getTimerCount()).toBe(1);
    t.close(1);
    expect(t.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
