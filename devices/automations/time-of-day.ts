// Wall-clock arithmetic in the home's time zone, for time triggers, time_pattern triggers and the time
// condition. Only Intl: a formatter per zone turns an instant into local fields; the reverse (local wall
// time -> instant) probes the zone's offset a day either side, which is enough for every real DST rule.
import type { Weekday } from "./types";
import { zoneFormatter } from "../zone-formatter";

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** getUTCDay() order: Sunday first. */
const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export interface LocalParts {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: Weekday;
  /** Milliseconds since local midnight (wall clock, so 0 … 86 399 999). */
  msOfDay: number;
}

/** The local calendar and clock fields of an instant in an IANA zone (throws RangeError on an unknown zone). */
export function localParts(ms: number, timeZone: string): LocalParts {
  const fields: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(ms)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 1970;
  const month = fields.month ?? 1;
  const day = fields.day ?? 1;
  const hour = fields.hour ?? 0;
  const minute = fields.minute ?? 0;
  const second = fields.second ?? 0;
  const milli = ((ms % SECOND_MS) + SECOND_MS) % SECOND_MS;
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()] ?? "sun";
  return { year, month, day, hour, minute, second, ms: milli, weekday, msOfDay: hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS + milli };
}

/** The zone's UTC offset at an instant, in ms (local wall time minus UTC). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day) + p.msOfDay - ms;
}

/**
 * The instant a local wall time falls on for a calendar date. A time repeated when clocks go back gives
 * its first occurrence; a time skipped when clocks go forward gives the instant it would have had on the
 * old offset (02:30 on a spring-forward night at 02:00 -> 03:30), so a daily schedule still runs that day.
 */
export function instantOfLocalTime(year: number, month: number, day: number, msOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + msOfDay;
  const before = wall - zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = wall - zoneOffsetMs(wall + DAY_MS, timeZone);
  const fits = (t: number) => t + zoneOffsetMs(t, timeZone) === wall;
  const candidates = [before, after].filter(fits);
  return candidates.length > 0 ? Math.min(...candidates) : before;
}

/** "HH:MM" or "HH:MM:SS" (one or two digits each, as HA's parse_time) -> ms since local midnight. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS;
}

/**
 * The first instant strictly after `afterMs` at which the local clock shows `msOfDay`, on one of
 * `weekdays` (the local date's weekday) when given. Once per local date: see {@link instantOfLocalTime}
 * for DST. Undefined only for an empty weekday list.
 */
export function nextLocalTime(msOfDay: number, afterMs: number, timeZone: string, weekdays?: readonly Weekday[]): number | undefined {
  const p = localParts(afterMs, timeZone);
  const today = Date.UTC(p.year, p.month - 1, p.day);
  // From yesterday: where clocks go back across midnight, yesterday's late times can still lie ahead.
  for (let k = -1; k <= 8; k++) {
    const date = new Date(today + k * DAY_MS);
    if (weekdays && !weekdays.includes(WEEKDAYS[date.getUTCDay()] ?? "sun")) continue;
    const at = instantOfLocalTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), msOfDay, timeZone);
    if (at > afterMs) return at;
  }
  return undefined;
}

export interface TimePattern {
  /** Each as HA writes it: "*", a number ("5"), or "/n" (every value divisible by n); undefined = HA's default. */
  hours?: string | undefined;
  minutes?: string | undefined;
  seconds?: string | undefined;
}

/** The matching values of one field (0 … max), or undefined when the text is not "*", "n" or "/n" in range. */
function fieldValues(text: string, max: number): Set<number> | undefined {
  const t = text.trim();
  if (t === "*") return new Set(Array.from({ length: max + 1 }, (_, i) => i));
  const every = /^\/(\d+)$/.exec(t);
  if (every) {
    const n = Number(every[1]);
    if (n === 0 || n > max) return undefined;
    return new Set(Array.from({ length: max + 1 }, (_, i) => i).filter((v) => v % n === 0));
  }
  if (!/^\d+$/.test(t) || Number(t) > max) return undefined;
  return new Set([Number(t)]);
}

/**
 * HA's time_pattern fields as sets of matching values. A smaller unit left out defaults to 0 when a larger
 * one is given (hours "/2" -> 00:00:00, 02:00:00, …), otherwise to "*" (HA's time_pattern trigger).
 * Undefined when a field is invalid or none is given.
 */
