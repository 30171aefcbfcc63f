// What the visual editor shows for each kind of trigger, condition and action: its fields, in Home Assistant's
// keys. A kind without a form (choose, repeat, wait_for_trigger …) is edited as YAML inside its card.
import type { Section } from "@/devices/automations/rule-document";

export type FieldKind = "text" | "number" | "entity" | "device" | "room" | "topic" | "duration" | "template" | "select" | "weekdays" | "service";

export interface FieldSpec {
  /** Where the value sits in the item, dot-separated for nested keys ("data.topic"). */
  key: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  hint?: string;
  /** For entity pickers: the domains offered first. */
  domains?: readonly string[];
  /** Keys this one is also known by (an old rule's `platform`); read from, never written. */
  aliases?: readonly string[];
}

export interface KindSpec {
  label: string;
  /** What a new item of this kind starts as. */
  template: Record<string, unknown>;
  fields: FieldSpec[];
}

const forField: FieldSpec = { key: "for", label: "For (how long it must hold)", kind: "duration", hint: "00:05:00, or empty" };

export const TRIGGER_KINDS: Record<string, KindSpec> = {
  mqtt: {
    label: "MQTT message",
    template: { trigger: "mqtt", topic: "" },
    fields: [
      { key: "topic", label: "Topic", kind: "topic", hint: "+ matches one level, # the rest" },
      { key: "payload", label: "Payload (empty: any)", kind: "text" },
      { key: "value_template", label: "Value template (compared with the payload)", kind: "template" },
    ],
  },
  state: {
    label: "Entity changes state",
    template: { trigger: "state", entity_id: "" },
    fields: [{ key: "entity_id", label: "Entity", kind: "entity" }, { key: "from", label: "From (empty: any)", kind: "text" }, { key: "to", label: "To (empty: any)", kind: "text" }, forField],
  },
  availability: {
    label: "Device goes offline or online",
    template: { trigger: "availability", device_id: "", to: "offline" },
    fields: [{ key: "device_id", label: "Device", kind: "device" }, { key: "to", label: "Goes", kind: "select", options: ["offline", "online"] }, forField],
  },
  numeric_state: {
    label: "Number crosses a limit",
    template: { trigger: "numeric_state", entity_id: "", above: 0 },
    fields: [{ key: "entity_id", label: "Entity", kind: "entity", domains: ["sensor", "number"] }, { key: "above", label: "Above", kind: "number" }, { key: "below", label: "Below", kind: "number" }, forField],
  },
  time: { label: "Time of day", template: { trigger: "time", at: "07:00:00" }, fields: [{ key: "at", label: "At", kind: "text", hint: "HH:MM or HH:MM:SS" }, { key: "weekday", label: "On", kind: "weekdays" }] },
  time_pattern: {
    label: "Every so often",
    template: { trigger: "time_pattern", minutes: "/5" },
    fields: [{ key: "hours", label: "Hours", kind: "text", hint: "/2 = every 2 hours" }, { key: "minutes", label: "Minutes", kind: "text", hint: "/5 = every 5 minutes" }, { key: "seconds", label: "Seconds", kind: "text" }],
  },
  sun: {
    label: "Sunrise or sunset",
    template: { trigger: "sun", event: "sunset" },
    fields: [{ key: "event", label: "Event", kind: "select", options: ["sunset", "sunrise"] }, { key: "offset", label: "Offset", kind: "duration", hint: "-00:30:00 = half an hour before" }],
  },
  homeassistant: { label: "Hub starts or stops", template: { trigger: "homeassistant", event: "start" }, fields: [{ key: "event", label: "When the hub", kind: "select", options: ["start", "shutdown"] }] },
  webhook: {
    label: "Webhook",
    template: { trigger: "webhook", webhook_id: "", local_only: true },
    fields: [{ key: "webhook_id", label: "Webhook id", kind: "text", hint: "POST /api/webhook/<id> from the home network" }],
  },
  template: { label: "Template becomes true", template: { trigger: "template", value_template: "{{ }}" }, fields: [{ key: "value_template", label: "Template", kind: "template" }, forField] },
  event: { label: "Event", template: { trigger: "event", event_type: "" }, fields: [{ key: "event_type", label: "Event type", kind: "text" }] },
};

export const CONDITION_KINDS: Record<string, KindSpec> = {
  state: { label: "Entity is in a state", template: { condition: "state", entity_id: "", state: "" }, fields: [{ key: "entity_id", label: "Entity", kind: "entity" }, { key: "state", label: "State", kind: "text" }, forField] },
  numeric_state: {
    label: "Number is above or below",
    template: { condition: "numeric_state", entity_id: "", above: 0 },
    fields: [{ key: "entity_id", label: "Entity", kind: "entity", domains: ["sensor", "number"] }, { key: "above", label: "Above", kind: "number" }, { key: "below", label: "Below", kind: "number" }],
  },
  time: {
    label: "Time of day",
    template: { condition: "time", after: "22:00:00", before: "06:00:00" },
    fields: [{ key: "after", label: "After", kind: "text", hint: "HH:MM" }, { key: "before", label: "Before", kind: "text", hint: "HH:MM" }, { key: "weekday", label: "On", kind: "weekdays" }],
  },
  sun: {
    label: "Sun is up or down",
    template: { condition: "sun", after: "sunset", before: "sunrise" },
    fields: [{ key: "after", label: "After", kind: "select", options: ["", "sunset", "sunrise"] }, { key: "before", label: "Before", kind: "select", options: ["", "sunrise", "sunset"] }],
  },
  template: { label: "Template is true", template: { condition: "template", value_template: "{{ }}" }, fields: [{ key: "value_template", label: "Template", kind: "template" }] },
  trigger: { label: "Which trigger fired", template: { condition: "trigger", id: "" }, fields: [{ key: "id", label: "Trigger id", kind: "text" }] },
};

