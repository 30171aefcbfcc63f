import { describe, expect, it } from "vitest";
import { controlFor, domainRank, isShownByDefault, orderEntities, shortName } from "./entity-kind";
import { iconFor } from "./entity-icon";
import { CoverFeature, lightCapabilities, supports } from "./features";
import { summarizeRoom, summaryPhrases } from "./room-summary";
import { binarySensorWording, stateWording } from "./state-wording";
import { brightnessPercent, formatClock, formatSensorState, offlineSince, withUnit } from "./value-format";

describe("which control for which entity", () => {
  it.each([
    ["light.kitchen", "light"],
    ["switch.plug", "toggle"],
    ["cover.blinds", "cover"],
    ["alarm_control_panel.home", "alarm"],
    ["lawn_mower.bob", "vacuum"],
    ["binary_sensor.door", "binary_sensor"],
    ["device_tracker.phone", "readonly"],
  ])("%s → %s", (id, kind) => {
    expect(controlFor(id)).toBe(kind);
  });

  it("orders lights and switches, then climate and covers, then sensors; user positions first", () => {
    const e = (entity_id: string, name: string, position?: number) => ({ entity_id, name, position });
    const ordered = orderEntities([
      e("sensor.temp", "Temperature"),
      e("cover.blinds", "Blinds"),
      e("switch.b", "B plug"),
      e("light.z", "Z lamp"),
      e("climate.t", "Thermostat"),
      e("light.a", "A lamp"),
      e("sensor.pinned", "Power", 0),
    ]);
    expect(ordered.map((x) => x.entity_id)).toEqual(["sensor.pinned", "light.a", "light.z", "switch.b", "climate.t", "cover.blinds", "sensor.temp"]);
    expect(domainRank("light.x")).toBeLessThan(domainRank("climate.x"));
  });

  it("hides config and diagnostic entities and those the user hid", () => {
    expect(isShownByDefault({ entity_id: "sensor.a", name: "a", entity_category: "diagnostic" })).toBe(false);
    expect(isShownByDefault({ entity_id: "number.a", name: "a", entity_category: "config" })).toBe(false);
    expect(isShownByDefault({ entity_id: "light.a", name: "a", hidden: true })).toBe(false);
    expect(isShownByDefault({ entity_id: "light.a", name: "a", entity_category: null })).toBe(true);
  });

  it("drops the device name from an entity's name in the device's context", () => {
    expect(shortName("Kitchen Plug ENERGY Power", "Kitchen Plug")).toBe("ENERGY Power");
    expect(shortName("living_room_th Temperature", "living_room_th")).toBe("Temperature");
    expect(shortName("Kitchen Plug", "Kitchen Plug")).toBe("Kitchen Plug");
    expect(shortName("Hall light", null)).toBe("Hall light");
  });
});

describe("wording by device class", () => {
  it.each([
    ["door", "on", "Open"],
    ["window", "off", "Closed"],
    ["motion", "on", "Detected"],
    ["occupancy", "off", "Clear"],
    ["battery", "on", "Low"],
    ["battery", "off", "Normal"],
    ["moisture", "on", "Wet"],
    ["moisture", "off", "Dry"],
    ["connectivity", "on", "Connected"],
    [null, "on", "On"],
    ["door", "unavailable", "Unavailable"],
  ])("binary_sensor %s %s → %s", (deviceClass, state, words) => {
    expect(binarySensorWording(deviceClass, state)).toBe(words);
  });

  it("words other domains' states", () => {
    expect(stateWording("cover.x", "opening")).toBe("Opening");
    expect(stateWording("lock.x", "unlocked")).toBe("Unlocked");
    expect(stateWording("climate.x", "heat_cool")).toBe("Heat/Cool");
    expect(stateWording("alarm_control_panel.x", "armed_away")).toBe("Armed away");
    expect(stateWording("update.x", "on")).toBe("Update available");
    expect(stateWording("binary_sensor.x", "on", { device_class: "smoke" })).toBe("Detected");
    expect(stateWording("vacuum.x", "some_custom_state")).toBe("Some custom state");
  });
});

