/** Which control a dashboard shows for an entity, by its domain. */
export type ControlKind =
  | "light"
  | "toggle"
  | "cover"
  | "climate"
  | "fan"
  | "lock"
  | "valve"
  | "siren"
  | "button"
  | "number"
  | "select"
  | "text"
  | "scene"
  | "vacuum"
  | "humidifier"
  | "water_heater"
  | "alarm"
  | "update"
  | "sensor"
  | "binary_sensor"
  | "event"
  | "readonly";

const CONTROL_BY_DOMAIN: Readonly<Record<string, ControlKind>> = {
  light: "light",
  switch: "toggle",
  input_boolean: "toggle",
  cover: "cover",
  climate: "climate",
  fan: "fan",
  lock: "lock",
  valve: "valve",
  siren: "siren",
  button: "button",
  number: "number",
  select: "select",
  text: "text",
  scene: "scene",
  vacuum: "vacuum",
  lawn_mower: "vacuum",
  humidifier: "humidifier",
  water_heater: "water_heater",
  alarm_control_panel: "alarm",
  update: "update",
  sensor: "sensor",
  binary_sensor: "binary_sensor",
  event: "event",
};

/** "light.kitchen" → "light". */
export function domainOf(entityId: string): string {
  const dot = entityId.indexOf(".");
  return dot < 0 ? entityId : entityId.slice(0, dot);
}

/** The control for an entity id's domain; unknown domains are shown read-only. */
export function controlFor(entityId: string): ControlKind {
  return CONTROL_BY_DOMAIN[domainOf(entityId)] ?? "readonly";
}

// Room pages: what people touch most comes first (lights, switches), then climate and covers, then the
// rest of the controls, then readings.
const RANK_BY_DOMAIN: Readonly<Record<string, number>> = {
  light: 0,
  switch: 1,
  input_boolean: 1,
  fan: 2,
  climate: 10,
  water_heater: 11,
  humidifier: 12,
  cover: 13,
  valve: 14,
  lock: 15,
  alarm_control_panel: 16,
  vacuum: 20,
  lawn_mower: 20,
  scene: 21,
  button: 22,
  siren: 23,
  number: 24,
  select: 25,
  text: 26,
  binary_sensor: 30,
  sensor: 31,
  event: 32,
  update: 40,
};

/** Lower sorts first: lights and switches, climate and covers, other controls, sensors, then the rest. */
export function domainRank(entityId: string): number {
  return RANK_BY_DOMAIN[domainOf(entityId)] ?? 50;
}

/** The parts of an entity that decide where and whether it shows on a room page. */
export interface PlacedEntity {
  entity_id: string;
  name: string;
  entity_category?: string | null | undefined;
  hidden?: boolean | undefined;
  position?: number | null | undefined;
}

/** Shown without asking: not hidden by the user and not a config/diagnostic entity (HA's entity_category). */
export function isShownByDefault(entity: PlacedEntity): boolean {
  if (entity.hidden === true) return false;
  return entity.entity_category !== "config" && entity.entity_category !== "diagnostic";
}

/**
 * A room's order: entities the user placed (position) first in that order, then by domain rank,
 * then by name. Stable and independent of the input order.
 */
export function orderEntities<T extends PlacedEntity>(entities: readonly T[]): T[] {
  return [...entities].sort((a, b) => {
    const pa = a.position ?? null;
    const pb = b.position ?? null;
    if (pa !== null && pb !== null && pa !== pb) return pa - pb;
    if (pa !== null && pb === null) return -1;
    if (pa === null && pb !== null) return 1;
    const rank = domainRank(a.entity_id) - domainRank(b.entity_id);
    if (rank !== 0) return rank;
    return a.name.localeCompare(b.name, "en") || a.entity_id.localeCompare(b.entity_id, "en");
  });
}

/** True for states in which an entity must not be commanded. */
export function isUnavailable(state: string | undefined): boolean {
  return state === undefined || state === "unavailable";
}

/**
 * The name to show inside a device's or room's context: HA drops the device name prefix
 * ("Kitchen Plug ENERGY Power" on the Kitchen Plug card reads "ENERGY Power").
 */
export function shortName(friendlyName: string, deviceName: string | null | undefined): string {
  if (!deviceName) return friendlyName;
  const lower = friendlyName.toLowerCase();
  const prefix = deviceName.toLowerCase();
  if (lower.startsWith(prefix) && friendlyName.length > deviceName.length) {
    const rest = friendlyName.slice(deviceName.length).replace(/^[\s:_-]+/, "");
    if (rest.length > 0) return rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  return friendlyName;
}
