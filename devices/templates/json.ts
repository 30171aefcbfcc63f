/**
 * JSON in and out of templates with Python's number types:
 * - {@link parseJson} keeps `21.0` a float (JSON.parse cannot: 21.0 and 21 are the same JS number),
 *   the way HA's `json_loads` (orjson) does for `value_json` and `from_json`;
 * - {@link toJson} writes what Jinja2's `tojson` (json.dumps, sorted keys, ASCII, HTML-safe) or
 *   HA's `to_json` (orjson: compact, UTF-8) would.
 */
import {
  dictItems,
  formatFloat,
  formatInt,
  isDict,
  makeFloat,
  PyFloat,
  PyUndefined,
  pyCompare,
  TemplateError,
  TemplateLimitError,
  checkStringLength,
  typeName,
} from "./python-values";

const MAX_DEPTH = 512;

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Parses strict JSON (RFC 8259, like orjson) into template values: integers stay ints, numbers
 * written with a fraction or exponent become floats (boxed in PyFloat when integral), objects
 * become null-prototype plain objects.
 */
export function parseJson(text: string): JsonParseResult {
  const parser = new JsonParser(text);
  try {
    parser.skipWhitespace();
    const value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos !== text.length) parser.fail("unexpected content after the document");
    return { ok: true, value };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class JsonParser {
  pos = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`);
  }

  skipWhitespace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail("document nested too deeply");
    const ch = this.text.charAt(this.pos);
    switch (ch) {
      case "{":
        return this.object(depth);
      case "[":
        return this.array(depth);
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      default:
        return this.number();
    }
  }

  private literal(word: string, value: unknown): unknown {
    if (!this.text.startsWith(word, this.pos)) this.fail("unexpected token");
    this.pos += word.length;
    return value;
  }

  private number(): unknown {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m || m[0].length === 0) this.fail("unexpected token");
    this.pos += m[0].length;
    const n = Number(m[0]);
    if (m[1] !== undefined || m[2] !== undefined) return makeFloat(n);
    return Object.is(n, -0) ? 0 : n;
  }

  private string(): string {
    const t = this.text;
    let pos = this.pos + 1;
    let out = "";
    let start = pos;
    for (;;) {
      const c = t.charCodeAt(pos);
      if (Number.isNaN(c)) {
        this.pos = pos;
        this.fail("unterminated string");
      }
      if (c === 0x22) break;
      if (c < 0x20) {
        this.pos = pos;
        this.fail("control character in string");
      }
      if (c === 0x5c) {
        out += t.slice(start, pos);
        const e = t.charAt(pos + 1);
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out += e;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = t.slice(pos + 2, pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = pos;
              this.fail("bad unicode escape");
            }
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            this.pos = pos;
            this.fail("bad escape");
        }
        pos += 2;
        start = pos;
        continue;
      }
      pos++;
    }
    out += t.slice(start, pos);
    this.pos = pos + 1;
    return out;
  }

  private array(depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charAt(this.pos) === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.value(depth + 1));
      this.skipWhitespace();
      const ch = this.text.charAt(this.pos++);
      if (ch === "]") return out;
      if (ch !== ",") this.fail("expected ',' or ']'");
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.pos++;
    const out = Object.create(null) as Record<string, unknown>;
    this.skipWhitespace();
    if (this.text.charAt(this.pos) === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charAt(this.pos) !== '"') this.fail("expected a string key");
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charAt(this.pos++) !== ":") this.fail("expected ':'");
      this.skipWhitespace();
      out[key] = this.value(depth + 1);
      this.skipWhitespace();
      const ch = this.text.charAt(this.pos++);
      if (ch === "}") return out;
      if (ch !== ",") this.fail("expected ',' or '}'");
    }
  }
}

/** Cheap check: could `text` hold a float literal with an integral value (21.0, 1e3)? */
const INTEGRAL_FLOAT_HINT = /\d\.0+(?![0-9])|\d[eE]/;

export function mayHoldIntegralFloats(text: string): boolean {
  return INTEGRAL_FLOAT_HINT.test(text);
}

// ---------------------------------------------------------------------------------------------
// Serialisation

export interface JsonOptions {
  /** "jinja": json.dumps(sort_keys=True) + HTML-safe escapes; "orjson": compact UTF-8; "python": json.dumps. */
  style: "jinja" | "orjson" | "python";
  indent?: number;
  ensureAscii?: boolean;
  sortKeys?: boolean;
}

function jsonString(text: string, ensureAscii: boolean): string {
  let out = JSON.stringify(text);
  if (ensureAscii) out = out.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return out;
}

function jsonFloat(value: number, style: JsonOptions["style"]): string {
  if (Number.isNaN(value)) {
    if (style === "orjson") return "null";
    return "NaN";
  }
  if (!Number.isFinite(value)) {
    if (style === "orjson") return "null";
    return value > 0 ? "Infinity" : "-Infinity";
  }
  if (style === "orjson") return orjsonFloat(value);
  return formatFloat(value);
}

/** orjson's float text: positional for 1e-5 ≤ |x| < 1e16, else `1.5e-7` / `1e16` (no '+', no padding). */
function orjsonFloat(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent >= -5 && exponent < 16) {
    const abs = Math.abs(value);
    const sign = value < 0 ? "-" : "";
    if (Number.isInteger(value)) return `${value}.0`;
    if (abs >= 1e-6) return String(value);
    const digits = mantissa.replace(/^-/, "").replace(".", "");
    return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  return `${mantissa}e${exponent}`;
}

function keyString(key: unknown, style: JsonOptions["style"]): string {
  if (typeof key === "string") return key;
  if (key === null) return "null";
  if (key === true) return "true";
  if (key === false) return "false";
  if (typeof key === "number") return Number.isInteger(key) ? formatInt(key) : jsonFloat(key, style);
  if (key instanceof PyFloat) return jsonFloat(key.value, style);
  throw new TemplateError(`keys must be str, int, float, bool or None, not ${typeName(key)}`);
}

/** Serialises a template value; raises TypeError-like errors for non-JSON values. */
export function toJson(value: unknown, options: JsonOptions): string {
  const { style } = options;
  const ensureAscii = options.ensureAscii ?? style === "jinja";
  const sortKeys = options.sortKeys ?? style === "jinja";
  const indent = options.indent;
  const compact = style === "orjson";
  const itemSep = indent !== undefined ? "," : compact ? "," : ", ";
  const keySep = compact ? ":" : ": ";
  let size = 0;

  const write = (v: unknown, depth: number): string => {
    if (depth > MAX_DEPTH) throw new TemplateLimitError("value nested too deeply for JSON");
    let out: string;
    if (v === null) out = "null";
    else if (v === true) out = "true";
    else if (v === false) out = "false";
    else if (typeof v === "string") out = jsonString(v, ensureAscii);
    else if (typeof v === "number") out = Number.isInteger(v) ? formatInt(v) : jsonFloat(v, style);
    else if (v instanceof PyFloat) out = jsonFloat(v.value, style);
    else if (Array.isArray(v)) {
      const parts = v.map((item) => write(item, depth + 1));
      out = wrap("[", "]", parts, depth);
    } else if (isDict(v)) {
      let entries = dictItems(v).map(([k, item]) => [k, keyString(k, style), item] as const);
      if (sortKeys) {
        entries = entries.slice().sort((a, b) => (style === "orjson" ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : pyCompare(a[0], b[0])));
      }
      const parts = entries.map(([, k, item]) => `${jsonString(k, ensureAscii)}${keySep}${write(item, depth + 1)}`);
      out = wrap("{", "}", parts, depth);
    } else if (v instanceof PyUndefined || v === undefined) {
      throw new TemplateError("Object of type Undefined is not JSON serializable");
    } else {
      throw new TemplateError(`Object of type ${typeName(v)} is not JSON serializable`);
    }
    size += out.length;
    checkStringLength(size);
    return out;
  };

  const wrap = (open: string, close: string, parts: string[], depth: number): string => {
    if (parts.length === 0) return open + close;
    if (indent === undefined) return open + parts.join(itemSep) + close;
    const pad = "\n" + " ".repeat(indent * (depth + 1));
    return open + pad + parts.join(itemSep + pad) + "\n" + " ".repeat(indent * depth) + close;
  };

  let out = write(value, 0);
  if (style === "jinja") {
    out = out.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/'/g, "\\u0027");
  }
  return out;
}
