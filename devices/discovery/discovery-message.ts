import { DEVICE_ABBREVIATIONS, ENTITY_ABBREVIATIONS, ORIGIN_ABBREVIATIONS } from "./abbreviations";
import type { DiscoveryTopic } from "./discovery-topic";
import { isComponent, type Component, type ExpandedConfig } from "../components/platform";

/**
 * One discovery message → what it asks for, following HA's pipeline order (DISCOVERY.md §3):
 * empty → removal; JSON object; migration flag; abbreviations; origin; device-based split; `~`.
 * Platform and device-block validation come after, per component (entity-config.ts).
 */

/** A config slot: component plus discovery id (DISCOVERY.md §2). */
export interface SlotKey {
  component: string;
  discoveryId: string;
}

export function slotKeyString(slot: SlotKey): string {
  return `${slot.component}:${slot.discoveryId}`;
}

export interface ComponentConfig {
  slot: SlotKey & { component: Component };
  /** Expanded (full keys, `~` applied) config of this one component. */
  config: ExpandedConfig;
  /** Device-based discovery: the component was reduced to `{"p": ...}`, which removes it. */
  removed: boolean;
}

export type DiscoveryMessage =
  /** Empty payload: remove the slot (single) or every component discovered through the device topic. */
  | { kind: "remove" }
  /** `{"migrate_discovery": true}`: unload, keep the registry entry for the new topic. */
  | { kind: "migrate" }
  | { kind: "configs"; isDeviceBased: boolean; components: ComponentConfig[]; rejected: Array<{ slot: SlotKey; reason: string }> }
  | { kind: "rejected"; reason: string };

