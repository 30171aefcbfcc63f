import { domainOf } from "./entity-kind";

// Home Assistant's English state wording (homeassistant/components/<domain>/strings.json).

type Pair = readonly [on: string, off: string];

const BINARY_SENSOR: Readonly<Record<string, Pair>> = {
  battery: ["Low", "Normal"],
  battery_charging: ["Charging", "Not charging"],
  carbon_monoxide: ["Detected", "Clear"],
  cold: ["Cold", "Normal"],
  connectivity: ["Connected", "Disconnected"],
  door: ["Open", "Closed"],
  garage_door: ["Open", "Closed"],
  gas: ["Detected", "Clear"],
  heat: ["Hot", "Normal"],
  light: ["Light detected", "No light"],
  lock: ["Unlocked", "Locked"],
  moisture: ["Wet", "Dry"],
  motion: ["Detected", "Clear"],
  moving: ["Moving", "Not moving"],
  occupancy: ["Detected", "Clear"],
  opening: ["Open", "Closed"],
  plug: ["Plugged in", "Unplugged"],
  power: ["Power detected", "No power"],
  presence: ["Home", "Away"],
  problem: ["Problem", "OK"],
  running: ["Running", "Not running"],
  safety: ["Unsafe", "Safe"],
  smoke: ["Detected", "Clear"],
  sound: ["Detected", "Clear"],
  tamper: ["Tampering detected", "Clear"],
  update: ["Update available", "Up-to-date"],
  vibration: ["Detected", "Clear"],
  window: ["Open", "Closed"],
};

/** A binary sensor's state in words, by device class ("Open"/"Closed", "Detected"/"Clear", "Low"/"Normal"). */
export function binarySensorWording(deviceClass: string | null | undefined, state: string): string {
  const pair = (deviceClass ? BINARY_SENSOR[deviceClass] : undefined) ?? (["On", "Off"] as const);
  if (state === "on") return pair[0];
  if (state === "off") return pair[1];
  return commonWording(state);
}

const STATES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  cover: { open: "Open", closed: "Closed", opening: "Opening", closing: "Closing", stopped: "Stopped" },
  valve: { open: "Open", closed: "Closed", opening: "Opening", closing: "Closing" },
  lock: { locked: "Locked", unlocked: "Unlocked", locking: "Locking", unlocking: "Unlocking", jammed: "Jammed", open: "Open", opening: "Opening" },
  climate: { off: "Off", heat: "Heat", cool: "Cool", heat_cool: "Heat/Cool", auto: "Auto", dry: "Dry", fan_only: "Fan only" },
  vacuum: { cleaning: "Cleaning", docked: "Docked", returning: "Returning", idle: "Idle", paused: "Paused", error: "Error" },
  lawn_mower: { mowing: "Mowing", docked: "Docked", paused: "Paused", returning: "Returning", error: "Error" },
  alarm_control_panel: {
    disarmed: "Disarmed",
    armed_home: "Armed home",
    armed_away: "Armed away",
    armed_night: "Armed night",
    armed_vacation: "Armed vacation",
    armed_custom_bypass: "Armed custom bypass",
    pending: "Pending",
    arming: "Arming",
    disarming: "Disarming",
    triggered: "Triggered",
  },
  update: { on: "Update available", off: "Up-to-date" },
  water_heater: { off: "Off", eco: "Eco", electric: "Electric", gas: "Gas", heat_pump: "Heat pump", high_demand: "High demand", performance: "Performance" },
  scene: {},
  button: {},
};

function commonWording(state: string): string {
  switch (state) {
    case "on":
      return "On";
    case "off":
      return "Off";
    case "unavailable":
      return "Unavailable";
    case "unknown":
      return "Unknown";
    default:
      return state;
  }
}

/** "heat_cool" → "Heat cool": a readable fallback for modes HA has no wording for here. */
export function humanize(value: string): string {
  const spaced = value.replace(/_/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** An HVAC, fan, preset or similar mode in words. */
export function modeWording(mode: string): string {
  return STATES.climate?.[mode] ?? humanize(mode);
}

/** An entity's state as a person reads it, for domains whose state is a word. */
export function stateWording(entityId: string, state: string, attributes: Readonly<Record<string, unknown>> = {}): string {
  const domain = domainOf(entityId);
  if (state === "unavailable" || state === "unknown") return commonWording(state);
  if (domain === "binary_sensor") return binarySensorWording(typeof attributes.device_class === "string" ? attributes.device_class : null, state);
  const words = STATES[domain]?.[state];
  if (words) return words;
  if (state === "on" || state === "off") return commonWording(state);
  return humanize(state);
}

/** The device classes whose "on" means something is open (doors, windows, garage doors, openings). */
export function isOpening(deviceClass: string | null | undefined): boolean {
  return deviceClass === "door" || deviceClass === "window" || deviceClass === "garage_door" || deviceClass === "opening";
}
