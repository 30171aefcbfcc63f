import { describe, expect, it } from "vitest";
import { dayBounds, dayHeading, dayKey } from "./logbook-days";
import { causePhrase, deviceTriggerWording, eventMessage, isContinuous, logbookSentence, noiseReason, stateMessage, type LogbookCause } from "./logbook-wording";

// Real-looking states as Zigbee2MQTT, ESPHome and Tasmota devices report them through discovery.

describe("stateMessage", () => {
  const cases: Array<[entityId: string, state: string, attributes: Record<string, unknown>, previous: string | null, expected: string]> = [
    ["light.hall_lamp", "on", { friendly_name: "Hall lamp", brightness: 254, color_mode: "brightness" }, "off", "turned on"],
    ["light.hall_lamp", "off", { friendly_name: "Hall lamp" }, "on", "turned off"],
    ["switch.kitchen_plug", "on", { friendly_name: "Kitchen plug" }, "off", "turned on"],
    ["fan.bedroom_fan", "off", { percentage: 0 }, "on", "turned off"],
    ["binary_sensor.front_door_contact", "on", { device_class: "door", friendly_name: "Front door" }, "off", "opened"],
    ["binary_sensor.front_door_contact", "off", { device_class: "door" }, "on", "closed"],
    ["binary_sensor.bathroom_window", "on", { device_class: "window" }, "off", "opened"],
    ["binary_sensor.garage", "off", { device_class: "garage_door" }, "on", "closed"],
    ["binary_sensor.shed", "on", { device_class: "opening" }, "off", "opened"],
    ["binary_sensor.hall_motion_occupancy", "on", { device_class: "motion", linkquality: 120 }, "off", "detected motion"],
    ["binary_sensor.hall_motion_occupancy", "off", { device_class: "motion" }, "on", "cleared (no motion detected)"],
    ["binary_sensor.office_presence", "on", { device_class: "occupancy" }, "off", "detected occupancy"],
    ["binary_sensor.kitchen_smoke", "on", { device_class: "smoke" }, "off", "detected smoke"],
    ["binary_sensor.boiler_co", "off", { device_class: "carbon_monoxide" }, "on", "cleared (no carbon monoxide detected)"],
    ["binary_sensor.sink_leak", "on", { device_class: "moisture" }, "off", "detected moisture"],
    ["binary_sensor.remote_battery_low", "on", { device_class: "battery" }, "off", "battery is low"],
    ["binary_sensor.esp_status", "off", { device_class: "connectivity" }, "on", "disconnected"],
    ["binary_sensor.case_tamper", "on", { device_class: "tamper" }, "off", "detected tampering"],
    ["binary_sensor.washer_running", "off", { device_class: "running" }, "on", "stopped running"],
    ["binary_sensor.button_pressed", "on", {}, "off", "turned on"],
    ["sensor.living_room_temperature", "21.5", { unit_of_measurement: "°C", device_class: "temperature", state_class: "measurement" }, "21.4", "changed to 21.5 °C"],
    ["sensor.living_room_humidity", "41.83", { unit_of_measurement: "%", suggested_display_precision: 1 }, "41", "changed to 41.8%"],
    ["sensor.washer_status", "rinsing", {}, "washing", "changed to rinsing"],
    ["lock.front_door", "locked", { friendly_name: "Front door" }, "unlocked", "locked"],
    ["lock.front_door", "unlocked", {}, "locked", "unlocked"],
    ["lock.front_door", "jammed", {}, "locking", "is jammed"],
    ["cover.living_room_blinds", "open", { current_position: 100, device_class: "blind" }, "opening", "opened"],
    ["cover.living_room_blinds", "closed", { current_position: 0 }, "closing", "closed"],
    ["cover.living_room_blinds", "opening", {}, "closed", "is opening"],
    ["climate.hallway_thermostat", "heat", { current_temperature: 19.5, temperature: 21, hvac_modes: ["off", "heat"] }, "off", "changed to Heat"],
    ["climate.hallway_thermostat", "heat_cool", {}, "heat", "changed to Heat/Cool"],
    ["climate.hallway_thermostat", "off", {}, "heat", "turned off"],
    ["select.tv_scene", "Movie night", { options: ["Movie night", "Off"] }, "Off", "changed to Movie night"],
    ["alarm_control_panel.house", "armed_away", {}, "arming", "was armed (away)"],
    ["vacuum.roborock", "cleaning", {}, "docked", "started cleaning"],
    ["device_tracker.ana_phone", "not_home", {}, "home", "left home"],
    ["device_tracker.ana_phone", "work", {}, "home", "is at Work"],
    ["update.hall_lamp_firmware", "on", { installed_version: "1.0", latest_version: "1.1" }, "off", "has an update available"],
    ["button.restart_esp", "2026-11-20T10:00:00.000000+00:00", {}, "2026-11-19T10:00:00.000000+00:00", "was pressed"],
    ["scene.evening", "2026-11-20T18:00:00+00:00", {}, "unknown", "was activated"],
    ["light.hall_lamp", "unavailable", { friendly_name: "Hall lamp" }, "on", "became unavailable"],
    ["binary_sensor.front_door_contact", "unavailable", { device_class: "door" }, "off", "became unavailable"],
    ["light.hall_lamp", "on", {}, "unavailable", "came back online (on)"],
    ["binary_sensor.front_door_contact", "off", { device_class: "door" }, "unavailable", "came back online (closed)"],
    ["sensor.living_room_temperature", "21.5", { unit_of_measurement: "°C" }, "unavailable", "came back online (21.5 °C)"],
    ["climate.hallway_thermostat", "heat", {}, "unavailable", "came back online (Heat)"],
    ["button.restart_esp", "2026-11-20T10:00:00+00:00", {}, "unavailable", "came back online"],
  ];
  it.each(cases)("%s: %s → %s", (entityId, state, attributes, previous, expected) => {
    expect(stateMessage(entityId, state, attributes, previous).message).toBe(expected);
  });

  it("words an event entity's event type as a label", () => {
    expect(stateMessage("event.living_room_button_action", "2026-11-20T10:00:00.000+00:00", { event_type: "single", event_types: ["single", "double", "hold"] })).toEqual({ message: "single press", style: "label" });
    expect(stateMessage("event.doorbell", "2026-11-20T10:00:00.000+00:00", { event_type: "double_press" }).message).toBe("double press");
    expect(stateMessage("event.doorbell", "2026-11-20T10:00:00.000+00:00", {}).message).toBe("fired an event");
  });
});