export const ACTION_KINDS: Record<string, KindSpec> = {
  service: {
    label: "Do something (a service)",
    template: { action: "light.turn_on", target: { entity_id: "" } },
    fields: [
      { key: "action", label: "Service", kind: "service", aliases: ["service"] },
      { key: "target.entity_id", label: "Entity", kind: "entity" },
      { key: "target.device_id", label: "Device", kind: "device" },
      { key: "target.area_id", label: "Room", kind: "room" },
    ],
  },
  publish: {
    label: "Publish an MQTT message",
    template: { action: "mqtt.publish", data: { topic: "", payload: "" } },
    fields: [{ key: "data.topic", label: "Topic", kind: "topic" }, { key: "data.payload", label: "Payload", kind: "template" }, { key: "data.retain", label: "Retain", kind: "select", options: ["", "true", "false"] }],
  },
  notify: {
    label: "Send a notification",
    template: { action: "notify.notify", data: { title: "", message: "" } },
    fields: [{ key: "action", label: "To", kind: "service", aliases: ["service"], domains: ["notify"] }, { key: "data.title", label: "Title", kind: "text" }, { key: "data.message", label: "Message", kind: "template" }],
  },
  delay: { label: "Wait a while", template: { delay: "00:01:00" }, fields: [{ key: "delay", label: "Wait", kind: "duration", hint: "HH:MM:SS" }] },
  wait_template: {
    label: "Wait until a template is true",
    template: { wait_template: "{{ }}", timeout: "00:10:00", continue_on_timeout: true },
    fields: [{ key: "wait_template", label: "Until", kind: "template" }, { key: "timeout", label: "At most", kind: "duration" }],
  },
  scene: { label: "Apply a scene", template: { scene: "scene." }, fields: [{ key: "scene", label: "Scene", kind: "entity", domains: ["scene"] }] },
  event: { label: "Fire an event", template: { event: "", event_data: {} }, fields: [{ key: "event", label: "Event type", kind: "text" }] },
  stop: { label: "Stop here", template: { stop: "Done" }, fields: [{ key: "stop", label: "Reason", kind: "text" }] },
};

/** Kinds a person adds without a form: they start as YAML in their card. */
export const ACTION_YAML_STARTERS: Record<string, { label: string; template: Record<string, unknown> }> = {
  if: { label: "If / then / else", template: { if: [{ condition: "state", entity_id: "", state: "on" }], then: [{ delay: "00:00:01" }] } },
  choose: { label: "Choose", template: { choose: [{ conditions: [{ condition: "trigger", id: "" }], sequence: [{ delay: "00:00:01" }] }] } },
  repeat: { label: "Repeat", template: { repeat: { count: 2, sequence: [{ delay: "00:00:01" }] } } },
  wait_for_trigger: { label: "Wait for a trigger", template: { wait_for_trigger: [{ trigger: "mqtt", topic: "" }], timeout: "00:05:00" } },
  parallel: { label: "Run in parallel", template: { parallel: [{ delay: "00:00:01" }, { delay: "00:00:02" }] } },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The form an item is shown with, or undefined when it is edited as YAML. */
export function kindOf(section: Section, item: unknown): string | undefined {
  if (!isObj(item)) return undefined;
  if (section === "triggers") {
    const k = item.trigger ?? item.platform;
    return typeof k === "string" && Object.hasOwn(TRIGGER_KINDS, k) ? k : undefined;
  }
  if (section === "conditions") {
    const k = item.condition;
    return typeof k === "string" && Object.hasOwn(CONDITION_KINDS, k) ? k : undefined;
  }
  const service = item.action ?? item.service;
  if (typeof service === "string") {
    if (item.response_variable !== undefined || item.data_template !== undefined) return undefined;
    if (service === "mqtt.publish") return isObj(item.data) && !isObj(item.data.topic) ? "publish" : undefined;
    if (service.startsWith("notify.")) return "notify";
    return "service";
  }
  for (const k of ["delay", "wait_template", "scene", "event", "stop"]) if (Object.hasOwn(item, k)) return k;
  return undefined;
}

export function kindsOf(section: Section): Record<string, KindSpec> {
  return section === "triggers" ? TRIGGER_KINDS : section === "conditions" ? CONDITION_KINDS : ACTION_KINDS;
}

/** A field's value in an item (nested keys and aliases followed). */
export function fieldValue(item: unknown, field: FieldSpec): unknown {
  for (const key of [field.key, ...(field.aliases ?? [])]) {
    let v: unknown = item;
    for (const part of key.split(".")) v = isObj(v) ? v[part] : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The key a field writes to in this item: the alias the item already uses (an old rule's `service:`), else its own. */
export function fieldPath(item: unknown, field: FieldSpec): string[] {
  const existing = (field.aliases ?? []).find((a) => isObj(item) && Object.hasOwn(item, a));
  return (existing ?? field.key).split(".");
}
