import { nextSunEvent } from "@/devices/automations/sun";
import { nextLocalTime, nextTimePatternMatch, parseTimeOfDay } from "@/devices/automations/time-of-day";
import type { Duration, Trigger } from "@/devices/automations/types";
import type { EventBus } from "../event-bus";
import type { HaState } from "../hub-api";
import type { Logger } from "../logger";
import type { MqttBus } from "../mqtt/mqtt-bus";
import type { Clock } from "./clock";
import type { AutomationTemplates } from "./templates";

/** What a fired trigger hands the run: HA's `trigger` variable. */
export type TriggerData = Record<string, unknown> & { platform: string; id: string; idx: string; description: string };

export interface TriggerPorts {
  clock: Clock;
  mqtt: MqttBus;
  bus: EventBus;
  templates: AutomationTemplates;
  log: Logger;
  state: (entityId: string) => HaState | undefined;
  timeZone: () => string;
  location: () => { latitude: number; longitude: number } | undefined;
  /** The entity ids of a device (for `availability` triggers). */
  deviceEntities: (deviceId: string) => string[];
  durationMs: (d: Duration, variables: Record<string, unknown>) => number;
}

/** A trigger that matched and, with `for:`, is holding: the engine may keep it across a restart. */
export interface Hold {
  key: string;
  dueAt: number;
  data: TriggerData;
}

export interface TriggerHooks {
  fire(data: TriggerData): void;
  /** A `for:` hold began (or ended: `dueAt` null), for the engine to store; a restart hands it back as `restored`. */
  hold?(key: string, dueAt: number | null, data: TriggerData | null): void;
  restored?: ReadonlyMap<string, Hold>;
  /** A `for:` hold ended before its time (the entity left the state after `heldMs`): a near miss. */
  interrupted?(data: TriggerData, heldMs: number): void;
}

const UNAVAILABLE = new Set(["unavailable", "unknown"]);

