/**
 * Python value semantics for the template engine: how Jinja2 (running on CPython, as in Home
 * Assistant) sees the values a template works with, and how it prints them.
 *
 * Representation (chosen so that JSON payloads need no conversion before a render):
 * - `str` → JS string; `bool` → JS boolean; `None` → null;
 * - `int` → a JS number with an integral value; `float` → a JS number with a fractional part (or
 *   NaN/±Infinity), or a {@link PyFloat} box when the value is integral (21.0);
 * - `list` → JS array; `tuple` → JS array registered in {@link TUPLES};
 * - `dict` → a plain JS object (string keys, read with own-property checks only) or a
 *   {@link PyDict} (any hashable keys: None, int, str…), created by templates;
 * - Jinja2's Undefined → {@link PyUndefined}; `namespace()` → {@link PyNamespace};
 *   functions and bound methods → {@link PyCallable}; datetimes → {@link PyDateTime}.
 * Nothing else (JS functions, class instances, prototypes) is ever reachable from a template.
 */

/** A float whose value is integral (Python `21.0`); non-integral floats are plain numbers. */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** Jinja2's Undefined: a missing variable, key or attribute. `hint` is Jinja2's error text. */
export class PyUndefined {
  /** The missing name or key, as reported in `undefinedAccess`. */
  readonly name: string;
  /** e.g. `'dict object' has no attribute 'x'`, raised when the value is used. */
  readonly hint: string;
  constructor(name: string, hint: string) {
    this.name = name;
    this.hint = hint;
  }
}

/** A dict built by a template (literals, `dict()`): keys may be None, numbers, strings, tuples. */
export class PyDict {
  /** normalised key → [original key, value]; insertion-ordered like a Python dict. */
  readonly entries = new Map<unknown, [unknown, unknown]>();

  static fromPairs(pairs: Iterable<readonly [unknown, unknown]>): PyDict {
    const dict = new PyDict();
    for (const [key, value] of pairs) dict.set(key, value);
    return dict;
  }

  set(key: unknown, value: unknown): void {
    const norm = hashKey(key);
    const existing = this.entries.get(norm);
    this.entries.set(norm, [existing ? existing[0] : key, value]);
  }

  has(key: unknown): boolean {
    return this.entries.has(hashKey(key));
  }

