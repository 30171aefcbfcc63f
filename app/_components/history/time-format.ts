const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Axis ticks and readout times in the home's time zone, 24-hour clock (formatters made once per chart). */
export function makeTimeFormat(timeZone: string): { tick: (ms: number, incrementMs: number) => string; full: (ms: number) => string; span: (start: number, end: number) => string } {
  const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone });
  const seconds = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone });
  const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone });
  const month = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone });
  const dayClock = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone });
  const hourOf = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
  return {
    tick: (ms, incr) => {
      if (incr >= 28 * DAY_MS) return month.format(ms);
      if (incr >= DAY_MS) return day.format(ms);
      if (incr < 60_000) return seconds.format(ms);
      // Midnight names the day, so a two-day axis says where one ends.
      return hourOf.format(ms) === "00:00" ? day.format(ms) : clock.format(ms);
    },
    full: (ms) => dayClock.format(ms),
    span: (start, end) => `${dayClock.format(start)} – ${dayClock.format(end)}`,
  };
}
