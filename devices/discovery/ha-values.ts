import { z } from "zod";

/**
 * Home Assistant's config-validation coercions (homeassistant/helpers/config_validation.py) as zod
 * schemas, so discovery configs accept exactly what HA accepts.
 */

/** Python's str() of a JSON scalar: true → "True", 30 → "30", 21.5 → "21.5", null → "None". */
export function pythonStr(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** A JSON number as Python prints it: integers without ".0" (JSON ints stay ints), floats with repr. */
function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return String(value);
}

/** cv.string: scalars become strings the Python way; objects and lists are refused. */
export const haString = z.union([z.string(), z.number(), z.boolean()], { error: "expected a string" }).transform(pythonStr);

/** cv.boolean: true/false, "true"/"false", "on"/"off", "yes"/"no", "enable"/"disable", "1"/"0", numbers (≠ 0). */
export const haBoolean = z.unknown().transform((value, ctx): boolean => {
  if (typeof value === "boolean") return value;
  // cv.boolean: any number is `value != 0`, not just 0 and 1.
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["1", "true", "yes", "on", "enable"].includes(v)) return true;
    if (["0", "false", "no", "off", "disable"].includes(v)) return false;
  }
  ctx.addIssue({ code: "custom", message: `invalid boolean value ${JSON.stringify(value)}` });
  return z.NEVER;
});

/** What Python's int()/float() start from: numbers as they are, True/False as 1/0, strings parsed. */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/** A decimal literal as Python's float() reads it (JavaScript's Number() also takes 0x…, 0b…, 0o…). */
const PYTHON_FLOAT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** vol.Coerce(int): numbers, booleans and integer strings; floats are truncated as Python's int() does. */
export const haInt = z.unknown().transform((value, ctx): number => {
  const n = toNumber(value);
  if (Number.isFinite(n) && (typeof value !== "string" || /^\s*[-+]?\d+\s*$/.test(value))) return Math.trunc(n);
  ctx.addIssue({ code: "custom", message: `expected an integer, got ${JSON.stringify(value)}` });
  return z.NEVER;
});

/** vol.Coerce(float): numbers, booleans and decimal strings (Z2M sends min_temp as "7"). */
export const haFloat = z.unknown().transform((value, ctx): number => {
  const n = typeof value !== "string" || PYTHON_FLOAT.test(value) ? toNumber(value) : Number.NaN;
  if (Number.isFinite(n)) return n;
  ctx.addIssue({ code: "custom", message: `expected a number, got ${JSON.stringify(value)}` });
  return z.NEVER;
});

export const haPositiveInt = haInt.refine((n) => n >= 0, "expected a non-negative integer");

/** valid_publish_topic: non-empty, no wildcards, no NUL, at most 65535 bytes. */
export const haPublishTopic = z
  .string({ error: "expected a topic string" })
  .refine((t) => t.length > 0, "topic must not be empty")
  .refine((t) => !t.includes("+") && !t.includes("#"), "wildcards are not allowed in a publish topic")
  .refine((t) => !t.includes("\u0000"), "topic must not contain NUL")
  .refine((t) => new TextEncoder().encode(t).length <= 65535, "topic is too long");

/** valid_subscribe_topic: wildcards allowed only as whole levels, `#` only last. */
export const haSubscribeTopic = z
  .string({ error: "expected a topic string" })
  .refine((t) => t.length > 0, "topic must not be empty")
  .refine((t) => !t.includes("\u0000"), "topic must not contain NUL")
  .refine((t) => {
    const levels = t.split("/");
    return levels.every((level, i) => {
      if (level.includes("#")) return level === "#" && i === levels.length - 1;
      if (level.includes("+")) return level === "+";
      return true;
    });
  }, "wildcards must fill a whole topic level and '#' must be last");

export const haQos = haInt.pipe(z.union([z.literal(0), z.literal(1), z.literal(2)], { error: "qos must be 0, 1 or 2" }));

/** A template source (cv.template): a string; numbers are coerced like cv.string. */
export const haTemplate = haString;

/** A list of strings (cv.ensure_list + cv.string): a scalar is wrapped. */
export const haStringList = z
  .union([z.array(z.union([z.string(), z.number(), z.boolean()])), z.string(), z.number(), z.boolean()])
  .transform((v) => (Array.isArray(v) ? v : [v]).map(pythonStr));
