import { isRecord, isTemplate, show } from "./config-shapes";
import type { Duration } from "./types";

/**
 * Lengths of time as Home Assistant's config validation reads them (helpers/config_validation.py:
 * time_period_str, time_period_seconds, time_period_dict, positive_time_period_template).
 */

const DICT_UNITS_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 } as const;
type DictUnit = keyof typeof DICT_UNITS_MS;
const DICT_UNITS = Object.keys(DICT_UNITS_MS) as DictUnit[];

/** A decimal as Python's float() reads it (Number() would also take "0x10" and ""). */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** time_period_str: optional sign, then H:M or H:M:S(.fff); each part's size is free ("00:90" is 90 minutes). */
const CLOCK = /^([-+]?)(\d+):(\d+)(?::(\d+(?:\.\d*)?|\.\d+))?$/;

const EXPECTED = `use seconds, "HH:MM", "HH:MM:SS" or {hours, minutes, seconds}`;

type Parsed = { ok: true; ms: number } | { ok: false; message: string };

/** Milliseconds, rounded: 0.1 s is 100 ms, not 100.00000000000001. */
function msOf(seconds: number): number {
  return Math.round(seconds * 1000);
}

function decimal(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && DECIMAL.test(value.trim())) return Number(value.trim());
  return undefined;
}

function fromDict(dict: Record<string, unknown>): Parsed {
  const keys = Object.keys(dict);
  if (keys.length === 0) return { ok: false, message: `must contain at least one of ${DICT_UNITS.join(", ")}` };
  let ms = 0;
  for (const key of keys) {
    if (!(DICT_UNITS as string[]).includes(key)) return { ok: false, message: `unknown unit '${key}' (use ${DICT_UNITS.join(", ")})` };
    const amount = decimal(dict[key]);
    if (amount === undefined) return { ok: false, message: `${key} must be a number, got ${show(dict[key])}` };
    ms += amount * DICT_UNITS_MS[key as DictUnit];
  }
  return { ok: true, ms: Math.round(ms) };
}

/** HA's cv.time_period (signed): seconds, "[-]HH:MM[:SS[.fff]]", or a dict of units. */
function timePeriod(value: unknown): Parsed {
  if (typeof value === "boolean") return { ok: false, message: `not a valid duration: ${show(value)} (${EXPECTED})` };
  const seconds = decimal(value);
  if (seconds !== undefined) return { ok: true, ms: msOf(seconds) };
  if (typeof value === "string") {
    const clock = CLOCK.exec(value.trim());
    if (!clock) return { ok: false, message: `not a valid duration: ${show(value)} (${EXPECTED})` };
    const [, sign, hours, minutes, secs] = clock;
    const ms = msOf(Number(hours) * 3600 + Number(minutes) * 60 + Number(secs ?? 0));
    return { ok: true, ms: sign === "-" ? -ms : ms };
  }
  if (isRecord(value)) return fromDict(value);
  return { ok: false, message: `not a valid duration: ${show(value)} (${EXPECTED})` };
}

/** A signed offset (sun events, time triggers on a timestamp sensor): no templates, may be negative. */
export function parseOffset(value: unknown): Parsed {
  return timePeriod(value);
}

/**
 * positive_time_period_template's dict form: `{minutes: "{{ x }}"}`. It becomes one template that renders a
 * dict literal, which durationFromTemplateResult reads back, so the engine needs no third Duration shape.
 */
function templatedDict(dict: Record<string, unknown>): { ok: true; duration: Duration } | { ok: false; message: string } {
  const parts: string[] = [];
  for (const [key, element] of Object.entries(dict)) {
    if (!(DICT_UNITS as string[]).includes(key)) return { ok: false, message: `unknown unit '${key}' (use ${DICT_UNITS.join(", ")})` };
    if (typeof element === "string" && isTemplate(element)) {
      // The space before "}" keeps a closing `}}` of the element apart from the dict's own brace.
      parts.push(`"${key}": ${element} `);
      continue;
    }
    const amount = decimal(element);
    if (amount === undefined || amount < 0) return { ok: false, message: `${key} must be a number of 0 or more, got ${show(element)}` };
    parts.push(`"${key}": ${amount}`);
  }
  return { ok: true, duration: { template: `{${parts.join(", ")}}` } };
}

/** Duration as HA accepts it for `for:`, `delay:` and `timeout:` (never negative); undefined when absent or null. */
export function parseDuration(value: unknown): { ok: true; duration: Duration | undefined } | { ok: false; message: string } {
  if (value === undefined || value === null) return { ok: true, duration: undefined };
  if (typeof value === "string" && isTemplate(value)) return { ok: true, duration: { template: value } };
  if (isRecord(value) && Object.values(value).some(isTemplate)) return templatedDict(value);
  const parsed = timePeriod(value);
  if (!parsed.ok) return parsed;
  if (parsed.ms < 0) return { ok: false, message: `must not be negative: ${show(value)}` };
  return { ok: true, duration: { ms: parsed.ms } };
}

/** Python's dict repr (`{'minutes': 5}`), as a rendered template gives it, read as JSON. */
function parseDictText(text: string): unknown {
  for (const candidate of [text, text.replace(/'/g, '"')]) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // Not JSON in this spelling; try the next.
    }
  }
  return undefined;
}

/** Renders a duration value that came out of a template (string "00:05:00", number seconds, or a dict) into ms; undefined if invalid. */
export function durationFromTemplateResult(value: unknown): number | undefined {
  let result = value;
  if (typeof result === "string" && result.trim().startsWith("{")) result = parseDictText(result.trim());
  if (result === undefined || result === null || isTemplate(result)) return undefined;
  const parsed = timePeriod(result);
  return parsed.ok && parsed.ms >= 0 ? parsed.ms : undefined;
}
