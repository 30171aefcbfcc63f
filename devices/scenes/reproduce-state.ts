import { invalidLight, reproduceLight, snapshotLight } from "./reproduce-light";
import type { CurrentState, ReproduceCall, ReproduceOptions, SceneState } from "./scene-state";

/**
 * HA's reproduce_state per domain (homeassistant/components/<domain>/reproduce_state.py): which service calls
 * bring an entity to a scene's state, which attributes a snapshot keeps, and which values a domain takes.
 * Like HA, nothing is called for an entity already in the state (same state and the attributes the scene names).
 */

type Kind = "number" | "string" | "boolean";

interface Reproducer {
  /** The states the domain takes (undefined: checked by `invalidState`). */
  states?: readonly string[];
  invalidState?: (state: string) => string | undefined;
  /** The attributes scenes set, with their kinds; a snapshot keeps these. */
  attributes: Readonly<Record<string, Kind>>;
  calls(target: SceneState, current: CurrentState, options: ReproduceOptions): ReproduceCall[];
  /** What a snapshot keeps (default: the listed attributes that have a value). */
  snapshot?: (current: CurrentState) => Record<string, unknown>;
  invalid?: (target: SceneState) => string | undefined;
}

const ON_OFF = ["on", "off"] as const;
const OPEN_CLOSED = ["open", "opening", "closed", "closing"] as const;
const HVAC_MODES = ["off", "heat", "cool", "heat_cool", "auto", "dry", "fan_only"] as const;
const ALARM_SERVICES: Readonly<Record<string, string>> = {
  armed_away: "alarm_arm_away",
  armed_custom_bypass: "alarm_arm_custom_bypass",
  armed_home: "alarm_arm_home",
  armed_night: "alarm_arm_night",
  armed_vacation: "alarm_arm_vacation",
  disarmed: "alarm_disarm",
  triggered: "alarm_trigger",
};
const VACUUM_SERVICES: Readonly<Record<string, string>> = { cleaning: "start", docked: "return_to_base", returning: "return_to_base", idle: "stop", paused: "pause" };
const WATER_HEATER_STATES = ["eco", "electric", "performance", "high_demand", "heat_pump", "gas", "off", "on"] as const;

const given = (a: Readonly<Record<string, unknown>>, key: string): boolean => a[key] !== undefined && a[key] !== null;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
/** The listed attributes the target sets that differ from now. */
const changed = (target: SceneState, current: CurrentState, keys: readonly string[]): string[] =>
  keys.filter((k) => given(target.attributes, k) && !same(target.attributes[k], current.attributes[k]));
const call = (service: string, data: Record<string, unknown> = {}): ReproduceCall => ({ service, data });

/** A domain whose state maps to one service each (switch, lock, alarm panel, select…). */
function byState(services: Readonly<Record<string, string>>, data: (state: string) => Record<string, unknown> = () => ({})): Reproducer {
  return {
    states: Object.keys(services),
    attributes: {},
    calls: (target, current) => (current.state === target.state ? [] : [call(services[target.state]!, data(target.state))]),
  };
}

/** Covers and valves: a position when the entity can take one, else open or close; tilt for covers. */
function positioned(domain: "cover" | "valve"): Reproducer {
  const SET_POSITION = 4;
  const SET_TILT_POSITION = 128;
  const open = (s: string) => s === "open" || s === "opening";
  return {
    states: OPEN_CLOSED,
    attributes: domain === "cover" ? { current_position: "number", current_tilt_position: "number" } : { current_position: "number" },
    calls(target, current) {
      const features = typeof current.attributes.supported_features === "number" ? current.attributes.supported_features : 0;
      const out: ReproduceCall[] = [];
      const position = target.attributes.current_position;
      if (typeof position === "number" && (features & SET_POSITION) !== 0) {
        if (position !== current.attributes.current_position) out.push(call(`set_${domain}_position`, { position }));
      } else if (open(target.state) !== open(current.state) || current.state === "unknown") {
        out.push(call(open(target.state) ? `open_${domain}` : `close_${domain}`));
      }
      const tilt = target.attributes.current_tilt_position;
      if (domain === "cover" && typeof tilt === "number" && (features & SET_TILT_POSITION) !== 0 && tilt !== current.attributes.current_tilt_position) {
        out.push(call("set_cover_tilt_position", { tilt_position: tilt }));
      }
      return out;
    },
  };
}

