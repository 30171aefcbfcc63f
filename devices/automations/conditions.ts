// Evaluates automation conditions as Home Assistant does (homeassistant/helpers/condition.py and
// components/sun/condition.py), with the world behind injected ports, and says why in words for traces.
//
// HA's rules kept here: a condition that cannot be evaluated (unknown entity, missing attribute, template
// error, non-numeric value) raises ConditionError, which fails it; `and`/`or`/`not` go on past such an
// error and fail with it only when no other child decides; disabled conditions are skipped (neither true
// nor false: an `and` of them holds, an `or` of them does not).
import { sunConditionVerdict } from "./sun";
import { formatClock, formatDuration, formatTimeOfDay, inTimeRange, localParts, parseTimeOfDay } from "./time-of-day";
import type { Condition, Duration } from "./types";

/** An entity's current state, in HA's shape. */
export interface EntityState {
  state: string;
  attributes: Record<string, unknown>;
  last_changed_ms: number;
}

export interface ConditionPorts {
  now(): number;
  timeZone: string;
  location: { latitude: number; longitude: number } | undefined;
  /** Current state object of an entity (HA shape): undefined if unknown. */
  state(entityId: string): EntityState | undefined;
  /** Renders a template with the run's variables; throws an Error with a message on template errors. */
  render(template: string, variables: Record<string, unknown>): unknown;
  /** Milliseconds of a Duration (fixed, or rendered with the variables); throws on an invalid template result. */
  durationMs(d: Duration, variables: Record<string, unknown>): number;
}

export interface ConditionResult {
  ok: boolean;
  kind: string;
  /** Why, in plain words ("binary_sensor.door is 'off', wanted 'on'"). */
  reason: string;
  /** Set when the condition could not be evaluated (HA's ConditionError): it then fails. */
  error?: string;
  /** The condition's alias, when it has one. */
  alias?: string;
  children?: ConditionResult[];
}

type Vars = Record<string, unknown>;
type Of<K extends Condition["kind"]> = Extract<Condition, { kind: K }>;
type Verdict = { ok: boolean; reason: string };

const UNAVAILABLE = new Set(["unavailable", "unknown"]);
/** HA's INPUT_ENTITY_ID: a `state` value naming one of these means "that entity's state". */
const INPUT_ENTITY_ID = /^input_(?:select|text|number|boolean|datetime)\.(?!.+__)(?!_)[\da-z_]+(?<!_)$/;

/** Python float() literals: digits with single underscores between them, optional fraction and exponent. */
const DIGITS = String.raw`\d(?:_?\d)*`;
const PY_FLOAT = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);

/** HA's ConditionError: the condition cannot be evaluated, so it fails with this message. */
class ConditionError extends Error {}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Evaluates one condition (disabled ones pass and say so). Never throws: errors fail the condition. */
export function evaluateCondition(c: Condition, variables: Vars, ports: ConditionPorts): ConditionResult {
  const result: ConditionResult = c.enabled ? evaluateEnabled(c, variables, ports) : { ok: true, kind: c.kind, reason: "disabled, skipped" };
  return c.alias === undefined ? result : { ...result, alias: c.alias };
}

/** An automation's `conditions:` list: all must hold (an implicit `and`), stopping at the first false one. */
export function evaluateConditions(cs: Condition[], variables: Vars, ports: ConditionPorts): ConditionResult {
  return combine("and", cs, variables, ports);
}

function evaluateEnabled(c: Condition, variables: Vars, ports: ConditionPorts): ConditionResult {
  try {
    switch (c.kind) {
      case "and":
      case "or":
      case "not":
        return combine(c.kind, c.conditions, variables, ports);
      case "state":
        return stateCondition(c, variables, ports);
      case "numeric_state":
        return perEntity("numeric_state", c.entityIds, "all", (id) => numericState(c, id, variables, ports));
      case "time":
        return { kind: "time", ...timeCondition(c, ports) };
      case "sun":
        return { kind: "sun", ...sunCondition(c, ports) };
      case "template":
        return { kind: "template", ...templateCondition(c, variables, ports) };
      case "trigger":
        return { kind: "trigger", ...triggerCondition(c, variables) };
    }
  } catch (e) {
    const message = messageOf(e);
    return { ok: false, kind: c.kind, reason: message, error: message };
  }
}

const named = (c: Condition, reason: string) => (c.alias === undefined ? reason : `${c.alias}: ${reason}`);

