// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the test reads the shared corpus fixture; the rule guards runtime code
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Component, ExpandedConfig } from "../components/platform";
import { parseDiscoveryMessage } from "./discovery-message";
import { parseDiscoveryTopic } from "./discovery-topic";
import { defaultEntityName, describeIssues, deviceClassName, formatMac, parseCommonConfig, type CommonEntityConfig, type DeviceInfo } from "./entity-config";

interface CorpusCase {
  id: string;
  config_topic: string;
  config_payload: string;
  expect: {
    accepted: boolean;
    removed?: boolean;
    unique_id?: string | null;
    name?: string | null;
    name_source?: string;
    device?: Record<string, unknown> | null;
    reject_reason?: string;
  };
}
const corpus = JSON.parse(readFileSync(new URL("../../../shared/fixtures/discovery/corpus.json", import.meta.url), "utf8")) as CorpusCase[];

function ok(config: ExpandedConfig, component: Component = "sensor"): CommonEntityConfig {
  const parsed = parseCommonConfig(component, config);
  if (!parsed.ok) throw new Error(`rejected: ${parsed.reason}`);
  return parsed.common;
}

function rejected(config: ExpandedConfig, component: Component = "sensor"): string {
  const parsed = parseCommonConfig(component, config);
  if (parsed.ok) throw new Error(`accepted: ${JSON.stringify(parsed.common)}`);
  return parsed.reason;
}

/** HA's device-registry view of a DeviceInfo, as the corpus writes it. */
function registryView(device: DeviceInfo | null): Record<string, unknown> | null {
  if (device === null) return null;
  const view: Record<string, unknown> = {};
  if (device.identifiers.length > 0) view.identifiers = device.identifiers;
  if (device.connections.length > 0) view.connections = device.connections;
  const keys: Array<[keyof DeviceInfo, string]> = [
    ["name", "name"],
    ["manufacturer", "manufacturer"],
    ["model", "model"],
    ["modelId", "model_id"],
    ["hwVersion", "hw_version"],
    ["swVersion", "sw_version"],
    ["serialNumber", "serial_number"],
    ["suggestedArea", "suggested_area"],
    ["viaDevice", "via_device"],
    ["configurationUrl", "configuration_url"],
  ];
  for (const [from, to] of keys) if (device[from] !== undefined) view[to] = device[from];
  return view;
}

const NO_ID = "Device must have at least one identifying value in 'identifiers' and/or 'connections'";

describe("parseCommonConfig: defaults", () => {
  it("an empty sensor config", () => {
    expect(ok({})).toEqual({
      uniqueId: null,
      name: "MQTT Sensor",
      nameSource: "default",
      objectIdHint: null,
      device: null,
      origin: null,
      availability: null,
      jsonAttributesTopic: null,
      jsonAttributesTemplate: null,
      deviceClass: null,
      icon: null,
      entityPicture: null,
      entityCategory: null,
      enabledByDefault: true,
      qos: 0,
      retain: false,
      encoding: "utf-8",
      expireAfter: 0,
    });
  });

  it("unknown top-level keys are allowed", () => {
    expect(ok({ state_topic: "s", unit_of_measurement: "W", something_new: { a: 1 }, platform: "mqtt" }).name).toBe("MQTT Sensor");
  });

  it("copies the simple common keys", () => {
    expect(
      ok({
        unique_id: 123,
        json_attributes_topic: "a/attrs",
        json_attributes_template: "{{ value_json | tojson }}",
        icon: "mdi:flash",
        entity_picture: "https://example.org/p.png",
        entity_category: "diagnostic",
        device_class: "power",
        origin: { name: "Zigbee2MQTT", sw_version: "2.12.1", support_url: "https://www.zigbee2mqtt.io" },
      }),
    ).toMatchObject({
      uniqueId: "123",
      jsonAttributesTopic: "a/attrs",
      jsonAttributesTemplate: "{{ value_json | tojson }}",
      icon: "mdi:flash",
      entityPicture: "https://example.org/p.png",
      entityCategory: "diagnostic",
      deviceClass: "power",
      origin: { name: "Zigbee2MQTT", swVersion: "2.12.1", supportUrl: "https://www.zigbee2mqtt.io" },
    });
  });

  it.each<[unknown, "config" | "diagnostic" | null]>([
    ["config", "config"],
    ["diagnostic", "diagnostic"],
    [null, null],
  ])("entity_category %j", (category, result) => {
    expect(ok({ entity_category: category }).entityCategory).toBe(result);
  });

  it("an origin name of any scalar is coerced with str()", () => {
    expect(ok({ origin: { name: 5, sw_version: 1.2 } }).origin).toEqual({ name: "5", swVersion: "1.2", supportUrl: undefined });
  });
});

