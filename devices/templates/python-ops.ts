/**
 * Python operations on template values: attribute and item access (Jinja2 sandbox rules),
 * iteration, slicing, str/dict/list/datetime methods, `%`-formatting, `str.format`, strftime and
 * Python's float rounding. Pure functions over the representation described in python-values.ts.
 */
import {
  checkListLength,
  checkStringLength,
  dictGet,
  dictItems,
  dictKeys,
  formatDateTime,
  formatFloat,
  formatInt,
  formatOffset,
  isDict,
  isNumberLike,
  type Kwargs,
  makeFloat,
  numValue,
  PyCallable,
  PyDateTime,
  PyDict,
  PyFloat,
  pyEquals,
  PyNamespace,
  pyStr,
  PyTimedelta,
  PyUndefined,
  repr,
  TemplateError,
  tuple,
  TUPLES,
  typeName,
  wallClock,
} from "./python-values";

/** Anything with a `tick()` budget check. */
interface Ticker {
  tick(): void;
}

// ---------------------------------------------------------------------------------------------
// Strings as Python sees them (code points, not UTF-16 units)

const SURROGATE = /[\uD800-\uDFFF]/;

function codePoints(text: string): string[] {
  return SURROGATE.test(text) ? Array.from(text) : text.split("");
}

function pyLen(text: string): number {
  return SURROGATE.test(text) ? Array.from(text).length : text.length;
}

/** Python's str.isspace() for one UTF-16 code unit (what strip()/split() remove). */
export function isPySpaceCode(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

function isPyWhitespace(ch: string): boolean {
  return ch.length === 1 && isPySpaceCode(ch.charCodeAt(0));
}

export function pyStrip(text: string, chars?: string | null, mode: "both" | "left" | "right" = "both"): string {
  if (chars === undefined || chars === null) {
    const n = text.length;
    if (n === 0 || (!isPySpaceCode(text.charCodeAt(0)) && !isPySpaceCode(text.charCodeAt(n - 1)))) return text;
  }
  const strip = chars === undefined || chars === null ? isPyWhitespace : (ch: string) => chars.includes(ch);
  let start = 0;
  let end = text.length;
  if (mode !== "right") while (start < end && strip(text.charAt(start))) start++;
  if (mode !== "left") while (end > start && strip(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

function splitWhitespace(text: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isPyWhitespace(text.charAt(i))) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && out.length >= maxsplit) {
      out.push(pyStrip(text.slice(i), undefined, "right"));
      break;
    }
    let j = i;
    while (j < n && !isPyWhitespace(text.charAt(j))) j++;
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

export function pySplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (sep === null || sep === undefined) return splitWhitespace(text, maxsplit);
  if (typeof sep !== "string") throw new TemplateError(`must be str or None, not ${typeName(sep)}`);
  if (sep === "") throw new TemplateError("empty separator");
  const parts = text.split(sep);
  if (maxsplit >= 0 && parts.length > maxsplit + 1) {
    const head = parts.slice(0, maxsplit);
    head.push(parts.slice(maxsplit).join(sep));
    return head;
  }
  checkListLength(parts.length);
  return parts;
}

export function pyReplace(text: string, old: string, replacement: string, count = -1): string {
  if (count < 0) {
    if (old === "") {
      const chars = codePoints(text);
      checkStringLength(text.length + replacement.length * (chars.length + 1));
      return replacement + chars.join(replacement) + replacement;
    }
    const parts = text.split(old);
    checkStringLength(text.length + (parts.length - 1) * (replacement.length - old.length));
    return parts.join(replacement);
  }
  let out = "";
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + replacement;
    rest = rest.slice(at + Math.max(old.length, 0));
    if (old === "") {
      if (rest === "") break;
      out += rest.charAt(0);
      rest = rest.slice(1);
    }
  }
  checkStringLength(out.length + rest.length);
  return out + rest;
}

function titleCase(text: string): string {
  let out = "";
  let previousCased = false;
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const cased = lower !== upper;
    out += cased ? (previousCased ? lower : upper) : ch;
    previousCased = cased;
  }
  return out;
}