describe("noiseReason", () => {
  const temp = { unit_of_measurement: "°C", device_class: "temperature", state_class: "measurement" };
  const cases: Array<[string, Parameters<typeof noiseReason>[0], ReturnType<typeof noiseReason>]> = [
    ["a real change", { entityId: "light.hall_lamp", state: "on", previous: "off", attributes: {} }, null],
    ["an attribute-only change (brightness)", { entityId: "light.hall_lamp", state: "on", previous: "on", attributes: { brightness: 20 }, attributeOnly: true }, "attribute_only"],
    ["the entity's first value (unknown → value at start)", { entityId: "light.hall_lamp", state: "on", previous: null, attributes: {} }, "first_state"],
    ["the same value again after a restart", { entityId: "binary_sensor.front_door", state: "off", previous: "off", attributes: { device_class: "door" } }, "unchanged"],
    ["the first value after starting unavailable", { entityId: "light.hall_lamp", state: "off", previous: "unavailable", attributes: {}, hadValue: false }, "first_state"],
    ["coming back online after having had a value", { entityId: "light.hall_lamp", state: "off", previous: "unavailable", attributes: {}, hadValue: true }, null],
    ["going unavailable before ever having a value", { entityId: "light.hall_lamp", state: "unavailable", previous: "unknown", attributes: {}, hadValue: false }, "first_state"],
    ["going unknown", { entityId: "light.hall_lamp", state: "unknown", previous: "on", attributes: {} }, "unknown"],
    ["a temperature reading", { entityId: "sensor.living_room_temperature", state: "21.5", previous: "21.4", attributes: temp }, "continuous"],
    ["a reading with a state class only", { entityId: "sensor.energy", state: "12", previous: "11", attributes: { state_class: "total_increasing" } }, "continuous"],
    ["a number with a unit", { entityId: "number.valve_opening", state: "40", previous: "30", attributes: { unit_of_measurement: "%" } }, "continuous"],
    ["a counter", { entityId: "counter.visitors", state: "3", previous: "2", attributes: {} }, "continuous"],
    ["a text sensor", { entityId: "sensor.washer_status", state: "rinsing", previous: "washing", attributes: {} }, null],
    ["a reading going unavailable", { entityId: "sensor.living_room_temperature", state: "unavailable", previous: "21.5", attributes: temp }, "continuous"],
  ];
  it.each(cases)("%s", (_label, change, expected) => {
    expect(noiseReason(change)).toBe(expected);
  });

  it("keeps readings when one entity is asked for explicitly", () => {
    expect(noiseReason({ entityId: "sensor.living_room_temperature", state: "21.5", previous: "21.4", attributes: temp }, { includeContinuous: true })).toBeNull();
    expect(isContinuous("sensor.washer_status", {})).toBe(false);
  });
});