describe("parseCommonConfig: qos, retain, encoding, enabled_by_default, expire_after", () => {
  it.each<[unknown, number]>([
    [0, 0],
    [1, 1],
    [2, 2],
    ["1", 1],
    ["2", 2],
  ])("qos %j → %j", (qos, result) => {
    expect(ok({ qos }).qos).toBe(result);
  });

  it.each<[unknown, string]>([
    [3, "qos must be 0, 1 or 2"],
    ["-1", "qos must be 0, 1 or 2"],
    ["one", 'qos: expected an integer, got "one"'],
  ])("qos %j is rejected", (qos, reason) => {
    expect(rejected({ qos })).toBe(reason);
  });

  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ["true", true],
    ["false", false],
    ["True", true],
    ["on", true],
    ["off", false],
    [1, true],
    [0, false],
  ])("retain %j → %j", (retain, result) => {
    expect(ok({ retain }).retain).toBe(result);
  });

  it.each<[unknown, boolean]>([
    // Shelly's scripts send "en" as the string "true"/"false".
    ["true", true],
    ["false", false],
    [false, false],
    ["no", false],
    ["yes", true],
  ])("enabled_by_default %j → %j", (enabled, result) => {
    expect(ok({ enabled_by_default: enabled }).enabledByDefault).toBe(result);
  });

  it.each<[string, unknown]>([
    ["retain", "maybe"],
    ["enabled_by_default", "sometimes"],
  ])("%s %j is rejected", (key, value) => {
    expect(rejected({ [key]: value })).toBe(`${key}: invalid boolean value ${JSON.stringify(value)}`);
  });

  it.each<[unknown, string]>([
    ["utf-8", "utf-8"],
    ["", ""],
    ["latin-1", "latin-1"],
  ])("encoding %j", (encoding, result) => {
    expect(ok({ encoding }).encoding).toBe(result);
  });

  it.each<[unknown, number]>([
    [60, 60],
    ["60", 60],
    [0, 0],
    [1.5, 1.5],
  ])("expire_after %j → %j", (expireAfter, result) => {
    expect(ok({ expire_after: expireAfter }).expireAfter).toBe(result);
  });

  it("expire_after must be a number", () => {
    expect(rejected({ expire_after: "soon" })).toBe('expire_after: expected a number, got "soon"');
  });
});

describe("parseCommonConfig: default_entity_id and object_id hints", () => {
  it.each<[ExpandedConfig, string | null]>([
    [{ default_entity_id: "sensor.living_room_th_temperature", object_id: "ignored" }, "living_room_th_temperature"],
    [{ default_entity_id: "switch.other_domain" }, "other_domain"],
    [{ default_entity_id: "no_domain" }, "no_domain"],
    [{ object_id: "living_room_th_temperature" }, "living_room_th_temperature"],
    [{ object_id: 42 }, "42"],
    [{}, null],
  ])("%j → %j", (config, hint) => {
    expect(ok(config).objectIdHint).toBe(hint);
  });
});

