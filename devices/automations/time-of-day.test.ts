import { describe, expect, it } from "vitest";
import {
  formatClock,
  formatDuration,
  formatTimeOfDay,
  inTimeRange,
  instantOfLocalTime,
  localParts,
  nextLocalTime,
  nextTimePatternMatch,
  parseTimeOfDay,
  parseTimePattern,
  zoneOffsetMs,
} from "./time-of-day";

const H = 3_600_000;
const M = 60_000;
const S = 1000;
const BERLIN = "Europe/Berlin";
const NY = "America/New_York";
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const utc = (text: string) => Date.parse(text);

describe("parseTimeOfDay", () => {
  it.each([
    ["07:30", 7 * H + 30 * M],
    ["7:05", 7 * H + 5 * M],
    ["00:00", 0],
    ["23:59:59", 23 * H + 59 * M + 59 * S],
    ["07:30:15", 7 * H + 30 * M + 15 * S],
    [" 08:00 ", 8 * H],
  ])("%s", (text, ms) => expect(parseTimeOfDay(text)).toBe(ms));

  it.each(["24:00", "07:60", "07:30:60", "7", "", "07:30:00.5", "2024-01-01 07:00:00", "sunrise", "-1:00"])("rejects %j", (text) => {
    expect(parseTimeOfDay(text)).toBeUndefined();
  });
});

describe("localParts", () => {
  it("reads Berlin in winter (UTC+1) and summer (UTC+2)", () => {
    expect(localParts(utc("2024-01-15T12:34:56.789Z"), BERLIN)).toEqual({
      year: 2024, month: 1, day: 15, hour: 13, minute: 34, second: 56, ms: 789, weekday: "mon", msOfDay: 13 * H + 34 * M + 56 * S + 789,
    });
    expect(localParts(utc("2024-07-15T12:00:00Z"), BERLIN)).toMatchObject({ hour: 14, weekday: "mon" });
  });

  it("gives hour 0 at midnight (not 24) and the local date and weekday", () => {
    expect(localParts(utc("2024-01-15T23:00:00Z"), BERLIN)).toMatchObject({ year: 2024, month: 1, day: 16, hour: 0, weekday: "tue", msOfDay: 0 });
    expect(localParts(utc("2024-01-01T03:00:00Z"), NY)).toMatchObject({ year: 2023, month: 12, day: 31, hour: 22, weekday: "sun" });
    expect(localParts(utc("2024-02-29T00:00:00Z"), "UTC")).toMatchObject({ month: 2, day: 29, hour: 0, weekday: "thu" });
  });

  it("handles instants before 1970 and sub-second negatives", () => {
    expect(localParts(-1, "UTC")).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, ms: 999 });
  });

  it("throws on an unknown zone", () => {
    expect(() => localParts(0, "Mars/Olympus")).toThrow(RangeError);
  });
});

describe("zoneOffsetMs and instantOfLocalTime", () => {
  it("knows the offsets either side of DST", () => {
    expect(zoneOffsetMs(utc("2024-01-15T12:00:00Z"), BERLIN)).toBe(1 * H);
    expect(zoneOffsetMs(utc("2024-07-15T12:00:00Z"), BERLIN)).toBe(2 * H);
    expect(zoneOffsetMs(utc("2024-01-15T12:00:00Z"), NY)).toBe(-5 * H);
    expect(zoneOffsetMs(utc("2024-07-15T12:00:00Z"), NY)).toBe(-4 * H);
    expect(zoneOffsetMs(utc("2024-07-15T12:00:00Z"), "Asia/Kolkata")).toBe(5.5 * H);
  });

  it("maps an ordinary wall time", () => {
    expect(iso(instantOfLocalTime(2024, 1, 15, 7 * H, BERLIN))).toBe("2024-01-15T06:00:00.000Z");
    expect(iso(instantOfLocalTime(2024, 7, 15, 7 * H, NY))).toBe("2024-07-15T11:00:00.000Z");
  });

  it("shifts a wall time skipped by spring-forward onto the old offset", () => {
    // Berlin 2024-03-31: 02:00 CET -> 03:00 CEST; 02:30 becomes 01:30Z = 03:30 CEST.
    expect(iso(instantOfLocalTime(2024, 3, 31, 2.5 * H, BERLIN))).toBe("2024-03-31T01:30:00.000Z");
    // New York 2024-03-10: 02:00 EST -> 03:00 EDT.
    expect(iso(instantOfLocalTime(2024, 3, 10, 2.5 * H, NY))).toBe("2024-03-10T07:30:00.000Z");
  });

  it("takes the first occurrence of a wall time repeated at fall-back", () => {
    expect(iso(instantOfLocalTime(2024, 10, 27, 2.5 * H, BERLIN))).toBe("2024-10-27T00:30:00.000Z");
    expect(iso(instantOfLocalTime(2024, 11, 3, 1.5 * H, NY))).toBe("2024-11-03T05:30:00.000Z");
  });
});