const REPRODUCERS: Readonly<Record<string, Reproducer>> = {
  light: { states: ON_OFF, attributes: {}, calls: reproduceLight, snapshot: snapshotLight, invalid: invalidLight },
  switch: byState({ on: "turn_on", off: "turn_off" }),
  siren: byState({ on: "turn_on", off: "turn_off" }),
  lock: byState({ locked: "lock", unlocked: "unlock", open: "open" }),
  alarm_control_panel: byState(ALARM_SERVICES),
  select: { attributes: {}, calls: (t, c) => (t.state === c.state ? [] : [call("select_option", { option: t.state })]) },
  text: { attributes: {}, calls: (t, c) => (t.state === c.state ? [] : [call("set_value", { value: t.state })]) },
  number: {
    attributes: {},
    invalidState: (s) => (s.trim() !== "" && Number.isFinite(Number(s)) ? undefined : `a number's state is a number, not ${JSON.stringify(s)}`),
    calls: (t, c) => (Number(t.state) === Number(c.state) && c.state.trim() !== "" ? [] : [call("set_value", { value: Number(t.state) })]),
  },
  cover: positioned("cover"),
  valve: positioned("valve"),
  fan: {
    states: ON_OFF,
    attributes: { percentage: "number", preset_mode: "string", direction: "string", oscillating: "boolean" },
    calls(target, current) {
      if (target.state === "off") return current.state === "off" ? [] : [call("turn_off")];
      const a = target.attributes;
      const out: ReproduceCall[] = [];
      if (current.state !== "on") {
        // Turned on at its speed: a preset mode wins over a percentage, as in HA's fan.turn_on.
        out.push(call("turn_on", given(a, "preset_mode") ? { preset_mode: a.preset_mode } : given(a, "percentage") ? { percentage: a.percentage } : {}));
      } else {
        if (changed(target, current, ["preset_mode"]).length > 0) out.push(call("set_preset_mode", { preset_mode: a.preset_mode }));
        else if (changed(target, current, ["percentage"]).length > 0) out.push(call("set_percentage", { percentage: a.percentage }));
      }
      if (changed(target, current, ["direction"]).length > 0) out.push(call("set_direction", { direction: a.direction }));
      if (changed(target, current, ["oscillating"]).length > 0) out.push(call("oscillate", { oscillating: a.oscillating }));
      return out;
    },
  },
  climate: {
    states: HVAC_MODES,
    attributes: {
      temperature: "number",
      target_temp_high: "number",
      target_temp_low: "number",
      humidity: "number",
      preset_mode: "string",
      swing_mode: "string",
      swing_horizontal_mode: "string",
      fan_mode: "string",
    },
    calls(target, current) {
      const a = target.attributes;
      const out: ReproduceCall[] = [];
      // The mode first: the others may depend on it (HA's order).
      if (target.state !== current.state) out.push(call("set_hvac_mode", { hvac_mode: target.state }));
      for (const key of ["preset_mode", "swing_mode", "swing_horizontal_mode", "fan_mode", "humidity"]) {
        if (changed(target, current, [key]).length > 0) out.push(call(key === "humidity" ? "set_humidity" : `set_${key}`, { [key]: a[key] }));
      }
      const temperatures = ["temperature", "target_temp_high", "target_temp_low"];
      if (changed(target, current, temperatures).length > 0) out.push(call("set_temperature", Object.fromEntries(temperatures.filter((k) => given(a, k)).map((k) => [k, a[k]]))));
      return out;
    },
  },
  humidifier: {
    states: ON_OFF,
    attributes: { mode: "string", humidity: "number" },
    calls(target, current) {
      if (target.state === "off") return current.state === "off" ? [] : [call("turn_off")];
      const out: ReproduceCall[] = current.state === "on" ? [] : [call("turn_on")];
      if (changed(target, current, ["mode"]).length > 0) out.push(call("set_mode", { mode: target.attributes.mode }));
      if (changed(target, current, ["humidity"]).length > 0) out.push(call("set_humidity", { humidity: target.attributes.humidity }));
      return out;
    },
  },
  water_heater: {
    states: WATER_HEATER_STATES,
    attributes: { temperature: "number" },
    calls(target, current) {
      const out: ReproduceCall[] = [];
      if (target.state !== current.state) {
        if (target.state === "on" || target.state === "off") out.push(call(`turn_${target.state}`));
        else out.push(call("set_operation_mode", { operation_mode: target.state }));
      }
      if (changed(target, current, ["temperature"]).length > 0) out.push(call("set_temperature", { temperature: target.attributes.temperature }));
      return out;
    },
  },
  vacuum: {
    states: Object.keys(VACUUM_SERVICES),
    attributes: { fan_speed: "string" },
    calls(target, current) {
      const out = target.state === current.state ? [] : [call(VACUUM_SERVICES[target.state]!)];
      if (changed(target, current, ["fan_speed"]).length > 0) out.push(call("set_fan_speed", { fan_speed: target.attributes.fan_speed }));
      return out;
    },
  },
};

