import { parseCondition, parseConditions } from "./config-conditions";
import { parseTriggers } from "./config-triggers";
import { isRecord, isTemplate, show } from "./config-shapes";
import { type Ctx, entityOfDomain, Fields, isEntityId, listItems, MAX_DEPTH, report } from "./config-values";
import type { Action, Condition, ServiceTarget } from "./types";

/** Actions (HA's script syntax) as helpers/config_validation.py's script_action reads them. */

type Base = { alias: string | undefined; enabled: boolean; continueOnError: boolean };
type ActionParser = (f: Fields, base: Base, depth: number) => Action | undefined;

/**
 * The key that says what an action is, in HA's order of precedence (ACTIONS_MAP): `delay` wins over
 * `condition`, and so on, when a mapping has several.
 */
const ACTION_KEYS = [
  "delay",
  "wait_template",
  "condition",
  "and",
  "or",
  "not",
  "event",
  "device_id",
  "scene",
  "repeat",
  "choose",
  "wait_for_trigger",
  "variables",
  "if",
  "action",
  "service",
  "service_template",
  "stop",
  "parallel",
  "sequence",
  "set_conversation_response",
] as const;

/** A sequence: a list of actions, or one. */
export function parseActions(ctx: Ctx, value: unknown, path: string, depth: number): Action[] {
  const actions: Action[] = [];
  for (const item of listItems(value, path)) {
    const action = parseAction(ctx, item.value, item.path, depth);
    if (action) actions.push(action);
  }
  return actions;
}

function parseAction(ctx: Ctx, raw: unknown, path: string, depth: number): Action | undefined {
  if (depth > MAX_DEPTH) {
    report(ctx, path, `nested too deeply (more than ${MAX_DEPTH} levels)`);
    return undefined;
  }
  if (!isRecord(raw)) {
    const hint = typeof raw === "string" && isTemplate(raw) ? `; for a template condition write condition: "${raw}"` : "";
    report(ctx, path, `must be an action (a mapping such as {action: light.turn_on, …}), got ${show(raw)}${hint}`);
    return undefined;
  }
  const key = ACTION_KEYS.find((k) => Object.hasOwn(raw, k));
  if (key === undefined) {
    const f = new Fields(ctx, raw, path);
    f.issue(undefined, `cannot tell what this action does: it needs one of action, delay, wait_template, wait_for_trigger, condition, choose, if, repeat, parallel, sequence, variables, stop, event, scene`);
    f.reportNearMisses(ACTION_KEYS);
    return undefined;
  }
  if (key === "condition" || key === "and" || key === "or" || key === "not") return conditionAction(ctx, raw, path, depth);
  const f = new Fields(ctx, raw, path);
  const base: Base = { alias: f.string("alias"), enabled: f.enabled(), continueOnError: f.boolean("continue_on_error", false) };
  const parser = PARSERS[key];
  if (!parser) {
    f.issue(key, key === "device_id" ? "device actions are not supported by Hearth; call an action such as light.turn_on instead" : `'${key}' is not supported by Hearth`);
    return undefined;
  }
  const action = parser(f, base, depth);
  f.rejectUnknown();
  return action;
}

/** An inline condition: the condition's own alias and enabled are the action's. */
function conditionAction(ctx: Ctx, raw: Record<string, unknown>, path: string, depth: number): Action | undefined {
  let continueOnError = false;
  const condition = parseCondition(ctx, raw, path, depth, (f) => {
    continueOnError = f.boolean("continue_on_error", false);
  });
  if (!condition) return undefined;
  return { kind: "condition", condition, alias: condition.alias, enabled: condition.enabled, continueOnError };
}

const TARGET_KEYS = ["entity_id", "device_id", "area_id"] as const;
type TargetKey = (typeof TARGET_KEYS)[number];
const TARGET_FIELD: Record<TargetKey, keyof ServiceTarget> = { entity_id: "entityIds", device_id: "deviceIds", area_id: "areaIds" };

/**
 * Ids for one target field. Entity ids may be comma-separated and "all"/"none" (comp_entity_ids); any id may
 * be a template, rendered when the action runs.
 */
function targetIds(ctx: Ctx, key: TargetKey, value: unknown, path: string): string[] {
  let items = listItems(value, path);
  if (key === "entity_id" && typeof value === "string" && !isTemplate(value)) {
    const lower = value.trim().toLowerCase();
    if (lower === "all" || lower === "none") return [lower];
    items = value.split(",").map((part) => ({ value: part.trim(), path }));
  }
  const ids: string[] = [];
  for (const item of items) {
    const id = item.value;
    if (typeof id !== "string" || id.trim() === "") {
      report(ctx, item.path, `must be ${key === "entity_id" ? "an entity id" : `an id (${key})`}, got ${show(id)}`);
    } else if (isTemplate(id) || key !== "entity_id") {
      ids.push(id);
    } else if (isEntityId(id.toLowerCase())) {
      ids.push(id.toLowerCase());
    } else {
      report(ctx, item.path, `not a valid entity id: ${show(id)} (expected domain.name, e.g. light.kitchen)`);
    }
  }
  return ids;
}

