/**
 * Python's conversions as HA's template filters use them: `float()`/`int()` parsing rules, and the
 * "forgiving" wrappers that turn a ValueError/TypeError into the filter's default or into HA's
 * "no default was specified" error. Jinja2's Undefined is never caught: it fails `__float__` with
 * an UndefinedError, which HA's filters let through even when a default is given.
 */
import { MISSING, pyRound, pyStrip } from "./python-ops";
import { isFloat, isInt, isNumberLike, makeFloat, numValue, PyFloat, pyStr, PyUndefined, repr, TemplateError, typeName } from "./python-values";


/** Python's ValueError/TypeError: the errors HA's forgiving filters turn into their default. */
export class ConversionError extends TemplateError {
  override name = "ValueError";
}

const FLOAT_SYNTAX = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

/** The common case, where JS Number() and Python float() agree. */
const PLAIN_DECIMAL = /^-?\d{1,15}(?:\.\d{1,15})?$/;

/** Python `float(value)`. Undefined raises a non-catchable TemplateError. */
export function toPyFloat(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "string") {
    if (PLAIN_DECIMAL.test(value)) return Number(value);
    const text = pyStrip(value);
    if (!FLOAT_SYNTAX.test(text)) throw new ConversionError(`could not convert string to float: ${repr(value)}`);
    const lower = text.toLowerCase().replace(/_/g, "");
    if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
    if (lower.endsWith("nan")) return NaN;
    return Number(lower);
  }
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  if (value === undefined) throw new TemplateError("value is undefined");
  throw new ConversionError(`float() argument must be a string or a real number, not '${typeName(value)}'`);
}

const INT_PREFIX: Record<string, number> = { "0x": 16, "0o": 8, "0b": 2 };

/** Python `int(text, base)`. */
export function parsePyInt(value: string, base: number): number {
  let text = pyStrip(value).replace(/(?<=[0-9a-zA-Z])_(?=[0-9a-zA-Z])/g, "");
  let sign = 1;
  if (text.startsWith("-") || text.startsWith("+")) {
    sign = text.startsWith("-") ? -1 : 1;
    text = text.slice(1);
  }
  const prefix = text.slice(0, 2).toLowerCase();
  const prefixBase = INT_PREFIX[prefix];
  if (prefixBase !== undefined && (base === 0 || base === prefixBase)) {
    text = text.slice(2);
    base = prefixBase;
  } else if (base === 0) {
    if (/^0+$/.test(text)) return 0;
    if (text.startsWith("0")) throw new ConversionError(`invalid literal for int() with base 0: ${repr(value)}`);
    base = 10;
  }
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
  if (text === "" || ![...text.toLowerCase()].every((ch) => digits.includes(ch))) {
    throw new ConversionError(`invalid literal for int() with base ${base}: ${repr(value)}`);
  }
  return sign * parseInt(text, base);
}

/** Jinja2 `do_int(value, default, base)`; returns `fallback` when conversion fails. */
export function jinjaInt(value: unknown, fallback: unknown, base: number): unknown {
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  try {
    if (typeof value === "string") return parsePyInt(value, base);
    if (base !== 10) throw new ConversionError("int() can't convert non-string with explicit base");
    return truncateToInt(value);
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
  }
  try {
    return truncateToInt(toPyFloat(value));
  } catch (err) {
    if (err instanceof ConversionError) return fallback;
    throw err;
  }
}

export function truncateToInt(value: unknown): number {
  if (!isNumberLike(value)) throw new ConversionError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(value)}'`);
  const x = numValue(value);
  if (Number.isNaN(x)) throw new ConversionError("cannot convert float NaN to integer");
  if (!Number.isFinite(x)) throw new TemplateError("cannot convert float infinity to integer");
  return Math.trunc(x) || 0;
}

export function noDefault(fn: string, value: unknown): TemplateError {
  return new TemplateError(`Template error: ${fn} got invalid input '${pyStr(value)}' when rendering template but no default was specified`);
}

/** Runs `fn`; a ConversionError becomes `fallback`, or HA's "no default" error. */
export function forgiving(name: string, value: unknown, fallback: unknown, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    if (fallback === MISSING) throw noDefault(name, value);
    return fallback;
  }
}

/** HA `forgiving_float`. */
export function forgivingFloat(value: unknown, fallback: unknown): unknown {
  return forgiving("float", value, fallback, () => makeFloat(toPyFloat(value)));
}

/** HA `forgiving_int`. */
export function forgivingInt(value: unknown, fallback: unknown, base: unknown): unknown {
  const b = base === MISSING ? 10 : base;
  if (!isInt(b)) throw new TemplateError("int() base must be an integer");
  const result = jinjaInt(value, fallback, b);
  if (result === MISSING) throw noDefault("int", value);
  return result;
}

/** HA `forgiving_round`. */
export function forgivingRound(value: unknown, precisionArg: unknown, methodArg: unknown, fallback: unknown): unknown {
  const precision = precisionArg === MISSING ? 0 : precisionArg;
  const method = methodArg === MISSING ? "common" : methodArg;
  return forgiving("round", value, fallback, () => {
    if (!isNumberLike(precision)) throw new ConversionError("precision must be a number");
    const p = numValue(precision);
    const multiplier = 10 ** p;
    const x = toPyFloat(value);
    let result: number;
    if (method === "ceil") result = Math.ceil(x * multiplier) / multiplier;
    else if (method === "floor") result = Math.floor(x * multiplier) / multiplier;
    else if (method === "half") result = pyRound(x * 2, 0) / 2;
    else {
      // Python's round(x, 1.0) raises TypeError (caught: the default applies).
      if (isFloat(precision)) throw new ConversionError("'float' object cannot be interpreted as an integer");
      result = pyRound(x, p);
    }
    // int(nan) is a ValueError (default applies); int(inf) an OverflowError (it is not).
    if (p === 0) return truncateToInt(result);
    return makeFloat(result);
  });
}

/** HA `forgiving_boolean` (cv.boolean). */
export function forgivingBoolean(value: unknown, fallback: unknown): unknown {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const text = value.toLowerCase().trim();
    if (["1", "true", "yes", "on", "enable"].includes(text)) return true;
    if (["0", "false", "no", "off", "disable"].includes(text)) return false;
  } else if (isNumberLike(value)) {
    return numValue(value) !== 0;
  }
  if (fallback === MISSING) throw noDefault("bool", value);
  return fallback;
}

/** HA `is_number`. */
export function isNumber(value: unknown): boolean {
  try {
    return Number.isFinite(toPyFloat(value));
  } catch (err) {
    if (err instanceof ConversionError) return false;
    throw err;
  }
}
