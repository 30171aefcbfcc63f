import { domainOf } from "./entity-kind";
import { isOpening } from "./state-wording";
import { formatTemperature } from "./value-format";

/** The state fields a summary reads (HA's state object). */
export interface SummaryState {
  entity_id: string;
  state: string;
  attributes: Readonly<Record<string, unknown>>;
}

export interface RoomSummary {
  lightsOn: number;
  lights: number;
  /** Friendly names of open doors, windows and openings. */
  open: string[];
  /** "21.3 °C" or "19.8–21.3 °C" across the room's temperature sensors and thermostats; null without any. */
  temperature: string | null;
  offlineDevices: number;
  lowBatteries: number;
}

const LOW_BATTERY_PERCENT = 20;

const nameOf = (s: SummaryState) => (typeof s.attributes.friendly_name === "string" ? s.attributes.friendly_name : s.entity_id);
const deviceClassOf = (s: SummaryState) => (typeof s.attributes.device_class === "string" ? s.attributes.device_class : null);

/** Lights on, open doors and windows, temperatures, offline devices and low batteries among `states`. */
export function summarizeRoom(states: readonly SummaryState[], devices: ReadonlyArray<{ available: boolean }> = []): RoomSummary {
  let lightsOn = 0;
  let lights = 0;
  let lowBatteries = 0;
  const open: string[] = [];
  const temperatures: number[] = [];
  let unit: string | null = null;
  for (const s of states) {
    const domain = domainOf(s.entity_id);
    const deviceClass = deviceClassOf(s);
    if (domain === "light") {
      lights += 1;
      if (s.state === "on") lightsOn += 1;
    } else if (domain === "binary_sensor" && isOpening(deviceClass) && s.state === "on") {
      open.push(nameOf(s));
    } else if (domain === "cover" && deviceClass && ["door", "garage", "gate", "window"].includes(deviceClass) && (s.state === "open" || s.state === "opening")) {
      open.push(nameOf(s));
    } else if (domain === "sensor" && deviceClass === "temperature") {
      const value = Number(s.state);
      if (s.state.trim() !== "" && Number.isFinite(value)) {
        temperatures.push(value);
        if (typeof s.attributes.unit_of_measurement === "string") unit ??= s.attributes.unit_of_measurement;
      }
    } else if (domain === "climate" && typeof s.attributes.current_temperature === "number") {
      temperatures.push(s.attributes.current_temperature);
    }
    if (domain === "sensor" && deviceClass === "battery") {
      const value = Number(s.state);
      if (s.state.trim() !== "" && Number.isFinite(value) && value < LOW_BATTERY_PERCENT) lowBatteries += 1;
    } else if (domain === "binary_sensor" && deviceClass === "battery" && s.state === "on") {
      lowBatteries += 1;
    }
  }
  return {
    lightsOn,
    lights,
    open,
    temperature: temperatureRange(temperatures, unit ?? "°C"),
    offlineDevices: devices.filter((d) => !d.available).length,
    lowBatteries,
  };
}

function temperatureRange(values: readonly number[], unit: string): string | null {
  if (values.length === 0) return null;
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (Math.round(min * 10) === Math.round(max * 10)) return formatTemperature(min, unit);
  return `${formatTemperature(min, "")}–${formatTemperature(max, unit)}`;
}

/** The summary as short phrases for a room's summary row; empty parts are left out. */
export function summaryPhrases(summary: RoomSummary): string[] {
  const parts: string[] = [];
  if (summary.temperature) parts.push(summary.temperature);
  if (summary.lights > 0) parts.push(summary.lightsOn === 0 ? "Lights off" : `${summary.lightsOn} ${summary.lightsOn === 1 ? "light" : "lights"} on`);
  if (summary.open.length > 0) parts.push(`${summary.open.length} open`);
  if (summary.offlineDevices > 0) parts.push(`${summary.offlineDevices} offline`);
  if (summary.lowBatteries > 0) parts.push(`${summary.lowBatteries} low ${summary.lowBatteries === 1 ? "battery" : "batteries"}`);
  return parts;
}
