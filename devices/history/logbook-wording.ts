import { domainOf } from "../presentation/entity-kind";
import { humanize, stateWording } from "../presentation/state-wording";
import { formatSensorState } from "../presentation/value-format";

// The logbook's sentences. Home Assistant's wording (its logbook's old `_entry_message_from_state` and the
// frontend's logbook strings: "turned on", "detected motion", "cleared (no motion detected)", "changed to …"),
// made a little more natural where HA's reads oddly ("opened" rather than "was opened").

/** Who or what made a change happen. */
export type LogbookCauseKind = "user" | "automation" | "device" | "hub";

export interface LogbookCause {
  kind: LogbookCauseKind;
  /** The person's or the automation's name; null when it is not known (a removed account). */
  name: string | null;
}

/** How a message joins the name: "Hall lamp turned on" (verb) or "Hall button: single press" (label). */
export type MessageStyle = "verb" | "label";

export interface LogbookMessage {
  message: string;
  style: MessageStyle;
  /** About the entity's availability: "by the device" goes without saying. */
  availability?: boolean;
}

/** Domains HA always leaves out of the logbook (logbook/const.py ALWAYS_CONTINUOUS_DOMAINS). */
const ALWAYS_CONTINUOUS_DOMAINS: ReadonlySet<string> = new Set(["counter", "proximity"]);

/**
 * Readings HA keeps out of the logbook: anything with a unit of measurement or a state class (a temperature
 * every minute is history, not news), and counters. Asked for by entity id, they are shown anyway.
 */
export function isContinuous(entityId: string, attributes: Readonly<Record<string, unknown>>): boolean {
  if (ALWAYS_CONTINUOUS_DOMAINS.has(domainOf(entityId))) return true;
  return attributes.unit_of_measurement !== undefined || attributes.state_class !== undefined;
}

/** One recorded state change, with the state before it (null for the entity's first recorded state). */
export interface StateChangeInput {
  entityId: string;
  state: string;
  previous: string | null;
  attributes: Readonly<Record<string, unknown>>;
  /** Only attributes changed (the recorder's `changed_ts`). */
  attributeOnly?: boolean;
  /** The entity had a real value (not unknown or unavailable) before this change; default true. */
  hadValue?: boolean;
}

export type NoiseReason = "attribute_only" | "first_state" | "unchanged" | "unknown" | "continuous";

/**
 * Why a change stays out of the logbook, or null when it belongs in it. `previous` is the last state that was
 * not "unknown": a value arriving after a restart (unknown → the value it had) is not news, and neither is the
 * entity's very first value (db/queries/logbook.ts applies the same rules in SQL).
 */
export function noiseReason(change: StateChangeInput, opts: { includeContinuous?: boolean } = {}): NoiseReason | null {
  if (change.attributeOnly === true) return "attribute_only";
  if (change.state === "unknown") return "unknown";
  if (change.previous === null) return "first_state";
  if (change.previous === change.state) return "unchanged";
  // An entity with availability starts "unavailable": its first value, or going offline before having one, is its start.
  if (change.hadValue === false && (change.previous === "unavailable" || change.state === "unavailable")) return "first_state";
  if (opts.includeContinuous !== true && isContinuous(change.entityId, change.attributes)) return "continuous";
  return null;
}

const OPENINGS: ReadonlySet<string> = new Set(["door", "garage_door", "opening", "window"]);

/** binary_sensor device classes worded "detected X" / "cleared (no X detected)", with X as a person says it. */
const DETECTIONS: Readonly<Record<string, string>> = {
  carbon_monoxide: "carbon monoxide",
  cold: "cold",
  gas: "gas",
  heat: "heat",
  light: "light",
  moisture: "moisture",
  motion: "motion",
  occupancy: "occupancy",
  power: "power",
  smoke: "smoke",
  sound: "sound",
  vibration: "vibration",
};

const BINARY_PAIRS: Readonly<Record<string, readonly [on: string, off: string]>> = {
  battery: ["battery is low", "battery is normal"],
  battery_charging: ["started charging", "stopped charging"],
  connectivity: ["connected", "disconnected"],
  lock: ["unlocked", "locked"],
  moving: ["started moving", "stopped moving"],
  plug: ["was plugged in", "was unplugged"],
  presence: ["arrived home", "left home"],
  problem: ["reported a problem", "is OK again"],
  running: ["started running", "stopped running"],
  safety: ["became unsafe", "became safe"],
  tamper: ["detected tampering", "cleared tampering"],
  update: ["has an update available", "is up to date"],
};