export function parseTimePattern(pattern: TimePattern): { hours: Set<number>; minutes: Set<number>; seconds: Set<number> } | undefined {
  if (pattern.hours === undefined && pattern.minutes === undefined && pattern.seconds === undefined) return undefined;
  const minutesText = pattern.minutes ?? (pattern.hours !== undefined ? "0" : undefined);
  const secondsText = pattern.seconds ?? (minutesText !== undefined ? "0" : undefined);
  const hours = fieldValues(pattern.hours ?? "*", 23);
  const minutes = fieldValues(minutesText ?? "*", 59);
  const seconds = fieldValues(secondsText ?? "*", 59);
  return hours && minutes && seconds ? { hours, minutes, seconds } : undefined;
}

/**
 * The next whole second strictly after `afterMs` whose local hour, minute and second match the pattern.
 * Walks real instants, skipping whole hours and minutes that cannot match, so a wall time skipped by DST
 * never fires and one repeated fires in both folds (as HA). Undefined for an invalid pattern.
 */
export function nextTimePatternMatch(pattern: TimePattern, afterMs: number, timeZone: string): number | undefined {
  const sets = parseTimePattern(pattern);
  if (!sets) return undefined;
  let t = Math.floor(afterMs / SECOND_MS) * SECOND_MS + SECOND_MS;
  // Each step reaches the next hour, minute or matching second: a few thousand steps cover two days.
  for (let step = 0; step < 20_000; step++) {
    const p = localParts(t, timeZone);
    if (!sets.hours.has(p.hour)) {
      t += HOUR_MS - (p.minute * MINUTE_MS + p.second * SECOND_MS);
    } else if (!sets.minutes.has(p.minute)) {
      t += MINUTE_MS - p.second * SECOND_MS;
    } else if (!sets.seconds.has(p.second)) {
      let next = p.second + 1;
      while (next < 60 && !sets.seconds.has(next)) next++;
      t += (next - p.second) * SECOND_MS;
    } else {
      return t;
    }
  }
  return undefined;
}

/**
 * HA's time condition: `after` <= now < `before` in local wall time, where after > before wraps past
 * midnight (22:00 … 06:00) and after == before always holds; after defaults to midnight, before to the
 * end of the day. `weekdays` is checked against today's local weekday.
 */
export function inTimeRange(ms: number, after: number | undefined, before: number | undefined, weekdays: readonly Weekday[] | undefined, timeZone: string): boolean {
  const p = localParts(ms, timeZone);
  const from = after ?? 0;
  const to = before ?? DAY_MS;
  const inside = from < to ? from <= p.msOfDay && p.msOfDay < to : !(to <= p.msOfDay && p.msOfDay < from);
  return inside && (weekdays === undefined || weekdays.includes(p.weekday));
}

/** A wall time for people: "07:30", or "07:30:15" when the seconds matter. */
export function formatTimeOfDay(msOfDay: number): string {
  const total = Math.floor(msOfDay / SECOND_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  const hhmm = `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}`;
  return total % 60 === 0 ? hhmm : `${hhmm}:${pad(total % 60)}`;
}

/** An instant as the home's wall clock ("18:42"). */
export function formatClock(ms: number, timeZone: string): string {
  return formatTimeOfDay(localParts(ms, timeZone).msOfDay);
}

/** A length of time for people: "45s", "2m 5s", "1h 30m", "2d 3h" (the two largest units, rounded down). */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / SECOND_MS);
  const units: Array<[string, number, number]> = [["d", 86_400, Infinity], ["h", 3600, 24], ["m", 60, 60], ["s", 1, 60]];
  const found = units.findIndex(([, size]) => total >= size);
  const i = found === -1 ? units.length - 1 : found;
  const [name, size] = units[i] ?? ["s", 1, 60];
  let text = `${Math.floor(total / size)}${name}`;
  const next = units[i + 1];
  if (next) {
    const rest = Math.floor(total / next[1]) % next[2];
    if (rest > 0) text += ` ${rest}${next[0]}`;
  }
  return ms < 0 ? `-${text}` : text;
}
