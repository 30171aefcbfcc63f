// Days as the home lives them: in the home's time zone, whatever zone the browser or the server runs in.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-03-03": the calendar day of `at` in `timeZone`. */
export function dayKey(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** The day after a "YYYY-MM-DD" day. */
function nextDay(day: string): string {
  const m = DAY.exec(day);
  if (!m) return day;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1)).toISOString().slice(0, 10);
}

/** Minutes `timeZone` is ahead of UTC at `at`. */
function zoneOffsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

/** Midnight starting a "YYYY-MM-DD" day in `timeZone`, as epoch ms. */
function midnight(day: string, timeZone: string): number | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== Number(m[1]) || check.getUTCMonth() !== Number(m[2]) - 1 || check.getUTCDate() !== Number(m[3])) return undefined;
  // The offset at a first guess, then at the corrected guess. Where clocks jump forward at midnight (there is no
  // 00:00), the corrected time falls on the day before: the day starts at the guess, the first time it has.
  const guess = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  const offset = zoneOffsetMinutes(guess, timeZone);
  const candidate = wall - offset * 60_000;
  return zoneOffsetMinutes(candidate, timeZone) === offset ? candidate : guess;
}

/** A "YYYY-MM-DD" day as [start, end) in epoch ms, midnight to midnight in `timeZone` (23 or 25 h across DST); undefined if it is not a date. */
export function dayBounds(day: string, timeZone: string): { start: number; end: number } | undefined {
  const start = midnight(day, timeZone);
  const end = midnight(nextDay(day), timeZone);
  return start === undefined || end === undefined ? undefined : { start, end };
}

/** "Today", "Yesterday", or "Tuesday 3 March" ("Tuesday 3 March 2025" in another year) for a day heading. */
export function dayHeading(day: string, now: number, timeZone: string): string {
  const today = dayKey(now, timeZone);
  if (day === today) return "Today";
  const m = DAY.exec(day);
  if (!m) return day;
  const noonUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12);
  if (nextDay(day) === today) return "Yesterday";
  const sameYear = today.slice(0, 4) === day.slice(0, 4);
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", ...(sameYear ? {} : { year: "numeric" }) }).format(noonUtc).replace(",", "");
}

/** "14:02" in the home's time zone. */
export function clockTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(at);
}
