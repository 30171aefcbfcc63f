import { isRecord, isTemplate, show } from "./config-shapes";
import { type Ctx, didYouMean, entityOfDomain, Fields, listItems, MAX_DEPTH, numericStateOptions, parseTimeOfDay, report, stateList, stringValue } from "./config-values";
import type { Trigger } from "./types";

/** Triggers as HA's trigger platforms validate them (homeassistant/triggers/*.py, mqtt/trigger.py). */

type Base = { id: string; enabled: boolean; variables: Record<string, unknown> };
type TriggerParser = (f: Fields, base: Base) => Trigger | undefined;

/** HA platforms Hearth does not run: named so the message says "not supported" rather than "unknown". */
const UNSUPPORTED = ["zone", "geo_location", "tag", "calendar", "conversation", "persistent_notification"];

const WEBHOOK_METHODS = ["HEAD", "GET", "POST", "PUT"];

/** A list of triggers (or one); ids default to each trigger's index, as HA's `trigger.id` does. */
export function parseTriggers(ctx: Ctx, value: unknown, path: string): Trigger[] {
  // null is an empty list (HA's ensure_list), as an empty `triggers:` in YAML gives.
  if (value !== null && typeof value !== "object") {
    report(ctx, path, "must be a list of triggers");
    return [];
  }
  const triggers: Trigger[] = [];
  flatten(ctx, listItems(value, path), 0).forEach((item, index) => {
    const trigger = parseTrigger(ctx, item.value, item.path, index);
    if (trigger) triggers.push(trigger);
  });
  return triggers;
}

/** HA 2024.10: an item `{triggers: [...]}` (a blueprint's trigger input) stands for its triggers. */
function flatten(ctx: Ctx, items: Array<{ value: unknown; path: string }>, depth: number): Array<{ value: unknown; path: string }> {
  return items.flatMap((item) => {
    const nested = isRecord(item.value) && Object.keys(item.value).length === 1 && Object.hasOwn(item.value, "triggers");
    if (!nested) return [item];
    if (depth >= MAX_DEPTH) {
      report(ctx, item.path, `nested too deeply (more than ${MAX_DEPTH} levels)`);
      return [];
    }
    const inner = (item.value as Record<string, unknown>).triggers;
    return flatten(ctx, listItems(inner, `${item.path}.triggers`), depth + 1);
  });
}

function parseTrigger(ctx: Ctx, raw: unknown, path: string, index: number): Trigger | undefined {
  if (!isRecord(raw)) {
    report(ctx, path, `must be a trigger (a mapping such as {trigger: state, entity_id: …}), got ${show(raw)}`);
    return undefined;
  }
  const f = new Fields(ctx, raw, path);
  const platform = f.oneOf(["trigger", "platform"]);
  const base: Base = { id: f.string("id") ?? String(index), enabled: f.enabled(), variables: f.record("variables") ?? {} };
  f.ignore("alias");
  if (!platform) {
    f.issue("trigger", "required (the kind of trigger: state, mqtt, time …)");
    f.reportNearMisses(["trigger", "platform"]);
    return undefined;
  }
  const kind = typeof platform.value === "string" ? platform.value : "";
  const parser = Object.hasOwn(PARSERS, kind) ? PARSERS[kind] : undefined;
  if (!parser) {
    f.issue(platform.key, unknownKind(platform.value));
    return undefined;
  }
  const trigger = parser(f, base);
  f.rejectUnknown();
  return trigger;
}

function unknownKind(value: unknown): string {
  if (typeof value !== "string") return `must be the kind of trigger (${Object.keys(PARSERS).join(", ")}), got ${show(value)}`;
  if (UNSUPPORTED.includes(value)) return `trigger '${value}' is not supported by Hearth`;
  const hint = didYouMean(value, Object.keys(PARSERS));
  return `unknown trigger '${value}'${hint || ` (expected one of ${Object.keys(PARSERS).join(", ")})`}`;
}

/** mqtt.util.valid_subscribe_topic: wildcards only as whole levels, `#` only last. */
function topicProblem(topic: string): string | undefined {
  if (topic === "") return "must not be empty";
  if (topic.includes("\0")) return "must not contain a null character";
  const levels = topic.split("/");
  for (const [i, level] of levels.entries()) {
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return "'#' must be a whole level, and the last one (e.g. zigbee2mqtt/#)";
    if (level.includes("+") && level !== "+") return "'+' must be a whole level (e.g. zigbee2mqtt/+/action)";
  }
  return undefined;
}

/** An MQTT payload to match: text. true/false are refused: HA would compare with "True", which no device sends. */
function payload(f: Fields): string | undefined {
  const value = f.raw("payload");
  if (value === undefined) return undefined;
  if (typeof value === "boolean") {
    f.issue("payload", `must be a string; write it in quotes ("${String(value)}")`);
    return undefined;
  }
  return stringValue(f.ctx, value, f.at("payload"));
}

