import { isRecord, isTemplate, show } from "./config-shapes";
import { type Ctx, didYouMean, entityOfDomain, Fields, listItems, MAX_DEPTH, numericStateOptions, parseTimeOfDay, report, stateList, stringValue } from "./config-values";
import type { Condition } from "./types";

/** Conditions as HA's CONDITION_SCHEMA takes them (helpers/config_validation.py), shorthands expanded. */

type Base = { enabled: boolean; alias: string | undefined };
type ConditionParser = (f: Fields, base: Base, depth: number) => Condition | undefined;

const SHORTHANDS = ["and", "or", "not"] as const;

/** A list of conditions, one condition, or a template string (HA's `conditions: "{{ … }}"`). */
export function parseConditions(ctx: Ctx, value: unknown, path: string, depth: number): Condition[] {
  const conditions: Condition[] = [];
  for (const item of listItems(value, path)) {
    const condition = parseCondition(ctx, item.value, item.path, depth);
    if (condition) conditions.push(condition);
  }
  return conditions;
}

/**
 * One condition. `extra` reads the keys a condition used as an action adds (continue_on_error) before
 * unknown keys are reported.
 */
export function parseCondition(ctx: Ctx, raw: unknown, path: string, depth: number, extra?: (f: Fields) => void): Condition | undefined {
  if (depth > MAX_DEPTH) {
    report(ctx, path, `nested too deeply (more than ${MAX_DEPTH} levels)`);
    return undefined;
  }
  if (typeof raw === "string" && isTemplate(raw)) return { kind: "template", valueTemplate: raw, enabled: true, alias: undefined };
  if (!isRecord(raw)) {
    report(ctx, path, `must be a condition (a mapping such as {condition: state, …}) or a template, got ${show(raw)}`);
    return undefined;
  }
  const f = new Fields(ctx, raw, path);
  const base: Base = { enabled: f.enabled(), alias: f.string("alias") };
  extra?.(f);
  const body = parseBody(f, base, depth);
  // Unknown keys only make sense against a known kind; otherwise every key would be "unknown".
  if (body.recognized) f.rejectUnknown();
  return body.condition;
}

function parseBody(f: Fields, base: Base, depth: number): { condition: Condition | undefined; recognized: boolean } {
  // expand_condition_shorthand: `and: [...]`, `or: …`, `not: …` without a `condition` key.
  const shorthand = Object.hasOwn(f.obj, "condition") ? undefined : SHORTHANDS.find((key) => Object.hasOwn(f.obj, key));
  if (shorthand) {
    const conditions = parseConditions(f.ctx, f.raw(shorthand), f.at(shorthand), depth + 1);
    return { condition: { ...base, kind: shorthand, conditions }, recognized: true };
  }
  const kind = f.required("condition");
  if (kind === undefined) {
    f.reportNearMisses(["condition", ...SHORTHANDS]);
    return { condition: undefined, recognized: false };
  }
  // `condition: [...]` is HA's shorthand for "and"; `condition: "{{ … }}"` for a template condition.
  if (Array.isArray(kind)) {
    const conditions = parseConditions(f.ctx, kind, f.at("condition"), depth + 1);
    return { condition: { ...base, kind: "and", conditions }, recognized: true };
  }
  if (typeof kind === "string" && isTemplate(kind)) return { condition: { ...base, kind: "template", valueTemplate: kind }, recognized: true };
  const name = typeof kind === "string" ? kind : "";
  const parser = Object.hasOwn(PARSERS, name) ? PARSERS[name] : undefined;
  if (parser) return { condition: parser(f, base, depth), recognized: true };
  if (name === "zone" || name === "device") f.issue("condition", `condition '${name}' is not supported by Hearth`);
  else f.issue("condition", unknownKind(kind));
  return { condition: undefined, recognized: false };
}

function unknownKind(value: unknown): string {
  const kinds = Object.keys(PARSERS).join(", ");
  if (typeof value !== "string") return `must be the kind of condition (${kinds}) or a template, got ${show(value)}`;
  return `unknown condition '${value}'${didYouMean(value, Object.keys(PARSERS)) || ` (expected one of ${kinds}, or a template)`}`;
}

const group: ConditionParser = (f, base, depth) => {
  const kind = f.obj.condition as "and" | "or" | "not";
  const conditions = f.required("conditions");
  return conditions === undefined ? undefined : { ...base, kind, conditions: parseConditions(f.ctx, conditions, f.at("conditions"), depth + 1) };
};

const state: ConditionParser = (f, base) => {
  const entityIds = f.entityIds("entity_id");
  const attributeMode = f.has("attribute");
  const states = f.required("state");
  // HA's deprecated `from` (use_trigger_value, 2016) is still accepted and ignored.
  f.ignore("from");
  const condition = {
    ...base,
    kind: "state" as const,
    attribute: f.string("attribute"),
    for: f.duration("for"),
    match: f.choice("match", ["all", "any"] as const, { fallback: "all" }) ?? "all",
  };
  if (entityIds === undefined || states === undefined) return undefined;
  return { ...condition, entityIds, state: stateList(f.ctx, states, f.at("state"), attributeMode) };
};

const numericState: ConditionParser = (f, base) => {
  const entityIds = f.entityIds("entity_id");
  const condition = { ...base, kind: "numeric_state" as const, ...numericStateOptions(f) };
  return entityIds === undefined ? undefined : { ...condition, entityIds };
};

/** A time of day ("HH:MM[:SS]", normalized to HH:MM:SS) or an input_datetime / timestamp sensor. */
function timeOrEntity(f: Fields, key: string): string | undefined {
  const value = f.raw(key);
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    const time = parseTimeOfDay(value);
    if (time !== undefined) return time;
    if (entityOfDomain(value, ["input_datetime", "sensor"])) return value.toLowerCase();
    f.issue(key, /^\w+\.\w+$/.test(value.trim()) ? `must be an input_datetime or sensor entity, got ${show(value)}` : `not a valid time: ${value}`);
    return undefined;
  }
  f.issue(key, `not a valid time: ${show(value)} (write it in quotes: "07:30")`);
  return undefined;
}

const time: ConditionParser = (f, base) => {
  const after = timeOrEntity(f, "after");
  const before = timeOrEntity(f, "before");
  const weekdays = f.weekdays("weekday");
  f.atLeastOneOf("after", "before", "weekday");
  return { ...base, kind: "time", after, before, weekdays };
};

const sun: ConditionParser = (f, base) => {
  const events = ["sunrise", "sunset"] as const;
  const after = f.choice("after", events);
  const before = f.choice("before", events);
  f.atLeastOneOf("after", "before");
  return { ...base, kind: "sun", after, before, afterOffsetMs: f.offset("after_offset"), beforeOffsetMs: f.offset("before_offset") };
};

const template: ConditionParser = (f, base) => {
  const valueTemplate = f.template("value_template", { required: true });
  return valueTemplate === undefined ? undefined : { ...base, kind: "template", valueTemplate };
};

const trigger: ConditionParser = (f, base) => {
  const ids = f.required("id");
  if (ids === undefined) return undefined;
  const list = listItems(ids, f.at("id"))
    .map((item) => stringValue(f.ctx, item.value, item.path))
    .filter((id) => id !== undefined);
  return { ...base, kind: "trigger", ids: list };
};

const PARSERS: Record<string, ConditionParser> = {
  and: group,
  or: group,
  not: group,
  state,
  numeric_state: numericState,
  time,
  sun,
  template,
  trigger,
};
