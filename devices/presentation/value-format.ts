// Fixed "en" formatting so a server render and the browser's hydration produce the same text.

const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** HA's English rule: no space before "%" and a bare "°"; a space before every other unit ("21.5 °C"). */
export function withUnit(value: string, unit: string | null | undefined): string {
  if (!unit) return value;
  if (unit === "%" || unit === "°") return `${value}${unit}`;
  return `${value} ${unit}`;
}

function precisionOf(attributes: Readonly<Record<string, unknown>>): number | undefined {
  for (const key of ["display_precision", "suggested_display_precision"]) {
    const p = attributes[key];
    if (typeof p === "number" && Number.isInteger(p) && p >= 0 && p <= 10) return p;
  }
  return undefined;
}

// Building an Intl.NumberFormat costs far more than formatting with one: keep one per precision (0–10, or none).
const NUMBER_FORMATS = new Map<number | undefined, Intl.NumberFormat>();

/** A number as text: the given precision, or as reported with float noise trimmed (0.30000000000000004 → 0.3). */
export function formatNumber(value: number, precision?: number): string {
  let format = NUMBER_FORMATS.get(precision);
  if (format === undefined) {
    format =
      precision !== undefined
        ? new Intl.NumberFormat("en", { minimumFractionDigits: precision, maximumFractionDigits: precision, useGrouping: false })
        : new Intl.NumberFormat("en", { maximumFractionDigits: 6, useGrouping: false });
    if (NUMBER_FORMATS.size < 32) NUMBER_FORMATS.set(precision, format);
  }
  return format.format(value);
}

/** A sensor's state with its unit and display precision ("21.3 °C", "41.8%", "On battery"). */
export function formatSensorState(state: string, attributes: Readonly<Record<string, unknown>>): string {
  if (state === "unavailable") return "Unavailable";
  if (state === "unknown") return "Unknown";
  const unit = typeof attributes.unit_of_measurement === "string" ? attributes.unit_of_measurement : null;
  const deviceClass = typeof attributes.device_class === "string" ? attributes.device_class : null;
  if (deviceClass === "timestamp") {
    const at = Date.parse(state);
    if (!Number.isNaN(at)) return new Date(at).toISOString().replace("T", " ").slice(0, 16);
  }
  if (NUMERIC.test(state.trim())) return withUnit(formatNumber(Number(state), precisionOf(attributes)), unit);
  return withUnit(state, unit);
}

/** A temperature for summaries: one decimal at most. */
export function formatTemperature(value: number, unit: string): string {
  return withUnit(formatNumber(Math.round(value * 10) / 10), unit);
}

/** 0–255 brightness → 0–100 %. */
export function brightnessPercent(brightness: unknown): number {
  return typeof brightness === "number" ? Math.round((brightness / 255) * 100) : 0;
}

function clockFormat(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-GB", withDate ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone } : { hour: "2-digit", minute: "2-digit", timeZone });
}

const dayKey = (at: number, timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(at);

/** "14:02" today, "3 Mar, 14:02" on another day, in the home's time zone. */
export function formatClock(at: number, now: number, timeZone: string): string {
  const sameDay = dayKey(at, timeZone) === dayKey(now, timeZone);
  return clockFormat(timeZone, !sameDay).format(at);
}

/** "Offline since 14:02": when an entity or device became unavailable. */
export function offlineSince(lastChanged: string | number | undefined, now: number, timeZone: string): string {
  const at = typeof lastChanged === "string" ? Date.parse(lastChanged) : lastChanged;
  if (at === undefined || Number.isNaN(at)) return "Offline";
  return `Offline since ${formatClock(at, now, timeZone)}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 10) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  return days === 1 ? "yesterday" : `${days} days ago`;
}
