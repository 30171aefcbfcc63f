import { getTimes } from "suncalc";
import { describe, expect, it } from "vitest";
import { checkSunCondition, nextSunEvent, sunEventsAround, type GeoLocation, type SunConditionSpec } from "./sun";
import { localParts } from "./time-of-day";

const MIN = 60_000;
const H = 60 * MIN;
const BERLIN: GeoLocation = { latitude: 52.52, longitude: 13.405 };
const NEW_YORK: GeoLocation = { latitude: 40.7128, longitude: -74.006 };
const TROMSO: GeoLocation = { latitude: 69.6496, longitude: 18.956 };
const AUCKLAND: GeoLocation = { latitude: -36.8485, longitude: 174.7633 };
const HONOLULU: GeoLocation = { latitude: 21.3069, longitude: -157.8583 };
const utc = (text: string) => Date.parse(text);

/** suncalc's own answer for a date, asked at that date's noon UTC (where its day choice is unambiguous). */
function suncalc(date: string, loc: GeoLocation): { sunrise: number; sunset: number } {
  const t = getTimes(new Date(`${date}T12:00:00Z`), loc.latitude, loc.longitude);
  if (!t.sunrise || !t.sunset) throw new Error("no sunrise/sunset");
  return { sunrise: t.sunrise.getTime(), sunset: t.sunset.getTime() };
}

const localDate = (ms: number, tz: string) => {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
};

describe("sunEventsAround", () => {
  it("gives Berlin's midsummer sunrise and sunset (04:43 and 21:33 CEST), as suncalc does", () => {
    const { sunrise, sunset } = sunEventsAround(utc("2024-06-21T10:00:00Z"), BERLIN, "Europe/Berlin");
    const ref = suncalc("2024-06-21", BERLIN);
    expect(Math.abs(sunrise! - ref.sunrise)).toBeLessThan(MIN);
    expect(Math.abs(sunset! - ref.sunset)).toBeLessThan(MIN);
    expect(Math.abs(sunrise! - utc("2024-06-21T02:43:00Z"))).toBeLessThan(2 * MIN);
    expect(Math.abs(sunset! - utc("2024-06-21T19:33:00Z"))).toBeLessThan(2 * MIN);
  });

  it("uses the home's local date, whatever the time of day", () => {
    // 00:30 and 23:30 CEST on the 21st both see the 21st's events (22:30Z on the 20th, 21:30Z on the 21st).
    const early = sunEventsAround(utc("2024-06-20T22:30:00Z"), BERLIN, "Europe/Berlin");
    const late = sunEventsAround(utc("2024-06-21T21:30:00Z"), BERLIN, "Europe/Berlin");
    expect(early).toEqual(late);
    expect(localDate(early.sunrise!, "Europe/Berlin")).toBe("2024-06-21");
  });

  it("matches suncalc in New York on the spring-forward day", () => {
    const { sunrise, sunset } = sunEventsAround(utc("2024-03-10T16:00:00Z"), NEW_YORK, "America/New_York");
    const ref = suncalc("2024-03-10", NEW_YORK);
    expect(Math.abs(sunrise! - ref.sunrise)).toBeLessThan(MIN);
    expect(Math.abs(sunset! - ref.sunset)).toBeLessThan(MIN);
    // Local clock times after the change: about 07:15 and 18:58 EDT.
    expect(localParts(sunrise!, "America/New_York")).toMatchObject({ day: 10, hour: 7 });
    expect(localParts(sunset!, "America/New_York")).toMatchObject({ day: 10, hour: 18 });
  });

  it("keeps both events on the local date far from UTC (Auckland, Honolulu)", () => {
    for (const [loc, tz, at] of [
      [AUCKLAND, "Pacific/Auckland", utc("2024-01-10T00:00:00Z")],
      [AUCKLAND, "Pacific/Auckland", utc("2024-01-10T10:30:00Z")],
      [HONOLULU, "Pacific/Honolulu", utc("2024-01-10T00:00:00Z")],
      [HONOLULU, "Pacific/Honolulu", utc("2024-01-10T09:59:00Z")],
    ] as const) {
      const { sunrise, sunset } = sunEventsAround(at, loc, tz);
      expect(localDate(sunrise!, tz)).toBe(localDate(at, tz));
      expect(localDate(sunset!, tz)).toBe(localDate(at, tz));
      expect(sunset! - sunrise!).toBeGreaterThan(10 * H);
    }
  });

  it("has neither in polar night nor in midnight sun (Tromsø)", () => {
    expect(sunEventsAround(utc("2024-12-21T11:00:00Z"), TROMSO, "Europe/Oslo")).toEqual({ sunrise: undefined, sunset: undefined });
    expect(sunEventsAround(utc("2024-06-21T11:00:00Z"), TROMSO, "Europe/Oslo")).toEqual({ sunrise: undefined, sunset: undefined });
  });
});