function binarySensorMessage(deviceClass: string | null, state: string): string | undefined {
  if (state !== "on" && state !== "off") return undefined;
  const on = state === "on";
  if (deviceClass && OPENINGS.has(deviceClass)) return on ? "opened" : "closed";
  const detected = deviceClass ? DETECTIONS[deviceClass] : undefined;
  if (detected) return on ? `detected ${detected}` : `cleared (no ${detected} detected)`;
  const pair = deviceClass ? BINARY_PAIRS[deviceClass] : undefined;
  if (pair) return on ? pair[0] : pair[1];
  return on ? "turned on" : "turned off";
}

const BY_DOMAIN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  cover: { open: "opened", closed: "closed", opening: "is opening", closing: "is closing", stopped: "stopped" },
  valve: { open: "opened", closed: "closed", opening: "is opening", closing: "is closing", stopped: "stopped" },
  lock: { locked: "locked", unlocked: "unlocked", locking: "is locking", unlocking: "is unlocking", jammed: "is jammed", open: "opened", opening: "is opening" },
  alarm_control_panel: {
    disarmed: "was disarmed",
    armed_home: "was armed (home)",
    armed_away: "was armed (away)",
    armed_night: "was armed (night)",
    armed_vacation: "was armed (vacation)",
    armed_custom_bypass: "was armed (custom bypass)",
    arming: "is arming",
    disarming: "is disarming",
    pending: "is pending",
    triggered: "was triggered",
  },
  vacuum: { cleaning: "started cleaning", docked: "docked", returning: "is returning to its dock", idle: "is idle", paused: "paused", error: "reported an error" },
  lawn_mower: { mowing: "started mowing", docked: "docked", returning: "is returning to its dock", paused: "paused", error: "reported an error" },
  update: { on: "has an update available", off: "is up to date" },
  device_tracker: { home: "arrived home", not_home: "left home" },
  person: { home: "arrived home", not_home: "left home" },
  sun: { above_horizon: "rose", below_horizon: "set" },
};

/** A word of a device's own vocabulary ("single", "double_press", "button_1") as a person reads it. */
function vocabulary(value: string): string {
  return value.replace(/_/g, " ").trim().toLowerCase();
}

const PRESS_COUNTS: ReadonlySet<string> = new Set(["single", "double", "triple", "quadruple", "quintuple", "many", "long"]);

/** An action a button reports ("single" → "single press", "hold" → "hold", "arrow_left_click" → "arrow left click"). */
export function actionWording(action: string): string {
  const words = vocabulary(action);
  return PRESS_COUNTS.has(words) ? `${words} press` : words;
}

// MQTT device triggers (HA's mqtt strings.json, device_automation): the trigger types and subtypes it names.
const TRIGGER_TYPES: Readonly<Record<string, string>> = {
  button_short_press: "pressed",
  button_short_release: "released",
  button_long_press: "held down",
  button_long_release: "released after a long press",
  button_double_press: "double-pressed",
  button_triple_press: "triple-pressed",
  button_quadruple_press: "quadruple-pressed",
  button_quintuple_press: "quintuple-pressed",
};
const TRIGGER_SUBTYPES: Readonly<Record<string, string>> = {
  turn_on: "“Turn on”",
  turn_off: "“Turn off”",
  button_1: "first button",
  button_2: "second button",
  button_3: "third button",
  button_4: "fourth button",
  button_5: "fifth button",
  button_6: "sixth button",
};

/** A device trigger (HA: device_automation over MQTT) in words: "first button pressed", "single press". */
export function deviceTriggerWording(type: string | null | undefined, subtype: string | null | undefined): string {
  const t = type ?? "";
  const s = subtype ?? "";
  const known = TRIGGER_TYPES[t];
  if (known) return `${TRIGGER_SUBTYPES[s] ?? vocabulary(s)} ${known}`.trim();
  // Zigbee2MQTT announces every action as type "action" with the action as the subtype.
  if (t === "action" || t === "") return actionWording(s || t);
  if (s === "") return vocabulary(t);
  return `${vocabulary(s)} ${vocabulary(t)}`;
}