describe("events", () => {
  const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
    ["device_trigger", { type: "action", subtype: "single", payload: "single", device_id: "d1" }, "single press"],
    ["device_trigger", { type: "action", subtype: "arrow_left_click", device_id: "d1" }, "arrow left click"],
    ["device_trigger", { type: "action", subtype: "hold" }, "hold"],
    ["device_trigger", { type: "button_short_press", subtype: "button_1" }, "first button pressed"],
    ["device_trigger", { type: "button_long_press", subtype: "turn_on" }, "“Turn on” held down"],
    ["device_trigger", { type: "button_double_press", subtype: "left" }, "left double-pressed"],
    ["device_trigger", { type: "gesture", subtype: "shake" }, "shake gesture"],
    ["tag_scanned", { tag_id: "04a2b7c1", device_id: "d2" }, "scanned tag 04a2b7c1"],
    ["device_added", { device_id: "d3" }, "was added"],
    ["device_removed", { device_id: "d3" }, "was removed"],
    ["automation_triggered", { name: "Evening lights", entity_id: "automation.evening_lights", source: "time" }, "triggered by time"],
    ["automation_triggered", { name: "Evening lights", entity_id: "automation.evening_lights" }, "triggered"],
    ["call_service", { domain: "light", service: "turn_on" }, undefined],
    ["single", { device_id: "d1" }, undefined],
  ];
  it.each(cases)("%s %j → %s", (type, data, expected) => {
    expect(eventMessage(type, data)?.message).toBe(expected);
  });

  it("words a trigger without a subtype", () => {
    expect(deviceTriggerWording("button_short_press", null)).toBe("pressed");
    expect(deviceTriggerWording("shake", "")).toBe("shake");
  });
});

describe("sentences and causes", () => {
  const ana: LogbookCause = { kind: "user", name: "Ana" };
  const automation: LogbookCause = { kind: "automation", name: "Evening lights" };
  const device: LogbookCause = { kind: "device", name: null };
  const cases: Array<[string, string | null, LogbookCause, string]> = [
    ["Hall lamp", "light.hall_lamp", ana, "Hall lamp turned on by Ana"],
    ["Hall lamp", "light.hall_lamp", automation, "Hall lamp turned on by automation Evening lights"],
    ["Hall lamp", "light.hall_lamp", device, "Hall lamp turned on by the device"],
    ["Hall lamp", "light.hall_lamp", { kind: "user", name: null }, "Hall lamp turned on by a removed user"],
    ["Hall lamp", "light.hall_lamp", { kind: "automation", name: null }, "Hall lamp turned on by an automation"],
    ["Hall lamp", "light.hall_lamp", { kind: "hub", name: "Hearth" }, "Hall lamp turned on by Hearth"],
  ];
  it.each(cases)("%s (%s) by %j", (name, entityId, cause, expected) => {
    expect(logbookSentence(name, { message: "turned on", style: "verb" }, cause, entityId)).toBe(expected);
  });

  it("does not name the device as the cause where only the device can change it", () => {
    expect(logbookSentence("Front door", stateMessage("binary_sensor.front_door", "on", { device_class: "door" }, "off"), device, "binary_sensor.front_door")).toBe("Front door opened");
    expect(logbookSentence("Living room button", { message: "single press", style: "label" }, device, null)).toBe("Living room button: single press");
    expect(causePhrase(device, "sensor.washer_status")).toBeNull();
    expect(logbookSentence("Hall lamp", stateMessage("light.hall_lamp", "unavailable", {}, "on"), device, "light.hall_lamp")).toBe("Hall lamp became unavailable");
    expect(logbookSentence("Hall lamp", stateMessage("light.hall_lamp", "on", {}, "unavailable"), device, "light.hall_lamp")).toBe("Hall lamp came back online (on)");
    expect(causePhrase({ kind: "hub", name: "Hearth" }, "automation.evening_lights")).toBeNull();
    // A person or an automation behind a change is always named.
    expect(causePhrase(ana, "binary_sensor.front_door")).toBe("by Ana");
  });
});

describe("days", () => {
  it("cuts days at the home's midnight, 23 or 25 hours long across DST", () => {
    expect(dayBounds("2026-03-29", "Europe/Berlin")).toEqual({ start: Date.parse("2026-03-28T23:00:00Z"), end: Date.parse("2026-03-29T22:00:00Z") });
    expect(dayBounds("2026-10-25", "Europe/Berlin")).toEqual({ start: Date.parse("2026-10-24T22:00:00Z"), end: Date.parse("2026-10-25T23:00:00Z") });
    expect(dayBounds("2026-11-20", "UTC")).toEqual({ start: Date.parse("2026-11-20T00:00:00Z"), end: Date.parse("2026-11-21T00:00:00Z") });
    // São Paulo, 2018: clocks jumped from 00:00 to 01:00, so that day began at 01:00 (03:00 UTC) and had 23 h.
    expect(dayBounds("2018-11-04", "America/Sao_Paulo")).toEqual({ start: Date.parse("2018-11-04T03:00:00Z"), end: Date.parse("2018-11-05T02:00:00Z") });
    expect(dayBounds("2026-02-30", "UTC")).toBeUndefined();
    expect(dayBounds("yesterday", "UTC")).toBeUndefined();
  });

  it("names days as people do", () => {
    const now = Date.parse("2026-11-20T08:00:00Z");
    expect(dayKey(Date.parse("2026-11-19T23:30:00Z"), "Europe/Berlin")).toBe("2026-11-20");
    expect(dayHeading("2026-11-20", now, "UTC")).toBe("Today");
    expect(dayHeading("2026-11-19", now, "UTC")).toBe("Yesterday");
    expect(dayHeading("2026-11-17", now, "UTC")).toBe("Tuesday 17 November");
    expect(dayHeading("2025-12-31", now, "UTC")).toBe("Wednesday 31 December 2025");
  });
});
