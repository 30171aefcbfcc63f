import { HEALTH_THRESHOLDS } from "./thresholds";

const T = HEALTH_THRESHOLDS;

/** The state fields health reads (HA's state object). */
export interface HealthState {
  entity_id: string;
  state: string;
  attributes: Readonly<Record<string, unknown>>;
}

export type HealthProblem = "offline" | "stale" | "low_battery" | "weak_link";

/** Problems in the order the health page groups them. */
export const HEALTH_PROBLEMS: readonly HealthProblem[] = ["offline", "stale", "low_battery", "weak_link"];

export interface BatteryReading {
  entity_id: string;
  /** Percent for a battery sensor; null for a low-battery binary sensor or a non-numeric state. */
  percent: number | null;
  low: boolean;
}

export interface LinkReading {
  entity_id: string;
  /** `lqi`: Zigbee link quality 0–255; `rssi`: signal strength in dBm. */
  kind: "lqi" | "rssi";
  value: number;
  weak: boolean;
}

const domainOf = (entityId: string) => entityId.slice(0, entityId.indexOf("."));
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function numericState(state: string): number | null {
  if (state.trim() === "") return null;
  const n = Number(state);
  return Number.isFinite(n) ? n : null;
}

/** A battery reading from a sensor (device_class battery, %) or a binary sensor (battery: "on" means low); null for other entities. */
export function readBattery(s: HealthState): BatteryReading | null {
  if (str(s.attributes.device_class) !== "battery") return null;
  const domain = domainOf(s.entity_id);
  if (domain === "binary_sensor") {
    if (s.state === "unavailable" || s.state === "unknown") return null;
    return { entity_id: s.entity_id, percent: null, low: s.state === "on" };
  }
  if (domain !== "sensor") return null;
  const unit = str(s.attributes.unit_of_measurement);
  const value = numericState(s.state);
  // A battery sensor in volts (some firmwares) is not a percentage: shown nowhere rather than misjudged.
  if (value === null || (unit !== null && unit !== "%")) return null;
  return { entity_id: s.entity_id, percent: value, low: value < T.lowBatteryPercent };
}

/**
 * A link reading: Zigbee2MQTT's `linkquality` sensor (unit "lqi", or an entity id ending in `_linkquality`)
 * or a signal_strength sensor in dBm/dB (ESPHome's and Shelly's Wi-Fi RSSI); null for other entities.
 */
export function readLink(s: HealthState): LinkReading | null {
  if (domainOf(s.entity_id) !== "sensor") return null;
  const value = numericState(s.state);
  if (value === null) return null;
  const unit = str(s.attributes.unit_of_measurement)?.toLowerCase() ?? null;
  if (unit === "lqi" || (unit === null && s.entity_id.endsWith("_linkquality"))) {
    return { entity_id: s.entity_id, kind: "lqi", value, weak: value < T.weakLinkQuality };
  }
  if (str(s.attributes.device_class) === "signal_strength" && (unit === "dbm" || unit === "db")) {
    return { entity_id: s.entity_id, kind: "rssi", value, weak: value < T.weakRssiDbm };
  }
  return null;
}

export interface DeviceHealthInput {
  now: number;
  /** Availability is configured and says the device is unavailable. */
  offline: boolean;
  /** Last message on any of the device's topics (possibly before the hub's restart), or null when never. */
  lastSeen: number | null;
  /**
   * When the hub started listening: silence is counted from then at the earliest, so a device is not blamed
   * for the time the hub itself was down.
   */
  watchingSince: number;
  /** Silence beyond this is stale (from the device's learned rhythm, see ReportingInterval). */
  staleAfterMs: number;
  states: readonly HealthState[];
}

export interface DeviceHealth {
  problems: HealthProblem[];
  /** How long the device has been silent (since the hub started when it has not spoken since). */
  silentForMs: number;
  /** The lowest battery reading, if the device has one. */
  battery: BatteryReading | null;
  /** The weakest link reading, if the device has one. */
  link: LinkReading | null;
}

/** Offline, stale, low battery and weak link for one device. Offline wins over stale: an offline device is silent anyway. */
export function classifyDevice(input: DeviceHealthInput): DeviceHealth {
  let battery: BatteryReading | null = null;
  let link: LinkReading | null = null;
  for (const s of input.states) {
    const b = readBattery(s);
    if (b && (!battery || rankBattery(b) < rankBattery(battery))) battery = b;
    const l = readLink(s);
    if (l && (!link || normalisedLink(l) < normalisedLink(link))) link = l;
  }
  const silentForMs = Math.max(0, input.now - Math.max(input.lastSeen ?? 0, input.watchingSince));
  const problems: HealthProblem[] = [];
  if (input.offline) problems.push("offline");
  else if (silentForMs > input.staleAfterMs) problems.push("stale");
  if (battery?.low) problems.push("low_battery");
  if (link?.weak) problems.push("weak_link");
  return { problems, silentForMs, battery, link };
}

// Lower is worse: a low binary battery ranks below any percentage that is not low.
function rankBattery(b: BatteryReading): number {
  if (b.percent !== null) return b.percent;
  return b.low ? -1 : 101;
}

// Both scales mapped to 0 (worst) … 1 (best) so a device with both is judged by its weaker link.
function normalisedLink(l: LinkReading): number {
  return l.kind === "lqi" ? l.value / 255 : (l.value + 100) / 70;
}

export interface HealthCounts {
  devices: number;
  offline: number;
  stale: number;
  low_battery: number;
  weak_link: number;
  /** Devices with at least one problem. */
  with_problems: number;
}

/** Devices per problem. */
export function countProblems(devices: ReadonlyArray<{ problems: readonly HealthProblem[] }>): HealthCounts {
  const counts: HealthCounts = { devices: devices.length, offline: 0, stale: 0, low_battery: 0, weak_link: 0, with_problems: 0 };
  for (const d of devices) {
    if (d.problems.length > 0) counts.with_problems++;
    for (const p of d.problems) counts[p]++;
  }
  return counts;
}

const PROBLEM_LABEL: Record<HealthProblem, [one: string, many: string]> = {
  offline: ["offline", "offline"],
  stale: ["not reporting", "not reporting"],
  low_battery: ["low battery", "low batteries"],
  weak_link: ["weak signal", "weak signals"],
};

/** "2 offline", "1 not reporting", "3 low batteries", "1 weak signal"; zero counts left out. */
export function healthPhrases(counts: HealthCounts): string[] {
  return HEALTH_PROBLEMS.filter((p) => counts[p] > 0).map((p) => `${counts[p]} ${PROBLEM_LABEL[p][counts[p] === 1 ? 0 : 1]}`);
}
