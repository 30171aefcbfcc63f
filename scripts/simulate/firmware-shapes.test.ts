import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { esphomeConfig, fnv1Hash } from "./firmware/esphome-node";
import { tasmotaConfigs } from "./firmware/tasmota-discovery";
import {
  type BridgeInfo,
  type ZigbeeDeviceInfo,
  bridgeConnectionStateConfig,
  contactEntity,
  entityConfig,
  lightEntity,
  measurementEntity,
} from "./firmware/zigbee2mqtt-discovery";
import { HueBulb } from "./firmware/zigbee2mqtt-light";

// The shared discovery corpus sits beside the repository (../shared), as the bench harness does.
const CORPUS = path.resolve(import.meta.dirname, "../../../shared/fixtures/discovery/corpus.json");
const corpus = JSON.parse(fs.readFileSync(CORPUS, "utf8")) as { id: string; config_topic: string; config_payload: string }[];
const fixture = (id: string) => {
  const found = corpus.find((c) => c.id === id);
  if (!found) throw new Error(`corpus case ${id} is missing`);
  return found;
};
const withoutKeys = (payload: string, ...keys: string[]) => {
  const obj = JSON.parse(payload) as Record<string, unknown>;
  for (const key of keys) delete obj[key];
  return obj;
};

const bridge: BridgeInfo = { prefix: "homeassistant", baseTopic: "zigbee2mqtt", coordinatorIeee: "0x00124b0029a5b1c8" };
const climateSensor: ZigbeeDeviceInfo = {
  ieee: "0x00158d00045a1b2c",
  friendlyName: "living_room_th",
  manufacturer: "Aqara",
  model: "Temperature and humidity sensor",
  modelId: "WSDCGQ11LM",
  hwVersion: 30,
};
const bulb: ZigbeeDeviceInfo = {
  ieee: "0x0017880108a3c4d1",
  friendlyName: "living_room_bulb",
  manufacturer: "Philips",
  model: "Hue White and Color Ambiance E26/E27",
  modelId: "9290022166",
};
const door: ZigbeeDeviceInfo = {
  ieee: "0x00158d0003f1bdfb",
  friendlyName: "front_door",
  manufacturer: "Aqara",
  model: "Door and window sensor",
  modelId: "MCCGQ11LM",
};

describe("discovery configs match the corpus captured from real firmware", () => {
  it("Zigbee2MQTT: sorted compact JSON, availability list, bridge entity with char-code node id", () => {
    const humidity = entityConfig(bridge, climateSensor, measurementEntity("humidity", "humidity", "%"));
    const expected = fixture("z2m-th-humidity-device-availability");
    expect(humidity).toEqual({ topic: expected.config_topic, payload: expected.config_payload });

    const connection = bridgeConnectionStateConfig(bridge);
    const bridgeCase = fixture("z2m-bridge-connection-state-no-availability");
    expect(connection).toEqual({ topic: bridgeCase.config_topic, payload: bridgeCase.config_payload });

    // These corpus cases were captured without device availability; everything else is identical.
    const light = entityConfig(bridge, bulb, lightEntity(bridge, bulb));
    const lightCase = fixture("z2m-light-json-brightness");
    expect(light.topic).toBe(lightCase.config_topic);
    expect(withoutKeys(light.payload, "availability", "availability_mode")).toEqual(withoutKeys(lightCase.config_payload, "availability"));
    const contact = entityConfig(bridge, door, contactEntity());
    const contactCase = fixture("z2m-contact-door-inverted");
    expect(contact.topic).toBe(contactCase.config_topic);
    expect(withoutKeys(contact.payload, "availability", "availability_mode")).toEqual(withoutKeys(contactCase.config_payload, "availability"));
  });

  it("Tasmota: byte-identical legacy configs (fixed key order, abbreviations)", () => {
    const configs = tasmotaConfigs({ prefix: "homeassistant", chip: "1A2B3C", topic: "tasmota_1A2B3C", friendlyName: "Kitchen Plug", deviceName: "Tasmota" });
    for (const id of ["tasmota-relay-switch", "tasmota-energy-power-sensor", "tasmota-energy-total-then-offline"]) {
      const expected = fixture(id);
      expect(configs.find((c) => c.topic === expected.config_topic)?.payload).toBe(expected.config_payload);
    }
  });

  it("ESPHome: ArduinoJson order and abbreviations; unique ids from the MAC generator", () => {
    const id = { prefix: "homeassistant", nodeName: "living-room", friendlyName: "Living Room", mac: "a4cf12b3c4d5", board: "esp32dev" };
    const cases = [
      {
        id: "esphome-sensor-temperature",
        entity: { component: "sensor", name: "Temperature", keys: { dev_cla: "temperature", unit_of_meas: "°C", stat_cla: "measurement" }, hasStateTopic: true, hasCommandTopic: false },
      },
      { id: "esphome-switch-relay", entity: { component: "switch", name: "Relay", keys: {}, hasStateTopic: true, hasCommandTopic: true } },
      {
        id: "esphome-status-binary-sensor-offline",
        entity: {
          component: "binary_sensor",
          name: "Status",
          keys: { dev_cla: "connectivity", pl_on: "online", pl_off: "offline" },
          hasStateTopic: true,
          hasCommandTopic: false,
          entityCategory: "diagnostic" as const,
          stateTopic: "living-room/status",
        },
      },
    ];
    for (const { id: caseId, entity } of cases) {
      const expected = fixture(caseId);
      const config = esphomeConfig(id, entity);
      expect(config.topic).toBe(expected.config_topic);
      const legacyId = `ESP${entity.component}${entity.name.toLowerCase()}`;
      const macId = `a4cf12b3c4d5-${entity.component}-${fnv1Hash(entity.name).toString(16).padStart(8, "0")}`;
      expect(config.payload).toBe(expected.config_payload.replace(`"uniq_id":"${legacyId}"`, `"uniq_id":"${macId}"`));
    }
  });
});

describe("Zigbee2MQTT light commands", () => {
  it("applies state, brightness, colour temperature, xy/rgb/hex colour and a bare ON/OFF", () => {
    const light = new HueBulb();
    expect(light.apply('{"state":"ON","brightness":127}')).toBe(true);
    expect(JSON.parse(light.encode())).toMatchObject({ state: "ON", brightness: 127 });
    expect(light.apply('{"brightness":0}')).toBe(true);
    expect(light.state).toBe("OFF");
    expect(light.apply("ON")).toBe(true);
    expect(light.apply('{"color_temp":"warmest"}')).toBe(true);
    expect(light.colorTemp).toBe(500);
    expect(light.apply('{"color_temp":90}')).toBe(true);
    expect(light.colorTemp).toBe(153);
    expect(light.apply('{"color":{"hex":"#0000ff"}}')).toBe(true);
    expect(light.colorMode).toBe("xy");
    expect(light.color).toMatchObject({ x: 0.15, y: 0.06 });
    expect(light.apply('{"color":{"x":0.1355,"y":0.0399}}')).toBe(true);
    expect(light.color).toMatchObject({ x: 0.1355, y: 0.0399 });
    expect(light.apply('{"state":"TOGGLE"}')).toBe(true);
    expect(light.state).toBe("OFF");
    expect(light.apply('{"linkquality":3}')).toBe(false);
    expect(light.apply("[1,2]")).toBe(false);
  });
});