function combine(kind: "and" | "or" | "not", cs: Condition[], variables: Vars, ports: ConditionPorts): ConditionResult {
  const children: ConditionResult[] = [];
  const errors: string[] = [];
  const active = cs.filter((c) => c.enabled).length;
  for (const [i, c] of cs.entries()) {
    const r = evaluateCondition(c, variables, ports);
    children.push(r);
    if (!c.enabled) continue;
    if (r.error !== undefined) {
      errors.push(active > 1 ? `${c.alias ?? `#${i + 1}`}: ${r.error}` : r.error);
    } else if (kind === "and" && !r.ok) {
      return { ok: false, kind, reason: named(c, r.reason), children };
    } else if (kind === "or" && r.ok) {
      return { ok: true, kind, reason: named(c, r.reason), children };
    } else if (kind === "not" && r.ok) {
      return { ok: false, kind, reason: `not: ${named(c, r.reason)}`, children };
    }
  }
  if (errors.length > 0) return { ok: false, kind, reason: errors.join("; "), error: errors.join("; "), children };
  if (active === 0) return { ok: kind !== "or", kind, reason: cs.length === 0 ? "no conditions" : "every condition is disabled", children };
  const only = active === 1 ? cs.findIndex((c) => c.enabled) : -1;
  const single = cs[only] && children[only] ? named(cs[only], children[only].reason) : undefined;
  const reason = single ?? (kind === "and" ? `all ${active} passed` : kind === "or" ? `none of ${active} passed` : `none of ${active} held`);
  return { ok: kind !== "or", kind, reason: active < cs.length ? `${reason} (${cs.length - active} disabled)` : reason, children };
}

/** Checks each entity (HA's order, stopping once decided); errors fail only when nothing decided. */
function perEntity(kind: string, ids: string[], match: "all" | "any", check: (id: string) => Verdict): ConditionResult {
  const children: ConditionResult[] = [];
  const errors: string[] = [];
  const done = (ok: boolean, reason: string): ConditionResult => (ids.length > 1 ? { ok, kind, reason, children } : { ok, kind, reason });
  for (const id of ids) {
    let r: ConditionResult;
    try {
      r = { kind, ...check(id) };
    } catch (e) {
      r = { ok: false, kind, reason: messageOf(e), error: messageOf(e) };
      errors.push(messageOf(e));
    }
    children.push(r);
    if (r.error !== undefined) continue;
    if (match === "all" && !r.ok) return done(false, r.reason);
    if (match === "any" && r.ok) return done(true, r.reason);
  }
  if (errors.length > 0) return { ...done(false, errors.join("; ")), error: errors.join("; ") };
  const summary = children.length <= 3 ? children.map((r) => r.reason).join("; ") : `${children.length} entities`;
  if (match === "all") return done(true, children.length === 0 ? "no entities" : summary);
  return done(false, children.length === 0 ? "no entities" : `none match: ${summary}`);
}

/** How a value reads in a reason: strings quoted, the rest as JSON. */
function show(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

/** Python's float() on a state or rendered value; undefined where it would raise. */
function pyFloat(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(t);
  if (special) return special[2]?.toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  return PY_FLOAT.test(t) ? Number(t.replace(/_/g, "")) : undefined;
}

function entity(id: string, ports: ConditionPorts, role = ""): EntityState {
  const s = ports.state(id);
  if (!s) throw new ConditionError(`unknown ${role}entity ${id}`);
  return s;
}

function attributeOf(id: string, s: EntityState, attribute: string): unknown {
  if (!(attribute in s.attributes)) throw new ConditionError(`${id} has no attribute '${attribute}'`);
  return s.attributes[attribute];
}

// ------------------------------------------------------------------------------------------------ state

function stateCondition(c: Of<"state">, variables: Vars, ports: ConditionPorts): ConditionResult {
  const forMs = c.for === undefined ? undefined : durationOf(c.for, variables, ports);
  return perEntity("state", c.entityIds, c.match, (id) => entityInState(c, id, forMs, ports));
}

function durationOf(d: Duration, variables: Vars, ports: ConditionPorts): number {
  try {
    return ports.durationMs(d, variables);
  } catch (e) {
    throw new ConditionError(`invalid 'for': ${messageOf(e)}`);
  }
}

/** HA compares attribute values with `==` against YAML-typed states; ours arrive as text. */
function sameValue(value: unknown, wanted: string | null): boolean {
  if (wanted === null) return value === null || value === undefined;
  if (typeof value === "string") return value === wanted;
  if (typeof value === "number") return wanted.trim() !== "" && Number(wanted) === value;
  if (typeof value === "boolean") return wanted.toLowerCase() === String(value);
  return false;
}

function entityInState(c: Of<"state">, id: string, forMs: number | undefined, ports: ConditionPorts): Verdict {
  const s = entity(id, ports);
  const value = c.attribute === undefined ? s.state : attributeOf(id, s, c.attribute);
  const subject = c.attribute === undefined ? id : `${id} ${c.attribute}`;
  const labels: string[] = [];
  let hit = false;
  for (const wanted of c.state) {
    let target = wanted;
    if (wanted !== null && INPUT_ENTITY_ID.test(wanted)) {
      const source = ports.state(wanted);
      if (!source) throw new ConditionError(`the 'state' entity ${wanted} is unavailable`);
      target = source.state;
      labels.push(`${show(target)} (${wanted})`);
    } else labels.push(wanted === null ? "null" : show(wanted));
    if ((hit = sameValue(value, target))) break;
  }
  const is = `${subject} is ${show(value)}`;
  if (!hit) return { ok: false, reason: `${is}, wanted ${labels.join(" or ")}` };
  if (forMs === undefined) return { ok: true, reason: is };
  // HA: now - for > last_changed (also for attributes, whose changes do not move last_changed).
  const held = ports.now() - s.last_changed_ms;
  if (held > forMs) return { ok: true, reason: `${is} for ${formatDuration(held)}` };
  return { ok: false, reason: `${is} for only ${formatDuration(held)}, wanted ${formatDuration(forMs)}` };
}

// ---------------------------------------------------------------------------------------- numeric_state

type Limit = { value: number; label: string } | { unavailable: string };

/** An `above`/`below` limit: a number, numeric text, a template (Hearth), or an entity whose state is one. */
function limitOf(which: "above" | "below", raw: number | string, variables: Vars, ports: ConditionPorts): Limit {
  if (typeof raw === "number") return { value: raw, label: String(raw) };
  const direct = pyFloat(raw);
  if (direct !== undefined) return { value: direct, label: String(direct) };
  if (/\{[{%#]/.test(raw)) {
    const rendered = render(raw, variables, ports);
    const n = pyFloat(rendered);
    if (n === undefined) throw new ConditionError(`the '${which}' template gave ${show(rendered)}, not a number`);
    return { value: n, label: String(n) };
  }
  const s = entity(raw, ports, `'${which}' `);
  if (UNAVAILABLE.has(s.state)) return { unavailable: `the '${which}' limit ${raw} is ${s.state}` };
  const n = pyFloat(s.state);
  if (n === undefined) throw new ConditionError(`the '${which}' entity ${raw} is ${show(s.state)}, not a number`);
  return { value: n, label: `${n} (${raw})` };
}

function render(template: string, variables: Vars, ports: ConditionPorts): unknown {
  try {
    return ports.render(template, variables);
  } catch (e) {
    throw new ConditionError(`template error: ${messageOf(e)}`);
  }
}

function numericState(c: Of<"numeric_state">, id: string, variables: Vars, ports: ConditionPorts): Verdict {
  const s = entity(id, ports);
  const attribute = c.attribute === undefined ? undefined : attributeOf(id, s, c.attribute);
  const subject = c.valueTemplate !== undefined ? `${id} (template)` : c.attribute === undefined ? id : `${id} ${c.attribute}`;
  const value = c.valueTemplate !== undefined ? render(c.valueTemplate, { ...variables, state: { entity_id: id, ...s } }, ports) : c.attribute === undefined ? s.state : attribute;
  // HA: unavailable / unknown never match, without an error; other non-numbers are an error.
  if (typeof value === "string" && UNAVAILABLE.has(value)) return { ok: false, reason: `${subject} is ${value}` };
  const n = pyFloat(value);
  if (n === undefined) throw new ConditionError(`${subject} is ${show(value)}, not a number`);
  const is = `${subject} is ${n}`;
  const wants: string[] = [];
  for (const which of ["below", "above"] as const) {
    const raw = c[which];
    if (raw === undefined) continue;
    const limit = limitOf(which, raw, variables, ports);
    if ("unavailable" in limit) return { ok: false, reason: limit.unavailable };
    const fails = which === "below" ? n >= limit.value : n <= limit.value;
    if (fails) return { ok: false, reason: `${is}, wanted ${which} ${limit.label}` };
    wants.push(`${which} ${limit.label}`);
  }
  return { ok: true, reason: wants.length > 0 ? `${is} (${wants.join(", ")})` : is };
}

// ----------------------------------------------------------------------------------------- time and sun

const capitalized = (day: string) => day.charAt(0).toUpperCase() + day.slice(1);
const clock = (ms: number, timeZone: string) => formatClock(Math.floor(ms / 60_000) * 60_000, timeZone);

type TimeLimit = { ms: number; label: string } | { unusable: string };

/** HA's time limits: "HH:MM[:SS]", an input_datetime (its hour/minute/second) or a timestamp sensor. */
function timeLimitOf(which: "after" | "before", raw: string, ports: ConditionPorts): TimeLimit {
  const fixed = parseTimeOfDay(raw);
  if (fixed !== undefined) return { ms: fixed, label: formatTimeOfDay(fixed) };
  const s = entity(raw, ports, `'${which}' `);
  let ms: number | undefined;
  if (raw.startsWith("input_datetime.")) {
    // HA reads the hour/minute/second attributes (missing ones as 23/59/59); a bare state "HH:MM:SS" works too.
    const { hour, minute, second } = s.attributes;
    const num = (v: unknown) => (typeof v === "number" ? v : 59);
    ms = typeof hour === "number" ? ((hour * 60 + num(minute)) * 60 + num(second)) * 1000 : parseTimeOfDay(s.state.split(" ").pop() ?? "");
  } else if (s.attributes.device_class === "timestamp" && !UNAVAILABLE.has(s.state)) {
    const at = Date.parse(s.state);
    if (Number.isFinite(at)) ms = localParts(at, ports.timeZone).msOfDay;
  }
  // HA: an entity that gives no time makes the condition false, not an error.
  if (ms === undefined) return { unusable: `${raw} is ${show(s.state)}, not a time` };
  return { ms, label: `${formatTimeOfDay(ms)} (${raw})` };
}

function timeCondition(c: Of<"time">, ports: ConditionPorts): Verdict {
  const now = ports.now();
  const after = c.after === undefined ? undefined : timeLimitOf("after", c.after, ports);
  const before = c.before === undefined ? undefined : timeLimitOf("before", c.before, ports);
  if (after && "unusable" in after) return { ok: false, reason: after.unusable };
  if (before && "unusable" in before) return { ok: false, reason: before.unusable };
  const wanted = after && before ? `${after.label}–${before.label}` : after ? `after ${after.label}` : before ? `before ${before.label}` : undefined;
  const today = capitalized(localParts(now, ports.timeZone).weekday);
  if (wanted !== undefined && !inTimeRange(now, after?.ms, before?.ms, undefined, ports.timeZone)) {
    return { ok: false, reason: `now ${clock(now, ports.timeZone)}, wanted ${wanted}` };
  }
  if (c.weekdays && !inTimeRange(now, undefined, undefined, c.weekdays, ports.timeZone)) {
    return { ok: false, reason: `today is ${today}, wanted ${c.weekdays.map(capitalized).join(", ")}` };
  }
  const day = c.weekdays ? ` ${today}` : "";
  return { ok: true, reason: wanted === undefined ? `today is ${today}` : `now ${clock(now, ports.timeZone)}${day}, wanted ${wanted}` };
}

function sunCondition(c: Of<"sun">, ports: ConditionPorts): Verdict {
  if (c.after === undefined && c.before === undefined) return { ok: true, reason: "no sunrise or sunset given" };
  if (!ports.location) throw new ConditionError("the home has no location: set it in Settings");
  return sunConditionVerdict(c, ports.now(), ports.location, ports.timeZone);
}

// ------------------------------------------------------------------------------------ template, trigger

/** Python's str() of a rendered value, as HA's template condition sees it (it renders to text). */
function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

function templateCondition(c: Of<"template">, variables: Vars, ports: ConditionPorts): Verdict {
  const text = pyStr(render(c.valueTemplate, variables, ports)).trim();
  // HA: only a result of "true" in any case passes; "yes", "on" and 1 do not (unlike template triggers).
  const ok = text.toLowerCase() === "true";
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return { ok, reason: ok ? "template is true" : `template gave ${show(shown)}, wanted true` };
}

function triggerCondition(c: Of<"trigger">, variables: Vars): Verdict {
  const trigger = variables.trigger;
  const raw = typeof trigger === "object" && trigger !== null ? (trigger as Vars).id : undefined;
  const id = typeof raw === "string" || typeof raw === "number" ? String(raw) : undefined;
  const wanted = c.ids.map((x) => show(x)).join(" or ");
  if (id === undefined) return { ok: false, reason: `no trigger id (run by hand?), wanted ${wanted}` };
  const ok = c.ids.includes(id);
  return { ok, reason: ok ? `triggered by ${show(id)}` : `triggered by ${show(id)}, wanted ${wanted}` };
}
