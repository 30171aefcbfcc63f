import { pythonStr } from "../discovery/ha-values";
import { isRecord, isTemplate, show } from "./config-shapes";
import { parseDuration, parseOffset } from "./duration";
import type { ConfigIssue, Duration, Weekday } from "./types";

/**
 * The building blocks of config.ts: issue collection with source paths, and readers for the values HA's
 * config validation coerces (cv.string, cv.boolean, entity id lists, times, weekdays). Readers report an
 * issue and return undefined on bad input; they never throw.
 */

/** Nesting (actions in actions, conditions in conditions) beyond this is refused rather than recursed into. */
export const MAX_DEPTH = 50;

export interface Ctx {
  issues: ConfigIssue[];
}

export function report(ctx: Ctx, path: string, message: string): void {
  ctx.issues.push({ path, message });
}

/** `triggers` + `topic` → `triggers.topic`; the root has no name. */
function childPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/**
 * HA's ensure_list with paths: a list gives `path[i]` per item; a single value is a list of one at `path`
 * itself, so the issue names what the person wrote. null is an empty list (ensure_list(None) == []).
 */
export function listItems(value: unknown, path: string): Array<{ value: unknown; path: string }> {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item: unknown, i) => ({ value: item, path: `${path}[${i}]` }));
  return [{ value, path }];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * "; did you mean 'topic'?" for a near miss (a third of the word may be wrong, or one starts the other:
 * `entity` for `entity_id`, `monday` for `mon`), else "".
 */
export function didYouMean(word: string, options: Iterable<string>): string {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const option of options) {
    const prefix = Math.min(lower.length, option.length) >= 3 && (option.startsWith(lower) || lower.startsWith(option));
    const distance = prefix ? 1 : editDistance(lower, option);
    if (distance < bestDistance) [best, bestDistance] = [option, distance];
  }
  return best === undefined ? "" : `; did you mean '${best}'?`;
}

// HA's valid_entity_id (core.py): lower-case domain and object id, no leading/trailing/double underscores.
const ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

export function isEntityId(value: string): boolean {
  return ENTITY_ID.test(value);
}

/** cv.time via dt_util.parse_time: "H:M" or "H:M:S", each in range; normalized to "HH:MM:SS". */
export function parseTimeOfDay(value: string): string | undefined {
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return [h, min, s].map((n) => String(n).padStart(2, "0")).join(":");
}

const THRESHOLD_DOMAINS = ["input_number", "number", "sensor", "zone"];

const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/**
 * One mapping being read. Every key a reader asks about counts as known, so `rejectUnknown()` at the end
 * names the keys nobody asked for, HA's "extra keys not allowed" with a did-you-mean.
 */
export class Fields {
  readonly ctx: Ctx;
  readonly obj: Record<string, unknown>;
  readonly path: string;
  readonly #known = new Set<string>();

  constructor(ctx: Ctx, obj: Record<string, unknown>, path: string) {
    this.ctx = ctx;
    this.obj = obj;
    this.path = path;
  }

  at(key: string): string {
    return childPath(this.path, key);
  }

  /** An own key only: a rule with `constructor:` must not read Object.prototype. */
  raw(key: string): unknown {
    this.#known.add(key);
    return Object.hasOwn(this.obj, key) ? this.obj[key] : undefined;
  }

  has(key: string): boolean {
    this.#known.add(key);
    return Object.hasOwn(this.obj, key);
  }

  /** Keys HA accepts and drops (the frontend's `metadata`, display-only `alias` on triggers). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.#known.add(key);
  }

  issue(key: string | undefined, message: string): void {
    report(this.ctx, key === undefined ? this.path : this.at(key), message);
  }

  /** The one spelling used among aliases (`triggers`/`trigger`); two at once is an issue, as in HA. */
  oneOf(keys: readonly string[]): { key: string; value: unknown } | undefined {
    const present = keys.filter((key) => this.has(key));
    // Reported at the spelling that is set aside, so an editor can underline it.
    if (present.length > 1) this.issue(present[1], `use either ${present.map((k) => `'${k}'`).join(" or ")}, not both`);
    const key = present[0];
    return key === undefined ? undefined : { key, value: this.obj[key] };
  }