describe("nextLocalTime", () => {
  it("finds today's time, or tomorrow's once it has passed (strictly after)", () => {
    const at = 7 * H;
    expect(iso(nextLocalTime(at, utc("2024-01-15T05:00:00Z"), BERLIN))).toBe("2024-01-15T06:00:00.000Z");
    expect(iso(nextLocalTime(at, utc("2024-01-15T06:00:00Z"), BERLIN))).toBe("2024-01-16T06:00:00.000Z");
    expect(iso(nextLocalTime(at, utc("2024-01-15T05:59:59.999Z"), BERLIN))).toBe("2024-01-15T06:00:00.000Z");
  });

  it("uses the local date, not the UTC one", () => {
    // 2024-01-15 23:30 in New York is already the 16th in UTC.
    expect(iso(nextLocalTime(23.75 * H, utc("2024-01-16T04:30:00Z"), NY))).toBe("2024-01-16T04:45:00.000Z");
    expect(iso(nextLocalTime(0, utc("2024-01-15T23:30:00Z"), BERLIN))).toBe("2024-01-16T23:00:00.000Z");
  });

  it("keeps the wall time across DST", () => {
    expect(iso(nextLocalTime(7 * H, utc("2024-03-30T07:00:00Z"), BERLIN))).toBe("2024-03-31T05:00:00.000Z");
    expect(iso(nextLocalTime(7 * H, utc("2024-10-26T06:00:00Z"), BERLIN))).toBe("2024-10-27T06:00:00.000Z");
    expect(iso(nextLocalTime(7 * H, utc("2024-03-09T13:00:00Z"), NY))).toBe("2024-03-10T11:00:00.000Z");
  });

  it("fires a skipped wall time once, shifted, and a repeated one once, the first time", () => {
    expect(iso(nextLocalTime(2.5 * H, utc("2024-03-30T12:00:00Z"), BERLIN))).toBe("2024-03-31T01:30:00.000Z");
    expect(iso(nextLocalTime(2.5 * H, utc("2024-03-31T01:30:00Z"), BERLIN))).toBe("2024-04-01T00:30:00.000Z");
    expect(iso(nextLocalTime(2.5 * H, utc("2024-10-26T12:00:00Z"), BERLIN))).toBe("2024-10-27T00:30:00.000Z");
    // Between the two 02:30s: the second one does not fire again.
    expect(iso(nextLocalTime(2.5 * H, utc("2024-10-27T00:30:00Z"), BERLIN))).toBe("2024-10-28T01:30:00.000Z");
  });

  it("honours weekdays by the local date", () => {
    // 2024-01-15 is a Monday.
    expect(iso(nextLocalTime(7 * H, utc("2024-01-15T12:00:00Z"), BERLIN, ["mon", "fri"]))).toBe("2024-01-19T06:00:00.000Z");
    expect(iso(nextLocalTime(7 * H, utc("2024-01-15T12:00:00Z"), BERLIN, ["mon"]))).toBe("2024-01-22T06:00:00.000Z");
    // Sunday evening in New York is Monday in UTC: a Sunday 21:00 schedule still fires that evening.
    expect(iso(nextLocalTime(21 * H, utc("2024-01-15T00:30:00Z"), NY, ["sun"]))).toBe("2024-01-15T02:00:00.000Z");
    expect(nextLocalTime(7 * H, 0, BERLIN, [])).toBeUndefined();
  });
});

