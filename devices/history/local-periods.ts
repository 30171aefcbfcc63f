// Calendar periods (day, week, month) in the home's time zone, as epoch-ms bounds. Time zones come from Intl,
// which is slow (tens of microseconds a call), so each period boundary costs one call where possible.
import { zoneFormatter } from "../zone-formatter";

export type CalendarPeriod = "day" | "week" | "month";

/** True when Intl knows the zone (an IANA name such as "Europe/Amsterdam", or "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface WallTime extends LocalDate {
  /** The local wall-clock time read as if it were UTC, in ms: its difference to the instant is the zone's offset. */
  wallMs: number;
}

// "1/6/2025, 23:00:00" (en-US, numeric, h23).
const FORMATTED = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

function wallTime(epochMs: number, timeZone: string): WallTime {
  const seconds = Math.floor(epochMs / 1000) * 1000;
  const m = FORMATTED.exec(zoneFormatter(timeZone).format(new Date(seconds)));
  if (!m) throw new Error(`unexpected date format for ${timeZone}`);
  const [month, day, year, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  return { year, month, day, wallMs: utc(year, month, day, hour, minute, second) };
}

const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/** Date.UTC without its two-digit-year rule (years 0–99 are not 1900–1999 here): shifted by one 400-year cycle. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year >= 100 || year < 0) return Date.UTC(year, month - 1, day, hour, minute, second);
  return Date.UTC(year + 400, month - 1, day, hour, minute, second) - GREGORIAN_CYCLE_MS;
}

const dayOf = (d: LocalDate) => utc(d.year, d.month, d.day);

/**
 * The instant of local midnight starting a calendar date (month and day may overflow, as with Date.UTC). Where
 * a zone skips midnight (a DST jump at 00:00), the first instant of that date after the jump. `offsetHint` (the
 * zone's offset in ms near that date) lets the common case cost one Intl call.
 */
export function localMidnight(year: number, month: number, day: number, timeZone: string, offsetHint?: number): number {
  const wall = utc(year, month, day);
  if (offsetHint !== undefined) {
    const guess = wall - offsetHint;
    if (wallTime(guess, timeZone).wallMs === wall) return guess;
  }
  let instant = wall - (wallTime(wall, timeZone).wallMs - wall);
  // The offset at the guess may differ from the one at the answer (a DST change that day): settle it.
  const at = wallTime(instant, timeZone);
  instant = wall - (at.wallMs - instant);
  const back = wallTime(instant, timeZone);
  if (dayOf(back) < wall) instant += 3_600_000;
  return instant;
}

/** The local date a period starts on, given any local date in it. Weeks start on Monday (ISO, as HA). */
function periodStartDate(d: LocalDate, period: CalendarPeriod): LocalDate {
  switch (period) {
    case "day":
      return d;
    case "week":
      return { ...d, day: d.day - ((new Date(dayOf(d)).getUTCDay() + 6) % 7) };
    case "month":
      return { ...d, day: 1 };
  }
}

/** The local date the next period starts on. */
function nextPeriodDate(start: LocalDate, period: CalendarPeriod): LocalDate {
  const next = new Date(period === "month" ? utc(start.year, start.month + 1, 1) : utc(start.year, start.month, start.day + (period === "week" ? 7 : 1)));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

interface Bounds {
  start: number;
  end: number;
  /** The local date `end` falls on, and the zone's offset there: where the next period starts. */
  endDate: LocalDate;
  endOffset: number;
}

function boundsFrom(startDate: LocalDate, start: number, offsetHint: number, period: CalendarPeriod, timeZone: string): Bounds {
  const endDate = nextPeriodDate(startDate, period);
  const end = localMidnight(endDate.year, endDate.month, endDate.day, timeZone, offsetHint);
  return { start, end, endDate, endOffset: dayOf(endDate) - end };
}

function boundsAt(epochMs: number, period: CalendarPeriod, timeZone: string): Bounds {
  const here = wallTime(epochMs, timeZone);
  const offset = here.wallMs - Math.floor(epochMs / 1000) * 1000;
  const startDate = periodStartDate(here, period);
  const start = localMidnight(startDate.year, startDate.month, startDate.day, timeZone, offset);
  return boundsFrom(startDate, start, offset, period, timeZone);
}

/** The local calendar period containing an instant: [start, end) in epoch ms. */
export function calendarBounds(epochMs: number, period: CalendarPeriod, timeZone: string): { start: number; end: number } {
  const { start, end } = boundsAt(epochMs, period, timeZone);
  return { start, end };
}

/**
 * Finds the period of each of a run of instants in time order cheaply: the next period is worked out from the
 * end of the last (one Intl call), and a gap falls back to a fresh lookup.
 */
export function periodFinder(period: CalendarPeriod, timeZone: string): (epochMs: number) => { start: number; end: number } {
  let last: Bounds | null = null;
  return (epochMs) => {
    if (last === null || epochMs < last.start) {
      last = boundsAt(epochMs, period, timeZone);
    } else if (epochMs >= last.end) {
      const next = boundsFrom(last.endDate, last.end, last.endOffset, period, timeZone);
      last = epochMs < next.end ? next : boundsAt(epochMs, period, timeZone);
    }
    return { start: last.start, end: last.end };
  };
}
