import { describe, expect, it } from "vitest";
import { classifyDevice, countProblems, healthPhrases, readBattery, readLink, type DeviceHealthInput, type HealthState } from "./device-health";

const s = (entity_id: string, state: string, attributes: Record<string, unknown> = {}): HealthState => ({ entity_id, state, attributes });
const NOW = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;

const base: DeviceHealthInput = { now: NOW, offline: false, lastSeen: NOW - 60_000, watchingSince: NOW - 48 * HOUR, staleAfterMs: 25 * HOUR, states: [] };

describe("readBattery", () => {
  it.each([
    [s("sensor.x_battery", "19", { device_class: "battery", unit_of_measurement: "%" }), { percent: 19, low: true }],
    [s("sensor.x_battery", "20", { device_class: "battery", unit_of_measurement: "%" }), { percent: 20, low: false }],
    [s("sensor.x_battery", "5", { device_class: "battery" }), { percent: 5, low: true }],
    [s("binary_sensor.x_battery_low", "on", { device_class: "battery" }), { percent: null, low: true }],
    [s("binary_sensor.x_battery_low", "off", { device_class: "battery" }), { percent: null, low: false }],
  ])("%o → %o", (state, expected) => {
    expect(readBattery(state)).toMatchObject(expected);
  });

  it.each([
    s("sensor.x_battery", "unavailable", { device_class: "battery", unit_of_measurement: "%" }),
    s("sensor.x_battery", "", { device_class: "battery" }),
    s("sensor.x_voltage", "2.9", { device_class: "battery", unit_of_measurement: "V" }),
    s("binary_sensor.x", "unknown", { device_class: "battery" }),
    s("sensor.x_temperature", "3", { device_class: "temperature" }),
    s("switch.x", "on", { device_class: "battery" }),
  ])("ignores %o", (state) => {
    expect(readBattery(state)).toBeNull();
  });
});

describe("readLink", () => {
  it("reads Z2M link quality (weak below 30 of 255)", () => {
    expect(readLink(s("sensor.plug_linkquality", "29", { unit_of_measurement: "lqi" }))).toMatchObject({ kind: "lqi", value: 29, weak: true });
    expect(readLink(s("sensor.plug_linkquality", "30", { unit_of_measurement: "lqi" }))).toMatchObject({ weak: false });
    expect(readLink(s("sensor.plug_linkquality", "12"))).toMatchObject({ kind: "lqi", weak: true });
  });

  it("reads Wi-Fi RSSI in dBm (weak below -80)", () => {
    expect(readLink(s("sensor.esp_wifi_signal", "-81", { device_class: "signal_strength", unit_of_measurement: "dBm" }))).toMatchObject({ kind: "rssi", weak: true });
    expect(readLink(s("sensor.esp_wifi_signal", "-80", { device_class: "signal_strength", unit_of_measurement: "dBm" }))).toMatchObject({ weak: false });
  });

  it("ignores other sensors and non-numeric states", () => {
    expect(readLink(s("sensor.esp_wifi_signal", "54", { device_class: "signal_strength", unit_of_measurement: "%" }))).toBeNull();
    expect(readLink(s("sensor.plug_linkquality", "unavailable", { unit_of_measurement: "lqi" }))).toBeNull();
    expect(readLink(s("binary_sensor.plug_linkquality", "on", { unit_of_measurement: "lqi" }))).toBeNull();
    expect(readLink(s("sensor.power", "12", { unit_of_measurement: "W" }))).toBeNull();
  });
});

describe("classifyDevice", () => {
  it("reports nothing for a healthy device", () => {
    expect(classifyDevice(base).problems).toEqual([]);
  });

  it("is offline when availability says so, and then not also stale", () => {
    expect(classifyDevice({ ...base, offline: true, lastSeen: NOW - 30 * HOUR }).problems).toEqual(["offline"]);
  });

  it("is stale after its limit of silence", () => {
    expect(classifyDevice({ ...base, lastSeen: NOW - 3 * HOUR, staleAfterMs: 3 * HOUR }).problems).toEqual([]);
    const stale = classifyDevice({ ...base, lastSeen: NOW - 3 * HOUR - 1, staleAfterMs: 3 * HOUR });
    expect(stale.problems).toEqual(["stale"]);
    expect(stale.silentForMs).toBe(3 * HOUR + 1);
  });

  it("judges a device never heard since the hub started from the start", () => {
    expect(classifyDevice({ ...base, lastSeen: null, watchingSince: NOW - HOUR }).problems).toEqual([]);
    expect(classifyDevice({ ...base, lastSeen: null, watchingSince: NOW - 26 * HOUR }).problems).toEqual(["stale"]);
    // Seen long ago, before a restart an hour back: only the hour since the restart counts as silence.
    const restarted = classifyDevice({ ...base, lastSeen: NOW - 72 * HOUR, watchingSince: NOW - HOUR });
    expect(restarted.problems).toEqual([]);
    expect(restarted.silentForMs).toBe(HOUR);
  });

  it("finds the lowest battery and the weakest link among the device's states", () => {
    const result = classifyDevice({
      ...base,
      states: [
        s("sensor.a_battery", "80", { device_class: "battery", unit_of_measurement: "%" }),
        s("sensor.b_battery", "9", { device_class: "battery", unit_of_measurement: "%" }),
        s("sensor.a_linkquality", "120", { unit_of_measurement: "lqi" }),
        s("sensor.a_rssi", "-90", { device_class: "signal_strength", unit_of_measurement: "dBm" }),
      ],
    });
    expect(result.problems).toEqual(["low_battery", "weak_link"]);
    expect(result.battery).toMatchObject({ entity_id: "sensor.b_battery", percent: 9 });
    expect(result.link).toMatchObject({ entity_id: "sensor.a_rssi", kind: "rssi" });
  });
});

describe("countProblems / healthPhrases", () => {
  it("counts devices per problem and words them", () => {
    const counts = countProblems([{ problems: ["offline", "low_battery"] }, { problems: ["stale"] }, { problems: [] }, { problems: ["low_battery", "weak_link"] }]);
    expect(counts).toEqual({ devices: 4, offline: 1, stale: 1, low_battery: 2, weak_link: 1, with_problems: 3 });
    expect(healthPhrases(counts)).toEqual(["1 offline", "1 not reporting", "2 low batteries", "1 weak signal"]);
    expect(healthPhrases(countProblems([]))).toEqual([]);
  });
});
