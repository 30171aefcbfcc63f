/**
 * Home Assistant's template filters, tests and globals (plus the Jinja2 built-ins HA inherits),
 * with HA's semantics: `float`/`int`/`round`/`multiply`/… raise on invalid input unless a default
 * is given; Undefined raises inside them even with a default (Jinja2's Undefined fails
 * `__float__`, which is not the ValueError/TypeError HA catches).
 */
import { activeContext, contains, noteUndefined, type Environment, type FilterFunction, type RenderContext, type TestFunction } from "./evaluator";
import { ConversionError, forgiving, forgivingBoolean, forgivingFloat, forgivingInt, forgivingRound, isNumber, noDefault, toPyFloat } from "./conversions";
import { registerDateTime } from "./ha-datetime";
import { parseJson, toJson, type JsonOptions } from "./json";
import {
  bindArgs,
  capitalize,
  getAttr,
  getItem,
  iterate,
  MISSING,
  percentFormat,
  pyReplace,
  pyStrip,
} from "./python-ops";
import {
  checkListLength,
  checkStringLength,
  dictItems,
  dictKeys,
  isDict,
  isFloat,
  isInt,
  isNumberLike,
  isUndefined,
  type Kwargs,
  makeFloat,
  numValue,
  PyCallable,
  pyCompare,
  PyDateTime,
  PyDict,
  pyEquals,
  PyNamespace,
  pyStr,
  PyUndefined,
  TemplateError,
  TemplateLimitError,
  truthy,
  tuple,
  TUPLES,
  typeName,
} from "./python-values";
import { TEST_FILTER, TUPLE_FUNCTION } from "./syntax";
import { regexFindall, regexMatch, regexReplace, regexSearch } from "./regex";

// ---------------------------------------------------------------------------------------------
// Small helpers

function orDefault(value: unknown, fallback: unknown): unknown {
  return value === MISSING ? fallback : value;
}

function asList(value: unknown): unknown[] {
  return iterate(value);
}

/** Jinja2's `make_attrgetter`: `attribute` may be "a.b" or an integer index. */
function attrGetter(attribute: unknown, ctx: RenderContext, fallback?: unknown): (item: unknown) => unknown {
  if (attribute === MISSING || attribute === null || attribute === undefined) return (item) => item;
  const parts: unknown[] = typeof attribute === "string" ? attribute.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [attribute];
  return (item) => {
    let value = item;
    for (const part of parts) {
      value = getItem(value, part, ctx);
      if (value instanceof PyUndefined) return fallback !== undefined && fallback !== MISSING ? fallback : value;
    }
    return value;
  };
}

function sortKey(value: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof value === "string" ? value.toLowerCase() : value;
}

function sortValues(items: unknown[], key: (item: unknown) => unknown, reverse: boolean, caseSensitive: boolean, ctx: RenderContext): unknown[] {
  const keyed = items.map((item) => [sortKey(key(item), caseSensitive), item] as const);
  keyed.sort((a, b) => {
    ctx.tick();
    return pyCompare(a[0], b[0]);
  });
  if (reverse) keyed.reverse();
  return keyed.map((entry) => entry[1]);
}

function length(value: unknown): number {
  if (typeof value === "string") return Array.from(value).length;
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return dictKeys(value).length;
  if (value instanceof PyUndefined || value === undefined) return 0;
  if (value instanceof PyNamespace) return value.attrs.size;
  if (value instanceof PyCallable && value.items) return value.items().length;
  throw new TemplateError(`object of type '${typeName(value)}' has no len()`);
}

/** Applies a test by name (select/reject/selectattr). */
function runTest(ctx: RenderContext, name: unknown, value: unknown, args: unknown[]): boolean {
  if (typeof name !== "string") throw new TemplateError("test name must be a string");
  const test = ctx.env.tests.get(name);
  if (!test) throw new TemplateError(`No test named '${name}'.`);
  return test(value, args, ctx);
}

function runFilter(ctx: RenderContext, name: unknown, value: unknown, args: unknown[], kwargs: Kwargs): unknown {
  if (typeof name !== "string") throw new TemplateError("filter name must be a string");
  const filter = ctx.env.filters.get(name);
  if (!filter) throw new TemplateError(`No filter named '${name}'.`);
  return filter(value, args, kwargs, ctx);
}

