import type { Trigger } from "@/devices/automations/types";
import type { HaState } from "../hub-api";
import { topicMatches } from "../mqtt/topic-match";
import type { AutomationTemplates } from "./templates";
import { mqttMessageMatch, stateChangeMatch, textOf, type TriggerData } from "./triggers";

/** What the editor's "fire this trigger" sends: an MQTT message, or a state the entity takes, as a person typed it. */
export interface TriggerSample {
  topic?: string;
  payload?: string;
  entity_id?: string;
  from?: string;
  to?: string;
  device_id?: string;
}

export interface SamplePorts {
  now: () => number;
  state: (entityId: string) => HaState | undefined;
  templates: AutomationTemplates;
}

export type SampleOutcome = { matched: true; data: TriggerData } | { matched: false; reason: string };

/**
 * The trigger's data as if the sample had happened, or why the trigger would not fire on it. Matching uses the
 * same code as the live trigger (topic filter, payload, value_template, from/to); a `for:` is not waited for.
 */
export function sampleTrigger(t: Trigger, idx: number, sample: TriggerSample, variables: Record<string, unknown>, ports: SamplePorts): SampleOutcome {
  const base = { id: t.id, idx: String(idx), sample: true };
  const by = " (a sample, fired by hand)";
  const nowIso = new Date(ports.now()).toISOString();
  switch (t.kind) {
    case "mqtt": {
      const filter = ports.templates.renderText(t.topic, variables);
      const topic = sample.topic?.trim() || (/[+#]/.test(filter) ? undefined : filter);
      if (topic === undefined) return { matched: false, reason: `give a topic that matches ${filter}` };
      if (/[+#]/.test(topic)) return { matched: false, reason: `${topic} is a filter: give one topic a device would publish` };
      if (!topicMatches(filter, topic)) return { matched: false, reason: `${topic} does not match the trigger's topic ${filter}` };
      const payload = sample.payload ?? (t.payload !== undefined && !t.valueTemplate ? ports.templates.renderText(t.payload, variables) : "");
      const r = mqttMessageMatch(t, base, topic, payload, t.qos, variables, ports.templates);
      if ("mismatch" in r) {
        const { value, wanted, byTemplate } = r.mismatch;
        if (value === undefined) return { matched: false, reason: "value_template failed on this payload" };
        return { matched: false, reason: `${byTemplate ? "value_template gave" : "the payload is"} ${JSON.stringify(value)}, the trigger wants ${JSON.stringify(wanted)}` };
      }
      return { matched: true, data: { ...r.data, description: r.data.description + by } };
    }
    case "state":
    case "numeric_state": {
      const entityId = pickEntity(t.entityIds, sample.entity_id);
      if (entityId === undefined) return { matched: false, reason: `the trigger watches ${t.entityIds.join(", ")}, not ${sample.entity_id}` };
      const current = ports.state(entityId) ?? blankState(entityId, nowIso);
      const wanted = t.kind === "state" ? t.to?.find((v) => v !== null) : undefined;
      const to = sample.to ?? wanted ?? current.state;
      const oldState = sample.from === undefined ? current : { ...current, state: sample.from };
      const newState: HaState = t.kind === "state" && t.attribute !== undefined ? { ...current, attributes: { ...current.attributes, [t.attribute]: to }, last_updated: nowIso } : { ...current, state: to, last_changed: nowIso, last_updated: nowIso };
      if (t.kind === "numeric_state") {
        const why = outOfRange(t, newState, ports);
        if (why) return { matched: false, reason: why };
        return { matched: true, data: { ...base, platform: "numeric_state", entity_id: entityId, below: t.below ?? null, above: t.above ?? null, from_state: oldState, to_state: newState, for: null, description: `numeric state of ${entityId}${by}` } };
      }
      const ok = stateChangeMatch(t, oldState, newState);
      if (ok !== true) return { matched: false, reason: `${entityId} going from ${JSON.stringify(oldState.state)} to ${JSON.stringify(to)} is not a change this trigger fires on` };
      return { matched: true, data: { ...base, platform: "state", entity_id: entityId, from_state: oldState, to_state: newState, attribute: t.attribute ?? null, for: null, description: `state of ${entityId}${by}` } };
    }
    case "availability": {
      const deviceId = sample.device_id ?? t.deviceIds[0]!;
      if (!t.deviceIds.includes(deviceId)) return { matched: false, reason: `the trigger watches other devices, not ${deviceId}` };
      return { matched: true, data: { ...base, platform: "availability", device_id: deviceId, to: t.to, for: null, description: `device ${deviceId} went ${t.to}${by}` } };
    }
    case "time":
      return { matched: true, data: { ...base, platform: "time", now: nowIso, entity_id: null, description: `time${by}` } };
    case "time_pattern":
      return { matched: true, data: { ...base, platform: "time_pattern", now: nowIso, description: `time pattern${by}` } };
    case "sun":
      return { matched: true, data: { ...base, platform: "sun", event: t.event, offset: t.offsetMs / 1000, description: `${t.event}${by}` } };
    case "template":
      return { matched: true, data: { ...base, platform: "template", entity_id: null, from_state: null, to_state: null, for: null, description: `template${by}` } };
    case "homeassistant":
      return { matched: true, data: { ...base, platform: "homeassistant", event: t.event, description: `Home Assistant ${t.event}${by}` } };
    case "event":
      return { matched: true, data: { ...base, platform: "event", event: { event_type: t.eventTypes[0] ?? "", data: t.eventData ?? {}, context: null }, description: `event '${t.eventTypes[0] ?? ""}'${by}` } };
    case "webhook": {
      let json: unknown;
      try {
        json = sample.payload === undefined ? undefined : JSON.parse(sample.payload);
      } catch {
        json = undefined;
      }
      return { matched: true, data: { ...base, platform: "webhook", webhook_id: t.webhookId, data: sample.payload ?? "", json, query: {}, description: `webhook ${t.webhookId}${by}` } };
    }
    case "device":
      return { matched: true, data: { ...base, platform: "device", device_id: t.deviceId, type: t.type, subtype: t.subtype, payload: sample.payload ?? null, description: `device ${t.type} ${t.subtype}${by}` } };
  }
}

function pickEntity(watched: string[], given: string | undefined): string | undefined {
  if (given === undefined || given === "") return watched[0];
  return watched.includes(given) ? given : undefined;
}

function blankState(entityId: string, at: string): HaState {
  return { entity_id: entityId, state: "unknown", attributes: {}, last_changed: at, last_reported: at, last_updated: at, context: { id: "", parent_id: null, user_id: null } };
}

/** Why a numeric value is not inside a numeric_state trigger's range (limits may name entities), or "" when it is. */
function outOfRange(t: Extract<Trigger, { kind: "numeric_state" }>, s: HaState, ports: SamplePorts): string {
  const raw = t.attribute === undefined ? s.state : s.attributes[t.attribute];
  const rendered = t.valueTemplate ? ports.templates.render(t.valueTemplate, { state: s }) : raw;
  const v = Number(rendered);
  if (rendered === null || rendered === undefined || textOf(rendered).trim() === "" || !Number.isFinite(v)) return `${JSON.stringify(textOf(rendered))} is not a number`;
  const limit = (l: number | string | undefined): number | undefined => (l === undefined ? undefined : typeof l === "number" ? l : Number(ports.state(l)?.state));
  const above = limit(t.above);
  const below = limit(t.below);
  if (above !== undefined && !(v > above)) return `${v} is not above ${Number.isNaN(above) ? `${String(t.above)} (not a number now)` : above}`;
  if (below !== undefined && !(v < below)) return `${v} is not below ${Number.isNaN(below) ? `${String(t.below)} (not a number now)` : below}`;
  return "";
}