  rejectUnknown(): void {
    for (const key of Object.keys(this.obj)) {
      if (this.#known.has(key)) continue;
      this.issue(key, `unknown option '${key}'${didYouMean(key, this.#known)}`);
    }
  }

  /** When the key that says what a mapping is was not found: point at a misspelling of it, if any. */
  reportNearMisses(names: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      const hint = names.includes(key) ? "" : didYouMean(key, names);
      if (hint) this.issue(key, `unknown option '${key}'${hint}`);
    }
  }

  /** HA's has_at_least_one_key. */
  atLeastOneOf(...keys: string[]): void {
    if (!keys.some((key) => this.has(key))) this.issue(undefined, `must contain at least one of ${keys.join(", ")}`);
  }

  required(key: string): unknown {
    const value = this.raw(key);
    if (value === undefined) this.issue(key, "required");
    return value;
  }

  /** cv.string: scalars as Python's str() prints them; lists and mappings refused. */
  string(key: string, options: { required?: boolean } = {}): string | undefined {
    const value = options.required ? this.required(key) : this.raw(key);
    return value === undefined ? undefined : stringValue(this.ctx, value, this.at(key));
  }

  /** cv.template: template source is a string; numbers are written out. Not rendered here. */
  template(key: string, options: { required?: boolean } = {}): string | undefined {
    return this.string(key, options);
  }

  /** cv.boolean, HA's spellings included ("on", "yes", "enable", 1 …). */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const parsed = booleanValue(value);
    if (parsed === undefined) this.issue(key, `must be true or false, got ${show(value)}`);
    return parsed ?? fallback;
  }

  /** `enabled` may be a template in HA (evaluated once, when the rule loads); Hearth takes a fixed value. */
  enabled(): boolean {
    const value = this.raw("enabled");
    if (isTemplate(value)) {
      this.issue("enabled", "templates in 'enabled' are not supported; use true or false");
      return true;
    }
    return this.boolean("enabled", true);
  }

  /** One of `options` (case-insensitive); `fallback` when absent, or an issue when `required`. */
  choice<T extends string>(key: string, options: readonly T[], opts: { required?: boolean; fallback?: T } = {}): T | undefined {
    const value = opts.required ? this.required(key) : this.raw(key);
    if (value === undefined) return opts.fallback;
    const text = typeof value === "string" ? value.toLowerCase() : value;
    if (options.includes(text as T)) return text as T;
    const hint = typeof value === "string" ? didYouMean(value, options) : "";
    this.issue(key, `must be one of ${options.join(", ")}${hint || ` (got ${show(value)})`}`);
    return undefined;
  }

  /** vol.Coerce(int) with a range: integral numbers or integer strings. */
  int(key: string, opts: { fallback: number; min: number; max?: number }): number {
    const value = this.raw(key);
    if (value === undefined) return opts.fallback;
    const n = typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
    const { min, max } = opts;
    if (typeof n === "number" && Number.isInteger(n) && n >= min && (max === undefined || n <= max)) return n;
    this.issue(key, `must be a whole number ${max === undefined ? `of ${min} or more` : `from ${min} to ${max}`}, got ${show(value)}`);
    return opts.fallback;
  }

  /**
   * A numeric_state limit (cv.NUMERIC_STATE_THRESHOLD_SCHEMA): a number, numeric text, or the id of an
   * input_number, number, sensor or zone entity whose state is the limit.
   */
  threshold(key: string): number | string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string") {
      const text = value.trim();
      if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
      if (entityOfDomain(text, THRESHOLD_DOMAINS)) return text.toLowerCase();
    }
    this.issue(key, `must be a number or the id of an input_number, number, sensor or zone entity, got ${show(value)}`);
    return undefined;
  }

  /** A mapping of names to values (HA's variables, event data); kept as written, templates and all. */
  record(key: string): Record<string, unknown> | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (isRecord(value)) return { ...value };
    this.issue(key, "must be a mapping (name: value)");
    return undefined;
  }

  duration(key: string): Duration | undefined {
    const parsed = parseDuration(this.raw(key));
    if (!parsed.ok) this.issue(key, parsed.message);
    return parsed.ok ? parsed.duration : undefined;
  }

  /** A signed offset in ms (0 when absent): sun events, timestamp sensors. */
  offset(key: string): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return 0;
    const parsed = parseOffset(value);
    if (!parsed.ok) this.issue(key, parsed.message);
    return parsed.ok ? parsed.ms : 0;
  }

  /** cv.entity_ids: a list, or a comma-separated string; lower-cased; at least one. */
  entityIds(key: string): string[] | undefined {
    const value = this.required(key);
    if (value === undefined) return undefined;
    return entityIdList(this.ctx, value, this.at(key));
  }

  weekdays(key: string): Weekday[] | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    const days: Weekday[] = [];
    for (const item of listItems(value, this.at(key))) {
      const day = typeof item.value === "string" ? item.value.trim().toLowerCase() : "";
      if ((WEEKDAYS as string[]).includes(day)) days.push(day as Weekday);
      else report(this.ctx, item.path, `must be one of ${WEEKDAYS.join(", ")}, got ${show(item.value)}${didYouMean(day, WEEKDAYS)}`);
    }
    return days;
  }
}