function minMax(name: "min" | "max", value: unknown, kwargs: Kwargs, ctx: RenderContext): unknown {
  const [caseSensitive, attribute] = bindArgs(name, ["case_sensitive", "attribute"], [], kwargs);
  const items = asList(value);
  if (items.length === 0) return new PyUndefined("", "No aggregated item, sequence was empty.");
  const key = attrGetter(attribute, ctx);
  const cs = truthy(orDefault(caseSensitive, false));
  let best = items[0];
  let bestKey = sortKey(key(best), cs);
  for (const item of items.slice(1)) {
    ctx.tick();
    const k = sortKey(key(item), cs);
    const cmp = pyCompare(k, bestKey);
    if ((name === "min" && cmp < 0) || (name === "max" && cmp > 0)) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

function numericAggregate(name: string, args: unknown[], kwargs: Kwargs, compute: (values: number[]) => unknown): unknown {
  if (args.length === 0) throw new TemplateError(`${name} expected at least 1 argument, got 0`);
  let fallback = kwargs.has("default") ? kwargs.get("default") : MISSING;
  let values: unknown[];
  const first = args[0];
  if (Array.isArray(first) || typeof first === "string" || isDict(first)) {
    values = asList(first);
    if (args.length > 1 && fallback === MISSING) fallback = args[1];
  } else if (args.length === 1) {
    throw new TemplateError(`'${typeName(first)}' object is not iterable`);
  } else {
    values = args;
  }
  try {
    if (values.length === 0) throw new ConversionError(`${name} requires at least one data point`);
    const numbers = values.map((v) => {
      if (!isNumberLike(v)) throw new ConversionError(`can't convert type '${typeName(v)}' to numerator/denominator`);
      return numValue(v);
    });
    return compute(numbers);
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    if (fallback === MISSING) throw noDefault(name, tuple(args));
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// Base64 and UTF-8 (pure)

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
    out += b === undefined ? "=" : B64.charAt((n >> 6) & 63);
    out += c === undefined ? "=" : B64.charAt(n & 63);
  }
  checkStringLength(out.length);
  return out;
}

/** Python's `base64.b64decode` (non-alphabet characters are discarded) decoded as UTF-8. */
function base64Decode(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9+/=]/g, "");
  const data = clean.replace(/=.*$/s, "");
  if (data.length % 4 === 1) throw new TemplateError(`Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`);
  const padding = clean.length - data.length;
  if (data.length % 4 !== 0 && padding < 4 - (data.length % 4)) throw new TemplateError("Incorrect padding");
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of data) {
    const index = B64.indexOf(ch);
    buffer = (buffer << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    throw new TemplateError("'utf-8' codec can't decode bytes");
  }
}

// ---------------------------------------------------------------------------------------------
// Registries

/** Python `str(value)`; an Undefined becomes "" and is reported like a printed one. */
function stringOf(value: unknown): string {
  if (value instanceof PyUndefined) noteUndefined(value);
  return pyStr(value);
}

const filters = new Map<string, FilterFunction>();
const tests = new Map<string, TestFunction>();
const globals = new Map<string, unknown>();

function fn(name: string, call: (args: unknown[], kwargs: Kwargs) => unknown): PyCallable {
  return new PyCallable(name, call);
}

// --- numbers
filters.set("float", (value, args, kwargs) => {
  const [fallback] = bindArgs("float", ["default"], args, kwargs);
  return forgivingFloat(value, fallback);
});
filters.set("int", (value, args, kwargs) => {
  const [fallback, base] = bindArgs("int", ["default", "base"], args, kwargs);
  return forgivingInt(value, fallback, base);
});
filters.set("round", (value, args, kwargs) => {
  const [precision, method, fallback] = bindArgs("round", ["precision", "method", "default"], args, kwargs);
  return forgivingRound(value, precision, method, fallback);
});
filters.set("bool", (value, args, kwargs) => {
  const [fallback] = bindArgs("bool", ["default"], args, kwargs);
  return forgivingBoolean(value, fallback);
});
filters.set("is_number", (value) => isNumber(value));
filters.set("abs", (value) => {
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  if (!isNumberLike(value)) throw new TemplateError(`bad operand type for abs(): '${typeName(value)}'`);
  const x = Math.abs(numValue(value));
  return isFloat(value) ? makeFloat(x) : x;
});
for (const [name, op] of [
  ["multiply", (x: number, amount: unknown) => mulAdd(x, amount, "*")],
  ["add", (x: number, amount: unknown) => mulAdd(x, amount, "+")],
] as const) {
  filters.set(name, (value, args, kwargs) => {
    const [amount, fallback] = bindArgs(name, ["amount", "default"], args, kwargs);
    if (amount === MISSING) throw new TemplateError(`${name}() missing 1 required positional argument: 'amount'`);
    return forgiving(name, value, fallback, () => op(toPyFloat(value), amount));
  });
}

function mulAdd(x: number, amount: unknown, op: "*" | "+"): unknown {
  if (!isNumberLike(amount)) throw new ConversionError(`unsupported operand type(s) for ${op}: 'float' and '${typeName(amount)}'`);
  return makeFloat(op === "*" ? x * numValue(amount) : x + numValue(amount));
}

