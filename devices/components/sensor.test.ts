import { describe, expect, it } from "vitest";
import type { DecodeResult, EntityValue, ExpandedConfig } from "./platform";
import { isNumericSensor, sensorPlatform } from "./sensor";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = sensorPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

/** Feeds payloads to the state topic in order; returns the last value and every result. */
function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = sensorPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = sensorPlatform.decode(config, "state", messageView(config.state_topic, payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

const Z2M_TH = '{"battery":97,"humidity":48.53,"linkquality":156,"power_outage_count":5,"pressure":1012.4,"temperature":21.48,"voltage":3025}';
const Z2M_PLUG =
  '{"child_lock":"UNLOCK","current":0.27,"energy":12.34,"indicator_mode":"off/on","linkquality":196,"power":57.3,"power_outage_memory":"restore","state":"ON","voltage":231}';
const TASMOTA_SENSOR =
  '{"Time":"2024-11-03T10:15:02","ENERGY":{"TotalStartTime":"2023-11-02T09:12:40","Total":12.345,"Yesterday":0.512,"Today":0.221,"Period":2,"Power":57,"ApparentPower":68,"ReactivePower":37,"Factor":0.84,"Voltage":231,"Current":0.294}}';
const SHELLY_SWITCH =
  '{"id":0,"source":"HTTP_in","output":true,"apower":23.4,"voltage":229.8,"current":0.118,"aenergy":{"total":1523.417,"by_minute":[389.542,390.127,389.542],"minute_ts":1730628900},"temperature":{"tC":42.1,"tF":107.8}}';
const ACME = '{"temperature":22.4,"humidity":45,"battery":12}';

describe("sensor: corpus cases", () => {
  it.each<[string, ExpandedConfig, string, string, Record<string, unknown>]>([
    [
      "z2m-th-temperature",
      {
        state_topic: "zigbee2mqtt/living_room_th",
        value_template: '{{ value_json["temperature"] }}',
        device_class: "temperature",
        state_class: "measurement",
        unit_of_measurement: "°C",
      },
      Z2M_TH,
      "21.48",
      { unit_of_measurement: "°C", state_class: "measurement" },
    ],
    [
      "z2m-th-humidity-device-availability",
      { state_topic: "zigbee2mqtt/living_room_th", value_template: '{{ value_json["humidity"] }}', device_class: "humidity", state_class: "measurement", unit_of_measurement: "%" },
      Z2M_TH,
      "48.53",
      { unit_of_measurement: "%" },
    ],
    [
      "z2m-plug-power",
      { state_topic: "zigbee2mqtt/desk_plug", value_template: '{{ value_json["power"] }}', device_class: "power", state_class: "measurement", unit_of_measurement: "W" },
      Z2M_PLUG,
      "57.3",
      { unit_of_measurement: "W" },
    ],
    [
      "z2m-plug-energy",
      {
        state_topic: "zigbee2mqtt/desk_plug",
        value_template: '{{ value_json["energy"] }}',
        device_class: "energy",
        state_class: "total_increasing",
        unit_of_measurement: "kWh",
      },
      Z2M_PLUG,
      "12.34",
      { unit_of_measurement: "kWh", state_class: "total_increasing" },
    ],
    [
      "tasmota-energy-power-sensor",
      { state_topic: "tele/tasmota_1A2B3C/SENSOR", unit_of_measurement: "W", device_class: "power", force_update: true, value_template: "{{value_json['ENERGY']['Power']}}" },
      TASMOTA_SENSOR,
      "57",
      { unit_of_measurement: "W" },
    ],
    [
      "tasmota-energy-total-then-offline",
      {
        state_topic: "tele/tasmota_1A2B3C/SENSOR",
        unit_of_measurement: "kWh",
        device_class: "energy",
        state_class: "total_increasing",
        force_update: true,
        value_template: "{{value_json['ENERGY']['Total']}}",
      },
      TASMOTA_SENSOR,
      "12.345",
      { unit_of_measurement: "kWh" },
    ],
    [
      "esphome-sensor-temperature",
      { device_class: "temperature", unit_of_measurement: "°C", state_class: "measurement", state_topic: "living-room/sensor/temperature/state" },
      "21.6",
      "21.6",
      { unit_of_measurement: "°C" },
    ],
    [
      "esphome-unique-id-collision-second-device (the platform itself decodes)",
      { device_class: "temperature", unit_of_measurement: "°C", state_class: "measurement", state_topic: "bedroom/sensor/temperature/state" },
      "19.2",
      "19.2",
      {},
    ],
    [
      "shelly-gen2-power-sensor",
      {
        state_topic: "shellyplus1pm-a8032ab1c2d3/status/switch:0",
        value_template: "{{value_json.apower}}",
        unit_of_measurement: "W",
        device_class: "power",
        state_class: "measurement",
        suggested_display_precision: 1,
      },
      SHELLY_SWITCH,
      "23.4",
      { unit_of_measurement: "W" },
    ],
    [
      "rtl433-weather-station-temperature",
      {
        device_class: "temperature",
        unit_of_measurement: "°C",
        value_template: "{{ value|float|round(1) }}",
        state_class: "measurement",
        state_topic: "rtl_433/raspberrypi/devices/Fineoffset-WH24/140/temperature_C",
      },
      "21.3",
      "21.3",
      { unit_of_measurement: "°C" },
    ],
    [
      "rtl433-weather-station-wind-speed-conversion",
      {
        device_class: "wind_speed",
        unit_of_measurement: "km/h",
        value_template: "{{ (float(value|float) * 3.6) | round(2) }}",
        state_class: "measurement",
        state_topic: "rtl_433/raspberrypi/devices/Fineoffset-WH24/140/wind_avg_m_s",
      },
      "1.12",
      "4.03",
      { unit_of_measurement: "km/h" },
    ],
    [
      "device-based-cmps-abbreviated-shared-state-topic (temperature)",
      { state_topic: "acme/bedroom_env_01/state", device_class: "temperature", unit_of_measurement: "°C", value_template: "{{ value_json.temperature }}" },
      ACME,
      "22.4",
      { unit_of_measurement: "°C" },
    ],
    [
      "device-based-cmps-abbreviated-shared-state-topic (humidity)",
      { state_topic: "acme/bedroom_env_01/state", device_class: "humidity", unit_of_measurement: "%", value_template: "{{ value_json.humidity }}" },
      ACME,
      "45",
      { unit_of_measurement: "%" },
    ],
  ])("%s", (_id, raw, payload, state, staticAttributes) => {
    const { value, results } = replay(raw, [payload]);
    expect(results[0]?.kind).toBe("update");
    expect(value.state).toBe(state);
    expect(sensorPlatform.staticAttributes(setup(raw).config)).toMatchObject(staticAttributes);
  });
});

describe("sensor schema", () => {
  it.each<[ExpandedConfig, string]>([
    [{ name: "x" }, "required key 'state_topic' missing"],
    [{ state_topic: "a", state_class: "average" }, "state_class must be one of measurement, measurement_angle, total, total_increasing"],
    [{ state_topic: "a", last_reset_value_template: "{{ value }}", state_class: "measurement" }, "cannot be used together with state class `measurement`"],
    [{ state_topic: "a", options: ["a", "b"] }, "must be used together with device class `enum`"],
    [{ state_topic: "a", options: ["a"], device_class: "enum", unit_of_measurement: "x" }, "is not allowed together with the `state_class` or `unit_of_measurement`"],
    [{ state_topic: "a", options: [], device_class: "enum" }, "An empty options list is not allowed"],
    [{ state_topic: "a/#/b" }, "wildcards must fill a whole topic level"],
  ])("rejects %j", (raw, message) => {
    const parsed = sensorPlatform.schema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join("\n")).toContain(message);
  });

  it("keeps unknown keys and coerces the platform's own", () => {
    const { config } = setup({ state_topic: "a", unit_of_measurement: 5, suggested_display_precision: "2", name: "T", availability_topic: "x" });
    expect(config).toMatchObject({ unit_of_measurement: "5", suggested_display_precision: 2, name: "T", availability_topic: "x", force_update: false });
  });

  it.each<[ExpandedConfig, boolean]>([
    [{ state_topic: "a" }, false],
    [{ state_topic: "a", unit_of_measurement: "W" }, true],
    [{ state_topic: "a", state_class: "measurement" }, true],
    [{ state_topic: "a", suggested_display_precision: 0 }, true],
    [{ state_topic: "a", device_class: "temperature" }, true],
    [{ state_topic: "a", device_class: "timestamp" }, false],
    [{ state_topic: "a", device_class: "date" }, false],
    [{ state_topic: "a", device_class: "enum", options: ["x"] }, false],
    [{ state_topic: "a", device_class: "timestamp", unit_of_measurement: "s" }, false],
  ])("numeric detection for %j is %s", (raw, numeric) => {
    expect(isNumericSensor(setup(raw).config)).toBe(numeric);
  });
});

describe("sensor state messages", () => {
  const numeric = { state_topic: "s", unit_of_measurement: "W" };
  const text = { state_topic: "s" };

  it.each<[string, ExpandedConfig, string[], string | null, DecodeResult["kind"]]>([
    ["'None' resets to unknown", numeric, ["5", "None"], null, "update"],
    ["an empty payload is ignored", numeric, ["5", ""], "5", "ignore"],
    ["a non-numeric value for a numeric sensor is rejected", numeric, ["5", "abc"], "5", "reject"],
    ["nan is not a number for HA", numeric, ["5", "nan"], "5", "reject"],
    ["the numeric string is kept as received", numeric, ["021.50"], "021.50", "update"],
    ["Python's float() syntax (exponent, underscores)", numeric, ["1_000.5e1"], "1_000.5e1", "update"],
    ["a text sensor takes any text", text, ["hello world"], "hello world", "update"],
    ["an empty payload is ignored by text sensors too", text, ["a", ""], "a", "ignore"],
    ["text longer than 255 characters resets the sensor", text, ["a", "x".repeat(256)], null, "update"],
    ["missing template key: no update", { ...numeric, value_template: "{{ value_json.missing }}" }, ['{"x":1}'], null, "ignore"],
    ["template error: dropped", { ...numeric, value_template: "{{ value_json.a.b }}" }, ['{"x":1}'], null, "reject"],
    ["template rendering None resets", { ...numeric, value_template: "{{ None }}" }, ["1"], null, "update"],
  ])("%s", (_name, raw, payloads, state, lastKind) => {
    const { value, results } = replay(raw, payloads);
    expect(value.state).toBe(state);
    expect(results.at(-1)?.kind).toBe(lastKind);
  });

  it("enum sensors only take their options", () => {
    const raw = { state_topic: "s", device_class: "enum", options: ["idle", "running"] };
    const { value, results } = replay(raw, ["idle", "broken"]);
    expect(value.state).toBe("idle");
    expect(results[1]).toMatchObject({ kind: "reject", reason: expect.stringContaining("broken") as unknown });
    expect(sensorPlatform.staticAttributes(setup(raw).config)).toEqual({ options: ["idle", "running"] });
  });

  it.each<[string, string | null, DecodeResult["kind"]]>([
    ["2024-11-03T10:15:02+01:00", "2024-11-03T09:15:02+00:00", "update"],
    ["2024-11-03T10:15:02.123456Z", "2024-11-03T10:15:02+00:00", "update"],
    ["2024-11-03 10:15:02-05:30", "2024-11-03T15:45:02+00:00", "update"],
    ["2024-11-03T10:15:02", "2024-01-01T00:00:00+00:00", "reject"],
    ["yesterday", null, "update"],
    ["2024-02-30T10:00:00Z", null, "update"],
  ])("timestamp %s → %s", (payload, state, kind) => {
    const { value, results } = replay({ state_topic: "s", device_class: "timestamp" }, ["2024-01-01T00:00:00Z", payload]);
    expect(results[1]?.kind).toBe(kind);
    expect(value.state).toBe(state);
  });

  it("date sensors keep the date part", () => {
    expect(replay({ state_topic: "s", device_class: "date" }, ["2024-11-03"]).value.state).toBe("2024-11-03");
    expect(replay({ state_topic: "s", device_class: "date" }, ["2024-11-03T23:30:00+02:00"]).value.state).toBe("2024-11-03");
  });

  it("last_reset_value_template sets the last_reset attribute", () => {
    const raw = {
      state_topic: "s",
      state_class: "total",
      unit_of_measurement: "kWh",
      value_template: "{{ value_json.total }}",
      last_reset_value_template: "{{ value_json.reset }}",
    };
    const { value } = replay(raw, ['{"total": 1.5, "reset": "2024-11-03T00:00:00+01:00"}']);
    expect(value).toEqual({ state: "1.5", attributes: { last_reset: "2024-11-03T00:00:00+01:00" } });
    const later = replay(raw, ['{"total": 1.5, "reset": "2024-11-03T00:00:00+01:00"}', '{"total": 2, "reset": "garbage"}']);
    expect(later.value).toEqual({ state: "2", attributes: { last_reset: "2024-11-03T00:00:00+01:00" } });
  });

  it("has no services and is never optimistic", () => {
    const { config } = setup(numeric);
    expect(Object.keys(sensorPlatform.services)).toEqual([]);
    expect(sensorPlatform.isOptimistic(config)).toBe(false);
    expect(sensorPlatform.stateTopics(config)).toEqual([{ role: "state", topic: "s" }]);
    expect(sensorPlatform.initialValue(config)).toEqual({ state: null, attributes: {} });
  });
});