describe("parseCommonConfig: availability", () => {
  it("a single availability topic gets the online/offline defaults and mode latest", () => {
    expect(ok({ availability_topic: "living-room/status" }).availability).toEqual({
      mode: "latest",
      entries: [{ topic: "living-room/status", payloadAvailable: "online", payloadNotAvailable: "offline", valueTemplate: undefined }],
    });
  });

  it("Tasmota's capitalised payloads and a template on the single form", () => {
    expect(
      ok({ availability_topic: "tele/tasmota_1A2B3C/LWT", payload_available: "Online", payload_not_available: "Offline", availability_template: "{{ value }}" })
        .availability,
    ).toEqual({
      mode: "latest",
      entries: [{ topic: "tele/tasmota_1A2B3C/LWT", payloadAvailable: "Online", payloadNotAvailable: "Offline", valueTemplate: "{{ value }}" }],
    });
  });

  it("availability_mode applies only to the list form", () => {
    expect(ok({ availability_topic: "a", availability_mode: "all" }).availability?.mode).toBe("latest");
  });

  it("a list with per-entry defaults, payloads coerced with str(), mode latest by default", () => {
    expect(
      ok({
        availability: [
          { topic: "zigbee2mqtt/bridge/state", value_template: "{{ value_json.state }}" },
          { topic: "shelly/online", payload_available: true, payload_not_available: false },
          { topic: "home/+/status", payload_available: 1, payload_not_available: 0 },
        ],
      }).availability,
    ).toEqual({
      mode: "latest",
      entries: [
        { topic: "zigbee2mqtt/bridge/state", payloadAvailable: "online", payloadNotAvailable: "offline", valueTemplate: "{{ value_json.state }}" },
        { topic: "shelly/online", payloadAvailable: "True", payloadNotAvailable: "False", valueTemplate: undefined },
        { topic: "home/+/status", payloadAvailable: "1", payloadNotAvailable: "0", valueTemplate: undefined },
      ],
    });
  });

  it.each<["all" | "any" | "latest"]>([["all"], ["any"], ["latest"]])("availability_mode %s", (mode) => {
    expect(ok({ availability: [{ topic: "a" }, { topic: "b" }], availability_mode: mode }).availability?.mode).toBe(mode);
  });

  it("an empty availability list means no availability", () => {
    expect(ok({ availability: [] }).availability).toBeNull();
  });

  it("availability and availability_topic together are rejected", () => {
    expect(rejected({ availability: [{ topic: "a" }], availability_topic: "b" })).toBe(
      "two or more values in the same group of exclusion 'availability' (availability and availability_topic)",
    );
  });

  it.each<[ExpandedConfig, string]>([
    // haSubscribeTopic's own error message hides that the key is missing (HA: "required key not provided")
    [{ availability: [{ payload_available: "on" }] }, "availability.0.topic: expected a topic string"],
    [{ availability: [{ topic: "a/#/b" }] }, "availability.0.topic: wildcards must fill a whole topic level and '#' must be last"],
    [{ availability_topic: "" }, "availability_topic: topic must not be empty"],
  ])("%j is rejected", (config, reason) => {
    expect(rejected(config)).toBe(reason);
  });

  it("an unknown availability_mode is rejected", () => {
    expect(rejected({ availability: [{ topic: "a" }], availability_mode: "first" })).toMatch(/^availability_mode: /);
  });
});

