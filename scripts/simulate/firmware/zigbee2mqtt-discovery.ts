import type { OutMessage } from "../simulated-device";

export const Z2M_VERSION = "2.12.1";
const ORIGIN = { name: "Zigbee2MQTT", sw: Z2M_VERSION, url: "https://www.zigbee2mqtt.io" } as const;

export interface BridgeInfo {
  prefix: string;
  baseTopic: string;
  coordinatorIeee: string;
}

export interface ZigbeeDeviceInfo {
  ieee: string;
  friendlyName: string;
  manufacturer: string;
  model: string;
  modelId: string;
  hwVersion?: number;
}

/** Z2M's entity: the discovery object id (topic), whether it is the device's main entity, and its own keys. */
export interface EntitySpec {
  component: string;
  objectId: string;
  isMain?: boolean;
  config: Record<string, unknown>;
}

/** json-stable-stringify, as Z2M serialises discovery payloads: compact, keys sorted recursively. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(obj).sort()) {
      if (obj[key] !== undefined) parts.push(`${JSON.stringify(key)}:${stableStringify(obj[key])}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value);
}

export const bridgeStateTopic = (bridge: BridgeInfo): string => `${bridge.baseTopic}/bridge/state`;
export const deviceTopic = (bridge: BridgeInfo, device: ZigbeeDeviceInfo): string => `${bridge.baseTopic}/${device.friendlyName}`;
export const availabilityTopic = (bridge: BridgeInfo, device: ZigbeeDeviceInfo): string =>
  `${deviceTopic(bridge, device)}/availability`;
const bridgeIdentifier = (bridge: BridgeInfo): string => `zigbee2mqtt_bridge_${bridge.coordinatorIeee}`;

/**
 * One entity's retained config as Z2M 2.x publishes it with `availability.enabled`: bridge state plus the
 * device's own availability topic (mode "all"), value templates in bracket form, unique id suffixed by the base topic.
 */
export function entityConfig(bridge: BridgeInfo, device: ZigbeeDeviceInfo, spec: EntitySpec): OutMessage {
  const objectId = spec.isMain ? device.friendlyName : `${device.friendlyName}_${spec.objectId}`;
  const payload = {
    availability: [
      { topic: bridgeStateTopic(bridge), value_template: "{{ value_json.state }}" },
      { topic: availabilityTopic(bridge, device), value_template: "{{ value_json.state }}" },
    ],
    availability_mode: "all",
    default_entity_id: `${spec.component}.${objectId}`,
    device: {
      hw_version: device.hwVersion,
      identifiers: [`zigbee2mqtt_${device.ieee}`],
      manufacturer: device.manufacturer,
      model: device.model,
      model_id: device.modelId,
      name: device.friendlyName,
      via_device: bridgeIdentifier(bridge),
    },
    object_id: objectId,
    origin: ORIGIN,
    state_topic: deviceTopic(bridge, device),
    unique_id: `${device.ieee}_${spec.objectId}_${bridge.baseTopic}`,
    ...spec.config,
  };
  return {
    topic: `${bridge.prefix}/${spec.component}/${device.ieee}/${spec.objectId}/config`,
    payload: stableStringify(payload),
  };
}

/** The bridge's own connection-state entity; its discovery node id is the base topic spelled as char codes. */
export function bridgeConnectionStateConfig(bridge: BridgeInfo): OutMessage {
  const encodedBase = [...bridge.baseTopic].map((c) => c.charCodeAt(0)).join("");
  const payload = {
    default_entity_id: "binary_sensor.zigbee2mqtt_bridge_connection_state",
    device: {
      hw_version: "zStack3x0 20240710",
      identifiers: [bridgeIdentifier(bridge)],
      manufacturer: "Zigbee2MQTT",
      model: "Bridge",
      name: "Zigbee2MQTT Bridge",
      sw_version: Z2M_VERSION,
    },
    device_class: "connectivity",
    entity_category: "diagnostic",
    name: "Connection state",
    object_id: "zigbee2mqtt_bridge_connection_state",
    origin: ORIGIN,
    payload_off: "offline",
    payload_on: "online",
    state_topic: bridgeStateTopic(bridge),
    unique_id: `bridge_${bridge.coordinatorIeee}_connection_state_${bridge.baseTopic}`,
    value_template: "{{ value_json.state }}",
  };
  return {
    topic: `${bridge.prefix}/binary_sensor/${encodedBase}_${bridge.coordinatorIeee}/connection_state/config`,
    payload: stableStringify(payload),
  };
}

const valueTemplate = (property: string): string => `{{ value_json["${property}"] }}`;

/** Measurement sensors: Z2M omits `name` when a device class names the entity. */
export function measurementEntity(property: string, deviceClass: string, unit: string, diagnostic = false): EntitySpec {
  return {
    component: "sensor",
    objectId: property,
    config: {
      device_class: deviceClass,
      enabled_by_default: true,
      entity_category: diagnostic ? "diagnostic" : undefined,
      state_class: "measurement",
      unit_of_measurement: unit,
      value_template: valueTemplate(property),
    },
  };
}

export function linkqualityEntity(): EntitySpec {
  return {
    component: "sensor",
    objectId: "linkquality",
    config: {
      enabled_by_default: false,
      entity_category: "diagnostic",
      icon: "mdi:signal",
      name: "Linkquality",
      state_class: "measurement",
      unit_of_measurement: "lqi",
      value_template: valueTemplate("linkquality"),
    },
  };
}

/** Aqara contact: `contact: true` means closed, so the door binary_sensor is on for `false`. */
export function contactEntity(): EntitySpec {
  return {
    component: "binary_sensor",
    objectId: "contact",
    config: { device_class: "door", payload_off: true, payload_on: false, value_template: valueTemplate("contact") },
  };
}

export const LIGHT_EFFECTS = [
  "blink",
  "breathe",
  "okay",
  "channel_change",
  "candle",
  "fireplace",
  "colorloop",
  "finish_effect",
  "stop_effect",
  "stop_hue_effect",
];

/** A Hue colour bulb: JSON schema, brightness on 0-254, xy colour and colour temperature in mireds. */
export function lightEntity(bridge: BridgeInfo, device: ZigbeeDeviceInfo): EntitySpec {
  return {
    component: "light",
    objectId: "light",
    isMain: true,
    config: {
      brightness: true,
      brightness_scale: 254,
      command_topic: `${deviceTopic(bridge, device)}/set`,
      effect: true,
      effect_list: LIGHT_EFFECTS,
      max_mireds: 500,
      min_mireds: 153,
      name: null,
      schema: "json",
      supported_color_modes: ["xy", "color_temp"],
    },
  };
}