  get(key: unknown): unknown {
    const entry = this.entries.get(hashKey(key));
    return entry ? entry[1] : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Jinja2's `namespace()`: the only object a template may assign attributes to. */
export class PyNamespace {
  readonly attrs = new Map<string, unknown>();
}

/** Keyword arguments of a call, as handed to functions and filters. */
export type Kwargs = ReadonlyMap<string, unknown>;
export const NO_KWARGS: Kwargs = new Map();

/** A function or bound method callable from a template. */
export class PyCallable {
  readonly name: string;
  readonly call: (args: unknown[], kwargs: Kwargs) => unknown;
  /** Attribute/item access on the callable itself (types such as `dict`), if any. */
  readonly member: ((name: unknown) => unknown) | undefined;
  /** What iterating it yields (HA's `states` and `states.light` are iterable), asked only when iterated. */
  readonly items: (() => unknown[]) | undefined;
  constructor(name: string, call: (args: unknown[], kwargs: Kwargs) => unknown, member?: (name: unknown) => unknown, items?: () => unknown[]) {
    this.name = name;
    this.call = call;
    this.member = member;
    this.items = items;
  }
}

/** A timezone-aware datetime (HA's now()/utcnow()/as_datetime()). */
export class PyDateTime {
  /** Epoch milliseconds (may carry a sub-millisecond fraction). */
  readonly epochMs: number;
  /** Offset from UTC in minutes for the wall-clock fields. */
  readonly offsetMinutes: number;
  constructor(epochMs: number, offsetMinutes: number) {
    this.epochMs = epochMs;
    this.offsetMinutes = offsetMinutes;
  }
}

/** Python's timedelta (result of datetime arithmetic, `timedelta()` global). */
export class PyTimedelta {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
}

/** Arrays that are Python tuples (printed with parentheses). */
export const TUPLES = new WeakSet<readonly unknown[]>();

export function tuple(items: unknown[]): unknown[] {
  TUPLES.add(items);
  return items;
}

/**
 * An error raised by the template (Jinja2 TemplateError, TypeError, ValueError…). Templates raise
 * on ordinary bad input (and filters catch some to apply defaults), so no stack trace is captured:
 * that would cost more than the whole render.
 */
export class TemplateError extends Error {
  override name = "TemplateError";
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** The render was aborted by a resource limit (time, output size, recursion). */
export class TemplateLimitError extends TemplateError {
  override name = "TemplateLimitError";
}

/** Largest string or list a template may build (characters / items). */
export const MAX_STRING_LENGTH = 64 * 1024;
export const MAX_LIST_LENGTH = 100_000;

export function checkStringLength(length: number): void {
  if (length > MAX_STRING_LENGTH) throw new TemplateLimitError(`string result too long (${length} > ${MAX_STRING_LENGTH} characters)`);
}

export function checkListLength(length: number): void {
  if (length > MAX_LIST_LENGTH) throw new TemplateLimitError(`list result too long (${length} > ${MAX_LIST_LENGTH} items)`);
}

// ---------------------------------------------------------------------------------------------
// Type predicates

/** A plain JS object from JSON or the caller: a Python dict with string keys. */
export function isPlainDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isDict(value: unknown): value is Record<string, unknown> | PyDict {
  return value instanceof PyDict || isPlainDict(value);
}

/** Python int (bool excluded). */
export function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

export function isFloat(value: unknown): value is number | PyFloat {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

/** int, float or bool (Python numbers; bool is a subclass of int). */
export function isNumberLike(value: unknown): value is number | PyFloat | boolean {
  return typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat;
}

/** The numeric value of an int, float or bool. */
export function numValue(value: number | PyFloat | boolean): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return value.value;
}

/** A float result: boxed when integral so that it keeps printing as `21.0`. */
export function makeFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

export function isUndefined(value: unknown): value is PyUndefined | undefined {
  return value === undefined || value instanceof PyUndefined;
}

/** Python's type name, as used in error messages and HA's `typeof`. */
export function typeName(value: unknown): string {
  if (value === null) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (value === undefined) return "Undefined";
  if (value instanceof PyFloat) return "float";
  if (value instanceof PyUndefined) return "Undefined";
  if (Array.isArray(value)) return TUPLES.has(value) ? "tuple" : "list";
  if (isDict(value)) return "dict";
  if (value instanceof PyNamespace) return "Namespace";
  if (value instanceof PyCallable) return "function";
  if (value instanceof PyDateTime) return "datetime";
  if (value instanceof PyTimedelta) return "timedelta";
  return "object";
}

// ---------------------------------------------------------------------------------------------
// Dict helpers

/** Normalises a key the way Python hashes it: 1 == 1.0 == True share one slot. */
export function hashKey(key: unknown): unknown {
  if (typeof key === "string" || key === null) return key;
  if (typeof key === "number") return Object.is(key, -0) ? 0 : key;
  if (typeof key === "boolean") return key ? 1 : 0;
  if (key instanceof PyFloat) return key.value;
  if (Array.isArray(key) && TUPLES.has(key)) return `\u0000tuple${repr(key.map(hashKey))}`;
  if (key instanceof PyUndefined || key === undefined) return key;
  throw new TemplateError(`unhashable type: '${typeName(key)}'`);
}

/** Own string keys of a plain dict, or keys of a PyDict, in insertion order. */
export function dictKeys(dict: Record<string, unknown> | PyDict): unknown[] {
  if (dict instanceof PyDict) return Array.from(dict.entries.values(), (entry) => entry[0]);
  return Object.keys(dict);
}

export function dictItems(dict: Record<string, unknown> | PyDict): [unknown, unknown][] {
  if (dict instanceof PyDict) return Array.from(dict.entries.values(), (entry) => [entry[0], entry[1]]);
  return Object.entries(dict);
}

export function dictSize(dict: Record<string, unknown> | PyDict): number {
  return dict instanceof PyDict ? dict.size : Object.keys(dict).length;
}

/** `key in dict`. */
export function dictHas(dict: Record<string, unknown> | PyDict, key: unknown): boolean {
  if (dict instanceof PyDict) return dict.has(key);
  return typeof key === "string" && Object.hasOwn(dict, key);
}

/** `dict[key]`, or `undefined` when missing. Never reads inherited properties. */
export function dictGet(dict: Record<string, unknown> | PyDict, key: unknown): unknown {
  if (dict instanceof PyDict) return dict.get(key);
  return typeof key === "string" && Object.hasOwn(dict, key) ? dict[key] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Truthiness, equality, ordering

export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "") return false;
  if (value === true) return true;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return true;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof PyUndefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyDict) return value.size > 0;
  if (isPlainDict(value)) return dictSize(value) > 0;
  if (value instanceof PyTimedelta) return value.ms !== 0;
  return true;
}

/** Python `==`. */
export function pyEquals(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (isNumberLike(a) && isNumberLike(b)) return numValue(a) === numValue(b);
  if (isUndefined(a) || isUndefined(b)) return isUndefined(a) && isUndefined(b);
  if (depth > 100) throw new TemplateLimitError("comparison nested too deeply");
  if (Array.isArray(a) && Array.isArray(b)) {
    if (TUPLES.has(a) !== TUPLES.has(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (isDict(a) && isDict(b)) {
    if (dictSize(a) !== dictSize(b)) return false;
    for (const [key, value] of dictItems(a)) {
      if (!dictHas(b, key) || !pyEquals(value, dictGet(b, key), depth + 1)) return false;
    }
    return true;
  }
  if (a instanceof PyDateTime && b instanceof PyDateTime) return a.epochMs === b.epochMs;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return a.ms === b.ms;
  return false;
}

/** Python `<` ordering: -1, 0, 1; raises TypeError for unorderable types. */
export function pyCompare(a: unknown, b: unknown, op = "<"): number {
  if (isNumberLike(a) && isNumberLike(b)) {
    const x = numValue(a);
    const y = numValue(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && TUPLES.has(a) === TUPLES.has(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (a instanceof PyDateTime && b instanceof PyDateTime) return Math.sign(a.epochMs - b.epochMs);
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return Math.sign(a.ms - b.ms);
  if (a instanceof PyUndefined) throw new TemplateError(a.hint);
  if (b instanceof PyUndefined) throw new TemplateError(b.hint);
  throw new TemplateError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// ---------------------------------------------------------------------------------------------
// Printing

/** Python `repr(float)`: shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16. */
export function formatFloat(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e16) {
    // JS and Python agree on the shortest digits, and both print this range positionally.
    return Number.isInteger(value) ? `${value}.0` : String(value);
  }
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const exponent = Number(exponentText);
  const digits = mantissa.replace(".", "");
  const decimalPoint = exponent + 1;
  if (decimalPoint > 16 || decimalPoint < -3) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exp = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${head}e${exponent < 0 ? "-" : "+"}${exp}`;
  }
  if (decimalPoint <= 0) return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
  if (decimalPoint >= digits.length) return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}.0`;
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

/** Python `str(int)`, exact for every integral double (no `1e+21`). */
export function formatInt(value: number): string {
  if (Object.is(value, -0)) return "0";
  if (Math.abs(value) < 1e21) return String(value);
  return BigInt(value).toString();
}

const REPR_ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Python `repr(str)`. */
export function reprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    const escaped = REPR_ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (ch === quote) out += `\\${quote}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad || (code >= 0xd800 && code < 0xe000) || code === 0x2028 || code === 0x2029) {
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python `str(x)`: what `{{ x }}` prints. Undefined prints as "". */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? formatInt(value) : formatFloat(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === undefined) return "";
  if (value === null) return "None";
  if (value instanceof PyFloat) return formatFloat(value.value);
  if (value instanceof PyUndefined) return "";
  if (value instanceof PyDateTime) return formatDateTime(value, " ", true);
  if (value instanceof PyTimedelta) return formatTimedelta(value);
  return repr(value);
}

/** Python `repr(x)`: how values print inside lists and dicts. */
export function repr(value: unknown, depth = 0): string {
  if (typeof value === "string") return reprString(value);
  if (value === undefined || value instanceof PyUndefined) return "Undefined";
  if (depth > 100) throw new TemplateLimitError("value nested too deeply to print");
  if (Array.isArray(value)) {
    const parts = value.map((item) => repr(item, depth + 1));
    if (TUPLES.has(value)) return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
    return `[${parts.join(", ")}]`;
  }
  if (value instanceof PyDict || isPlainDict(value)) {
    const parts = dictItems(value).map(([k, v]) => `${repr(k, depth + 1)}: ${repr(v, depth + 1)}`);
    return `{${parts.join(", ")}}`;
  }
  if (value instanceof PyNamespace) {
    const parts = Array.from(value.attrs, ([k, v]) => `${reprString(k)}: ${repr(v, depth + 1)}`);
    return `<Namespace {${parts.join(", ")}}>`;
  }
  if (value instanceof PyCallable) return `<function ${value.name}>`;
  if (value instanceof PyDateTime) {
    const parts = wallClock(value);
    const fields = [parts.year, parts.month, parts.day, parts.hour, parts.minute];
    if (parts.second || parts.microsecond) fields.push(parts.second);
    if (parts.microsecond) fields.push(parts.microsecond);
    const tz = value.offsetMinutes === 0 ? "datetime.timezone.utc" : `zoneinfo.ZoneInfo(key='UTC${formatOffset(value.offsetMinutes, ":")}')`;
    return `datetime.datetime(${fields.join(", ")}, tzinfo=${tz})`;
  }
  if (value instanceof PyTimedelta) return `datetime.timedelta(microseconds=${Math.round(value.ms * 1000)})`;
  if (value === null || typeof value === "number" || typeof value === "boolean" || value instanceof PyFloat) return pyStr(value);
  return "<object>";
}

// ---------------------------------------------------------------------------------------------
// Datetimes

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Monday = 0, like Python's weekday(). */
  weekday: number;
  /** Day of the year, 1-based. */
  yday: number;
}

export function wallClock(dt: PyDateTime): WallClock {
  const shifted = dt.epochMs + dt.offsetMinutes * 60_000;
  const wholeMs = Math.floor(shifted);
  const date = new Date(wholeMs);
  const microsecond = Math.round((shifted - Math.floor(shifted / 1000) * 1000) * 1000) % 1_000_000;
  const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    microsecond,
    weekday: (date.getUTCDay() + 6) % 7,
    yday: Math.floor((wholeMs - startOfYear) / 86_400_000) + 1,
  };
}

export function formatOffset(offsetMinutes: number, separator: string): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}${separator}${pad(abs % 60, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** Python `datetime.isoformat(sep)` / `str(datetime)` for an aware datetime. */
export function formatDateTime(dt: PyDateTime, separator: string, withOffset: boolean): string {
  const c = wallClock(dt);
  let out = `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}${separator}${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}`;
  if (c.microsecond) out += `.${pad(c.microsecond, 6)}`;
  return withOffset ? out + formatOffset(dt.offsetMinutes, ":") : out;
}

/** Python `str(timedelta)`: `[D day[s], ]H:MM:SS[.ffffff]`. */
export function formatTimedelta(td: PyTimedelta): string {
  const totalUs = Math.round(td.ms * 1000);
  const days = Math.floor(totalUs / 86_400_000_000);
  let rest = totalUs - days * 86_400_000_000;
  const hours = Math.floor(rest / 3_600_000_000);
  rest -= hours * 3_600_000_000;
  const minutes = Math.floor(rest / 60_000_000);
  rest -= minutes * 60_000_000;
  const seconds = Math.floor(rest / 1_000_000);
  const micro = rest - seconds * 1_000_000;
  let out = `${hours}:${pad(minutes, 2)}:${pad(seconds, 2)}`;
  if (micro) out += `.${pad(micro, 6)}`;
  if (days) out = `${days} day${Math.abs(days) === 1 ? "" : "s"}, ${out}`;
  return out;
}