describe("parseCommonConfig: device block", () => {
  it("the Z2M device block: hw_version number → string, via_device kept", () => {
    expect(
      ok({
        device: {
          hw_version: 30,
          identifiers: ["zigbee2mqtt_0x00158d00045a1b2c"],
          manufacturer: "Aqara",
          model: "Temperature and humidity sensor",
          model_id: "WSDCGQ11LM",
          name: "living_room_th",
          via_device: "zigbee2mqtt_bridge_0x00124b0029a5b1c8",
        },
      }).device,
    ).toEqual({
      identifiers: ["zigbee2mqtt_0x00158d00045a1b2c"],
      connections: [],
      name: "living_room_th",
      manufacturer: "Aqara",
      model: "Temperature and humidity sensor",
      modelId: "WSDCGQ11LM",
      hwVersion: "30",
      viaDevice: "zigbee2mqtt_bridge_0x00124b0029a5b1c8",
    });
  });

  it.each<[string, unknown, string]>([
    ["hw_version", 30, "30"],
    ["hw_version", 1.5, "1.5"],
    ["sw_version", true, "True"],
    ["sw_version", false, "False"],
    ["serial_number", 33333333, "33333333"],
    ["model", 0, "0"],
    ["name", 12, "12"],
    ["manufacturer", "", ""],
    ["suggested_area", "Kitchen", "Kitchen"],
    ["model_id", -1, "-1"],
  ])("%s %j is coerced to %j", (key, value, result) => {
    const device = ok({ device: { identifiers: "x", [key]: value } }).device!;
    const field = { hw_version: "hwVersion", sw_version: "swVersion", serial_number: "serialNumber", model_id: "modelId", suggested_area: "suggestedArea" }[key] ?? key;
    expect(device[field as keyof DeviceInfo]).toBe(result);
  });

  it.each<[unknown, string[]]>([
    ["a4cf12b3c4d5", ["a4cf12b3c4d5"]],
    [123, ["123"]],
    [true, ["True"]],
    [["a", 1, false], ["a", "1", "False"]],
    [[""], [""]],
  ])("identifiers %j → %j", (identifiers, result) => {
    expect(ok({ device: { identifiers } }).device!.identifiers).toEqual(result);
  });

  it("requires identifiers or connections, with HA's message (the corpus DIY firmware)", () => {
    const c = corpus.find((x) => x.id === "device-block-without-identifiers-rejected")!;
    const config = single(c.config_topic, c.config_payload);
    expect(rejected(config)).toBe(`device: ${c.expect.reject_reason}`);
    expect(c.expect.reject_reason).toBe(NO_ID);
  });

  it.each<[unknown]>([[{}], [{ name: "Attic" }], [{ identifiers: [] }], [{ identifiers: [], connections: [] }], [{ identifiers: null }]])("%j has no identifying value", (device) => {
    expect(rejected({ device })).toBe(`device: ${NO_ID}`);
  });

  it("connections alone are enough", () => {
    expect(ok({ device: { connections: [["mac", "a4:cf:12:b3:c4:d5"]] } }).device).toEqual({ identifiers: [], connections: [["mac", "a4:cf:12:b3:c4:d5"]] });
  });

  it("rejects unknown device keys with HA's message", () => {
    expect(rejected({ device: { identifiers: "x", ip: "192.168.1.20" } })).toBe("extra keys not allowed @ data['device']['ip']");
    expect(rejected({ device: { identifiers: "x", ip: "1", mac: "2" } })).toBe("extra keys not allowed @ data['device']['ip']; extra keys not allowed @ data['device']['mac']");
    // an abbreviation that only the entity table knows is not expanded inside the device block
    expect(rejected({ device: { identifiers: "x", stat_t: "y" } })).toBe("extra keys not allowed @ data['device']['stat_t']");
  });

  it.each<[unknown, Array<[string, string]>]>([
    // ESPHome: 12 hex digits
    [[["mac", "A4C1386E4AE8"]], [["mac", "a4:c1:38:6e:4a:e8"]]],
    [[["mac", "a4cf12b3c4d5"]], [["mac", "a4:cf:12:b3:c4:d5"]]],
    [[["mac", "A4-C1-38-6E-4A-E8"]], [["mac", "a4:c1:38:6e:4a:e8"]]],
    [[["mac", "a4c1.386e.4ae8"]], [["mac", "a4:c1:38:6e:4a:e8"]]],
    [[["mac", "A4:C1:38:6E:4A:E8"]], [["mac", "a4:c1:38:6e:4a:e8"]]],
    // only "mac" connections are normalised
    [[["zigbee", "0x00158D00045A1B2C"]], [["zigbee", "0x00158D00045A1B2C"]]],
    [[["bluetooth", "A4C1386E4AE8"]], [["bluetooth", "A4C1386E4AE8"]]],
    [[["upnp", 12345]], [["upnp", "12345"]]],
    [
      [
        ["mac", "A4C1386E4AE8"],
        ["ip", "192.168.1.2"],
      ],
      [
        ["mac", "a4:c1:38:6e:4a:e8"],
        ["ip", "192.168.1.2"],
      ],
    ],
  ])("connections %j", (connections, result) => {
    expect(ok({ device: { connections } }).device!.connections).toEqual(result);
  });

  it.each<[unknown]>([["mac"], [[["mac"]]], [[["mac", "a", "b"]]], [["a4c1386e4ae8"]]])("connections %j are rejected", (connections) => {
    expect(rejected({ device: { identifiers: "x", connections } })).toBe("device connections must be a list of [type, value] pairs");
  });

  it.each<[ExpandedConfig, string | undefined]>([
    [{ identifiers: "x", via_device: "bridge" }, "bridge"],
    [{ identifiers: "x", via_hub: "hub" }, "hub"],
    [{ identifiers: "x", via_device: "bridge", via_hub: "hub" }, "bridge"],
    [{ identifiers: "x", via_hub: 7 }, "7"],
    [{ identifiers: "x" }, undefined],
  ])("via_device / via_hub alias: %j", (device, via) => {
    expect(ok({ device }).device!.viaDevice).toBe(via);
  });

  it.each<[unknown]>([["http://shellyplus1pm-a8032ab1c2d3.local/"], ["https://example.org"], ["homeassistant://config/zwave_js"]])("configuration_url %j", (url) => {
    expect(ok({ device: { identifiers: "x", configuration_url: url } }).device!.configurationUrl).toBe(url);
  });

  it("configuration_url must be a URL", () => {
    expect(rejected({ device: { identifiers: "x", configuration_url: "shelly.local" } })).toBe("device configuration_url must be a URL");
  });

  it.each<[string, unknown]>([
    ["name", { first: "x" }],
    ["model", ["a"]],
  ])("a non-scalar %s is rejected", (key, value) => {
    expect(rejected({ device: { identifiers: "x", [key]: value } })).toBe(`device ${key} must be a string`);
  });

  it("the device block is validated for every platform (the corpus rejects the whole entity)", () => {
    expect(rejected({ device: { name: "x" } }, "switch")).toBe(`device: ${NO_ID}`);
    expect(rejected({ device: { name: "x" } }, "device_automation")).toBe(`device: ${NO_ID}`);
  });
});