describe("nextTimePatternMatch", () => {
  const next = (pattern: Parameters<typeof nextTimePatternMatch>[0], after: string, tz = BERLIN) => iso(nextTimePatternMatch(pattern, utc(after), tz));

  it("defaults smaller units to 0 when a larger one is given (HA)", () => {
    expect(parseTimePattern({ hours: "/2" })).toEqual({ hours: new Set([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]), minutes: new Set([0]), seconds: new Set([0]) });
    expect(parseTimePattern({ minutes: "5" })?.hours.size).toBe(24);
    expect(parseTimePattern({ minutes: "5" })?.seconds).toEqual(new Set([0]));
    expect(parseTimePattern({ seconds: "/30" })?.minutes.size).toBe(60);
  });

  it("rejects invalid fields and an empty pattern", () => {
    for (const p of [{}, { minutes: "60" }, { hours: "24" }, { hours: "/0" }, { seconds: "/61" }, { hours: "abc" }, { minutes: "-5" }, { minutes: "/" }]) {
      expect(nextTimePatternMatch(p, 0, "UTC")).toBeUndefined();
    }
  });

  it("matches every /n minutes at second 0", () => {
    expect(next({ minutes: "/15" }, "2024-01-15T09:07:30Z")).toBe("2024-01-15T09:15:00.000Z");
    expect(next({ minutes: "/15" }, "2024-01-15T09:15:00Z")).toBe("2024-01-15T09:30:00.000Z");
    expect(next({ minutes: "/15" }, "2024-01-15T09:14:59.500Z")).toBe("2024-01-15T09:15:00.000Z");
    expect(next({ minutes: "/15" }, "2024-01-15T09:50:00Z")).toBe("2024-01-15T10:00:00.000Z");
  });

  it("matches hours in local time", () => {
    // 01:00 Berlin -> 02:00 Berlin.
    expect(next({ hours: "/2" }, "2024-01-01T00:00:00Z")).toBe("2024-01-01T01:00:00.000Z");
    expect(next({ hours: "*" }, "2024-01-15T09:20:00Z")).toBe("2024-01-15T10:00:00.000Z");
    expect(next({ hours: "3", minutes: "30" }, "2024-01-15T09:20:00Z")).toBe("2024-01-16T02:30:00.000Z");
    expect(next({ hours: "0", minutes: "0", seconds: "0" }, "2024-01-15T10:00:00Z", "UTC")).toBe("2024-01-16T00:00:00.000Z");
    expect(next({ hours: "8" }, "2024-07-01T12:00:00Z", NY)).toBe("2024-07-02T12:00:00.000Z");
  });

  it("matches seconds, with minutes and hours as '*'", () => {
    expect(next({ seconds: "/10" }, "2024-01-15T09:07:31Z")).toBe("2024-01-15T09:07:40.000Z");
    expect(next({ seconds: "/10" }, "2024-01-15T09:07:55Z")).toBe("2024-01-15T09:08:00.000Z");
    expect(next({ seconds: "*" }, "2024-01-15T09:07:55.200Z")).toBe("2024-01-15T09:07:56.000Z");
    expect(next({ minutes: "*", seconds: "45" }, "2024-01-15T09:07:50Z")).toBe("2024-01-15T09:08:45.000Z");
  });

  it("finds a fixed minute in a zone offset by half an hour", () => {
    expect(next({ minutes: "0" }, "2024-01-15T09:10:00Z", "Asia/Kolkata")).toBe("2024-01-15T09:30:00.000Z");
  });

  it("skips a wall hour removed by spring-forward and fires in both folds at fall-back (HA)", () => {
    expect(next({ hours: "2" }, "2024-03-31T00:00:00Z")).toBe("2024-04-01T00:00:00.000Z");
    expect(next({ minutes: "30" }, "2024-10-27T00:00:00Z")).toBe("2024-10-27T00:30:00.000Z");
    expect(next({ minutes: "30" }, "2024-10-27T00:30:00Z")).toBe("2024-10-27T01:30:00.000Z");
    expect(next({ hours: "1", minutes: "30" }, "2024-11-03T05:30:00Z", NY)).toBe("2024-11-03T06:30:00.000Z");
  });
});