describe("values and units", () => {
  it("puts a space before units except % and °", () => {
    expect(withUnit("21.3", "°C")).toBe("21.3 °C");
    expect(withUnit("41", "%")).toBe("41%");
    expect(withUnit("73", "W")).toBe("73 W");
    expect(withUnit("on", null)).toBe("on");
  });

  it("formats sensor states with display precision and trims float noise", () => {
    expect(formatSensorState("19.8", { unit_of_measurement: "°C", device_class: "temperature" })).toBe("19.8 °C");
    expect(formatSensorState("21.349", { unit_of_measurement: "°C", display_precision: 1 })).toBe("21.3 °C");
    expect(formatSensorState("0.30000000000000004", { unit_of_measurement: "kWh" })).toBe("0.3 kWh");
    expect(formatSensorState("5", { unit_of_measurement: "kWh", suggested_display_precision: 2 })).toBe("5.00 kWh");
    expect(formatSensorState("unknown", { unit_of_measurement: "%" })).toBe("Unknown");
    expect(formatSensorState("Charging", {})).toBe("Charging");
  });

  it("converts brightness to percent", () => {
    expect(brightnessPercent(255)).toBe(100);
    expect(brightnessPercent(102)).toBe(40);
    expect(brightnessPercent(null)).toBe(0);
  });

  it("says since when something is offline, in the home's time zone", () => {
    const at = Date.parse("2026-03-03T13:02:00Z");
    expect(offlineSince("2026-03-03T13:02:00Z", at + 60_000, "Europe/Berlin")).toBe("Offline since 14:02");
    expect(formatClock(at, at + 2 * 86_400_000, "Europe/Berlin")).toBe("3 Mar, 14:02");
    expect(offlineSince(undefined, at, "UTC")).toBe("Offline");
  });
});

describe("capabilities", () => {
  it("reads a light's modes and effects", () => {
    expect(lightCapabilities({ supported_color_modes: ["color_temp", "xy"], effect_list: ["blink"] })).toEqual({ brightness: true, colorTemp: true, color: true, effects: ["blink"] });
    expect(lightCapabilities({ supported_color_modes: ["onoff"] })).toEqual({ brightness: false, colorTemp: false, color: false, effects: [] });
  });

  it("reads feature bits", () => {
    expect(supports({ supported_features: 15 }, CoverFeature.STOP)).toBe(true);
    expect(supports({ supported_features: 15 }, CoverFeature.SET_TILT_POSITION)).toBe(false);
    expect(supports({}, CoverFeature.OPEN)).toBe(false);
  });

  it("picks icons by device class and state", () => {
    expect(iconFor("binary_sensor.d", "door")).toBe("door");
    expect(iconFor("sensor.t", "temperature")).toBe("thermometer");
    expect(iconFor("lock.front", null, "unlocked")).toBe("lock-open");
    expect(iconFor("cover.g", "garage")).toBe("garage");
    expect(iconFor("foo.bar", null)).toBe("sensor");
  });
});

describe("room summary", () => {
  const s = (entity_id: string, state: string, attributes: Record<string, unknown> = {}) => ({ entity_id, state, attributes });

  it("counts lights on, open doors and windows, temperatures, offline devices and low batteries", () => {
    const summary = summarizeRoom(
      [
        s("light.a", "on"),
        s("light.b", "off"),
        s("binary_sensor.door", "on", { device_class: "door", friendly_name: "Front door" }),
        s("binary_sensor.motion", "on", { device_class: "motion" }),
        s("sensor.t1", "19.8", { device_class: "temperature", unit_of_measurement: "°C" }),
        s("sensor.t2", "unavailable", { device_class: "temperature" }),
        s("climate.h", "heat", { current_temperature: 21.3 }),
        s("sensor.bat", "12", { device_class: "battery" }),
      ],
      [{ available: true }, { available: false }],
    );
    expect(summary).toEqual({ lightsOn: 1, lights: 2, open: ["Front door"], temperature: "19.8–21.3 °C", offlineDevices: 1, lowBatteries: 1 });
    expect(summaryPhrases(summary)).toEqual(["19.8–21.3 °C", "1 light on", "1 open", "1 offline", "1 low battery"]);
  });

  it("leaves out what a room does not have", () => {
    expect(summaryPhrases(summarizeRoom([s("switch.x", "on")]))).toEqual([]);
    expect(summaryPhrases(summarizeRoom([s("light.x", "off")]))).toEqual(["Lights off"]);
  });
});