export function stringValue(ctx: Ctx, value: unknown, path: string): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return pythonStr(value);
  report(ctx, path, value === null ? "must not be empty" : "must be a string");
  return undefined;
}

function booleanValue(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["1", "true", "yes", "on", "enable"].includes(v)) return true;
    if (["0", "false", "no", "off", "disable"].includes(v)) return false;
  }
  return undefined;
}

function entityIdList(ctx: Ctx, value: unknown, path: string): string[] | undefined {
  const items = typeof value === "string" ? value.split(",").map((part) => ({ value: part.trim(), path })) : listItems(value, path);
  if (items.length === 0) {
    report(ctx, path, "must name at least one entity");
    return undefined;
  }
  const ids: string[] = [];
  for (const item of items) {
    if (typeof item.value !== "string") {
      report(ctx, item.path, `must be an entity id, got ${show(item.value)}`);
      continue;
    }
    const id = item.value.toLowerCase();
    if (isEntityId(id)) ids.push(id);
    else if (/^[0-9a-f]{32}$/.test(id)) report(ctx, item.path, `entity registry ids are not supported: use the entity id (domain.name) instead of ${id}`);
    else report(ctx, item.path, `not a valid entity id: ${show(item.value)} (expected domain.name, e.g. light.kitchen)`);
  }
  return ids;
}

/** A single entity id of one of `domains` (cv.entity_domain). */
export function entityOfDomain(value: string, domains: readonly string[]): boolean {
  const id = value.toLowerCase();
  return isEntityId(id) && domains.includes(id.slice(0, id.indexOf(".")));
}

/**
 * A state to match as HA's state trigger and condition take it: strings; numbers are written out (a state
 * is always text). Booleans are refused: in HA's YAML `on`/`yes` unquoted became true, so quoting is the fix.
 * With `attribute`, values keep no type in AutomationConfig: numbers and booleans become the text the
 * engine compares attribute values by (String(): "21.5", "true").
 */
function stateValue(ctx: Ctx, value: unknown, path: string, attribute: boolean): string | null | undefined {
  if (value === null || typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") {
    if (attribute) return String(value);
    report(ctx, path, `must be a string; write it in quotes ("${value ? "on" : "off"}" or "${String(value)}")`);
    return undefined;
  }
  report(ctx, path, `must be a state (a string), got ${show(value)}`);
  return undefined;
}

/**
 * One state or a list of them. An explicit null is kept as [null]: HA's `to: null`, which matches every new
 * state (the key being present is what makes attribute-only changes not count).
 */
export function stateList(ctx: Ctx, value: unknown, path: string, attribute: boolean): Array<string | null> {
  if (value === null) return [null];
  const states: Array<string | null> = [];
  for (const item of listItems(value, path)) {
    const state = stateValue(ctx, item.value, item.path, attribute);
    if (state !== undefined) states.push(state);
  }
  return states;
}

/** The options a numeric_state trigger and condition share: `above`/`below` (at least one), `attribute`, `value_template`. */
export function numericStateOptions(f: Fields) {
  f.atLeastOneOf("above", "below");
  return { above: f.threshold("above"), below: f.threshold("below"), attribute: f.string("attribute"), valueTemplate: f.template("value_template") };
}
