// The synthetic Zigbee2MQTT fleet of the discovery bench: N climate sensors behind one bridge, each announcing
// five sensor entities (temperature, humidity, pressure, battery, linkquality) that all read the device's JSON
// state topic `zigbee2mqtt/<name>` with `{{ value_json["<prop>"] }}`, and the bridge's shared availability topic
// `zigbee2mqtt/bridge/state` with `{{ value_json.state }}`. Config shapes follow the z2m-* cases of
// ../shared/fixtures/discovery/corpus.json (compact JSON, keys sorted, retained, QoS 1).
// Pure functions only: used by the hub-side runner (to publish the configs) and by the state publisher.

export const DISCOVERY_PREFIX = "homeassistant";
export const BRIDGE_STATE_TOPIC = "zigbee2mqtt/bridge/state";
export const BRIDGE_ONLINE = '{"state":"online"}';
const BRIDGE_ID = "zigbee2mqtt_bridge_0x00124b0029a5b1c8";
const ORIGIN = { name: "Zigbee2MQTT", sw: "2.12.1", url: "https://www.zigbee2mqtt.io" };

export const ENTITIES_PER_DEVICE = 5;

interface Measure {
  prop: string;
  deviceClass: string | null;
  unit: string;
  extra: Record<string, unknown>;
}

const MEASURES: readonly Measure[] = [
  { prop: "temperature", deviceClass: "temperature", unit: "°C", extra: {} },
  { prop: "humidity", deviceClass: "humidity", unit: "%", extra: {} },
  { prop: "pressure", deviceClass: "atmospheric_pressure", unit: "hPa", extra: {} },
  { prop: "battery", deviceClass: "battery", unit: "%", extra: { entity_category: "diagnostic" } },
  // Z2M ships linkquality disabled by default; enabled here so that every device has five entities reading its state.
  { prop: "linkquality", deviceClass: null, unit: "lqi", extra: { entity_category: "diagnostic", icon: "mdi:signal", name: "Linkquality" } },
];

export interface FleetDevice {
  index: number;
  ieee: string;
  name: string;
  stateTopic: string;
}

export function fleetDevice(index: number): FleetDevice {
  const ieee = `0x00158d0000${index.toString(16).padStart(6, "0")}`;
  const name = `room_${String(index % 97).padStart(2, "0")}_th_${String(index).padStart(5, "0")}`;
  return { index, ieee, name, stateTopic: `zigbee2mqtt/${name}` };
}

/** JSON with recursively sorted keys, as Z2M writes its discovery payloads (json-stable-stringify). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The five retained discovery configs of one device: [topic, payload]. */
export function deviceConfigs(device: FleetDevice): Array<{ topic: string; payload: string }> {
  return MEASURES.map((m) => {
    const config: Record<string, unknown> = {
      availability: [{ topic: BRIDGE_STATE_TOPIC, value_template: "{{ value_json.state }}" }],
      default_entity_id: `sensor.${device.name}_${m.prop}`,
      device: {
        hw_version: 30,
        identifiers: [`zigbee2mqtt_${device.ieee}`],
        manufacturer: "Aqara",
        model: "Temperature, humidity and pressure sensor",
        model_id: "WSDCGQ11LM",
        name: device.name,
        via_device: BRIDGE_ID,
      },
      enabled_by_default: true,
      object_id: `${device.name}_${m.prop}`,
      origin: ORIGIN,
      state_class: "measurement",
      state_topic: device.stateTopic,
      unique_id: `${device.ieee}_${m.prop}_zigbee2mqtt`,
      unit_of_measurement: m.unit,
      value_template: `{{ value_json["${m.prop}"] }}`,
      ...m.extra,
    };
    if (m.deviceClass) config.device_class = m.deviceClass;
    return { topic: `${DISCOVERY_PREFIX}/sensor/${device.ieee}/${m.prop}/config`, payload: stableJson(config) };
  });
}

/**
 * A Z2M state payload with fixed-width values, so a publisher can stamp new values into a pre-encoded packet:
 * `template` holds zeros at `fields[i].offset` (width `fields[i].width`); `stamp` writes value `seq`-dependent digits.
 */
export const STATE_TEMPLATE =
  '{"battery":00,"humidity":00.00,"linkquality":000,"power_outage_count":5,"pressure":0000.0,"temperature":00.00,"voltage":3025}';

export interface StampField {
  offset: number;
  /** Digits, left to right; a "." in the template is skipped. */
  width: number;
  /** The value for message number `seq` of a device, as an integer whose digits fill the field. */
  value: (seq: number, device: number) => number;
}

function fieldAt(key: string, width: number, value: StampField["value"]): StampField {
  const offset = STATE_TEMPLATE.indexOf(`"${key}":`) + key.length + 3;
  return { offset, width, value };
}

// Every field changes on every message, so each decode is a real state change (the worst case for the store).
export const STATE_FIELDS: readonly StampField[] = [
  fieldAt("battery", 2, (s, d) => 10 + ((s + d) % 90)), // 10..99 %
  fieldAt("humidity", 5, (s, d) => 2000 + ((s * 7 + d) % 6000)), // 20.00..79.99 % (4 digits + ".")
  fieldAt("linkquality", 3, (s, d) => 100 + ((s * 3 + d) % 155)), // 100..254
  fieldAt("pressure", 6, (s, d) => 10000 + ((s * 11 + d) % 500)), // 1000.0..1049.9 hPa
  fieldAt("temperature", 5, (s, d) => 1000 + ((s * 13 + d) % 2000)), // 10.00..29.99 °C
];

/** Writes `value` as zero-padded decimal digits into buf[offset..offset+width), skipping a "." at its place. */
export function stampDigits(buf: Uint8Array, offset: number, width: number, value: number): void {
  let v = Math.floor(value);
  for (let i = offset + width - 1; i >= offset; i--) {
    if (buf[i] === 46) continue; // "."
    buf[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
}

/** The state payload of one device's message number `seq`, as text (for checks and the first message). */
export function statePayload(seq: number, device: number): string {
  const buf = Buffer.from(STATE_TEMPLATE);
  for (const f of STATE_FIELDS) stampDigits(buf, f.offset, f.width, f.value(seq, device));
  return buf.toString("utf8");
}