const mqtt: TriggerParser = (f, base) => {
  const topic = f.template("topic", { required: true });
  const problem = topic === undefined || isTemplate(topic) ? undefined : topicProblem(topic);
  if (problem) f.issue("topic", problem);
  const qos = f.int("qos", { fallback: 0, min: 0, max: 2 }) as 0 | 1 | 2;
  const trigger = {
    ...base,
    kind: "mqtt" as const,
    payload: payload(f),
    valueTemplate: f.template("value_template"),
    qos,
    encoding: f.string("encoding") ?? "utf-8",
  };
  return topic === undefined ? undefined : { ...trigger, topic };
};

/** from/to as written: absent → undefined (any), explicit null → [null]. */
function states(f: Fields, key: string, attribute: boolean): Array<string | null> | undefined {
  const value = f.raw(key);
  return value === undefined ? undefined : stateList(f.ctx, value, f.at(key), attribute);
}

/** not_from/not_to: null means no exclusion. */
function excluded(f: Fields, key: string, attribute: boolean): string[] | undefined {
  const value = f.raw(key);
  if (value === undefined || value === null) return undefined;
  return stateList(f.ctx, value, f.at(key), attribute).filter((s): s is string => s !== null);
}

function exclusive(f: Fields, a: string, b: string): void {
  if (f.has(a) && f.has(b)) f.issue(b, `use either '${a}' or '${b}', not both`);
}

const state: TriggerParser = (f, base) => {
  const entityIds = f.entityIds("entity_id");
  // With `attribute`, HA matches any value (numbers, booleans); without, states are text.
  const attributeMode = f.has("attribute");
  exclusive(f, "from", "not_from");
  exclusive(f, "to", "not_to");
  const trigger = {
    ...base,
    kind: "state" as const,
    from: states(f, "from", attributeMode),
    to: states(f, "to", attributeMode),
    notFrom: excluded(f, "not_from", attributeMode),
    notTo: excluded(f, "not_to", attributeMode),
    attribute: f.string("attribute"),
    for: f.duration("for"),
  };
  return entityIds === undefined ? undefined : { ...trigger, entityIds };
};

const numericState: TriggerParser = (f, base) => {
  const entityIds = f.entityIds("entity_id");
  const trigger = { ...base, kind: "numeric_state" as const, ...numericStateOptions(f), for: f.duration("for") };
  return entityIds === undefined ? undefined : { ...trigger, entityIds };
};

const TIME_ENTITY_DOMAINS = ["input_datetime", "sensor"];
type TimeAt = Extract<Trigger, { kind: "time" }>["at"][number];

function timeAt(f: Fields, value: unknown, path: string): TimeAt | undefined {
  if (typeof value === "string") {
    const time = parseTimeOfDay(value);
    if (time !== undefined) return { time };
    if (entityOfDomain(value, TIME_ENTITY_DOMAINS)) return { entityId: value.toLowerCase(), offsetMs: 0 };
    const looksLikeEntity = /^[a-z_0-9]+\.[a-z_0-9]+$/i.test(value.trim());
    report(f.ctx, path, looksLikeEntity ? `must be an input_datetime or sensor entity, got ${show(value)}` : `not a valid time: ${value}`);
    return undefined;
  }
  if (isRecord(value)) {
    const g = new Fields(f.ctx, value, path);
    const entityId = g.string("entity_id", { required: true });
    const offsetMs = g.offset("offset");
    g.rejectUnknown();
    if (entityId === undefined) return undefined;
    if (entityOfDomain(entityId, TIME_ENTITY_DOMAINS)) return { entityId: entityId.toLowerCase(), offsetMs };
    g.issue("entity_id", `must be an input_datetime or sensor entity, got ${show(entityId)}`);
    return undefined;
  }
  report(f.ctx, path, `not a valid time: ${show(value)} (write it in quotes: "07:30")`);
  return undefined;
}

const time: TriggerParser = (f, base) => {
  const at = f.required("at");
  const items = listItems(at, f.at("at"));
  if (at !== undefined && items.length === 0) f.issue("at", "must name at least one time");
  const times = items.map((item) => timeAt(f, item.value, item.path)).filter((t) => t !== undefined);
  const weekdays = f.weekdays("weekday");
  return at === undefined ? undefined : { ...base, kind: "time", at: times, weekdays };
};