const mathFunctions: [string, (x: number) => number][] = [
  ["sin", Math.sin],
  ["cos", Math.cos],
  ["tan", Math.tan],
  ["asin", Math.asin],
  ["acos", Math.acos],
  ["atan", Math.atan],
  ["sqrt", Math.sqrt],
];
for (const [name, op] of mathFunctions) {
  const apply = (value: unknown, fallback: unknown): unknown =>
    forgiving(name, value, fallback, () => {
      const result = op(toPyFloat(value));
      if (Number.isNaN(result)) throw new ConversionError("math domain error");
      return makeFloat(result);
    });
  filters.set(name, (value, args, kwargs) => apply(value, bindArgs(name, ["default"], args, kwargs)[0]));
  globals.set(
    name,
    fn(name, (args, kwargs) => {
      const [value, fallback] = bindArgs(name, ["value", "default"], args, kwargs);
      return apply(value, fallback);
    }),
  );
}

function logarithm(value: unknown, baseArg: unknown, fallback: unknown): unknown {
  const base = baseArg === MISSING ? Math.E : baseArg;
  const b = forgiving("log", base, fallback, () => toPyFloat(base));
  if (typeof b !== "number") return b;
  return forgiving("log", value, fallback, () => {
    const x = toPyFloat(value);
    if (x <= 0 || b <= 0 || b === 1) throw new ConversionError("math domain error");
    return makeFloat(Math.log(x) / Math.log(b));
  });
}
filters.set("log", (value, args, kwargs) => {
  const [base, fallback] = bindArgs("log", ["base", "default"], args, kwargs);
  return logarithm(value, base, fallback);
});
globals.set(
  "log",
  fn("log", (args, kwargs) => {
    const [value, base, fallback] = bindArgs("log", ["value", "base", "default"], args, kwargs);
    return logarithm(value, base, fallback);
  }),
);

for (const name of ["bitwise_and", "bitwise_or", "bitwise_xor"] as const) {
  const op = (a: unknown, b: unknown): unknown => {
    if (!(isInt(a) || typeof a === "boolean") || !(isInt(b) || typeof b === "boolean")) {
      throw new TemplateError(`unsupported operand type(s) for ${name}: '${typeName(a)}' and '${typeName(b)}'`);
    }
    const x = BigInt(numValue(a));
    const y = BigInt(numValue(b));
    const r = name === "bitwise_and" ? x & y : name === "bitwise_or" ? x | y : x ^ y;
    return Number(r);
  };
  filters.set(name, (value, args, kwargs) => op(value, bindArgs(name, ["second_value"], args, kwargs)[0]));
  globals.set(
    name,
    fn(name, (args, kwargs) => {
      const [a, b] = bindArgs(name, ["first_value", "second_value"], args, kwargs);
      return op(a, b);
    }),
  );
}

const average = (values: number[]): unknown => makeFloat(values.reduce((a, b) => a + b, 0) / values.length);
const median = (values: number[]): unknown => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid];
  return makeFloat(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
};
for (const [name, compute] of [
  ["average", average],
  ["median", median],
] as const) {
  filters.set(name, (value, args, kwargs) => numericAggregate(name, [value, ...args], kwargs, compute));
  globals.set(
    name,
    fn(name, (args, kwargs) => numericAggregate(name, args, kwargs, compute)),
  );
}

filters.set("min", (value, args, kwargs, ctx) => minMax("min", value, bindKw("min", ["case_sensitive", "attribute"], args, kwargs), ctx));
filters.set("max", (value, args, kwargs, ctx) => minMax("max", value, bindKw("max", ["case_sensitive", "attribute"], args, kwargs), ctx));

/** Turns positional filter args into kwargs by name (for helpers that take kwargs only). */
function bindKw(name: string, names: string[], args: unknown[], kwargs: Kwargs): Kwargs {
  const bound = bindArgs(name, names, args, kwargs);
  const out = new Map<string, unknown>();
  names.forEach((n, i) => {
    if (bound[i] !== MISSING) out.set(n, bound[i]);
  });
  return out;
}


// --- defaults and definedness
const defaultFilter: FilterFunction = (value, args, kwargs) => {
  const [fallback, boolean] = bindArgs("default", ["default_value", "boolean"], args, kwargs);
  if (isUndefined(value) || (truthy(orDefault(boolean, false)) && !truthy(value))) return orDefault(fallback, "");
  return value;
};
filters.set("default", defaultFilter);
filters.set("d", defaultFilter);
filters.set("is_defined", (value) => {
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  if (value === undefined) throw new TemplateError("value is undefined");
  return value;
});
filters.set("iif", (value, args, kwargs) => {
  const [ifTrue, ifFalse, ifNone] = bindArgs("iif", ["if_true", "if_false", "if_none"], args, kwargs);
  if (value === null && ifNone !== MISSING) return ifNone;
  return truthy(value) ? orDefault(ifTrue, true) : orDefault(ifFalse, false);
});
globals.set(
  "iif",
  fn("iif", (args, kwargs) => {
    const [value, ifTrue, ifFalse, ifNone] = bindArgs("iif", ["value", "if_true", "if_false", "if_none"], args, kwargs);
    if (value === MISSING) throw new TemplateError("iif() missing 1 required positional argument: 'value'");
    if (value === null && ifNone !== MISSING) return ifNone;
    return truthy(value) ? orDefault(ifTrue, true) : orDefault(ifFalse, false);
  }),
);