/** Attaches one trigger; answers the function that detaches it. A trigger that cannot attach throws (the engine traces it). */
export async function attachTrigger(t: Trigger, idx: number, variables: Record<string, unknown>, ports: TriggerPorts, hooks: TriggerHooks): Promise<() => void> {
  const base = { id: t.id, idx: String(idx) };
  const disposers: Array<() => void> = [];
  const dispose = () => {
    for (const d of disposers.splice(0)) d();
  };
  const holds = new Map<string, () => void>();
  /** What each hold waits to fire, and since when: an interrupted hold is a near miss worth telling. */
  const held = new Map<string, { data: TriggerData; since: number }>();
  /** Fires now, or after `for:` unless `cancel(key)` comes first. */
  const fireAfter = (key: string, forDuration: Duration | undefined, data: TriggerData, vars: Record<string, unknown>) => {
    holds.get(key)?.();
    holds.delete(key);
    if (!forDuration) return hooks.fire(data);
    const ms = ports.durationMs(forDuration, { ...vars, trigger: data });
    const dueAt = (hooks.restored?.get(key)?.dueAt ?? ports.clock.now() + ms);
    const withFor = { ...data, for: { seconds: ms / 1000 } };
    hooks.hold?.(key, dueAt, withFor);
    held.set(key, { data: withFor, since: dueAt - ms });
    holds.set(key, ports.clock.at(dueAt, () => {
      holds.delete(key);
      held.delete(key);
      hooks.hold?.(key, null, null);
      hooks.fire(withFor);
    }));
  };
  const cancel = (key: string) => {
    const c = holds.get(key);
    if (!c) return;
    c();
    holds.delete(key);
    hooks.hold?.(key, null, null);
    const h = held.get(key);
    held.delete(key);
    if (h) hooks.interrupted?.(h.data, ports.clock.now() - h.since);
  };
  disposers.push(() => {
    for (const c of holds.values()) c();
    holds.clear();
  });

  switch (t.kind) {
    case "mqtt": {
      const topic = ports.templates.renderText(t.topic, variables);
      const unsubscribe = await ports.mqtt.subscribe(
        topic,
        (m) => {
          // The broker's retained replay at (re)subscription is old news, not an event to act on.
          if (m.replayed) return;
          const r = mqttMessageMatch(t, base, m.topic, m.payload.toString("utf8"), m.qos, variables, ports.templates);
          if ("data" in r) hooks.fire(r.data);
        },
      );
      disposers.push(() => void unsubscribe().catch(() => undefined));
      break;
    }
    case "state": {
      const watched = new Set(t.entityIds);
      const matches = (list: Array<string | null> | undefined, value: unknown) => list === undefined || list.includes(null) || list.some((w) => w === textOf(value));
      disposers.push(
        ports.bus.on("stateChanged", ({ entityId, oldState, newState }) => {
          if (!watched.has(entityId)) return;
          const key = `state:${entityId}`;
          const ok = stateChangeMatch(t, oldState, newState);
          if (ok === "ignore") return;
          if (!ok) {
            cancel(key);
            return;
          }
          const data: TriggerData = { ...base, platform: "state", entity_id: entityId, from_state: oldState, to_state: newState, attribute: t.attribute ?? null, for: null, description: `state of ${entityId}` };
          fireAfter(key, t.for, data, variables);
        }),
      );
      restoreStateHolds(t.entityIds, hooks, (id, hold) => {
        const s = ports.state(id);
        const to = s ? (t.attribute === undefined ? s.state : s.attributes[t.attribute]) : null;
        // Still in the state it was held for: the hold goes on. (After a restart the state comes back from the
        // broker's retained replay, stamped with the replay's time, so last_changed cannot tell more.)
        if (s && !UNAVAILABLE.has(s.state) && matches(t.to, to)) fireAfter(hold.key, t.for, hold.data, variables);
        else hooks.hold?.(hold.key, null, null);
      });
      break;
    }
    case "numeric_state": {
      const watched = new Set(t.entityIds);
      const limit = (v: number | string | undefined): number | undefined => {
        if (v === undefined) return undefined;
        if (typeof v === "number") return v;
        const s = ports.state(v);
        const n = s ? Number(s.state) : Number.NaN;
        return Number.isFinite(n) ? n : Number.NaN;
      };
      const valueOf = (s: HaState | null): number | undefined => {
        if (s === null) return undefined;
        let raw: unknown = t.attribute === undefined ? s.state : s.attributes[t.attribute];
        if (t.valueTemplate) raw = safeValue(() => ports.templates.render(t.valueTemplate!, { ...variables, state: s }));
        if (raw === undefined || raw === null || (typeof raw === "string" && (raw.trim() === "" || UNAVAILABLE.has(raw)))) return undefined;
        const n = Number(raw);
        return Number.isFinite(n) ? n : undefined;
      };
      const inRange = (v: number | undefined) => {
        if (v === undefined) return false;
        const above = limit(t.above);
        const below = limit(t.below);
        if (Number.isNaN(above) || Number.isNaN(below)) return false;
        return (above === undefined || v > above) && (below === undefined || v < below);
      };
      // HA arms a numeric_state trigger only once its entity is outside the range: no fire at attach.
      const armed = new Map<string, boolean>();
      for (const id of t.entityIds) armed.set(id, !inRange(valueOf(ports.state(id) ?? null)));
      disposers.push(
        ports.bus.on("stateChanged", ({ entityId, oldState, newState }) => {
          if (!watched.has(entityId)) return;
          const key = `numeric:${entityId}`;
          const v = valueOf(newState);
          if (!inRange(v)) {
            armed.set(entityId, true);
            cancel(key);
            return;
          }
          if (!armed.get(entityId)) return;
          armed.set(entityId, false);
          const data: TriggerData = { ...base, platform: "numeric_state", entity_id: entityId, below: limit(t.below) ?? null, above: limit(t.above) ?? null, from_state: oldState, to_state: newState, for: null, description: `numeric state of ${entityId}` };
          fireAfter(key, t.for, data, variables);
        }),
      );
      restoreStateHolds(t.entityIds, hooks, (id, hold) => {
        if (inRange(valueOf(ports.state(id) ?? null))) {
          armed.set(id, false);
          fireAfter(hold.key, t.for, hold.data, variables);
        } else hooks.hold?.(hold.key, null, null);
      });
      break;
    }
    case "time": {
      for (const at of t.at) {
        if ("time" in at) {
          const ofDay = parseTimeOfDay(at.time);
          if (ofDay === undefined) throw new Error(`not a time of day: ${at.time}`);
          scheduleEvery(ports, disposers, (after) => nextLocalTime(ofDay, after, ports.timeZone(), t.weekdays), (now) =>
            hooks.fire({ ...base, platform: "time", now: new Date(now).toISOString(), entity_id: null, description: `time ${at.time}` }),
          );
        } else {
          attachEntityTime(at.entityId, at.offsetMs, t, base, ports, hooks, disposers);
        }
      }
      break;
    }
    case "time_pattern":
      scheduleEvery(ports, disposers, (after) => nextTimePatternMatch({ hours: t.hours, minutes: t.minutes, seconds: t.seconds }, after, ports.timeZone()), (now) =>
        hooks.fire({ ...base, platform: "time_pattern", now: new Date(now).toISOString(), description: "time pattern" }),
      );
      break;
    case "sun": {
      const where = ports.location();
      if (!where) throw new Error("the home has no location: set it on the Automations page (or PUT /api/home/location) to use sun triggers");
      scheduleEvery(ports, disposers, (after) => nextSunEvent(t.event, after, where, t.offsetMs), () =>
        hooks.fire({ ...base, platform: "sun", event: t.event, offset: t.offsetMs / 1000, description: `${t.event} with offset` }),
      );
      break;
    }
    case "template": {
      // Re-rendered when an entity it names changes, and every minute (for now()); fires on false -> true.
      const named = new Set([...t.valueTemplate.matchAll(/["']([a-z_]+\.[a-z0-9_]+)["']/g)].map((m) => m[1]!));
      const truthy = () => resultAsBoolean(safeValue(() => ports.templates.render(t.valueTemplate, variables)));
      let last = truthy();
      const check = (entityId: string | null, oldState: HaState | null, newState: HaState | null) => {
        const now = truthy();
        if (now === last) return;
        last = now;
        if (!now) return cancel("template");
        fireAfter("template", t.for, { ...base, platform: "template", entity_id: entityId, from_state: oldState, to_state: newState, for: null, description: "template" }, variables);
      };
      disposers.push(ports.bus.on("stateChanged", ({ entityId, oldState, newState }) => named.size === 0 || named.has(entityId) ? check(entityId, oldState, newState) : undefined));
      scheduleEvery(ports, disposers, (after) => Math.floor(after / 60_000) * 60_000 + 60_000, () => check(null, null, null));
      break;
    }
    case "event": {
      const types = new Set(t.eventTypes);
      disposers.push(
        ports.bus.on("haEvent", (e) => {
          if (!types.has(e.eventType)) return;
          if (t.eventData && !Object.entries(t.eventData).every(([k, v]) => JSON.stringify(e.data[k]) === JSON.stringify(v))) return;
          hooks.fire({ ...base, platform: "event", event: { event_type: e.eventType, data: e.data, context: e.context }, description: `event '${e.eventType}'` });
        }),
      );
      break;
    }
    case "device":
      disposers.push(
        ports.bus.on("deviceTriggered", (d) => {
          if (d.deviceId !== t.deviceId) return;
          if (textOf(d.data.type ?? "") !== t.type || textOf(d.data.subtype ?? "") !== t.subtype) return;
          hooks.fire({ ...base, platform: "device", device_id: d.deviceId, type: t.type, subtype: t.subtype, payload: d.data.payload ?? null, description: `device ${t.type} ${t.subtype}` });
        }),
      );
      break;
    case "availability": {
      const deviceOf = new Map<string, string>();
      for (const id of t.deviceIds) for (const e of ports.deviceEntities(id)) deviceOf.set(e, id);
      const offline = (deviceId: string) => {
        const ids = ports.deviceEntities(deviceId);
        return ids.length > 0 && ids.every((e) => ports.state(e)?.state === "unavailable");
      };
      const wasOffline = new Map(t.deviceIds.map((d) => [d, offline(d)]));
      disposers.push(
        ports.bus.on("stateChanged", ({ entityId }) => {
          const deviceId = deviceOf.get(entityId);
          if (deviceId === undefined) return;
          const now = offline(deviceId);
          if (now === wasOffline.get(deviceId)) return;
          wasOffline.set(deviceId, now);
          const key = `availability:${deviceId}`;
          if ((now ? "offline" : "online") !== t.to) return cancel(key);
          fireAfter(key, t.for, { ...base, platform: "availability", device_id: deviceId, to: t.to, for: null, description: `device ${deviceId} went ${t.to}` }, variables);
        }),
      );
      break;
    }
    case "homeassistant":
    case "webhook":
      // Fired by the engine itself (start and shutdown; the webhook route).
      break;
  }
  return dispose;

  function restoreStateHolds(entityIds: string[], h: TriggerHooks, resume: (entityId: string, hold: Hold) => void): void {
    if (!h.restored) return;
    for (const hold of h.restored.values()) {
      const entityId = textOf(hold.data.entity_id ?? "");
      if (entityIds.includes(entityId) && hold.key.endsWith(`:${entityId}`)) resume(entityId, hold);
    }
  }
}

/** Why a message's payload did not match: what it (or its value_template) gave, and what the trigger wants. */
export interface PayloadMismatch {
  value: string | undefined;
  wanted: string | undefined;
  byTemplate: boolean;
}

/**
 * An MQTT message against an `mqtt` trigger whose topic already matched: the trigger's data, or why the payload
 * does not match (`payload` compared with the message, or with what `value_template` makes of it).
 */
export function mqttMessageMatch(t: Extract<Trigger, { kind: "mqtt" }>, base: { id: string; idx: string }, topic: string, payload: string, qos: number, variables: Record<string, unknown>, templates: AutomationTemplates): { data: TriggerData } | { mismatch: PayloadMismatch } {
  let payloadJson: unknown;
  try {
    payloadJson = JSON.parse(payload);
  } catch {
    payloadJson = undefined;
  }
  if (t.payload !== undefined) {
    const vars = { ...variables, value: payload, ...(payloadJson === undefined ? {} : { value_json: payloadJson }) };
    const value = t.valueTemplate ? safeText(() => templates.renderText(t.valueTemplate!, vars)) : payload;
    const wanted = safeText(() => templates.renderText(t.payload!, variables));
    // The words are left to whoever asks why (the editor's sample): this runs for every message on the topic.
    if (value === undefined || value !== wanted) return { mismatch: { value, wanted, byTemplate: t.valueTemplate !== undefined } };
  }
  return { data: { ...base, platform: "mqtt", topic, payload, ...(payloadJson === undefined ? {} : { payload_json: payloadJson }), qos, description: `mqtt topic ${topic}` } };
}

/**
 * A state change against a `state` trigger on that entity: true when it fires (or starts its `for:`), false when
 * it does not (a hold under way ends), "ignore" when the change is not one the trigger looks at.
 */
export function stateChangeMatch(t: Extract<Trigger, { kind: "state" }>, oldState: HaState | null, newState: HaState | null): boolean | "ignore" {
  const valueOf = (s: HaState | null) => (s === null ? null : t.attribute === undefined ? s.state : (s.attributes[t.attribute] ?? null));
  const matches = (list: Array<string | null> | undefined, value: unknown) => list === undefined || list.includes(null) || list.some((w) => w === textOf(value));
  const matchAll = t.from === undefined && t.to === undefined && t.notFrom === undefined && t.notTo === undefined;
  const from = valueOf(oldState);
  const to = valueOf(newState);
  if (t.attribute !== undefined && JSON.stringify(from) === JSON.stringify(to)) return "ignore";
  // An attribute-only change fires only a rule that names no from/to (HA's match_all).
  const stateChanged = oldState?.state !== newState?.state;
  if (!matchAll && t.attribute === undefined && !stateChanged) return "ignore";
  if (t.to?.includes(null) && t.attribute === undefined && !stateChanged) return "ignore";
  return (
    newState !== null &&
    (t.from === undefined || (oldState !== null && matches(t.from, from))) &&
    matches(t.to, to) &&
    !(t.notFrom?.includes(textOf(from)) ?? false) &&
    !(t.notTo?.includes(textOf(to)) ?? false)
  );
}

/** Runs `fire` at every instant `next` gives, each computed from the one before. */
function scheduleEvery(ports: TriggerPorts, disposers: Array<() => void>, next: (afterMs: number) => number | undefined, fire: (at: number) => void): void {
  let cancel: (() => void) | undefined;
  let stopped = false;
  const arm = (after: number) => {
    const at = next(after);
    if (at === undefined || stopped) return;
    cancel = ports.clock.at(at, () => {
      fire(at);
      arm(at);
    });
  };
  arm(ports.clock.now());
  disposers.push(() => {
    stopped = true;
    cancel?.();
  });
}

/** A time trigger on an entity: an input_datetime ("HH:MM:SS" or a date and time) or a timestamp sensor. */
function attachEntityTime(entityId: string, offsetMs: number, t: Extract<Trigger, { kind: "time" }>, base: { id: string; idx: string }, ports: TriggerPorts, hooks: TriggerHooks, disposers: Array<() => void>): void {
  let cancel: (() => void) | undefined;
  const arm = () => {
    cancel?.();
    cancel = undefined;
    const s = ports.state(entityId);
    if (!s || UNAVAILABLE.has(s.state)) return;
    const ofDay = parseTimeOfDay(s.state);
    const now = ports.clock.now();
    let at: number | undefined;
    if (ofDay !== undefined) at = nextLocalTime(ofDay, now - offsetMs, ports.timeZone(), t.weekdays);
    else {
      const instant = Date.parse(s.state);
      if (Number.isFinite(instant) && instant + offsetMs > now) at = instant;
    }
    if (at === undefined) return;
    cancel = ports.clock.at(at + offsetMs, () => {
      hooks.fire({ ...base, platform: "time", now: new Date(ports.clock.now()).toISOString(), entity_id: entityId, description: `time set in ${entityId}` });
      arm();
    });
  };
  arm();
  disposers.push(ports.bus.on("stateChanged", (c) => (c.entityId === entityId ? arm() : undefined)));
  disposers.push(() => cancel?.());
}

/** A state or attribute value as text, as HA compares them to a rule's strings. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

/** HA's template.result_as_boolean. */
export function resultAsBoolean(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return ["true", "yes", "on", "enable"].includes(value.trim().toLowerCase()) || (value.trim() !== "" && Number(value) !== 0 && Number.isFinite(Number(value)));
  return false;
}

function safeText(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function safeValue(f: () => unknown): unknown {
  try {
    return f();
  } catch {
    return undefined;
  }
}