describe("nextSunEvent", () => {
  const { sunrise, sunset } = suncalc("2024-06-21", BERLIN);
  const next22 = suncalc("2024-06-22", BERLIN);

  it("finds today's event, then tomorrow's (strictly after)", () => {
    expect(nextSunEvent("sunset", utc("2024-06-21T10:00:00Z"), BERLIN)).toBeCloseTo(sunset, -3);
    expect(nextSunEvent("sunset", sunset, BERLIN)).toBeCloseTo(next22.sunset, -3);
    expect(nextSunEvent("sunset", sunset - 1, BERLIN)).toBeCloseTo(sunset, -3);
    expect(nextSunEvent("sunrise", utc("2024-06-21T10:00:00Z"), BERLIN)).toBeCloseTo(next22.sunrise, -3);
    expect(nextSunEvent("sunrise", utc("2024-06-20T23:00:00Z"), BERLIN)).toBeCloseTo(sunrise, -3);
  });

  it("applies the offset before comparing", () => {
    const before = -30 * MIN;
    expect(nextSunEvent("sunset", utc("2024-06-21T10:00:00Z"), BERLIN, before)).toBeCloseTo(sunset + before, -3);
    // Between sunset-30m and sunset: today's shifted event has passed.
    expect(nextSunEvent("sunset", sunset - 10 * MIN, BERLIN, before)).toBeCloseTo(next22.sunset + before, -3);
    // An hour after sunset, sunset+2h is still ahead today.
    expect(nextSunEvent("sunset", sunset + H, BERLIN, 2 * H)).toBeCloseTo(sunset + 2 * H, -3);
    // Shortly after midnight, sunrise-6h of the same day may already have passed.
    expect(nextSunEvent("sunrise", utc("2024-06-20T22:00:00Z"), BERLIN, -6 * H)).toBeCloseTo(next22.sunrise - 6 * H, -3);
  });

  it("walks day by day in a western zone", () => {
    const ref = suncalc("2024-03-10", NEW_YORK);
    expect(nextSunEvent("sunset", utc("2024-03-10T12:00:00Z"), NEW_YORK)).toBeCloseTo(ref.sunset, -3);
    expect(nextSunEvent("sunrise", utc("2024-03-10T05:00:00Z"), NEW_YORK)).toBeCloseTo(ref.sunrise, -3);
  });

  it("waits out the polar night and the midnight sun (Tromsø)", () => {
    const sunrise = nextSunEvent("sunrise", utc("2024-12-01T12:00:00Z"), TROMSO);
    expect(sunrise).toBeGreaterThan(utc("2025-01-10T00:00:00Z"));
    expect(sunrise).toBeLessThan(utc("2025-01-20T00:00:00Z"));
    const sunset = nextSunEvent("sunset", utc("2024-06-01T12:00:00Z"), TROMSO);
    expect(sunset).toBeGreaterThan(utc("2024-07-18T00:00:00Z"));
    expect(sunset).toBeLessThan(utc("2024-07-30T00:00:00Z"));
  });

  it("reaches the next sunrise near the pole, months ahead", () => {
    const at = nextSunEvent("sunrise", utc("2024-10-15T00:00:00Z"), { latitude: 89, longitude: 0 });
    expect(at).toBeGreaterThan(utc("2025-02-15T00:00:00Z"));
    expect(at).toBeLessThan(utc("2025-04-01T00:00:00Z"));
  });
});