// --- strings
filters.set("string", (value) => stringOf(value));
filters.set("lower", (value) => stringOf(value).toLowerCase());
filters.set("upper", (value) => stringOf(value).toUpperCase());
filters.set("capitalize", (value) => capitalize(stringOf(value)));
filters.set("title", (value) =>
  stringOf(value)
    .split(/([-\s({[<]+)/)
    .map((part) => (part ? (part[0] ?? "").toUpperCase() + part.slice(1).toLowerCase() : part))
    .join(""),
);
filters.set("trim", (value, args, kwargs) => {
  const [chars] = bindArgs("trim", ["chars"], args, kwargs);
  return pyStrip(stringOf(value), chars === MISSING || chars === null ? undefined : stringOf(chars));
});
filters.set("replace", (value, args, kwargs) => {
  const [old, replacement, count] = bindArgs("replace", ["old", "new", "count"], args, kwargs);
  if (old === MISSING || replacement === MISSING) throw new TemplateError("replace() missing required arguments");
  return pyReplace(stringOf(value), stringOf(old), stringOf(replacement), count === MISSING || count === null ? -1 : numValue(count as number));
});
filters.set("truncate", (value, args, kwargs) => {
  const [lengthArg, killwords, end, leeway] = bindArgs("truncate", ["length", "killwords", "end", "leeway"], args, kwargs);
  const s = stringOf(value);
  const max = numValue(orDefault(lengthArg, 255) as number);
  const ending = stringOf(orDefault(end, "..."));
  const lee = numValue(orDefault(leeway, 5) as number);
  if (max < ending.length) throw new TemplateError(`expected length >= ${ending.length}, got ${max}`);
  const chars = Array.from(s);
  if (chars.length <= max + lee) return s;
  const head = chars.slice(0, max - ending.length).join("");
  if (truthy(orDefault(killwords, false))) return head + ending;
  const cut = head.lastIndexOf(" ");
  return (cut >= 0 ? head.slice(0, cut) : head) + ending;
});
filters.set("center", (value, args, kwargs) => {
  const [width] = bindArgs("center", ["width"], args, kwargs);
  const w = numValue(orDefault(width, 80) as number);
  checkStringLength(w);
  const s = stringOf(value);
  const total = w - s.length;
  if (total <= 0) return s;
  const left = Math.floor(total / 2) + (total & w & 1);
  return " ".repeat(left) + s + " ".repeat(total - left);
});
filters.set("indent", (value, args, kwargs) => {
  const [width, first, blank] = bindArgs("indent", ["width", "first", "blank"], args, kwargs);
  const w = orDefault(width, 4);
  const pad = typeof w === "string" ? w : " ".repeat(numValue(w as number));
  const lines = stringOf(value).split("\n");
  const out = lines.map((line, i) => ((i === 0 && !truthy(orDefault(first, false))) || (line === "" && !truthy(orDefault(blank, false))) ? line : pad + line)).join("\n");
  checkStringLength(out.length);
  return out;
});
filters.set("wordcount", (value) => (stringOf(value).match(/\w+/gu) ?? []).length);
filters.set("format", (value, args, kwargs) => {
  if (args.length > 0 && kwargs.size > 0) throw new TemplateError("can't handle positional and keyword arguments at the same time");
  return percentFormat(stringOf(value), kwargs.size > 0 ? PyDict.fromPairs(kwargs) : tuple(args));
});
filters.set("ord", (value) => {
  if (typeof value !== "string" || Array.from(value).length !== 1) {
    throw new TemplateError(`ord() expected a character, but string of length ${typeof value === "string" ? value.length : 0} found`);
  }
  return value.codePointAt(0);
});
filters.set("base64_encode", (value) => base64Encode(stringOf(value)));
filters.set("base64_decode", (value) => base64Decode(stringOf(value)));
filters.set("slugify", (value, args, kwargs) => {
  const [separator] = bindArgs("slugify", ["separator"], args, kwargs);
  const sep = stringOf(orDefault(separator, "_"));
  return stringOf(value)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^${escapeRegExp(sep)}+|${escapeRegExp(sep)}+$`, "g"), "");
});
filters.set("urlencode", (value) => (isDict(value) ? dictItems(value).map(([k, v]) => `${encodeURIComponent(pyStr(k))}=${encodeURIComponent(pyStr(v))}`).join("&") : encodeURIComponent(stringOf(value)).replace(/%2F/g, "/")));
filters.set("safe", (value) => value);
filters.set("escape", (value) => htmlEscape(stringOf(value)));
filters.set("e", (value) => htmlEscape(stringOf(value)));
filters.set("forceescape", (value) => htmlEscape(stringOf(value)));
filters.set("typeof", (value) => typeName(value));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
}

// --- regex

/** A regex call may scan a long input: count it as enough work to check the clock. */
const REGEX_COST = 256;
filters.set("regex_match", (value, args, kwargs, ctx) => {
  ctx.tick(REGEX_COST);
  const [find, ignorecase] = bindArgs("regex_match", ["find", "ignorecase"], args, kwargs);
  return regexMatch(stringOf(value), stringOf(orDefault(find, "")), truthy(orDefault(ignorecase, false)));
});
filters.set("regex_search", (value, args, kwargs, ctx) => {
  ctx.tick(REGEX_COST);
  const [find, ignorecase] = bindArgs("regex_search", ["find", "ignorecase"], args, kwargs);
  return regexSearch(stringOf(value), stringOf(orDefault(find, "")), truthy(orDefault(ignorecase, false)));
});
filters.set("regex_replace", (value, args, kwargs, ctx) => {
  ctx.tick(REGEX_COST);
  const [find, replacement, ignorecase] = bindArgs("regex_replace", ["find", "replace", "ignorecase"], args, kwargs);
  return regexReplace(stringOf(value), stringOf(orDefault(find, "")), stringOf(orDefault(replacement, "")), truthy(orDefault(ignorecase, false)));
});
filters.set("regex_findall", (value, args, kwargs, ctx) => {
  ctx.tick(REGEX_COST);
  const [find, ignorecase] = bindArgs("regex_findall", ["find", "ignorecase"], args, kwargs);
  return regexFindall(stringOf(value), stringOf(orDefault(find, "")), truthy(orDefault(ignorecase, false)));
});
filters.set("regex_findall_index", (value, args, kwargs, ctx) => {
  ctx.tick(REGEX_COST);
  const [find, index, ignorecase] = bindArgs("regex_findall_index", ["find", "index", "ignorecase"], args, kwargs);
  const matches = regexFindall(stringOf(value), stringOf(orDefault(find, "")), truthy(orDefault(ignorecase, false)));
  const i = orDefault(index, 0);
  if (!isInt(i)) throw new TemplateError("list indices must be integers");
  const at = i < 0 ? i + matches.length : i;
  if (at < 0 || at >= matches.length) throw new TemplateError("list index out of range");
  return matches[at];
});
filters.set(TEST_FILTER, (value, args, _kwargs, ctx) => {
  const [name, negate, ...rest] = args;
  return runTest(ctx, name, value, rest) !== (negate === true);
});
tests.set("match", (value, args, ctx) => {
  ctx.tick(REGEX_COST);
  return regexMatch(stringOf(value), stringOf(args[0] ?? ""), truthy(args[1] ?? false));
});
tests.set("search", (value, args, ctx) => {
  ctx.tick(REGEX_COST);
  return regexSearch(stringOf(value), stringOf(args[0] ?? ""), truthy(args[1] ?? false));
});

// --- JSON
filters.set("tojson", (value, args, kwargs) => {
  const [indent] = bindArgs("tojson", ["indent"], args, kwargs);
  return toJson(value, { style: "jinja", indent: indent === MISSING || indent === null ? undefined : numValue(indent as number) });
});
filters.set("to_json", (value, args, kwargs) => {
  const [ensureAscii, prettyPrint, sortKeys] = bindArgs("to_json", ["ensure_ascii", "pretty_print", "sort_keys"], args, kwargs);
  const options: JsonOptions = {
    // HA falls back to Python's json.dumps (", " separators) when ensure_ascii is set.
    style: truthy(orDefault(ensureAscii, false)) ? "python" : "orjson",
    ensureAscii: truthy(orDefault(ensureAscii, false)),
    indent: truthy(orDefault(prettyPrint, false)) ? 2 : undefined,
    sortKeys: truthy(orDefault(sortKeys, false)),
  };
  return toJson(value, options);
});
filters.set("from_json", (value, args, kwargs) => {
  const [fallback] = bindArgs("from_json", ["default"], args, kwargs);
  const parsed = parseJson(stringOf(value));
  if (parsed.ok) return parsed.value;
  if (fallback === MISSING) throw noDefault("from_json", value);
  return fallback;
});

// --- sequences
filters.set("length", (value) => length(value));
filters.set("count", (value) => length(value));
filters.set("list", (value) => {
  if (isNumberLike(value) || value === null) throw new TemplateError(`'${typeName(value)}' object is not iterable`);
  return asList(value).slice();
});
filters.set("first", (value) => {
  const items = asList(value);
  return items.length > 0 ? items[0] : new PyUndefined("", "No first item, sequence was empty.");
});
filters.set("last", (value) => {
  const items = asList(value);
  return items.length > 0 ? items[items.length - 1] : new PyUndefined("", "No last item, sequence was empty.");
});
filters.set("reverse", (value) => {
  if (typeof value === "string") return Array.from(value).reverse().join("");
  return asList(value).slice().reverse();
});
filters.set("join", (value, args, kwargs, ctx) => {
  const [separator, attribute] = bindArgs("join", ["d", "attribute"], args, kwargs);
  const get = attrGetter(attribute, ctx);
  const out = asList(value)
    .map((item) => stringOf(get(item)))
    .join(stringOf(orDefault(separator, "")));
  checkStringLength(out.length);
  return out;
});
filters.set("sort", (value, args, kwargs, ctx) => {
  const [reverse, caseSensitive, attribute] = bindArgs("sort", ["reverse", "case_sensitive", "attribute"], args, kwargs);
  return sortValues(asList(value), attrGetter(attribute, ctx), truthy(orDefault(reverse, false)), truthy(orDefault(caseSensitive, false)), ctx);
});
filters.set("unique", (value, args, kwargs, ctx) => {
  const [caseSensitive, attribute] = bindArgs("unique", ["case_sensitive", "attribute"], args, kwargs);
  const get = attrGetter(attribute, ctx);
  const cs = truthy(orDefault(caseSensitive, false));
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of asList(value)) {
    ctx.tick();
    const key = sortKey(get(item), cs);
    if (!seen.some((s) => pyEquals(s, key))) {
      seen.push(key);
      out.push(item);
    }
  }
  return out;
});
filters.set("sum", (value, args, kwargs, ctx) => {
  const [attribute, start] = bindArgs("sum", ["attribute", "start"], args, kwargs);
  const get = attrGetter(attribute, ctx);
  let total: unknown = orDefault(start, 0);
  for (const item of asList(value)) {
    ctx.tick();
    total = addValues(total, get(item));
  }
  return total;
});
filters.set("map", (value, args, kwargs, ctx) => {
  const items = asList(value);
  if (args.length === 0 && kwargs.has("attribute")) {
    const get = attrGetter(kwargs.get("attribute"), ctx, kwargs.has("default") ? kwargs.get("default") : undefined);
    return items.map((item) => {
      ctx.tick();
      return get(item);
    });
  }
  const [name, ...rest] = args;
  return items.map((item) => {
    ctx.tick();
    return runFilter(ctx, name, item, rest, kwargs);
  });
});
for (const [name, keep] of [
  ["select", true],
  ["reject", false],
] as const) {
  filters.set(name, (value, args, _kwargs, ctx) => {
    const [test, ...rest] = args;
    return asList(value).filter((item) => {
      ctx.tick();
      return (test === undefined ? truthy(item) : runTest(ctx, test, item, rest)) === keep;
    });
  });
}
for (const [name, keep] of [
  ["selectattr", true],
  ["rejectattr", false],
] as const) {
  filters.set(name, (value, args, _kwargs, ctx) => {
    const [attribute, test, ...rest] = args;
    const get = attrGetter(attribute, ctx);
    return asList(value).filter((item) => {
      ctx.tick();
      const attr = get(item);
      return (test === undefined ? truthy(attr) : runTest(ctx, test, attr, rest)) === keep;
    });
  });
}
filters.set("batch", (value, args, kwargs) => {
  const [size, fill] = bindArgs("batch", ["linecount", "fill_with"], args, kwargs);
  const n = numValue(size as number);
  if (!(n >= 1)) throw new TemplateError("batch size must be positive");
  const items = asList(value);
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += n) {
    const chunk = items.slice(i, i + n);
    if (fill !== MISSING) while (chunk.length < n) chunk.push(fill);
    out.push(chunk);
  }
  return out;
});
filters.set("dictsort", (value, args, kwargs, ctx) => {
  const [caseSensitive, by, reverse] = bindArgs("dictsort", ["case_sensitive", "by", "reverse"], args, kwargs);
  if (!isDict(value)) throw new TemplateError("You can only sort by either \"key\" or \"value\"");
  const index = orDefault(by, "key") === "value" ? 1 : 0;
  const items = dictItems(value).map((entry) => tuple(entry));
  return sortValues(items, (item) => (item as unknown[])[index], truthy(orDefault(reverse, false)), truthy(orDefault(caseSensitive, false)), ctx);
});
filters.set("items", (value) => {
  if (isUndefined(value)) return [];
  if (!isDict(value)) throw new TemplateError(`Can only get item pairs from a mapping, not ${typeName(value)}`);
  return dictItems(value).map((entry) => tuple(entry));
});
filters.set("attr", (value, args) => getAttr(value, stringOf(args[0])));
filters.set("contains", (value, args) => contains(value, args[0]));
filters.set("flatten", (value, args, kwargs) => {
  const [levels] = bindArgs("flatten", ["levels"], args, kwargs);
  const max = levels === MISSING || levels === null ? Infinity : numValue(levels as number);
  const walk = (items: unknown[], depth: number, out: unknown[]): unknown[] => {
    for (const item of items) {
      if (Array.isArray(item) && depth < max) walk(item, depth + 1, out);
      else out.push(item);
      checkListLength(out.length);
    }
    return out;
  };
  return walk(asList(value), 0, []);
});
function addValues(a: unknown, b: unknown): unknown {
  if (isNumberLike(a) && isNumberLike(b)) {
    const r = numValue(a) + numValue(b);
    return isFloat(a) || isFloat(b) ? makeFloat(r) : r;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  throw new TemplateError(`unsupported operand type(s) for +: '${typeName(a)}' and '${typeName(b)}'`);
}

// ---------------------------------------------------------------------------------------------
// Tests

tests.set("defined", (value) => !isUndefined(value));
tests.set("undefined", (value) => isUndefined(value));
tests.set("none", (value) => value === null);
tests.set("number", (value) => isNumberLike(value));
tests.set("integer", (value) => isInt(value));
tests.set("float", (value) => isFloat(value));
tests.set("string", (value) => typeof value === "string");
tests.set("boolean", (value) => typeof value === "boolean");
tests.set("true", (value) => value === true);
tests.set("false", (value) => value === false);
tests.set("mapping", (value) => isDict(value));
tests.set("sequence", (value) => typeof value === "string" || Array.isArray(value) || isDict(value));
tests.set("iterable", (value) => typeof value === "string" || Array.isArray(value) || isDict(value) || isUndefined(value));
tests.set("callable", (value) => value instanceof PyCallable);
tests.set("lower", (value) => stringOf(value) === stringOf(value).toLowerCase());
tests.set("upper", (value) => stringOf(value) === stringOf(value).toUpperCase());
tests.set("odd", (value) => Math.abs(numValue(requireInt(value))) % 2 === 1);
tests.set("even", (value) => numValue(requireInt(value)) % 2 === 0);
tests.set("divisibleby", (value, args) => numValue(requireInt(value)) % numValue(requireInt(args[0])) === 0);
tests.set("is_number", (value) => isNumber(value));
tests.set("string_like", (value) => typeof value === "string");
tests.set("list", (value) => Array.isArray(value) && !TUPLES.has(value));
tests.set("tuple", (value) => Array.isArray(value) && TUPLES.has(value));
tests.set("datetime", (value) => value instanceof PyDateTime);
tests.set("contains", (value, args) => contains(value, args[0]));
tests.set("in", (value, args) => contains(args[0], value));
tests.set("sameas", (value, args) => value === args[0]);
for (const [names, cmp] of [
  [["eq", "equalto", "=="], (a: unknown, b: unknown) => pyEquals(a, b)],
  [["ne", "!="], (a: unknown, b: unknown) => !pyEquals(a, b)],
  [["lt", "lessthan", "<"], (a: unknown, b: unknown) => pyCompare(a, b, "<") < 0],
  [["le", "<="], (a: unknown, b: unknown) => pyCompare(a, b, "<=") <= 0],
  [["gt", "greaterthan", ">"], (a: unknown, b: unknown) => pyCompare(a, b, ">") > 0],
  [["ge", ">="], (a: unknown, b: unknown) => pyCompare(a, b, ">=") >= 0],
] as const) {
  for (const name of names) tests.set(name, (value, args) => cmp(value, args[0]));
}

function requireInt(value: unknown): number | boolean {
  if (value instanceof PyUndefined) throw new TemplateError(value.hint);
  if (isInt(value) || typeof value === "boolean") return value;
  if (isFloat(value)) return numValue(value);
  throw new TemplateError(`unsupported operand type: '${typeName(value)}'`);
}

// ---------------------------------------------------------------------------------------------
// Globals

globals.set(
  "float",
  fn("float", (args, kwargs) => {
    const [value, fallback] = bindArgs("float", ["value", "default"], args, kwargs);
    return forgivingFloat(value === MISSING ? 0 : value, fallback);
  }),
);
globals.set(
  "int",
  fn("int", (args, kwargs) => {
    const [value, fallback, base] = bindArgs("int", ["value", "default", "base"], args, kwargs);
    return forgivingInt(value === MISSING ? 0 : value, fallback, base);
  }),
);
globals.set(
  "bool",
  fn("bool", (args, kwargs) => {
    const [value, fallback] = bindArgs("bool", ["value", "default"], args, kwargs);
    return forgivingBoolean(value, fallback);
  }),
);
globals.set(
  "is_number",
  fn("is_number", (args) => isNumber(args[0])),
);
globals.set("e", Math.E);
globals.set("pi", Math.PI);
globals.set("tau", Math.PI * 2);
globals.set("inf", Infinity);
for (const name of ["min", "max"] as const) {
  globals.set(name, fn(name, (args, kwargs) => {
    if (args.length === 0) throw new TemplateError(`${name} expected at least 1 argument, got 0`);
    const source = args.length === 1 ? args[0] : args;
    if (args.length === 1 && !(Array.isArray(source) || typeof source === "string" || isDict(source))) {
      throw new TemplateError(`'${typeName(source)}' object is not iterable`);
    }
    return minMax(name, source, kwargs, activeContext());
  }));
}
globals.set(
  "range",
  fn("range", (args) => {
    const ints = args.map((a) => numValue(requireIntArg(a)));
    const [start, stop, step] = ints.length === 1 ? [0, ints[0] ?? 0, 1] : [ints[0] ?? 0, ints[1] ?? 0, ints[2] ?? 1];
    if (step === 0) throw new TemplateError("range() arg 3 must not be zero");
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (count > 100_000) throw new TemplateLimitError(`Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).`);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(start + i * step);
    return out;
  }),
);

function requireIntArg(value: unknown): number | boolean {
  if (isInt(value) || typeof value === "boolean") return value;
  throw new TemplateError(`'${typeName(value)}' object cannot be interpreted as an integer`);
}

globals.set(
  "namespace",
  fn("namespace", (args, kwargs) => {
    const ns = new PyNamespace();
    for (const arg of args) {
      if (!isDict(arg)) throw new TemplateError("namespace() argument must be a mapping");
      for (const [k, v] of dictItems(arg)) ns.attrs.set(pyStr(k), v);
    }
    for (const [k, v] of kwargs) ns.attrs.set(k, v);
    return ns;
  }),
);
/** Python's `dict(mapping_or_pairs, **kwargs)`. */
function makeDict(args: unknown[], kwargs: Kwargs): PyDict {
  if (args.length > 1) throw new TemplateError(`dict expected at most 1 argument, got ${args.length}`);
  const out = new PyDict();
  const source = args[0];
  if (source !== undefined) {
    if (isDict(source)) for (const [k, v] of dictItems(source)) out.set(k, v);
    else
      for (const pair of iterate(source)) {
        const entry = iterate(pair);
        if (entry.length !== 2) throw new TemplateError(`dictionary update sequence element has length ${entry.length}; 2 is required`);
        out.set(entry[0], entry[1]);
      }
  }
  for (const [k, v] of kwargs) out.set(k, v);
  return out;
}

const dictFromKeys = fn("fromkeys", (args) => {
  const out = new PyDict();
  for (const key of iterate(args[0])) out.set(key, args.length > 1 ? args[1] : null);
  return out;
});

/**
 * `dict` is Python's type: `dict.fromkeys` is its classmethod, and any other `dict.x`/`dict[x]`
 * is a generic alias (`dict['x']`) that still builds a dict when called. Zigbee2MQTT's event
 * template relies on that: `dict.from_keys(pairs)` works in HA as `dict(pairs)`.
 */
const dictType: PyCallable = new PyCallable("dict", makeDict, (name) => (name === "fromkeys" ? dictFromKeys : dictType));
globals.set("dict", dictType);
globals.set(
  TUPLE_FUNCTION,
  fn(TUPLE_FUNCTION, (args) => tuple(args)),
);
globals.set(
  "zip",
  fn("zip", (args) => {
    const lists = args.map(iterate);
    const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(tuple(lists.map((l) => l[i])));
    return out;
  }),
);
registerDateTime(filters, globals);

/** The HA template environment (filters, tests, context-free globals). */
export const HA_ENVIRONMENT: Environment = { filters, tests, globals };

/** Builds an environment with extra filters/tests/globals layered over HA's. */
export function extendEnvironment(extra: {
  filters?: ReadonlyMap<string, FilterFunction>;
  tests?: ReadonlyMap<string, TestFunction>;
  globals?: ReadonlyMap<string, unknown>;
}): Environment {
  return {
    filters: extra.filters ? new Map([...filters, ...extra.filters]) : filters,
    tests: extra.tests ? new Map([...tests, ...extra.tests]) : tests,
    globals: extra.globals ? new Map([...globals, ...extra.globals]) : globals,
  };
}

