/**
 * HA's date/time helpers for templates: now()/utcnow() with the configured clock and time zone,
 * as_timestamp, as_datetime, as_local, today_at, timedelta and the timestamp_* filters. Time zones
 * come from Intl (no platform access); naive datetimes are read in the configured zone.
 */
import { zoneFormatter } from "../zone-formatter";
import { activeContext, type FilterFunction, type RenderContext } from "./evaluator";
import { ConversionError, forgiving, noDefault } from "./conversions";
import { bindArgs, MISSING, strftime } from "./python-ops";
import {
  formatDateTime,
  isNumberLike,
  type Kwargs,
  makeFloat,
  numValue,
  PyCallable,
  PyDateTime,
  pyStr,
  PyTimedelta,
  PyUndefined,
  TemplateError,
  truthy,
  typeName,
} from "./python-values";


/** Offset (minutes) of `timeZone` at `epochMs`, via Intl (no platform access needed). */
export function zoneOffsetMinutes(epochMs: number, timeZone: string | undefined): number {
  if (timeZone === undefined) return -new Date(epochMs).getTimezoneOffset();
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(new Date(Math.floor(epochMs / 1000) * 1000))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

function localDateTime(epochMs: number, ctx: RenderContext): PyDateTime {
  return new PyDateTime(epochMs, zoneOffsetMinutes(epochMs, ctx.timeZone));
}

/** `datetime.fromtimestamp(value, UTC)`: numbers only, like Python. */
function fromTimestamp(value: unknown): number {
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  if (!isNumberLike(value)) throw new ConversionError(`'${typeName(value)}' object cannot be interpreted as an integer`);
  const seconds = numValue(value);
  if (!Number.isFinite(seconds)) throw new ConversionError("cannot convert float infinity to integer");
  const ms = seconds * 1000;
  if (Math.abs(ms) > 8.64e15) throw new ConversionError("year is out of range");
  return ms;
}

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * HA `dt_util.parse_datetime` (ISO 8601, a date alone is midnight): epoch ms and the offset the text gave
 * (or the zone's at that moment, for naive text, which is read as wall time in `timeZone`).
 */
export function parseIsoDateTime(text: string, timeZone: string | undefined): { epochMs: number; offsetMinutes: number } | undefined {
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", tz] = m;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + Number(frac.padEnd(6, "0")) / 1000;
  if (Number.isNaN(wallMs)) return undefined;
  const check = new Date(Math.floor(wallMs));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (tz === undefined) {
    // Naive: interpret in the configured zone.
    let offset = zoneOffsetMinutes(wallMs, timeZone);
    offset = zoneOffsetMinutes(wallMs - offset * 60_000, timeZone);
    return { epochMs: wallMs - offset * 60_000, offsetMinutes: offset };
  }
  let offset = 0;
  if (tz.toUpperCase() !== "Z") {
    const digits = tz.replace(":", "");
    offset = (digits.startsWith("-") ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || "0"));
  }
  return { epochMs: wallMs - offset * 60_000, offsetMinutes: offset };
}

/** HA `dt_util.parse_datetime` as a template value; naive values are taken as local time. */
export function parseDateTime(text: string, ctx: RenderContext): PyDateTime | undefined {
  const parsed = parseIsoDateTime(text, ctx.timeZone);
  return parsed && new PyDateTime(parsed.epochMs, parsed.offsetMinutes);
}

/** HA `as_timestamp`. */
function asTimestamp(value: unknown, fallback: unknown, ctx: RenderContext): unknown {
  return forgiving("as_timestamp", value, fallback, () => {
    if (value instanceof PyDateTime) return makeFloat(value.epochMs / 1000);
    const parsed = parseDateTime(pyStr(value), ctx);
    if (!parsed) throw new ConversionError("not a valid date/time");
    return makeFloat(parsed.epochMs / 1000);
  });
}

function asDatetime(value: unknown, fallback: unknown, ctx: RenderContext): unknown {
  if (value instanceof PyDateTime) return value;
  if (isNumberLike(value)) return forgiving("as_datetime", value, fallback, () => new PyDateTime(fromTimestamp(value), 0));
  const parsed = parseDateTime(pyStr(value), ctx);
  if (parsed) return parsed;
  if (fallback === MISSING) throw noDefault("as_datetime", value);
  return fallback;
}

function fn(name: string, call: (args: unknown[], kwargs: Kwargs) => unknown): PyCallable {
  return new PyCallable(name, call);
}

function orDefault(value: unknown, fallback: unknown): unknown {
  return value === MISSING ? fallback : value;
}

function requireNumber(name: string, value: unknown): number {
  if (!isNumberLike(value)) throw new TemplateError(`${name}: unsupported type for timedelta component: ${typeName(value)}`);
  return numValue(value);
}

/** Adds the date/time filters and globals to HA's registries. */
export function registerDateTime(filters: Map<string, FilterFunction>, globals: Map<string, unknown>): void {
  filters.set("timestamp_local", (value, args, kwargs, ctx) => {
    const [fallback] = bindArgs("timestamp_local", ["default"], args, kwargs);
    return forgiving("timestamp_local", value, fallback, () => formatDateTime(localDateTime(fromTimestamp(value), ctx), "T", true));
  });
  filters.set("timestamp_utc", (value, args, kwargs) => {
    const [fallback] = bindArgs("timestamp_utc", ["default"], args, kwargs);
    return forgiving("timestamp_utc", value, fallback, () => formatDateTime(new PyDateTime(fromTimestamp(value), 0), "T", true));
  });
  filters.set("timestamp_custom", (value, args, kwargs, ctx) => {
    const [format, local, fallback] = bindArgs("timestamp_custom", ["format_string", "local", "default"], args, kwargs);
    return forgiving("timestamp_custom", value, fallback, () => {
      const ms = fromTimestamp(value);
      const dt = truthy(orDefault(local, true)) ? localDateTime(ms, ctx) : new PyDateTime(ms, 0);
      return strftime(dt, pyStr(orDefault(format, "%Y-%m-%d %H:%M:%S")));
    });
  });
  filters.set("as_timestamp", (value, args, kwargs, ctx) => {
    const [fallback] = bindArgs("as_timestamp", ["default"], args, kwargs);
    return asTimestamp(value, fallback, ctx);
  });
  filters.set("as_datetime", (value, args, kwargs, ctx) => asDatetime(value, bindArgs("as_datetime", ["default"], args, kwargs)[0], ctx));
  globals.set("now", fn("now", () => localDateTime(activeContext().now(), activeContext())));
  globals.set("utcnow", fn("utcnow", () => new PyDateTime(activeContext().now(), 0)));
  globals.set(
    "as_timestamp",
    fn("as_timestamp", (args, kwargs) => {
      const [value, fallback] = bindArgs("as_timestamp", ["value", "default"], args, kwargs);
      return asTimestamp(value, fallback, activeContext());
    }),
  );
  globals.set(
    "as_datetime",
    fn("as_datetime", (args, kwargs) => {
      const [value, fallback] = bindArgs("as_datetime", ["value", "default"], args, kwargs);
      return asDatetime(value, fallback, activeContext());
    }),
  );
  globals.set(
    "as_local",
    fn("as_local", (args) => {
      const dt = args[0];
      if (!(dt instanceof PyDateTime)) throw new TemplateError("as_local() requires a datetime");
      return localDateTime(dt.epochMs, activeContext());
    }),
  );
  globals.set(
    "today_at",
    fn("today_at", (args) => {
      const time = pyStr(args[0] ?? "00:00");
      const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
      if (!m) throw new TemplateError(`could not convert str to datetime: '${time}'`);
      const today = localDateTime(activeContext().now(), activeContext());
      const wall = new Date(today.epochMs + today.offsetMinutes * 60_000);
      const wallMs = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
      const offset = zoneOffsetMinutes(wallMs - today.offsetMinutes * 60_000, activeContext().timeZone);
      return new PyDateTime(wallMs - offset * 60_000, offset);
    }),
  );
  globals.set(
    "timedelta",
    fn("timedelta", (args, kwargs) => {
      const [days, seconds, microseconds, milliseconds, minutes, hours, weeks] = bindArgs(
        "timedelta",
        ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"],
        args,
        kwargs,
      ).map((v) => (v === MISSING ? 0 : requireNumber("timedelta", v)));
      const ms = (days ?? 0) * 86_400_000 + (seconds ?? 0) * 1000 + (microseconds ?? 0) / 1000 + (milliseconds ?? 0) + (minutes ?? 0) * 60_000 + (hours ?? 0) * 3_600_000 + (weeks ?? 0) * 604_800_000;
      return new PyTimedelta(ms);
    }),
  );
}