describe("formatMac (HA's device_registry.format_mac)", () => {
  it.each<[string, string]>([
    ["A4C1386E4AE8", "a4:c1:38:6e:4a:e8"],
    ["a4cf12b3c4d5", "a4:cf:12:b3:c4:d5"],
    ["A4-C1-38-6E-4A-E8", "a4:c1:38:6e:4a:e8"],
    ["a4-c1-38-6e-4a-e8", "a4:c1:38:6e:4a:e8"],
    ["A4C1.386E.4AE8", "a4:c1:38:6e:4a:e8"],
    ["A4:C1:38:6E:4A:E8", "a4:c1:38:6e:4a:e8"],
    ["a4:c1:38:6e:4a:e8", "a4:c1:38:6e:4a:e8"],
    // format_mac checks lengths and separator counts, not hex digits
    ["GHIJKLMNOPQR", "gh:ij:kl:mn:op:qr"],
    ["ZZ:ZZ:ZZ:ZZ:ZZ:ZZ", "zz:zz:zz:zz:zz:zz"],
    // anything else is returned unchanged (not even lower-cased)
    ["AA:BB:CC", "AA:BB:CC"],
    ["A4C1386E4AE8FF", "A4C1386E4AE8FF"],
    ["A4-C1-38:6E:4A:E8", "A4-C1-38:6E:4A:E8"],
    ["A4C1-386E-4AE8", "A4C1-386E-4AE8"],
    ["Not A MAC", "Not A MAC"],
    ["", ""],
  ])("%j → %j", (mac, result) => {
    expect(formatMac(mac)).toBe(result);
  });
});