export function capitalize(text: string): string {
  const chars = codePoints(text);
  if (chars.length === 0) return "";
  return (chars[0] ?? "").toUpperCase() + chars.slice(1).join("").toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Argument binding

export const MISSING: unique symbol = Symbol("missing");
export type Arg = unknown;

/**
 * Binds positional and keyword arguments to parameter names like a Python signature.
 * Missing arguments are {@link MISSING}.
 */
export function bindArgs(fn: string, names: readonly string[], args: readonly unknown[], kwargs: Kwargs): unknown[] {
  if (args.length > names.length) throw new TemplateError(`${fn}() takes at most ${names.length} argument(s) (${args.length} given)`);
  const out: unknown[] = names.map((_, i) => (i < args.length ? args[i] : MISSING));
  for (const [key, value] of kwargs) {
    const index = names.indexOf(key);
    if (index < 0) throw new TemplateError(`${fn}() got an unexpected keyword argument '${key}'`);
    if (out[index] !== MISSING) throw new TemplateError(`${fn}() got multiple values for argument '${key}'`);
    out[index] = value;
  }
  return out;
}

function intArg(fn: string, value: unknown, fallback: number): number {
  if (value === MISSING || value === null) return fallback;
  if ((typeof value === "number" && Number.isInteger(value)) || typeof value === "boolean") return numValue(value);
  throw new TemplateError(`${fn}(): '${typeName(value)}' object cannot be interpreted as an integer`);
}

function strArg(fn: string, value: unknown): string {
  if (typeof value === "string") return value;
  throw new TemplateError(`${fn}() argument must be str, not ${typeName(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Iteration, slicing, item and attribute access

/** Python `list(iter(value))` for the values a template can iterate. */
export function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return codePoints(value);
  if (value instanceof PyDict || isDict(value)) return dictKeys(value);
  if (value instanceof PyUndefined || value === undefined) return [];
  if (value instanceof PyCallable && value.items) return value.items();
  throw new TemplateError(`'${typeName(value)}' object is not iterable`);
}

function sliceIndex(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value instanceof PyUndefined) return undefined;
  if ((typeof value === "number" && Number.isInteger(value)) || typeof value === "boolean") return numValue(value);
  throw new TemplateError(`slice ${name} must be an integer or None`);
}

/** Python slicing `seq[start:stop:step]`. */
export function sliceValue(target: unknown, startArg: unknown, stopArg: unknown, stepArg: unknown): unknown {
  if (target instanceof PyUndefined) throw new TemplateError(target.hint);
  const isString = typeof target === "string";
  if (!isString && !Array.isArray(target)) throw new TemplateError(`'${typeName(target)}' object is not subscriptable`);
  const items: readonly unknown[] = isString ? codePoints(target) : target;
  const len = items.length;
  const step = sliceIndex(stepArg, "step") ?? 1;
  if (step === 0) throw new TemplateError("slice step cannot be zero");
  const clamp = (index: number | undefined, fallback: number, low: number, high: number): number => {
    if (index === undefined) return fallback;
    const i = index < 0 ? index + len : index;
    return Math.min(Math.max(i, low), high);
  };
  const out: unknown[] = [];
  if (step > 0) {
    const start = clamp(sliceIndex(startArg, "start"), 0, 0, len);
    const stop = clamp(sliceIndex(stopArg, "stop"), len, 0, len);
    for (let i = start; i < stop; i += step) out.push(items[i]);
  } else {
    const start = clamp(sliceIndex(startArg, "start"), len - 1, -1, len - 1);
    const stop = clamp(sliceIndex(stopArg, "stop"), -1, -1, len - 1);
    for (let i = start; i > stop; i += step) out.push(items[i]);
  }
  if (isString) return out.join("");
  return TUPLES.has(target as unknown[]) ? tuple(out) : out;
}

function objectLabel(value: unknown): string {
  return value === null ? "None" : `${typeName(value)} object`;
}

function missingAttr(obj: unknown, name: string): PyUndefined {
  return new PyUndefined(name, `'${objectLabel(obj)}' has no attribute '${name}'`);
}

function missingItem(obj: unknown, key: unknown): PyUndefined {
  if (typeof key === "string") return missingAttr(obj, key);
  return new PyUndefined(pyStr(key), `'${objectLabel(obj)}' has no element ${repr(key)}`);
}

function unsafe(obj: unknown, name: string): PyUndefined {
  return new PyUndefined(name, `access to attribute '${name}' of '${typeName(obj)}' object is unsafe.`);
}

/** Methods that mutate lists/dicts: blocked by HA's ImmutableSandboxedEnvironment. */
const MUTATING_METHODS = new Set(["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "popitem", "setdefault", "update", "add", "discard"]);

/** Jinja2 `obj[key]`: item first, then attribute (for string keys). */
export function getItem(obj: unknown, key: unknown, ticker?: Ticker): unknown {
  if (obj instanceof PyUndefined) throw new TemplateError(obj.hint);
  if (obj === undefined) throw new TemplateError("value is undefined");
  if (isDict(obj)) {
    if (Array.isArray(key) && !TUPLES.has(key)) throw new TemplateError("unhashable type: 'list'");
    const value = dictGet(obj, key);
    if (value !== undefined) return value;
    if (obj instanceof PyDict && obj.has(key)) return value;
    if (typeof key === "string") return getAttr(obj, key, ticker, true);
    return missingItem(obj, key);
  }
  if (Array.isArray(obj) || typeof obj === "string") {
    if ((typeof key === "number" && Number.isInteger(key)) || typeof key === "boolean") {
      const items: readonly unknown[] = typeof obj === "string" ? codePoints(obj) : obj;
      const n = numValue(key);
      const index = n < 0 ? n + items.length : n;
      const item = index >= 0 && index < items.length ? items[index] : undefined;
      // A JS `undefined` inside a caller's array is treated as a missing element.
      return item === undefined ? missingItem(obj, key) : item;
    }
    if (typeof key === "string") return getAttr(obj, key, ticker, true);
    return missingItem(obj, key);
  }
  if (obj instanceof PyNamespace) {
    if (typeof key === "string" && obj.attrs.has(key)) return obj.attrs.get(key);
    return missingItem(obj, key);
  }
  if (obj instanceof PyCallable && obj.member) return obj.member(key);
  if (typeof key === "string") return getAttr(obj, key, ticker, true);
  return missingItem(obj, key);
}

/** Jinja2 `obj.name`: attribute first, then item. Never reads JS properties. */
export function getAttr(obj: unknown, name: string, ticker?: Ticker, fromItem = false): unknown {
  if (obj instanceof PyUndefined) throw new TemplateError(obj.hint);
  if (obj === undefined) throw new TemplateError("value is undefined");
  if (name.startsWith("_")) {
    if (!fromItem && isDict(obj)) {
      const value = dictGet(obj, name);
      if (value !== undefined) return value;
    }
    if (!fromItem && obj instanceof PyNamespace && obj.attrs.has(name)) return obj.attrs.get(name);
    return name.startsWith("__") ? unsafe(obj, name) : missingAttr(obj, name);
  }
  if (typeof obj === "string") return stringMethod(obj, name) ?? missingAttr(obj, name);
  if (isDict(obj)) {
    if (MUTATING_METHODS.has(name) && DICT_METHOD_NAMES.has(name)) return unsafe(obj, name);
    const method = DICT_METHOD_NAMES.has(name) ? dictMethod(obj, name) : undefined;
    if (method) return method;
    if (fromItem) return missingAttr(obj, name);
    const value = dictGet(obj, name);
    if (value !== undefined || (obj instanceof PyDict && obj.has(name))) return value;
    return missingAttr(obj, name);
  }
  if (Array.isArray(obj)) {
    if (MUTATING_METHODS.has(name)) return unsafe(obj, name);
    return listMethod(obj, name, ticker) ?? missingAttr(obj, name);
  }
  if (obj instanceof PyNamespace) {
    return obj.attrs.has(name) ? obj.attrs.get(name) : missingAttr(obj, name);
  }
  if (obj instanceof PyDateTime) return dateTimeAttr(obj, name) ?? missingAttr(obj, name);
  if (obj instanceof PyTimedelta) return timedeltaAttr(obj, name) ?? missingAttr(obj, name);
  if (isNumberLike(obj)) return numberAttr(obj, name) ?? missingAttr(obj, name);
  if (obj instanceof PyCallable && obj.member) return obj.member(name);
  return missingAttr(obj, name);
}

// ---------------------------------------------------------------------------------------------
// Methods

function method(name: string, fn: (args: unknown[], kwargs: Kwargs) => unknown): PyCallable {
  return new PyCallable(name, fn);
}

function stringMethod(text: string, name: string): PyCallable | undefined {
  switch (name) {
    case "split":
    case "rsplit":
      return method(name, (args, kwargs) => {
        const [sep, maxsplit] = bindArgs(name, ["sep", "maxsplit"], args, kwargs);
        const max = intArg(name, maxsplit, -1);
        const s = sep === MISSING ? null : sep;
        if (name === "rsplit" && max >= 0) {
          const reversed = pySplit(codePoints(text).reverse().join(""), typeof s === "string" ? codePoints(s).reverse().join("") : s, max);
          return reversed.map((part) => codePoints(part).reverse().join("")).reverse();
        }
        return pySplit(text, s, max);
      });
    case "replace":
      return method(name, (args, kwargs) => {
        const [old, replacement, count] = bindArgs(name, ["old", "new", "count"], args, kwargs);
        return pyReplace(text, strArg(name, old), strArg(name, replacement), intArg(name, count, -1));
      });
    case "lower":
    case "casefold":
      return method(name, () => text.toLowerCase());
    case "upper":
      return method(name, () => text.toUpperCase());
    case "title":
      return method(name, () => titleCase(text));
    case "capitalize":
      return method(name, () => capitalize(text));
    case "swapcase":
      return method(name, () => Array.from(text, (ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(""));
    case "strip":
    case "lstrip":
    case "rstrip":
      return method(name, (args, kwargs) => {
        const [chars] = bindArgs(name, ["chars"], args, kwargs);
        const c = chars === MISSING || chars === null ? undefined : strArg(name, chars);
        return pyStrip(text, c, name === "strip" ? "both" : name === "lstrip" ? "left" : "right");
      });
    case "startswith":
    case "endswith":
      return method(name, (args, kwargs) => {
        const [prefix] = bindArgs(name, ["prefix", "start", "end"], args, kwargs);
        const options = Array.isArray(prefix) ? prefix : [prefix];
        return options.some((p) => {
          const s = strArg(name, p);
          return name === "startswith" ? text.startsWith(s) : text.endsWith(s);
        });
      });
    case "removeprefix":
      return method(name, (args) => {
        const p = strArg(name, args[0]);
        return text.startsWith(p) ? text.slice(p.length) : text;
      });
    case "removesuffix":
      return method(name, (args) => {
        const p = strArg(name, args[0]);
        return p && text.endsWith(p) ? text.slice(0, -p.length) : text;
      });
    case "find":
    case "index":
    case "rfind":
    case "rindex":
      return method(name, (args) => {
        const sub = strArg(name, args[0]);
        const at = name.startsWith("r") ? text.lastIndexOf(sub) : text.indexOf(sub);
        if (at < 0 && name.endsWith("index")) throw new TemplateError("substring not found");
        return at < 0 ? -1 : pyLen(text.slice(0, at));
      });
    case "count":
      return method(name, (args) => {
        const sub = strArg(name, args[0]);
        if (sub === "") return pyLen(text) + 1;
        return text.split(sub).length - 1;
      });
    case "join":
      return method(name, (args) => {
        const items = iterate(args[0]).map((item) => {
          if (typeof item !== "string") throw new TemplateError(`sequence item: expected str instance, ${typeName(item)} found`);
          return item;
        });
        const joined = items.join(text);
        checkStringLength(joined.length);
        return joined;
      });
    case "format":
      return method(name, (args, kwargs) => strFormat(text, args, kwargs));
    case "zfill":
      return method(name, (args) => {
        const width = intArg(name, args[0], 0);
        checkStringLength(width);
        const sign = text.startsWith("-") || text.startsWith("+") ? text.charAt(0) : "";
        const body = sign ? text.slice(1) : text;
        return sign + body.padStart(width - sign.length, "0");
      });
    case "center":
    case "ljust":
    case "rjust":
      return method(name, (args) => {
        const width = intArg(name, args[0], 0);
        const fill = args.length > 1 ? strArg(name, args[1]) : " ";
        checkStringLength(width);
        const len = pyLen(text);
        if (width <= len) return text;
        const total = width - len;
        if (name === "ljust") return text + fill.repeat(total);
        if (name === "rjust") return fill.repeat(total) + text;
        const left = Math.floor(total / 2) + (total & width & 1);
        return fill.repeat(left) + text + fill.repeat(total - left);
      });
    case "splitlines":
      return method(name, () => {
        const parts = text.split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/);
        if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
        return parts;
      });
    case "partition":
    case "rpartition":
      return method(name, (args) => {
        const sep = strArg(name, args[0]);
        const at = name === "partition" ? text.indexOf(sep) : text.lastIndexOf(sep);
        if (at < 0) return name === "partition" ? tuple([text, "", ""]) : tuple(["", "", text]);
        return tuple([text.slice(0, at), sep, text.slice(at + sep.length)]);
      });
    case "isdigit":
    case "isnumeric":
    case "isdecimal":
      return method(name, () => /^[0-9]+$/.test(text));
    case "isalpha":
      return method(name, () => /^\p{L}+$/u.test(text));
    case "isalnum":
      return method(name, () => /^[\p{L}\p{N}]+$/u.test(text));
    case "isspace":
      return method(name, () => text.length > 0 && Array.from(text).every(isPyWhitespace));
    case "islower":
      return method(name, () => /\p{Ll}/u.test(text) && text === text.toLowerCase());
    case "isupper":
      return method(name, () => /\p{Lu}/u.test(text) && text === text.toUpperCase());
    default:
      return undefined;
  }
}

const DICT_METHOD_NAMES = new Set(["get", "keys", "values", "items", "copy", "pop", "popitem", "setdefault", "update", "clear", "fromkeys"]);

function dictMethod(dict: Record<string, unknown> | PyDict, name: string): PyCallable | undefined {
  switch (name) {
    case "get":
      return method(name, (args, kwargs) => {
        if (kwargs.size > 0) throw new TemplateError("get() takes no keyword arguments");
        if (args.length < 1 || args.length > 2) throw new TemplateError(`get expected 1 or 2 arguments, got ${args.length}`);
        const key = args[0];
        if (Array.isArray(key) && !TUPLES.has(key)) throw new TemplateError("unhashable type: 'list'");
        const value = dictGet(dict, key);
        if (value !== undefined || (dict instanceof PyDict && dict.has(key))) return value;
        return args.length > 1 ? args[1] : null;
      });
    case "keys":
      return method(name, () => dictKeys(dict));
    case "values":
      return method(name, () => dictItems(dict).map((entry) => entry[1]));
    case "items":
      return method(name, () => dictItems(dict).map((entry) => tuple(entry)));
    case "copy":
      return method(name, () => PyDict.fromPairs(dictItems(dict)));
    default:
      return undefined;
  }
}

function listMethod(list: unknown[], name: string, ticker?: Ticker): PyCallable | undefined {
  switch (name) {
    case "index":
      return method(name, (args) => {
        const at = list.findIndex((item) => {
          ticker?.tick();
          return pyEquals(item, args[0]);
        });
        if (at < 0) throw new TemplateError(`${repr(args[0])} is not in list`);
        return at;
      });
    case "count":
      return method(name, (args) => list.filter((item) => pyEquals(item, args[0])).length);
    case "copy":
      return method(name, () => list.slice());
    default:
      return undefined;
  }
}

function numberAttr(value: number | PyFloat | boolean, name: string): unknown {
  const n = numValue(value);
  const isFloat = value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
  switch (name) {
    case "real":
      return value;
    case "imag":
      return isFloat ? new PyFloat(0) : 0;
    case "is_integer":
      return isFloat ? method(name, () => Number.isInteger(n)) : undefined;
    default:
      return undefined;
  }
}

function timedeltaAttr(td: PyTimedelta, name: string): unknown {
  switch (name) {
    case "days":
      return Math.floor(td.ms / 86_400_000);
    case "seconds":
      return Math.floor((td.ms - Math.floor(td.ms / 86_400_000) * 86_400_000) / 1000);
    case "microseconds":
      return Math.round((td.ms - Math.floor(td.ms / 1000) * 1000) * 1000);
    case "total_seconds":
      return method(name, () => makeFloat(td.ms / 1000));
    default:
      return undefined;
  }
}

function dateTimeAttr(dt: PyDateTime, name: string): unknown {
  const c = wallClock(dt);
  switch (name) {
    case "year":
    case "month":
    case "day":
    case "hour":
    case "minute":
    case "second":
    case "microsecond":
      return c[name];
    case "timestamp":
      return method(name, () => makeFloat(dt.epochMs / 1000));
    case "isoformat":
      return method(name, (args) => formatDateTime(dt, typeof args[0] === "string" ? args[0] : "T", true));
    case "strftime":
      return method(name, (args) => strftime(dt, strArg(name, args[0])));
    case "weekday":
      return method(name, () => c.weekday);
    case "isoweekday":
      return method(name, () => c.weekday + 1);
    case "utcoffset":
      return method(name, () => new PyTimedelta(dt.offsetMinutes * 60_000));
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers: Python-exact rounding and formatting

/**
 * `x` with `digits` decimals, rounding the exact binary value half-to-even (CPython's float
 * formatting and `round()`). JS `toFixed` rounds exact ties away from zero instead.
 */
export function toFixedHalfEven(x: number, digits: number): string {
  if (!Number.isFinite(x)) return formatFloat(x);
  if (Math.abs(x) >= 1e21) {
    const whole = BigInt(x).toString();
    return digits > 0 ? `${whole}.${"0".repeat(digits)}` : whole;
  }
  const rounded = x.toFixed(digits);
  // An exact tie has digits+1 decimals ending in 5, so its shortest repr (String) has exactly that
  // shape; for anything else toFixed already rounds correctly.
  const shortest = String(x);
  if (shortest.includes("e")) return digits + 25 > 100 ? rounded : slowTieCheck(x, digits, rounded);
  const point = shortest.indexOf(".");
  if (point < 0 || shortest.length - point - 1 !== digits + 1 || !shortest.endsWith("5")) return rounded;
  if (!isDyadicTie(x, digits)) return rounded;
  // Exact tie: the shortest repr is the tie itself; dropping its final 5 truncates toward zero.
  const truncated = shortest.slice(0, -1).replace(/\.$/, "");
  const lastDigit = truncated.charCodeAt(truncated.length - 1) - 48;
  return lastDigit % 2 === 0 ? truncated : rounded;
}

/**
 * Whether |x| is exactly a midpoint at `digits` decimals: |x| = o·2^k with o odd is a tie exactly
 * when k = -(digits + 1) (the 5 at decimal digits+1 is 10^-(digits+1)·5 = 2^-(digits+1)·5^-digits).
 */
function isDyadicTie(x: number, digits: number): boolean {
  let y = Math.abs(x);
  let k = 0;
  while (!Number.isInteger(y) && k > -1100) {
    y *= 2;
    k--;
  }
  return k === -(digits + 1);
}

/** Exact tie check through a long decimal expansion (values printed in exponent form). */
function slowTieCheck(x: number, digits: number, rounded: string): string {
  const exact = Math.abs(x).toFixed(digits + 25);
  const cut = exact.length - 25;
  if (exact.slice(cut) !== `5${"0".repeat(24)}`) return rounded;
  const truncated = exact.slice(0, cut).replace(/\.$/, "");
  const lastDigit = truncated.charCodeAt(truncated.length - 1) - 48;
  return lastDigit % 2 === 0 ? `${x < 0 ? "-" : ""}${truncated}` : rounded;
}

/** Python `round(x, ndigits)` for a float, returning the float value. */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (ndigits >= 0) {
    if (ndigits + 25 > 100) return x;
    const r = Number(toFixedHalfEven(x, ndigits));
    // Python keeps the sign of a zero result: round(-0.4) == -0.0.
    return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
  }
  const scale = 10 ** -ndigits;
  const scaled = x / scale;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const r = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  const result = r * scale;
  return result === 0 && (x < 0 || Object.is(x, -0)) ? -0 : result;
}

function toExponentialPy(x: number, digits: number, upper: boolean): string {
  if (!Number.isFinite(x)) return upper ? formatFloat(x).toUpperCase() : formatFloat(x);
  let s = x.toExponential(Math.min(digits, 100));
  // Correct exact ties the way CPython does (half-to-even on the exact binary value).
  const [m = "", e = "0"] = s.split("e");
  let exp = Number(e);
  const fixedDigits = digits - exp;
  if (fixedDigits >= 0 && fixedDigits + 25 <= 100) {
    const fixed = toFixedHalfEven(x, fixedDigits);
    const check = Number(fixed).toExponential(Math.min(digits, 100));
    s = check;
    exp = Number(check.split("e")[1]);
  } else {
    s = `${m}e${e}`;
  }
  const [mantissa = ""] = s.split("e");
  const expText = `${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const out = `${mantissa}e${expText}`;
  return upper ? out.toUpperCase() : out;
}

function formatGeneral(x: number, precision: number, alternate: boolean, upper: boolean): string {
  if (!Number.isFinite(x)) return upper ? formatFloat(x).toUpperCase() : formatFloat(x);
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alternate ? `${Object.is(x, -0) ? "-" : ""}0.${"0".repeat(p - 1)}` : Object.is(x, -0) ? "-0" : "0";
  const exp = Number(toExponentialPy(x, p - 1, false).split("e")[1]);
  let out: string;
  if (exp >= -4 && exp < p) {
    out = toFixedHalfEven(x, p - 1 - exp);
    if (!alternate && out.includes(".")) out = out.replace(/0+$/, "").replace(/\.$/, "");
  } else {
    out = toExponentialPy(x, p - 1, upper);
    if (!alternate) out = out.replace(/\.?0+e/, "e").replace(/\.?0+E/, "E");
  }
  return upper ? out.toUpperCase() : out;
}

function toNumberForFormat(value: unknown, kind: string): number {
  if (isNumberLike(value)) return numValue(value);
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  throw new TemplateError(`%${kind} format: a real number is required, not ${typeName(value)}`);
}

function truncInt(x: number): number {
  return Math.trunc(x) || 0;
}

function padNumber(body: string, sign: string, width: number, left: boolean, zero: boolean, prefix = ""): string {
  const total = sign.length + prefix.length + body.length;
  if (width <= total) return sign + prefix + body;
  checkStringLength(width);
  if (left) return (sign + prefix + body).padEnd(width, " ");
  if (zero) return sign + prefix + body.padStart(width - sign.length - prefix.length, "0");
  return (sign + prefix + body).padStart(width, " ");
}

/** Python `fmt % args` (printf-style formatting), used by `%` and the `format` filter. */
export function percentFormat(fmt: string, args: unknown): string {
  const mapping = isDict(args) ? args : undefined;
  const values: unknown[] = mapping ? [] : Array.isArray(args) && TUPLES.has(args) ? args : [args];
  let index = 0;
  let usedMapping = false;
  const next = (): unknown => {
    if (index >= values.length) throw new TemplateError("not enough arguments for format string");
    return values[index++];
  };
  const pattern = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([hlL]?)([diouxXeEfFgGcrsa%])?/g;
  let out = "";
  let last = 0;
  for (let match = pattern.exec(fmt); match; match = pattern.exec(fmt)) {
    out += fmt.slice(last, match.index);
    last = pattern.lastIndex;
    const [, key, flags = "", widthText, precisionText, , kind] = match;
    if (kind === undefined) throw new TemplateError("incomplete format");
    if (kind === "%" && key === undefined && !flags && !widthText && !precisionText) {
      out += "%";
      continue;
    }
    let value: unknown;
    if (key !== undefined) {
      if (!mapping) throw new TemplateError("format requires a mapping");
      usedMapping = true;
      value = dictGet(mapping, key);
      if (value === undefined) throw new TemplateError(`KeyError: ${repr(key)}`);
    }
    const width = widthText === "*" ? Number(next()) : widthText ? Number(widthText) : 0;
    const precision = precisionText === "*" ? Number(next()) : precisionText !== undefined ? Number(precisionText) : undefined;
    if (key === undefined) value = next();
    const left = flags.includes("-");
    const zero = flags.includes("0") && !left;
    const alternate = flags.includes("#");
    const signFor = (x: number): string => (x < 0 || Object.is(x, -0) ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "");
    switch (kind) {
      case "s":
      case "r":
      case "a": {
        let text = kind === "s" ? pyStr(value) : repr(value);
        if (precision !== undefined) text = text.slice(0, precision);
        checkStringLength(Math.max(width, text.length));
        out += left ? text.padEnd(width) : text.padStart(width);
        break;
      }
      case "d":
      case "i":
      case "u": {
        const x = truncInt(toNumberForFormat(value, kind));
        out += padNumber(formatInt(Math.abs(x)), x < 0 ? "-" : signFor(x), width, left, zero);
        break;
      }
      case "x":
      case "X":
      case "o": {
        if (!(typeof value === "number" && Number.isInteger(value)) && typeof value !== "boolean") {
          throw new TemplateError(`%${kind} format: an integer is required, not ${typeName(value)}`);
        }
        const x = numValue(value);
        let body = Math.abs(x).toString(kind === "o" ? 8 : 16);
        if (kind === "X") body = body.toUpperCase();
        const prefix = alternate ? (kind === "o" ? "0o" : kind === "x" ? "0x" : "0X") : "";
        out += padNumber(body, x < 0 ? "-" : signFor(x), width, left, zero, prefix);
        break;
      }
      case "e":
      case "E":
      case "f":
      case "F":
      case "g":
      case "G": {
        const x = toNumberForFormat(value, kind);
        const p = precision ?? 6;
        let body: string;
        if (kind === "f" || kind === "F") body = Number.isFinite(x) ? toFixedHalfEven(Math.abs(x), p) : formatFloat(Math.abs(x));
        else if (kind === "e" || kind === "E") body = toExponentialPy(Math.abs(x), p, kind === "E");
        else body = formatGeneral(Math.abs(x), p, alternate, kind === "G");
        if (kind === "F") body = body.toUpperCase();
        if (alternate && (kind === "f" || kind === "F") && p === 0) body += ".";
        out += padNumber(body, signFor(x), width, left, zero && Number.isFinite(x));
        break;
      }
      case "c": {
        const text = typeof value === "string" ? value : String.fromCodePoint(toNumberForFormat(value, "c"));
        out += left ? text.padEnd(width) : text.padStart(width);
        break;
      }
      default:
        throw new TemplateError(`unsupported format character '${kind}'`);
    }
    checkStringLength(out.length);
  }
  out += fmt.slice(last);
  if (!mapping && index < values.length) throw new TemplateError("not all arguments converted during string formatting");
  void usedMapping;
  checkStringLength(out.length);
  return out;
}

/** Python's format-spec mini-language (`format(x, spec)`, `"{:.1f}".format(x)`). */
export function formatSpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec);
  if (!m) throw new TemplateError(`Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signFlag = "-", , alt, zeroFlag, widthText, grouping, precisionText, type] = m;
  const width = widthText ? Number(widthText) : 0;
  checkStringLength(width);
  const precision = precisionText !== undefined ? Number(precisionText) : undefined;
  let fill = fillChar ?? " ";
  let align = alignChar ?? "";
  let body: string;
  let sign = "";
  const numeric = isNumberLike(value);
  if (!numeric && typeof value !== "string" && type !== undefined && type !== "s") {
    throw new TemplateError(`Unknown format code '${type}' for object of type '${typeName(value)}'`);
  }
  if (numeric && type !== "s" && type !== "c") {
    const x = numValue(value);
    const isFloat = value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
    const abs = Math.abs(x);
    sign = x < 0 || Object.is(x, -0) ? "-" : signFlag === "+" ? "+" : signFlag === " " ? " " : "";
    switch (type) {
      case undefined:
        body = isFloat ? (precision !== undefined ? formatGeneral(abs, precision, false, false) : formatFloat(abs)) : formatInt(abs);
        break;
      case "d":
      case "n":
        if (isFloat) throw new TemplateError(`Unknown format code 'd' for object of type 'float'`);
        body = formatInt(abs);
        break;
      case "f":
      case "F":
        body = toFixedHalfEven(abs, precision ?? 6);
        break;
      case "e":
      case "E":
        body = toExponentialPy(abs, precision ?? 6, type === "E");
        break;
      case "g":
      case "G":
        body = formatGeneral(abs, precision ?? 6, Boolean(alt), type === "G");
        break;
      case "%":
        body = `${toFixedHalfEven(abs * 100, precision ?? 6)}%`;
        break;
      case "x":
      case "X":
      case "o":
      case "b":
        if (isFloat) throw new TemplateError(`Unknown format code '${type}' for object of type 'float'`);
        body = abs.toString(type === "o" ? 8 : type === "b" ? 2 : 16);
        if (type === "X") body = body.toUpperCase();
        if (alt) body = `0${type}${body}`;
        break;
      default:
        throw new TemplateError(`Unknown format code '${type}'`);
    }
    if (grouping) {
      const [intPart = "", frac] = body.split(".");
      const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, grouping);
      body = frac !== undefined ? `${grouped}.${frac}` : grouped;
    }
    if (zeroFlag && !alignChar) {
      fill = "0";
      align = "=";
    }
    if (!align) align = ">";
  } else {
    body = pyStr(value);
    if (precision !== undefined) body = codePoints(body).slice(0, precision).join("");
    if (!align) align = "<";
  }
  const content = sign + body;
  const padLength = width - pyLen(content);
  if (padLength <= 0) return content;
  switch (align) {
    case "<":
      return content + fill.repeat(padLength);
    case ">":
      return fill.repeat(padLength) + content;
    case "=":
      return sign + fill.repeat(padLength) + body;
    default: {
      const leftPad = Math.floor(padLength / 2);
      return fill.repeat(leftPad) + content + fill.repeat(padLength - leftPad);
    }
  }
}

/** Python `str.format(*args, **kwargs)`. */
export function strFormat(template: string, args: unknown[], kwargs: Kwargs): string {
  let auto = 0;
  const out = template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const path = field ?? "";
    const head = /^[^.[]*/.exec(path)?.[0] ?? "";
    let value: unknown;
    if (head === "") {
      if (auto >= args.length) throw new TemplateError(`Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(head)) {
      const i = Number(head);
      if (i >= args.length) throw new TemplateError(`Replacement index ${i} out of range for positional args tuple`);
      value = args[i];
    } else {
      if (!kwargs.has(head)) throw new TemplateError(`KeyError: '${head}'`);
      value = kwargs.get(head);
    }
    const rest = path.slice(head.length);
    for (const part of rest.matchAll(/\.([^.[]+)|\[([^\]]+)\]/g)) {
      if (part[1] !== undefined) value = getAttr(value, part[1]);
      else if (part[2] !== undefined) value = getItem(value, /^\d+$/.test(part[2]) ? Number(part[2]) : part[2]);
      if (value instanceof PyUndefined) throw new TemplateError(value.hint);
    }
    if (conversion === "r" || conversion === "a") value = repr(value);
    else if (conversion === "s") value = pyStr(value);
    return formatSpec(value, spec ?? "");
  });
  checkStringLength(out.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// strftime (glibc flavour, as HA runs on Linux)

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function strftime(dt: PyDateTime, format: string): string {
  const c = wallClock(dt);
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  const field = (directive: string, noPad: boolean): string => {
    const p = (value: number, width: number): string => (noPad ? String(value) : String(value).padStart(width, "0"));
    switch (directive) {
      case "Y":
        return String(c.year);
      case "y":
        return p(c.year % 100, 2);
      case "m":
        return p(c.month, 2);
      case "d":
        return p(c.day, 2);
      case "e":
        return String(c.day).padStart(2, " ");
      case "H":
        return p(c.hour, 2);
      case "k":
        return String(c.hour).padStart(2, " ");
      case "I":
        return p(hour12, 2);
      case "l":
        return String(hour12).padStart(2, " ");
      case "M":
        return p(c.minute, 2);
      case "S":
        return p(c.second, 2);
      case "f":
        return String(c.microsecond).padStart(6, "0");
      case "p":
        return c.hour < 12 ? "AM" : "PM";
      case "P":
        return c.hour < 12 ? "am" : "pm";
      case "a":
        return (DAY_NAMES[c.weekday] ?? "").slice(0, 3);
      case "A":
        return DAY_NAMES[c.weekday] ?? "";
      case "w":
        return String((c.weekday + 1) % 7);
      case "u":
        return String(c.weekday + 1);
      case "b":
      case "h":
        return (MONTH_NAMES[c.month - 1] ?? "").slice(0, 3);
      case "B":
        return MONTH_NAMES[c.month - 1] ?? "";
      case "j":
        return p(c.yday, 3);
      case "z":
        return formatOffset(dt.offsetMinutes, "");
      case "Z":
        return dt.offsetMinutes === 0 ? "UTC" : `UTC${formatOffset(dt.offsetMinutes, ":")}`;
      case "s":
        return String(Math.floor(dt.epochMs / 1000));
      case "c":
        return `${field("a", false)} ${field("b", false)} ${field("e", false)} ${field("H", false)}:${field("M", false)}:${field("S", false)} ${c.year}`;
      case "x":
        return `${field("m", false)}/${field("d", false)}/${field("y", false)}`;
      case "X":
      case "T":
        return `${field("H", false)}:${field("M", false)}:${field("S", false)}`;
      case "D":
        return field("x", false);
      case "F":
        return `${c.year}-${field("m", false)}-${field("d", false)}`;
      case "R":
        return `${field("H", false)}:${field("M", false)}`;
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "%":
        return "%";
      default:
        return `%${directive}`;
    }
  };
  const out = format.replace(/%(-?)([a-zA-Z%])/g, (_, flag: string, directive: string) => field(directive, flag === "-"));
  checkStringLength(out.length);
  return out;
}