function addIds(target: ServiceTarget, key: TargetKey, ids: string[]): void {
  const list = target[TARGET_FIELD[key]];
  for (const id of ids) if (!list.includes(id)) list.push(id);
}

/**
 * `data` and legacy `data_template`, merged as HA does (data_template's keys win). HA merges the target into
 * the call's data and reads entity_id/device_id/area_id from there, so those keys in data are targets too:
 * they move into `target`, and data keeps the service's own fields.
 */
function serviceData(f: Fields, target: ServiceTarget): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const source of ["data", "data_template"]) {
    const value = f.raw(source);
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      const templated = typeof value === "string" && isTemplate(value);
      f.issue(source, templated ? "a template for the whole of data is not supported; template each value instead" : "must be a mapping (name: value)");
      continue;
    }
    for (const [key, element] of Object.entries(value)) {
      const targetKey = TARGET_KEYS.find((k) => k === key);
      if (targetKey) addIds(target, targetKey, targetIds(f.ctx, targetKey, element, `${f.at(source)}.${key}`));
      else data[key] = element;
    }
  }
  return data;
}

const service: ActionParser = (f, base) => {
  f.ignore("metadata"); // the HA frontend stores its own notes here
  const name = f.oneOf(["action", "service", "service_template"]);
  let serviceName: string | undefined;
  if (name && typeof name.value === "string" && isTemplate(name.value)) serviceName = name.value;
  else if (name && typeof name.value === "string" && isEntityId(name.value.trim().toLowerCase())) serviceName = name.value.trim().toLowerCase();
  else if (name) f.issue(name.key, `not a valid action: ${show(name.value)} (expected domain.action, e.g. light.turn_on)`);

  const target: ServiceTarget = { entityIds: [], deviceIds: [], areaIds: [] };
  const rawTarget = f.raw("target");
  if (isRecord(rawTarget)) {
    const t = new Fields(f.ctx, rawTarget, f.at("target"));
    for (const key of TARGET_KEYS) if (t.raw(key) !== undefined) addIds(target, key, targetIds(f.ctx, key, t.raw(key), t.at(key)));
    for (const key of ["floor_id", "label_id"]) if (t.has(key)) t.issue(key, `${key} targets are not supported; list the entities, devices or areas`);
    t.rejectUnknown();
  } else if (typeof rawTarget === "string" && isTemplate(rawTarget)) {
    f.issue("target", "a template for the whole target is not supported; template entity_id, device_id or area_id instead");
  } else if (rawTarget !== undefined && rawTarget !== null) {
    f.issue("target", "must be a mapping with entity_id, device_id or area_id");
  }
  // Legacy `entity_id:` beside `action:` is a target.
  if (f.raw("entity_id") !== undefined) addIds(target, "entity_id", targetIds(f.ctx, "entity_id", f.raw("entity_id"), f.at("entity_id")));
  const data = serviceData(f, target);
  const responseVariable = f.string("response_variable");
  return serviceName === undefined ? undefined : { ...base, kind: "service", service: serviceName, target, data, responseVariable };
};

const delay: ActionParser = (f, base) => {
  const duration = f.duration("delay");
  if (duration === undefined && f.raw("delay") === null) f.issue("delay", "must be a duration");
  return duration === undefined ? undefined : { ...base, kind: "delay", duration };
};

const waitTemplate: ActionParser = (f, base) => {
  const valueTemplate = f.template("wait_template", { required: true });
  const wait = { timeout: f.duration("timeout"), continueOnTimeout: f.boolean("continue_on_timeout", true) };
  return valueTemplate === undefined ? undefined : { ...base, kind: "wait_template", valueTemplate, ...wait };
};

const waitForTrigger: ActionParser = (f, base) => {
  const triggers = parseTriggers(f.ctx, f.raw("wait_for_trigger"), f.at("wait_for_trigger"));
  return { ...base, kind: "wait_for_trigger", triggers, timeout: f.duration("timeout"), continueOnTimeout: f.boolean("continue_on_timeout", true) };
};

const choose: ActionParser = (f, base, depth) => {
  const choices: Array<{ conditions: Condition[]; sequence: Action[] }> = [];
  for (const item of listItems(f.raw("choose"), f.at("choose"))) {
    if (!isRecord(item.value)) {
      report(f.ctx, item.path, "must be a choice: a mapping with conditions and sequence");
      continue;
    }
    const option = new Fields(f.ctx, item.value, item.path);
    option.ignore("alias");
    const conditions = option.required("conditions");
    const sequence = option.required("sequence");
    choices.push({
      conditions: parseConditions(f.ctx, conditions, option.at("conditions"), depth + 1),
      sequence: parseActions(f.ctx, sequence, option.at("sequence"), depth + 1),
    });
    option.rejectUnknown();
  }
  const fallback = f.has("default") ? parseActions(f.ctx, f.raw("default"), f.at("default"), depth + 1) : undefined;
  return { ...base, kind: "choose", choices, default: fallback };
};