describe("naming (DISCOVERY.md §6, HA's MqttEntity._set_entity_name)", () => {
  const device = { identifiers: "d1", name: "Kitchen" };

  it.each<[string, ExpandedConfig, Component, string | null, CommonEntityConfig["nameSource"]]>([
    ["name null with a device: the entity is the device (Z2M)", { name: null, device }, "light", null, "device"],
    ["name '' with a device: the entity is the device (ESPHome)", { name: "", device }, "switch", null, "device"],
    ["name '' without a device is kept", { name: "" }, "switch", "", "config"],
    ["an own name", { name: "Power", device }, "sensor", "Power", "config"],
    ["an own name beats the device class", { name: "Outside", device_class: "temperature", device }, "sensor", "Outside", "config"],
    ["a numeric name is coerced with str()", { name: 5 }, "sensor", "5", "config"],
    ["a boolean name is coerced with str()", { name: true }, "sensor", "True", "config"],
    ["no name, sensor device class", { device_class: "temperature", device }, "sensor", "Temperature", "device_class"],
    ["no name, sensor device class with a special name", { device_class: "pm25" }, "sensor", "PM2.5", "device_class"],
    ["no name, sensor device class of two words", { device_class: "signal_strength" }, "sensor", "Signal strength", "device_class"],
    ["no name, sensor device class carbon_dioxide", { device_class: "carbon_dioxide" }, "sensor", "Carbon dioxide", "device_class"],
    ["no name, binary_sensor device class", { device_class: "door" }, "binary_sensor", "Door", "device_class"],
    ["no name, binary_sensor garage_door", { device_class: "garage_door" }, "binary_sensor", "Garage door", "device_class"],
    ["no name, button device class", { device_class: "restart" }, "button", "Restart", "device_class"],
    ["no name, number device class", { device_class: "temperature" }, "number", "Temperature", "device_class"],
    ["no name, event device class", { device_class: "doorbell" }, "event", "Doorbell", "device_class"],
    ["no name, update device class", { device_class: "firmware" }, "update", "Firmware", "device_class"],
    ["no name, enum sensor: platform default", { device_class: "enum" }, "sensor", "MQTT Sensor", "default"],
    ["no name, device class null: platform default", { device_class: null }, "sensor", "MQTT Sensor", "default"],
    // only sensor, binary_sensor, button, number, event and update entities are named by their device class
    ["no name, switch device class: platform default", { device_class: "outlet" }, "switch", "MQTT Switch", "default"],
    ["no name, cover device class: platform default", { device_class: "garage" }, "cover", "MQTT Cover", "default"],
    ["no name, valve device class: platform default", { device_class: "water" }, "valve", "MQTT Valve", "default"],
    ["no name, no device class: sensor default", {}, "sensor", "MQTT Sensor", "default"],
    ["no name, no device class: switch default", { device }, "switch", "MQTT Switch", "default"],
    ["device trigger", { device }, "device_automation", "MQTT", "default"],
    // a leading device name is stripped (HA 2023.8 behaviour the spec describes)
    ["name starting with the device name", { name: "Kitchen temperature", device }, "sensor", "temperature", "config"],
    ["… case-insensitively", { name: "kitchen Humidity", device }, "sensor", "Humidity", "config"],
    ["name equal to the device name is kept", { name: "Kitchen", device }, "sensor", "Kitchen", "config"],
    ["a longer word is not a device-name prefix", { name: "Kitchenette light", device }, "sensor", "Kitchenette light", "config"],
    ["no stripping without a device name", { name: "Kitchen temperature", device: { identifiers: "d1" } }, "sensor", "Kitchen temperature", "config"],
  ])("%s", (_, config, component, name, nameSource) => {
    const common = ok(config, component);
    expect({ name: common.name, nameSource: common.nameSource }).toEqual({ name, nameSource });
  });

  it.each<[Component, string | undefined, string]>([
    ["alarm_control_panel", undefined, "MQTT Alarm"],
    ["binary_sensor", undefined, "MQTT Binary sensor"],
    ["button", undefined, "MQTT Button"],
    ["camera", undefined, "MQTT Camera"],
    ["climate", undefined, "MQTT HVAC"],
    ["cover", undefined, "MQTT Cover"],
    ["device_automation", undefined, "MQTT"],
    ["event", undefined, "MQTT Event"],
    ["fan", undefined, "MQTT Fan"],
    ["humidifier", undefined, "MQTT Humidifier"],
    ["image", undefined, "MQTT Image"],
    ["lawn_mower", undefined, "MQTT Lawn Mower"],
    ["light", undefined, "MQTT LightEntity"],
    ["light", "basic", "MQTT LightEntity"],
    ["light", "json", "MQTT JSON Light"],
    ["light", "template", "MQTT Template Light"],
    ["light", "JSON", "MQTT JSON Light"],
    ["lock", undefined, "MQTT Lock"],
    ["notify", undefined, "MQTT notify"],
    ["number", undefined, "MQTT Number"],
    ["scene", undefined, "MQTT Scene"],
    ["select", undefined, "MQTT Select"],
    ["sensor", undefined, "MQTT Sensor"],
    ["siren", undefined, "MQTT Siren"],
    ["switch", undefined, "MQTT Switch"],
    ["tag", undefined, "MQTT"],
    ["text", undefined, "MQTT Text"],
    ["update", undefined, "MQTT Update"],
    ["vacuum", undefined, "MQTT Vacuum"],
    ["valve", undefined, "MQTT Valve"],
    ["water_heater", undefined, "MQTT Water Heater"],
  ])("defaultEntityName(%s, schema %s) is HA's DEFAULT_NAME %j", (component, schema, name) => {
    expect(defaultEntityName(component, schema)).toBe(name);
    expect(ok(schema === undefined ? {} : { schema }, component)).toMatchObject({ name, nameSource: "default" });
  });

  it.each<[string, string]>([
    ["temperature", "Temperature"],
    ["humidity", "Humidity"],
    ["pm25", "PM2.5"],
    ["pm1", "PM1"],
    ["pm10", "PM10"],
    ["ph", "pH"],
    ["aqi", "Air quality index"],
    ["carbon_monoxide", "Carbon monoxide"],
    ["co", "Carbon monoxide"],
    ["volatile_organic_compounds", "Volatile organic compounds"],
    ["energy_storage", "Stored energy"],
    ["power_factor", "Power factor"],
    ["wind_speed", "Wind speed"],
    ["enum", ""],
  ])("deviceClassName(%s) = %j", (deviceClass, name) => {
    expect(deviceClassName(deviceClass)).toBe(name);
  });
});