describe("checkSunCondition (HA's sun condition)", () => {
  const tz = "Europe/Berlin";
  const { sunrise, sunset } = suncalc("2024-06-21", BERLIN);
  const spec = (s: Partial<SunConditionSpec>): SunConditionSpec => ({ after: undefined, before: undefined, afterOffsetMs: 0, beforeOffsetMs: 0, ...s });
  const check = (s: Partial<SunConditionSpec>, now: number, loc = BERLIN) => checkSunCondition(spec(s), now, loc, tz);

  it("after sunset holds from today's sunset on (inclusive)", () => {
    expect(check({ after: "sunset" }, sunset - 1).ok).toBe(false);
    expect(check({ after: "sunset" }, sunset).ok).toBe(true);
    expect(check({ after: "sunset" }, utc("2024-06-21T21:50:00Z")).ok).toBe(true); // 23:50
    // 00:30 on the 22nd: today's sunset is the 22nd's, still ahead.
    expect(check({ after: "sunset" }, utc("2024-06-21T22:30:00Z")).ok).toBe(false);
  });

  it("before sunrise holds up to and including today's sunrise", () => {
    expect(check({ before: "sunrise" }, sunrise).ok).toBe(true);
    expect(check({ before: "sunrise" }, sunrise + 1).ok).toBe(false);
    expect(check({ before: "sunrise" }, utc("2024-06-20T22:30:00Z")).ok).toBe(true); // 00:30
  });

  it("between sunrise and sunset needs both", () => {
    const day = { after: "sunrise", before: "sunset" } as const;
    expect(check(day, utc("2024-06-21T10:00:00Z")).ok).toBe(true);
    expect(check(day, sunrise - MIN).ok).toBe(false);
    expect(check(day, sunset + MIN).ok).toBe(false);
  });

  it("applies offsets", () => {
    const r = check({ after: "sunset", afterOffsetMs: -H }, sunset - 30 * MIN);
    expect(r.ok).toBe(true);
    expect(r.wantedAfter).toBe(sunset - H);
    expect(check({ before: "sunrise", beforeOffsetMs: 30 * MIN }, sunrise + 20 * MIN).ok).toBe(true);
    expect(check({ before: "sunrise", beforeOffsetMs: 30 * MIN }, sunrise + 40 * MIN).ok).toBe(false);
  });

  it("treats after sunset + before sunrise as the night (either half)", () => {
    const night = { after: "sunset", before: "sunrise" } as const;
    expect(check(night, utc("2024-06-21T21:50:00Z")).ok).toBe(true); // 23:50, after sunset
    expect(check(night, utc("2024-06-21T01:00:00Z")).ok).toBe(true); // 03:00, before sunrise
    expect(check(night, utc("2024-06-21T10:00:00Z")).ok).toBe(false);
    expect(check(night, sunset).ok).toBe(false); // strict on both ends, as HA
  });

  it("fails when a needed event does not happen today (polar)", () => {
    const dark = utc("2024-12-21T11:00:00Z");
    expect(check({ after: "sunrise" }, dark, TROMSO)).toMatchObject({ ok: false, missing: "sunrise" });
    expect(check({ before: "sunset" }, utc("2024-06-21T11:00:00Z"), TROMSO)).toMatchObject({ ok: false, missing: "sunset" });
    expect(check({ after: "sunset", before: "sunrise" }, dark, TROMSO).ok).toBe(false);
  });

  it("does not need an event it does not name", () => {
    expect(check({ after: "sunrise" }, utc("2024-06-21T10:00:00Z")).missing).toBeUndefined();
    expect(check({}, utc("2024-06-21T10:00:00Z")).ok).toBe(true);
  });
});

describe("suncalc anchoring", () => {
  it("gives the same day's events for any time of that day", () => {
    for (let h = 0; h < 24; h += 3) {
      const r = sunEventsAround(utc(`2024-09-01T00:00:00Z`) + h * H - 2 * H, BERLIN, "Europe/Berlin");
      expect(localDate(r.sunset!, "Europe/Berlin")).toBe("2024-09-01");
    }
  });
});
