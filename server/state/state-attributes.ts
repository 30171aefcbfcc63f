// The attributes of a state: composed from their parts, compared, and filtered (json_attributes).

/** Attributes a json_attributes payload may not set (HA's MQTT_ATTRIBUTES_BLOCKED, abridged). */
const BLOCKED_ATTRIBUTES = new Set([
  "friendly_name",
  "icon",
  "entity_picture",
  "device_class",
  "unit_of_measurement",
  "state_class",
  "supported_features",
  "assumed_state",
  "attribution",
  "restored",
  "editable",
  "context_recent_time",
]);

/** json_attributes without the keys HA blocks. */
export function allowedJsonAttributes(attributes: object): Record<string, unknown> {
  const filtered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) if (!BLOCKED_ATTRIBUTES.has(key)) filtered[key] = value;
  return filtered;
}

/** Config head (platform static attributes), json_attributes, the platform's, then the tail (device_class, icon, friendly_name). */
export interface AttributeParts {
  head: Record<string, unknown>;
  json: Record<string, unknown>;
  value: Readonly<Record<string, unknown>>;
  tail: Record<string, unknown>;
}

/** The attributes of the current state and what they were composed from (values are immutable, so identity tells). */
export interface Composed {
  attributes: Record<string, unknown>;
  available: boolean;
  json: Record<string, unknown>;
  value: Readonly<Record<string, unknown>>;
}

/**
 * The state's attributes: config head, json_attributes, the platform's, then the tail. Rebuilt only
 * when one of the parts is a different object; an equal rebuild keeps the previous object, so an
 * unchanged state is recognised by identity.
 */
export function composeAttributes(
  head: AttributeParts["head"],
  json: AttributeParts["json"],
  value: AttributeParts["value"],
  tail: AttributeParts["tail"],
  available: boolean,
  last: Composed | null,
): Composed {
  if (last !== null && last.available === available && (!available || (last.json === json && last.value === value))) return last;
  let attributes: Record<string, unknown> = available ? { ...head, ...json, ...value, ...tail } : { ...head, ...tail };
  if (last !== null && sameAttributes(last.attributes, attributes)) attributes = last.attributes;
  return { attributes, available, json, value };
}

/** Same keys and values; nested values (colours, lists) compared structurally. */
export function sameAttributes(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
