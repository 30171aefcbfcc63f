// Sunrise and sunset for sun triggers and the sun condition, from suncalc (UTC instants; null when the sun
// does not cross the horizon that day, in polar day or night).
import { getTimes } from "suncalc";
import { DAY_MS, formatClock, formatDuration, localParts } from "./time-of-day";

export type SunEvent = "sunrise" | "sunset";

export interface GeoLocation {
  latitude: number;
  longitude: number;
}

/** Polar night at 89° lasts about six months; 400 days always reaches the next event if there is one. */
const MAX_DAYS = 400;

/**
 * The event on the solar day of one UTC date. suncalc picks the solar noon nearest the instant it is given,
 * so pass that date's local mean noon (12:00 UTC shifted by longitude): the day is then never off by one.
 */
function eventOnDay(event: SunEvent, dayIndex: number, loc: GeoLocation): number | undefined {
  const meanNoon = dayIndex * DAY_MS + DAY_MS / 2 - (loc.longitude / 360) * DAY_MS;
  const at = getTimes(new Date(meanNoon), loc.latitude, loc.longitude)[event];
  return at ? at.getTime() : undefined;
}

/**
 * The first instant strictly after `afterMs` at which the event, shifted by `offsetMs`, happens.
 * Undefined when it does not happen in the next ~400 days (polar day or night at the poles).
 */
export function nextSunEvent(event: SunEvent, afterMs: number, loc: GeoLocation, offsetMs = 0): number | undefined {
  // A solar day's events lie within about a day and a half of its UTC midnight, whatever the longitude.
  const first = Math.floor((afterMs - offsetMs) / DAY_MS) - 1;
  for (let day = first; day <= first + MAX_DAYS; day++) {
    const at = eventOnDay(event, day, loc);
    if (at !== undefined && at + offsetMs > afterMs) return at + offsetMs;
  }
  return undefined;
}

/**
 * Today's sunrise and sunset, "today" being the home's local date at `ms` (what HA's sun condition
 * compares with). Each is the event that falls on that local date; undefined when there is none
 * (polar day or night, or a date on which the zone's clock skips it).
 */
export function sunEventsAround(ms: number, loc: GeoLocation, timeZone: string): { sunrise: number | undefined; sunset: number | undefined } {
  const p = localParts(ms, timeZone);
  const today = Date.UTC(p.year, p.month - 1, p.day) / DAY_MS;
  const onToday = (at: number) => {
    const q = localParts(at, timeZone);
    return q.year === p.year && q.month === p.month && q.day === p.day;
  };
  const find = (event: SunEvent) => {
    // The UTC date's solar day usually is the local date's; far from the zone's meridian it can be a neighbour.
    for (const day of [today, today + 1, today - 1]) {
      const at = eventOnDay(event, day, loc);
      if (at !== undefined && onToday(at)) return at;
    }
    return undefined;
  };
  return { sunrise: find("sunrise"), sunset: find("sunset") };
}

export interface SunConditionSpec {
  after: SunEvent | undefined;
  before: SunEvent | undefined;
  afterOffsetMs: number;
  beforeOffsetMs: number;
}

export interface SunConditionCheck {
  ok: boolean;
  sunrise: number | undefined;
  sunset: number | undefined;
  /** The instants compared with (event + offset), when the event happens today. */
  wantedAfter: number | undefined;
  wantedBefore: number | undefined;
  /** An event the condition needs that does not happen today. */
  missing: SunEvent | undefined;
}

/**
 * HA's sun condition (homeassistant/components/sun/condition.py): `after: X` holds from today's X + offset
 * on, `before: X` up to and including it, both must hold; `after: sunset` with `before: sunrise` is the
 * night and holds when either half does. An event missing today makes the condition false (HA: "no
 * sunrise today"); for the night case only the missing half is false.
 */
export function checkSunCondition(spec: SunConditionSpec, nowMs: number, loc: GeoLocation, timeZone: string): SunConditionCheck {
  const { sunrise, sunset } = sunEventsAround(nowMs, loc, timeZone);
  const at = (event: SunEvent | undefined) => (event === "sunrise" ? sunrise : event === "sunset" ? sunset : undefined);
  const shifted = (t: number | undefined, offsetMs: number) => (t === undefined ? undefined : t + offsetMs);
  const wantedAfter = shifted(at(spec.after), spec.afterOffsetMs);
  const wantedBefore = shifted(at(spec.before), spec.beforeOffsetMs);
  const missingOf = (event: SunEvent | undefined, wanted: number | undefined) => (event !== undefined && wanted === undefined ? event : undefined);
  const missing = missingOf(spec.before, wantedBefore) ?? missingOf(spec.after, wantedAfter);
  const base = { sunrise, sunset, wantedAfter, wantedBefore, missing };

  if (spec.before === "sunrise" && spec.after === "sunset") {
    const beforeOk = wantedBefore !== undefined && nowMs < wantedBefore;
    const afterOk = wantedAfter !== undefined && nowMs > wantedAfter;
    return { ok: beforeOk || afterOk, ...base };
  }
  if (missing) return { ok: false, ...base };
  const beforeOk = wantedBefore === undefined || nowMs <= wantedBefore;
  const afterOk = wantedAfter === undefined || nowMs >= wantedAfter;
  return { ok: beforeOk && afterOk, ...base };
}

/** The sun condition's answer with its reason for traces ("now 21:05, wanted after sunset-30m (20:33)"). */
export function sunConditionVerdict(spec: SunConditionSpec, nowMs: number, loc: GeoLocation, timeZone: string): { ok: boolean; reason: string } {
  const check = checkSunCondition(spec, nowMs, loc, timeZone);
  const clock = (ms: number) => formatClock(Math.floor(ms / 60_000) * 60_000, timeZone);
  const offset = (ms: number) => (ms === 0 ? "" : ms > 0 ? `+${formatDuration(ms)}` : `-${formatDuration(-ms)}`);
  const part = (which: string, event: SunEvent | undefined, offsetMs: number, wanted: number | undefined) =>
    event === undefined ? [] : [`${which} ${event}${offset(offsetMs)} (${wanted === undefined ? `no ${event} today` : clock(wanted)})`];
  const parts = [...part("after", spec.after, spec.afterOffsetMs, check.wantedAfter), ...part("before", spec.before, spec.beforeOffsetMs, check.wantedBefore)];
  const night = spec.after === "sunset" && spec.before === "sunrise";
  if (check.missing && !night) return { ok: false, reason: `no ${check.missing} today (the sun ${check.missing === "sunrise" ? "stays down" : "stays up"})` };
  return { ok: check.ok, reason: `now ${clock(nowMs)}, wanted ${parts.join(night ? " or " : " and ")}` };
}