describe("inTimeRange", () => {
  const at = (text: string) => utc(text);
  // 2024-01-15 is a Monday; Berlin is UTC+1.
  it("holds from after (inclusive) to before (exclusive)", () => {
    const [after, before] = [8 * H, 17 * H];
    expect(inTimeRange(at("2024-01-15T07:00:00Z"), after, before, undefined, BERLIN)).toBe(true);
    expect(inTimeRange(at("2024-01-15T06:59:59Z"), after, before, undefined, BERLIN)).toBe(false);
    expect(inTimeRange(at("2024-01-15T15:59:59Z"), after, before, undefined, BERLIN)).toBe(true);
    expect(inTimeRange(at("2024-01-15T16:00:00Z"), after, before, undefined, BERLIN)).toBe(false);
  });

  it("wraps past midnight when after is later than before", () => {
    const [after, before] = [22 * H, 6 * H];
    expect(inTimeRange(at("2024-01-15T22:00:00Z"), after, before, undefined, BERLIN)).toBe(true); // 23:00
    expect(inTimeRange(at("2024-01-16T04:59:59Z"), after, before, undefined, BERLIN)).toBe(true); // 05:59:59
    expect(inTimeRange(at("2024-01-16T05:00:00Z"), after, before, undefined, BERLIN)).toBe(false); // 06:00
    expect(inTimeRange(at("2024-01-15T11:00:00Z"), after, before, undefined, BERLIN)).toBe(false); // 12:00
    expect(inTimeRange(at("2024-01-15T21:00:00Z"), after, before, undefined, BERLIN)).toBe(true); // 22:00
  });

  it("defaults after to midnight and before to the end of the day", () => {
    expect(inTimeRange(at("2024-01-15T22:59:59.999Z"), 20 * H, undefined, undefined, BERLIN)).toBe(true);
    expect(inTimeRange(at("2024-01-15T18:00:00Z"), 20 * H, undefined, undefined, BERLIN)).toBe(false);
    expect(inTimeRange(at("2024-01-14T23:00:00Z"), undefined, 6 * H, undefined, BERLIN)).toBe(true); // 00:00
    expect(inTimeRange(at("2024-01-15T05:00:00Z"), undefined, 6 * H, undefined, BERLIN)).toBe(false);
  });

  it("always holds when after equals before (HA)", () => {
    expect(inTimeRange(at("2024-01-15T05:00:00Z"), 6 * H, 6 * H, undefined, BERLIN)).toBe(true);
    expect(inTimeRange(at("2024-01-15T05:00:00Z"), 0, 0, undefined, BERLIN)).toBe(true);
  });

  it("checks the weekday of the current local day, also past midnight", () => {
    expect(inTimeRange(at("2024-01-15T12:00:00Z"), undefined, undefined, ["mon"], BERLIN)).toBe(true);
    // Monday 02:00 UTC is still Sunday in New York.
    expect(inTimeRange(at("2024-01-15T02:00:00Z"), undefined, undefined, ["mon"], NY)).toBe(false);
    expect(inTimeRange(at("2024-01-15T02:00:00Z"), undefined, undefined, ["sun"], NY)).toBe(true);
    // 22:00-06:00 on Fridays: Saturday 01:00 is not a Friday (HA checks today, not the range's start day).
    expect(inTimeRange(at("2024-01-20T00:00:00Z"), 22 * H, 6 * H, ["fri"], BERLIN)).toBe(false);
    expect(inTimeRange(at("2024-01-19T22:00:00Z"), 22 * H, 6 * H, ["fri"], BERLIN)).toBe(true);
  });

  it("follows local time across DST", () => {
    // 07:30 local on both sides of the Berlin change.
    expect(inTimeRange(at("2024-03-30T06:30:00Z"), 7 * H, 8 * H, undefined, BERLIN)).toBe(true);
    expect(inTimeRange(at("2024-03-31T05:30:00Z"), 7 * H, 8 * H, undefined, BERLIN)).toBe(true);
    expect(inTimeRange(at("2024-03-31T06:30:00Z"), 7 * H, 8 * H, undefined, BERLIN)).toBe(false);
  });
});

describe("formatting", () => {
  it("formats wall times and clocks", () => {
    expect(formatTimeOfDay(7 * H + 5 * M)).toBe("07:05");
    expect(formatTimeOfDay(23 * H + 59 * M + 59 * S)).toBe("23:59:59");
    expect(formatClock(utc("2024-07-15T19:42:00Z"), BERLIN)).toBe("21:42");
  });

  it.each([
    [0, "0s"],
    [999, "0s"],
    [45 * S, "45s"],
    [125 * S, "2m 5s"],
    [H, "1h"],
    [H + 5 * S, "1h"],
    [H + 30 * M, "1h 30m"],
    [2 * 86_400_000 + 3 * H + 7 * M, "2d 3h"],
    [-90 * S, "-1m 30s"],
  ])("duration %d ms -> %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});