/** HA's TimePattern: "*", a number in range, or "/n" (every n); kept as text. */
function pattern(f: Fields, key: string, maximum: number): string | undefined {
  const value = f.raw(key);
  if (value === undefined || value === null) return undefined;
  if (value === "*") return value;
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  const m = /^(\/?)(\d+)$/.exec(text);
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n > maximum) {
    f.issue(key, `must be "*", a number from 0 to ${maximum}, or "/n" for every n, got ${show(value)}`);
    return undefined;
  }
  if (m[1] === "/" && n === 0) {
    f.issue(key, `"/0" never repeats; use "/1" or more`);
    return undefined;
  }
  return `${m[1]}${n}`;
}

const timePattern: TriggerParser = (f, base) => {
  const hours = pattern(f, "hours", 23);
  const minutes = pattern(f, "minutes", 59);
  const seconds = pattern(f, "seconds", 59);
  f.atLeastOneOf("hours", "minutes", "seconds");
  return { ...base, kind: "time_pattern", hours, minutes, seconds };
};

const sun: TriggerParser = (f, base) => {
  const event = f.choice("event", ["sunrise", "sunset"] as const, { required: true });
  const offsetMs = f.offset("offset");
  return event === undefined ? undefined : { ...base, kind: "sun", event, offsetMs };
};

const template: TriggerParser = (f, base) => {
  const valueTemplate = f.template("value_template", { required: true });
  const duration = f.duration("for");
  return valueTemplate === undefined ? undefined : { ...base, kind: "template", valueTemplate, for: duration };
};

const homeassistant: TriggerParser = (f, base) => {
  const event = f.choice("event", ["start", "shutdown"] as const, { required: true });
  return event === undefined ? undefined : { ...base, kind: "homeassistant", event };
};

const event: TriggerParser = (f, base) => {
  const types = f.required("event_type");
  const eventData = f.record("event_data");
  if (f.has("context")) f.issue("context", "matching on the event's context is not supported");
  if (types === undefined) return undefined;
  const items = listItems(types, f.at("event_type"));
  if (items.length === 0) f.issue("event_type", "must name at least one event type");
  const eventTypes = items.map((item) => stringValue(f.ctx, item.value, item.path)).filter((t) => t !== undefined);
  return { ...base, kind: "event", eventTypes, eventData };
};

const webhook: TriggerParser = (f, base) => {
  const webhookId = f.string("webhook_id", { required: true });
  const localOnly = f.boolean("local_only", true);
  let allowedMethods = ["POST", "PUT"];
  if (f.raw("allowed_methods") !== undefined) {
    allowedMethods = [];
    for (const item of listItems(f.raw("allowed_methods"), f.at("allowed_methods"))) {
      const method = typeof item.value === "string" ? item.value.toUpperCase() : "";
      if (!WEBHOOK_METHODS.includes(method)) report(f.ctx, item.path, `must be one of ${WEBHOOK_METHODS.join(", ")}, got ${show(item.value)}`);
      else if (allowedMethods.includes(method)) report(f.ctx, item.path, `${method} is listed twice`);
      else allowedMethods.push(method);
    }
  }
  return webhookId === undefined ? undefined : { ...base, kind: "webhook", webhookId, allowedMethods, localOnly };
};

/** HA's device trigger; Hearth has the MQTT kind (device automations from discovery). */
const device: TriggerParser = (f, base) => {
  f.ignore("metadata");
  const deviceId = f.string("device_id", { required: true });
  const domain = f.string("domain", { required: true });
  const type = f.string("type", { required: true });
  const subtype = f.string("subtype", { required: true });
  const discoveryId = f.string("discovery_id");
  if (domain !== undefined && domain !== "mqtt") f.issue("domain", `only MQTT device triggers (domain: mqtt) are supported, got '${domain}'`);
  if (deviceId === undefined || domain !== "mqtt" || type === undefined || subtype === undefined) return undefined;
  return { ...base, kind: "device", deviceId, domain, type, subtype, discoveryId };
};

const availability: TriggerParser = (f, base) => {
  const ids = f.required("device_id");
  const to = f.choice("to", ["offline", "online"] as const, { required: true });
  const duration = f.duration("for");
  const items = listItems(ids, f.at("device_id"));
  if (ids !== undefined && items.length === 0) f.issue("device_id", "must name at least one device");
  const deviceIds: string[] = [];
  for (const item of items) {
    if (typeof item.value === "string" && item.value !== "") deviceIds.push(item.value);
    else report(f.ctx, item.path, `must be a device id, got ${show(item.value)}`);
  }
  if (ids === undefined || to === undefined) return undefined;
  return { ...base, kind: "availability", deviceIds, to, for: duration };
};

const PARSERS: Record<string, TriggerParser> = {
  mqtt,
  state,
  numeric_state: numericState,
  time,
  time_pattern: timePattern,
  sun,
  template,
  homeassistant,
  event,
  webhook,
  device,
  availability,
};