describe("describeIssues", () => {
  const schema = z.object({
    command_topic: z.string(),
    nested: z.object({ a: z.union([z.string(), z.number()]) }).optional(),
    brightness_scale: z.number().optional(),
    name: z.union([z.string(), z.number()], { error: "expected a string" }).optional(),
  });

  it.each<[unknown, string]>([
    [{}, "required key 'command_topic' missing"],
    [{ command_topic: "x", nested: {} }, "required key 'nested.a' missing"],
    [{ command_topic: "x", name: { a: 1 } }, "name: expected a string"],
  ])("%j", (value, message) => {
    const parsed = schema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(describeIssues(parsed.error!.issues)).toBe(message);
  });

  it("prefixes the path unless the message names it, and joins issues with '; '", () => {
    const parsed = schema.safeParse({ brightness_scale: "x" });
    expect(describeIssues(parsed.error!.issues)).toBe("required key 'command_topic' missing; brightness_scale: Invalid input: expected number, received string");
  });

  it("a missing required cv.string key (a union with its own message) reads as missing", () => {
    const parsed = z.object({ unique_id: z.union([z.string(), z.number()], { error: "expected a string" }) }).safeParse({});
    expect(describeIssues(parsed.error!.issues)).toBe("required key 'unique_id' missing");
  });

  it("custom issues pass through", () => {
    expect(
      describeIssues([
        { code: "custom", message: "qos must be 0, 1 or 2", path: ["qos"], input: 3 },
        { code: "custom", message: "top-level problem", path: [], input: {} },
        { code: "custom", message: "something", path: ["a", 0, "b"], input: 1 },
      ]),
    ).toBe("qos must be 0, 1 or 2; top-level problem; a.0.b: something");
  });

  it("an empty list is an empty string", () => {
    expect(describeIssues([])).toBe("");
  });
});

