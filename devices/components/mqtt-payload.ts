import { z } from "zod";
import { haBoolean, haString, pythonStr } from "../discovery/ha-values";
import type { TemplateVariables } from "../templates/ha-template";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, ServiceData, ServiceResult } from "./platform";

/**
 * Shared pieces of the MQTT platforms: HA's required-key wording, state/command template
 * rendering, service-data checks and Python's number semantics (float(), int(), round(), repr).
 */

/** A key HA marks vol.Required: absent → "required key '<key>' missing" (the hub shows it to users). */
export function requiredKey<T extends z.ZodType>(key: string, schema: T) {
  return z
    .any()
    .refine((value) => value !== undefined, { message: `required key '${key}' missing`, abort: true })
    .pipe(schema);
}

/** vol.Any(cv.string, None): a string, or null to switch a feature off (cover payload_open: null). */
export const haNullableString = haString.nullable();

export const UNKNOWN: EntityValue = { state: null, attributes: {} };

export function update(value: EntityValue): DecodeResult {
  return { kind: "update", value };
}

export function ignore(reason: string): DecodeResult {
  return { kind: "ignore", reason };
}

export function reject(reason: string): DecodeResult {
  return { kind: "reject", reason };
}

export function serviceError(error: string): ServiceResult {
  return { ok: false, error };
}

export type Rendered = { ok: true; value: string } | { ok: false; result: DecodeResult };

/**
 * HA's async_render_with_possible_json_value: the message text when `key` has no template, else
 * the rendered string. A missing leaf key ("") is "no update"; a template error drops the message.
 */
/** No extra template variables (shared: the hot path allocates nothing for them). */
const NO_VARIABLES: TemplateVariables = Object.freeze({});

export function renderValue(ctx: PlatformContext, key: string, message: MqttMessageView, variables: TemplateVariables = NO_VARIABLES): Rendered {
  const outcome = ctx.render(key, variables, message);
  if (outcome === undefined) return { ok: true, value: message.text };
  if (!outcome.ok) return { ok: false, result: reject(`${key}: ${outcome.error}`) };
  if (outcome.undefinedAccess !== undefined) {
    return { ok: false, result: ignore(`${key}: '${outcome.undefinedAccess}' is undefined`) };
  }
  return { ok: true, value: outcome.value };
}

export type RenderedCommand = { ok: true; payload: string } | { ok: false; error: string };

/**
 * HA's MqttCommandTemplate.async_render: without a template the value itself (Python str(), or
 * `plain` when the caller knows better, e.g. a float), else the template rendered with `value`
 * plus the platform's variables.
 */
export function renderCommand(
  ctx: PlatformContext,
  key: string,
  value: unknown,
  variables: TemplateVariables = {},
  plain?: string,
): RenderedCommand {
  const outcome = ctx.render(key, { ...variables, value });
  if (outcome === undefined) return { ok: true, payload: plain ?? (typeof value === "string" ? value : pythonStr(value)) };
  if (!outcome.ok) return { ok: false, error: `${key}: ${outcome.error}` };
  return { ok: true, payload: outcome.value };
}

/** Fields HA's entity services take besides the service's own (the target). */
const TARGET_FIELDS = new Set(["entity_id", "device_id", "area_id", "floor_id", "label_id"]);

/** make_entity_service_schema: service data with keys outside `allowed` is refused. */
export function checkServiceKeys(data: ServiceData, allowed: readonly string[]): string | undefined {
  for (const key of Object.keys(data)) {
    if (!allowed.includes(key) && !TARGET_FIELDS.has(key)) return `extra keys not allowed @ data['${key}']`;
  }
  return undefined;
}

/** A command publish result; qos/retain are left to the pipeline (the entity's own). */
export function published(topic: string, payload: string, optimistic?: EntityValue): ServiceResult {
  return optimistic === undefined ? { ok: true, publishes: [{ topic, payload }] } : { ok: true, publishes: [{ topic, payload }], optimistic };
}

const PY_FLOAT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const PY_INT = /^[+-]?\d+(?:_\d+)*$/;

/** Python's float(str) for finite values; undefined where Python raises (and for nan/inf, which no platform accepts). */
export function parsePythonFloat(text: string): number | undefined {
  const t = text.trim();
  if (!PY_FLOAT.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ""));
  return Number.isFinite(n) ? n : undefined;
}

/** Python's int(str): optional sign, digits (underscores between digits), surrounding whitespace. */
export function parsePythonInt(text: string): number | undefined {
  const t = text.trim();
  if (!PY_INT.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ""));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Python's float(x) for a JSON value: numbers, booleans, numeric strings; undefined = TypeError/ValueError. */
export function toPythonFloat(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") return parsePythonFloat(value);
  return undefined;
}

/** Python's int(x) for a JSON value: numbers truncate, strings must be integers. */
export function toPythonInt(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") return parsePythonInt(value);
  return undefined;
}

/** Python's round(x): to the nearest integer, exact halves to the even neighbour. */
export function pyRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Python's round(x, digits) for small digit counts (colour conversions round to 3 or 6 places). */
export function pyRoundTo(x: number, digits: number): number {
  const scale = 10 ** digits;
  const scaled = x * scale;
  if (Math.abs(scaled % 1) === 0.5) return pyRound(scaled) / scale;
  return Number(x.toFixed(digits));
}

/** Python's repr() of a float: "21.0", "1e-05", "1e+16" (JavaScript prints "21", "0.00001", "10000000000000000"). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa = "", exponent = "0"] = x.toExponential().split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

/** Python's str() of a number that HA holds as an int when integral and as a float otherwise. */
export function pythonNumberStr(x: number, isFloat: boolean): string {
  return isFloat ? pythonFloatRepr(x) : String(x);
}

/** dt_util.utcnow().isoformat(): "2026-11-22T12:00:00.250000+00:00" (no fraction when it is zero). */
export function utcIsoformat(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 19)}${ms === "000" ? "" : `.${ms}000`}+00:00`;
}

/** cv.boolean for a service field: `fallback` when absent, undefined when not a boolean. */
export function haServiceBoolean(value: unknown, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  const parsed = haBoolean.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