/** What a state change did, as a verb phrase after the entity's name: "turned on", "opened", "changed to 21.5 °C". */
export function stateMessage(entityId: string, state: string, attributes: Readonly<Record<string, unknown>>, previous: string | null = null): LogbookMessage {
  const domain = domainOf(entityId);
  const verb = (message: string): LogbookMessage => ({ message, style: "verb" });
  const availability = (message: string): LogbookMessage => ({ message, style: "verb", availability: true });
  if (state === "unavailable") return availability("became unavailable");
  if (state === "unknown") return availability("became unknown");
  const stateless = domain === "event" || domain === "button" || domain === "input_button" || domain === "scene";
  if (previous === "unavailable") return availability(stateless ? "came back online" : `came back online (${stateWords(entityId, state, attributes, domain)})`);
  if (domain === "event") {
    const type = typeof attributes.event_type === "string" ? attributes.event_type : null;
    return type ? { message: actionWording(type), style: "label" } : verb("fired an event");
  }
  if (domain === "button" || domain === "input_button") return verb("was pressed");
  if (domain === "scene") return verb("was activated");
  if (domain === "binary_sensor") {
    const deviceClass = typeof attributes.device_class === "string" ? attributes.device_class : null;
    const message = binarySensorMessage(deviceClass, state);
    if (message) return verb(message);
  }
  const known = BY_DOMAIN[domain]?.[state];
  if (known) return verb(known);
  if (domain === "device_tracker" || domain === "person") return verb(`is at ${humanize(state)}`);
  if (state === "on") return verb("turned on");
  if (state === "off") return verb("turned off");
  return verb(`changed to ${stateWords(entityId, state, attributes, domain)}`);
}

/** The state itself in words: "Heat", "21.5 °C", "closed" (lower case where it continues a sentence). */
function stateWords(entityId: string, state: string, attributes: Readonly<Record<string, unknown>>, domain: string): string {
  if (domain === "sensor" || domain === "number" || domain === "input_number") return formatSensorState(state, attributes);
  // A person's own words: shown as they are.
  if (domain === "select" || domain === "input_select" || domain === "text" || domain === "input_text") return state;
  const words = stateWording(entityId, state, attributes);
  // Modes read as names ("changed to Heat"); on/off and open/closed read as words ("came back online (on)").
  if (domain === "climate" || domain === "water_heater" || domain === "humidifier" || domain === "fan") return words;
  return /^(On|Off|Open|Closed|Locked|Unlocked|Detected|Clear)$/.test(words) ? words.toLowerCase() : words;
}

/** One recorded event in words, or undefined for events the logbook does not show. */
export function eventMessage(eventType: string, data: Readonly<Record<string, unknown>>): LogbookMessage | undefined {
  const text = (key: string) => (typeof data[key] === "string" ? data[key] : null);
  switch (eventType) {
    case "device_trigger":
      return { message: deviceTriggerWording(text("type"), text("subtype")), style: "label" };
    case "tag_scanned":
      return { message: text("tag_id") ? `scanned tag ${text("tag_id")}` : "scanned a tag", style: "verb" };
    case "device_added":
      return { message: "was added", style: "verb" };
    case "device_removed":
      return { message: "was removed", style: "verb" };
    case "automation_triggered": {
      // HA's automation/logbook.py: "triggered", or "triggered by <source>".
      const source = text("source");
      return { message: source ? `triggered by ${source}` : "triggered", style: "verb" };
    }
    default:
      return undefined;
  }
}

/** The event types `eventMessage` words; everything else recorded (service calls, raw event entity fires) is context only. */
export const LOGBOOK_EVENT_TYPES: readonly string[] = ["device_trigger", "tag_scanned", "device_added", "device_removed", "automation_triggered"];

/** Domains whose changes can only come from the device itself: naming the device as the cause adds nothing. */
const SELF_REPORTING: ReadonlySet<string> = new Set(["sensor", "binary_sensor", "event", "device_tracker", "update", "sun", "image", "camera"]);
/** Automations and scripts run on the hub: "by Hearth" adds nothing to "Evening lights triggered by time". */
const HUB_RUN: ReadonlySet<string> = new Set(["automation", "script"]);

/** "by Ana", "by automation Evening lights", "by the device", "by Hearth"; null when saying it adds nothing. */
export function causePhrase(cause: LogbookCause, entityId: string | null = null, message?: LogbookMessage): string | null {
  if (message?.availability === true && (cause.kind === "device" || cause.kind === "hub")) return null;
  switch (cause.kind) {
    case "user":
      return cause.name ? `by ${cause.name}` : "by a removed user";
    case "automation":
      return cause.name ? `by automation ${cause.name}` : "by an automation";
    case "hub":
      return entityId !== null && HUB_RUN.has(domainOf(entityId)) ? null : "by Hearth";
    case "device":
      if (entityId === null) return null;
      return SELF_REPORTING.has(domainOf(entityId)) || HUB_RUN.has(domainOf(entityId)) ? null : "by the device";
  }
}

/** The whole sentence: "Hall lamp turned on by Ana", "Hall button: single press", "Front door opened". */
export function logbookSentence(name: string, message: LogbookMessage, cause: LogbookCause | null = null, entityId: string | null = null): string {
  const head = message.style === "label" ? `${name}: ${message.message}` : `${name} ${message.message}`;
  const by = cause ? causePhrase(cause, entityId, message) : null;
  return by ? `${head} ${by}` : head;
}