function single(topicName: string, payload: string): ExpandedConfig {
  const match = parseDiscoveryTopic("homeassistant", topicName);
  if (match.kind !== "config") throw new Error(`${topicName} is not a config topic`);
  const parsed = parseDiscoveryMessage(match.topic, payload);
  if (parsed.kind !== "configs" || parsed.components.length !== 1) throw new Error(`${topicName}: ${JSON.stringify(parsed)}`);
  return parsed.components[0]!.config;
}

describe("corpus: topic → message → common config", () => {
  const accepted = corpus.filter((c) => c.expect.accepted && !c.expect.removed && c.config_payload !== "" && !c.config_topic.startsWith("homeassistant/device/"));

  it("covers the accepted single-component cases", () => {
    expect(accepted.length).toBeGreaterThanOrEqual(25);
  });

  it.each(accepted.map((c) => [c.id, c] as const))("%s", (_, c) => {
    const match = parseDiscoveryTopic("homeassistant", c.config_topic);
    if (match.kind !== "config") throw new Error("not a config topic");
    const common = ok(single(c.config_topic, c.config_payload), match.topic.component as Component);
    if (c.expect.unique_id !== undefined) expect(common.uniqueId).toBe(c.expect.unique_id);
    if (c.expect.name !== undefined) expect(common.name).toBe(c.expect.name);
    if (c.expect.name_source !== undefined) expect(common.nameSource).toBe(c.expect.name_source);
    if (c.expect.device !== undefined) expect(registryView(common.device)).toEqual(c.expect.device);
  });

  it("device-based corpus components pass the common schema with the root device", () => {
    const c = corpus.find((x) => x.id === "device-based-cmps-abbreviated-shared-state-topic")!;
    const match = parseDiscoveryTopic("homeassistant", c.config_topic);
    if (match.kind !== "config") throw new Error("not a config topic");
    const parsed = parseDiscoveryMessage(match.topic, c.config_payload);
    if (parsed.kind !== "configs") throw new Error(JSON.stringify(parsed));
    const commons = parsed.components.map((x) => ok(x.config, x.slot.component));
    expect(commons.map((x) => [x.uniqueId, x.name, x.nameSource, x.qos])).toEqual([
      ["bedroom_env_01_t", "Temperature", "device_class", 1],
      ["bedroom_env_01_h", "Humidity", "device_class", 1],
      ["bedroom_env_01_batt_low", "Problem", "device_class", 1],
    ]);
    for (const x of commons) {
      expect(registryView(x.device)).toEqual(c.expect.device);
      expect(x.availability).toEqual({
        mode: "latest",
        entries: [{ topic: "acme/bedroom_env_01/availability", payloadAvailable: "online", payloadNotAvailable: "offline", valueTemplate: undefined }],
      });
      expect(x.origin).toEqual({ name: "acme2mqtt", swVersion: "0.9.1", supportUrl: "https://example.org/acme2mqtt" });
    }
  });
});
