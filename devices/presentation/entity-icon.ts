import { domainOf } from "./entity-kind";

/** The icon a dashboard draws for an entity; the UI maps each name to an SVG. */
export type IconName =
  | "bulb"
  | "power"
  | "blinds"
  | "garage"
  | "thermostat"
  | "thermometer"
  | "droplet"
  | "fan"
  | "lock"
  | "lock-open"
  | "valve"
  | "siren"
  | "button"
  | "slider"
  | "list"
  | "text"
  | "scene"
  | "vacuum"
  | "humidifier"
  | "water-heater"
  | "shield"
  | "update"
  | "door"
  | "window"
  | "motion"
  | "battery"
  | "signal"
  | "bolt"
  | "gauge"
  | "leak"
  | "smoke"
  | "event"
  | "sensor";

const SENSOR_ICON: Readonly<Record<string, IconName>> = {
  temperature: "thermometer",
  humidity: "droplet",
  moisture: "droplet",
  battery: "battery",
  signal_strength: "signal",
  power: "bolt",
  energy: "bolt",
  voltage: "bolt",
  current: "bolt",
  apparent_power: "bolt",
  power_factor: "bolt",
  pressure: "gauge",
  atmospheric_pressure: "gauge",
  illuminance: "bulb",
  carbon_dioxide: "smoke",
  pm25: "smoke",
  pm10: "smoke",
};

const BINARY_ICON: Readonly<Record<string, IconName>> = {
  door: "door",
  garage_door: "garage",
  opening: "door",
  window: "window",
  motion: "motion",
  occupancy: "motion",
  presence: "motion",
  moisture: "leak",
  smoke: "smoke",
  gas: "smoke",
  carbon_monoxide: "smoke",
  battery: "battery",
  connectivity: "signal",
  lock: "lock",
  power: "bolt",
  plug: "power",
  problem: "shield",
  safety: "shield",
  update: "update",
};

const DOMAIN_ICON: Readonly<Record<string, IconName>> = {
  light: "bulb",
  switch: "power",
  input_boolean: "power",
  climate: "thermostat",
  fan: "fan",
  valve: "valve",
  siren: "siren",
  button: "button",
  number: "slider",
  select: "list",
  text: "text",
  scene: "scene",
  vacuum: "vacuum",
  lawn_mower: "vacuum",
  humidifier: "humidifier",
  water_heater: "water-heater",
  alarm_control_panel: "shield",
  update: "update",
  event: "event",
};

/** The icon for an entity by domain, device class and (for locks and covers) state. */
export function iconFor(entityId: string, deviceClass: string | null | undefined, state?: string): IconName {
  const domain = domainOf(entityId);
  if (domain === "lock") return state === "unlocked" || state === "open" ? "lock-open" : "lock";
  if (domain === "cover") return deviceClass === "garage" || deviceClass === "door" || deviceClass === "gate" ? "garage" : deviceClass === "window" ? "window" : "blinds";
  if (domain === "sensor") return (deviceClass ? SENSOR_ICON[deviceClass] : undefined) ?? "sensor";
  if (domain === "binary_sensor") return (deviceClass ? BINARY_ICON[deviceClass] : undefined) ?? "sensor";
  return DOMAIN_ICON[domain] ?? "sensor";
}