const domainOf = (entityId: string): string => entityId.slice(0, entityId.indexOf("."));

/** Whether scenes can set entities of this domain (sensors, buttons, scenes… cannot). */
export function reproducible(entityId: string): boolean {
  return Object.hasOwn(REPRODUCERS, domainOf(entityId));
}

/**
 * What is wrong with a scene's state for the entity's domain (a light "purple", brightness "high"), or undefined.
 * Domains scenes cannot set pass here: applying reports them.
 */
export function invalidSceneState(entityId: string, target: SceneState): string | undefined {
  const domain = domainOf(entityId);
  const r = REPRODUCERS[domain];
  if (!r) return undefined;
  if (r.invalid) return r.invalid(target);
  if (r.states && !r.states.includes(target.state)) return `${domain} state must be one of ${r.states.join(", ")}, not ${JSON.stringify(target.state)}`;
  const bad = r.invalidState?.(target.state);
  if (bad !== undefined) return bad;
  for (const [key, kind] of Object.entries(r.attributes)) {
    if (given(target.attributes, key) && typeof target.attributes[key] !== kind) return `${key} must be a ${kind}`;
  }
  return undefined;
}

/** The service calls, in order, that bring `current` to `target` (none when it is there already). */
export function reproduceCalls(entityId: string, target: SceneState, current: CurrentState, options: ReproduceOptions = {}): ReproduceCall[] {
  const r = REPRODUCERS[domainOf(entityId)];
  return r ? r.calls(target, current, options) : [];
}

/**
 * The scene state that would bring the entity back to how it is now: its state and the attributes that matter
 * for reproducing it. A string says why there is none (unavailable, unknown, a domain scenes cannot set).
 */
export function snapshotState(entityId: string, current: CurrentState): SceneState | string {
  const r = REPRODUCERS[domainOf(entityId)];
  if (!r) return `scenes cannot set ${domainOf(entityId)} entities`;
  if (current.state === "unavailable" || current.state === "unknown") return `it is ${current.state}`;
  const attributes = r.snapshot ? r.snapshot(current) : Object.fromEntries(Object.keys(r.attributes).filter((k) => given(current.attributes, k)).map((k) => [k, current.attributes[k]]));
  const state: SceneState = { state: current.state, attributes };
  const invalid = invalidSceneState(entityId, state);
  return invalid === undefined ? state : `its state cannot be set again (${invalid})`;
}