const ifThen: ActionParser = (f, base, depth) => {
  const conditions = parseConditions(f.ctx, f.raw("if"), f.at("if"), depth + 1);
  const then = parseActions(f.ctx, f.required("then"), f.at("then"), depth + 1);
  const otherwise = f.has("else") ? parseActions(f.ctx, f.raw("else"), f.at("else"), depth + 1) : undefined;
  return { ...base, kind: "if", if: conditions, then, else: otherwise };
};

const REPEAT_MODES = ["count", "while", "until", "for_each"] as const;

const repeat: ActionParser = (f, base, depth) => {
  const raw = f.raw("repeat");
  if (!isRecord(raw)) {
    f.issue("repeat", "must be a mapping with a sequence and one of count, while, until, for_each");
    return undefined;
  }
  const r = new Fields(f.ctx, raw, f.at("repeat"));
  const modes = REPEAT_MODES.filter((mode) => r.has(mode));
  if (modes.length === 0) r.issue(undefined, "must contain one of count, while, until, for_each");
  if (modes.length > 1) r.issue(undefined, `use only one of ${modes.join(", ")}`);
  const sequence = parseActions(f.ctx, r.required("sequence"), r.at("sequence"), depth + 1);
  const action = {
    ...base,
    kind: "repeat" as const,
    count: repeatCount(r),
    while: r.has("while") ? parseConditions(f.ctx, r.raw("while"), r.at("while"), depth + 1) : undefined,
    until: r.has("until") ? parseConditions(f.ctx, r.raw("until"), r.at("until"), depth + 1) : undefined,
    forEach: forEach(r),
    sequence,
  };
  r.rejectUnknown();
  return action;
};

/** vol.Any(vol.Coerce(int), template): a whole number, or a template that renders one. */
function repeatCount(r: Fields): number | string | undefined {
  const value = r.raw("count");
  if (value === undefined) return undefined;
  if (typeof value === "string" && isTemplate(value)) return value;
  const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0) return n;
  r.issue("count", `must be a whole number or a template, got ${show(value)}`);
  return undefined;
}

function forEach(r: Fields): unknown[] | string | undefined {
  const value = r.raw("for_each");
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return [...(value as unknown[])];
  if (typeof value === "string" && isTemplate(value)) return value;
  r.issue("for_each", `must be a list or a template, got ${show(value)}`);
  return undefined;
}

/** Each branch: `{sequence: [...]}`, a list of actions (HA's shorthand), or a single action. */
const parallel: ActionParser = (f, base, depth) => {
  const branches: Action[][] = [];
  for (const item of listItems(f.raw("parallel"), f.at("parallel"))) {
    const onlySequence = isRecord(item.value) && Object.keys(item.value).length === 1 && Object.hasOwn(item.value, "sequence");
    if (onlySequence) branches.push(parseActions(f.ctx, (item.value as Record<string, unknown>).sequence, `${item.path}.sequence`, depth + 1));
    else branches.push(parseActions(f.ctx, item.value, item.path, depth + 1));
  }
  return { ...base, kind: "parallel", branches };
};

const sequence: ActionParser = (f, base, depth) => ({
  ...base,
  kind: "sequence",
  sequence: parseActions(f.ctx, f.raw("sequence"), f.at("sequence"), depth + 1),
});

const variables: ActionParser = (f, base) => {
  const vars = f.record("variables");
  if (vars === undefined && f.raw("variables") === null) f.issue("variables", "must be a mapping (name: value)");
  return vars === undefined ? undefined : { ...base, kind: "variables", variables: vars };
};

const stop: ActionParser = (f, base) => {
  const value = f.raw("stop");
  const reason = value === null ? "" : f.string("stop");
  const error = f.boolean("error", false);
  const responseVariable = f.string("response_variable");
  if (f.has("error") && responseVariable !== undefined) f.issue("response_variable", "not allowed to add a response to an error stop action");
  return reason === undefined ? undefined : { ...base, kind: "stop", reason, error, responseVariable };
};

const event: ActionParser = (f, base) => {
  const eventType = f.template("event", { required: true });
  const eventData = { ...f.record("event_data"), ...f.record("event_data_template") };
  return eventType === undefined ? undefined : { ...base, kind: "event", eventType, eventData };
};

const scene: ActionParser = (f, base) => {
  const id = f.string("scene", { required: true });
  if (id === undefined) return undefined;
  if (entityOfDomain(id, ["scene"])) return { ...base, kind: "scene", sceneId: id.toLowerCase() };
  f.issue("scene", `must be a scene entity id (scene.name), got ${show(id)}`);
  return undefined;
};

const PARSERS: Partial<Record<(typeof ACTION_KEYS)[number], ActionParser>> = {
  delay,
  wait_template: waitTemplate,
  event,
  scene,
  repeat,
  choose,
  wait_for_trigger: waitForTrigger,
  variables,
  if: ifThen,
  action: service,
  service,
  service_template: service,
  stop,
  parallel,
  sequence,
};
