// One Intl.DateTimeFormat per IANA zone, shared by everything that turns an instant into wall-clock fields
// (templates' now(), statistics' calendar periods, automations' time triggers): building one costs far more
// than using it.

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** The zone's numeric y/m/d h:m:s formatter (24-hour: `hourCycle: "h23"`, as "hour12: false" renders midnight as 24 in some ICU versions). Throws RangeError on an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    FORMATTERS.set(timeZone, f);
  }
  return f;
}