/** Largest config we parse; HA has no limit, but 256 KiB is 100× any real config. */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** Keys a device-based payload may carry at its root besides dev/o/cmps (HA's SHARED_OPTIONS). */
const SHARED_OPTIONS = [
  "availability",
  "availability_mode",
  "availability_template",
  "availability_topic",
  "command_topic",
  "encoding",
  "message_expiry_interval",
  "payload_available",
  "payload_not_available",
  "state_topic",
  "qos",
] as const;

const DEVICE_ROOT_KEYS = new Set<string>(["device", "origin", "components", ...SHARED_OPTIONS]);

/** MQTT_ORIGIN_INFO_SCHEMA's keys; it allows no others. */
const ORIGIN_KEYS = new Set<string>(["name", "sw_version", "support_url"]);

/** Platforms that are not entities and so need no unique_id in a device-based payload. */
const NON_ENTITY_PLATFORMS = new Set<string>(["device_automation", "tag"]);

export function parseDiscoveryMessage(topic: DiscoveryTopic, payload: string): DiscoveryMessage {
  if (payload.length === 0) return { kind: "remove" };
  if (payload.length > MAX_CONFIG_BYTES) return { kind: "rejected", reason: `config is larger than ${MAX_CONFIG_BYTES} bytes` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (err) {
    return { kind: "rejected", reason: `invalid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "rejected", reason: "payload is not a JSON object" };
  const root = expandKeys(parsed as Record<string, unknown>, ENTITY_ABBREVIATIONS);
  // HA's MIGRATE_DISCOVERY_SCHEMA allows no other key: anything more is an ordinary config.
  if (root.migrate_discovery === true && Object.keys(root).length === 1) return { kind: "migrate" };
  if (root.origin !== undefined) {
    const originError = checkOrigin(root.origin);
    if (originError) return { kind: "rejected", reason: originError };
    root.origin = expandKeys(root.origin as Record<string, unknown>, ORIGIN_ABBREVIATIONS);
  }
  if (isPlainObject(root.device)) root.device = expandKeys(root.device, DEVICE_ABBREVIATIONS);
  expandAvailability(root);

  if (topic.component === "device") return splitDeviceBased(topic, root);
  if (!isComponent(topic.component)) return { kind: "rejected", reason: `unsupported component '${topic.component}'` };
  expandTopicBase(root);
  return {
    kind: "configs",
    isDeviceBased: false,
    components: [{ slot: { component: topic.component, discoveryId: topic.discoveryId }, config: root, removed: false }],
    rejected: [],
  };
}

function splitDeviceBased(topic: DiscoveryTopic, root: ExpandedConfig): DiscoveryMessage {
  if (root.device === undefined) return { kind: "rejected", reason: "device discovery payload without device (required key not provided @ data['device'])" };
  if (root.origin === undefined) return { kind: "rejected", reason: "device discovery payload without origin (required key not provided @ data['origin'])" };
  if (!isPlainObject(root.components)) return { kind: "rejected", reason: "device discovery payload without components (required key not provided @ data['components'])" };
  const extra = Object.keys(root).filter((k) => !DEVICE_ROOT_KEYS.has(k));
  if (extra.length > 0) return { kind: "rejected", reason: `extra keys not allowed at the root of a device discovery payload: ${extra.join(", ")}` };

  // HA: node_id = the topic's object_id, object_id = "[<topic node_id> ]<component key>".
  const nodePart = topic.nodeId === null ? topic.objectId : `${topic.objectId} ${topic.nodeId}`;
  const components: ComponentConfig[] = [];
  const rejected: Array<{ slot: SlotKey; reason: string }> = [];
  for (const [key, value] of Object.entries(root.components)) {
    const discoveryId = `${nodePart} ${key}`;
    if (!isPlainObject(value)) {
      rejected.push({ slot: { component: "device", discoveryId }, reason: `component '${key}' is not an object` });
      continue;
    }
    const config = expandKeys(value, ENTITY_ABBREVIATIONS);
    const platform = config.platform;
    if (typeof platform !== "string" || !isComponent(platform)) {
      rejected.push({ slot: { component: typeof platform === "string" ? platform : "device", discoveryId }, reason: `component '${key}' has no supported platform ('p')` });
      continue;
    }
    const slot = { component: platform, discoveryId };
    const removed = Object.keys(config).every((k) => k === "platform");
    if (!removed && !NON_ENTITY_PLATFORMS.has(platform) && (config.unique_id === undefined || config.unique_id === null)) {
      rejected.push({ slot, reason: `component '${key}' requires a unique_id (required key not provided @ data['components']['${key}']['unique_id'])` });
      continue;
    }
    if (!removed) {
      // Shared options are copied when the component does not set them; its own availability replaces all of the root's.
      const ownsAvailability = ["availability", "availability_topic"].some((k) => config[k] !== undefined);
      for (const option of SHARED_OPTIONS) {
        if (root[option] === undefined || config[option] !== undefined) continue;
        if (ownsAvailability && option.startsWith("availability")) continue;
        if (ownsAvailability && option.startsWith("payload_")) continue;
        config[option] = structuredClone(root[option]);
      }
      config.device = root.device;
      config.origin = root.origin;
      delete config.platform;
      expandAvailability(config);
      expandTopicBase(config);
    }
    components.push({ slot, config, removed });
  }
  return { kind: "configs", isDeviceBased: true, components, rejected };
}

/** HA's _valid_origin_info: an object with a cv.string `name` (numbers and "" pass) and no unknown keys. */
function checkOrigin(origin: unknown): string | undefined {
  if (!isPlainObject(origin)) return "origin must be an object with a name";
  const expanded = expandKeys(origin, ORIGIN_ABBREVIATIONS);
  const name = expanded.name;
  if (typeof name !== "string" && typeof name !== "number" && typeof name !== "boolean") return "origin requires name";
  const extra = Object.keys(expanded).find((k) => !ORIGIN_KEYS.has(k));
  if (extra !== undefined) return `extra keys not allowed @ data['origin']['${extra}']`;
  return undefined;
}

function expandAvailability(config: ExpandedConfig): void {
  const availability = config.availability;
  if (Array.isArray(availability)) {
    config.availability = availability.map((entry: unknown) => (isPlainObject(entry) ? expandKeys(entry, ENTITY_ABBREVIATIONS) : entry));
  } else if (isPlainObject(availability)) {
    config.availability = [expandKeys(availability, ENTITY_ABBREVIATIONS)];
  }
}

/** `~` replaces a leading or trailing `~` in keys ending in "topic" and in availability topics (§5). */
function expandTopicBase(config: ExpandedConfig): void {
  const base = config["~"];
  if (base === undefined) return;
  delete config["~"];
  if (typeof base !== "string") return;
  // As HA: both ends are tested on the original value (a base ending in "~" is not expanded again),
  // and with "~" at both ends the trailing replacement, assigned last, wins.
  const expand = (value: string): string => {
    let out = value;
    if (value.startsWith("~")) out = base + value.slice(1);
    if (value.endsWith("~")) out = value.slice(0, -1) + base;
    return out;
  };
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith("topic") && typeof value === "string" && value !== "") config[key] = expand(value);
  }
  if (Array.isArray(config.availability)) {
    for (const entry of config.availability) {
      if (isPlainObject(entry) && typeof entry.topic === "string" && entry.topic !== "") entry.topic = expand(entry.topic);
    }
  }
}

/** A copy with abbreviated keys renamed; an expanded key overwrites a full one given alongside (HA order). */
function expandKeys(source: Record<string, unknown>, table: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) if (!Object.hasOwn(table, key)) out[key] = value;
  for (const [key, value] of Object.entries(source)) if (Object.hasOwn(table, key)) out[table[key]!] = value;
  return { ...out };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
