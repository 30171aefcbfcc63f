import { describe, expect, it } from "vitest";
import { reproduceCalls, reproducible, snapshotState } from "./reproduce-state";
import { parseSceneStates, sceneStatesFromJson, sceneStatesJson, type CurrentState, type SceneState } from "./scene-state";

const s = (state: string, attributes: Record<string, unknown> = {}): SceneState => ({ state, attributes });
const now = (state: string, attributes: Record<string, unknown> = {}): CurrentState => ({ state, attributes });

describe("reproduceCalls", () => {
  it.each<[string, string, SceneState, CurrentState, { transition?: number }, Array<{ service: string; data: Record<string, unknown> }>]>([
    ["light on: brightness and the colour its mode names", "light.a", s("on", { brightness: 120, color_mode: "color_temp", color_temp_kelvin: 2700, hs_color: [30, 60] }), now("off"), {}, [{ service: "turn_on", data: { brightness: 120, color_temp_kelvin: 2700 } }]],
    ["light on without a mode: the first colour given", "light.a", s("on", { rgb_color: [255, 0, 0], xy_color: [0.6, 0.3] }), now("off"), {}, [{ service: "turn_on", data: { rgb_color: [255, 0, 0] } }]],
    ["light on with an effect and a transition", "light.a", s("on", { effect: "candle" }), now("off"), { transition: 2 }, [{ service: "turn_on", data: { transition: 2, effect: "candle" } }]],
    ["light off with a transition", "light.a", s("off", { brightness: 10 }), now("on", { brightness: 200 }), { transition: 1.5 }, [{ service: "turn_off", data: { transition: 1.5 } }]],
    ["light already there: nothing", "light.a", s("on", { brightness: 120 }), now("on", { brightness: 120, color_mode: "brightness" }), {}, []],
    ["light on, other brightness", "light.a", s("on", { brightness: 120 }), now("on", { brightness: 20 }), {}, [{ service: "turn_on", data: { brightness: 120 } }]],
    ["switch off", "switch.a", s("off"), now("on"), {}, [{ service: "turn_off", data: {} }]],
    ["switch already on", "switch.a", s("on"), now("on"), {}, []],
    ["cover to a position it can take", "cover.a", s("open", { current_position: 40 }), now("closed", { current_position: 0, supported_features: 15 }), {}, [{ service: "set_cover_position", data: { position: 40 } }]],
    ["cover without positions: open", "cover.a", s("open", { current_position: 40 }), now("closed", { supported_features: 11 }), {}, [{ service: "open_cover", data: {} }]],
    ["cover tilt", "cover.a", s("closed", { current_tilt_position: 50 }), now("closed", { current_tilt_position: 0, supported_features: 255 }), {}, [{ service: "set_cover_tilt_position", data: { tilt_position: 50 } }]],
    ["valve closed", "valve.a", s("closed"), now("open"), {}, [{ service: "close_valve", data: {} }]],
    ["climate: mode first, then temperatures", "climate.a", s("heat", { temperature: 21, preset_mode: "comfort" }), now("off", { temperature: 18 }), {}, [
      { service: "set_hvac_mode", data: { hvac_mode: "heat" } },
      { service: "set_preset_mode", data: { preset_mode: "comfort" } },
      { service: "set_temperature", data: { temperature: 21 } },
    ]],
    ["fan on from off: speed in turn_on, then oscillation", "fan.a", s("on", { percentage: 66, oscillating: true }), now("off", { oscillating: false }), {}, [
      { service: "turn_on", data: { percentage: 66 } },
      { service: "oscillate", data: { oscillating: true } },
    ]],
    ["fan already on: only what differs", "fan.a", s("on", { percentage: 66, direction: "forward" }), now("on", { percentage: 33, direction: "forward" }), {}, [{ service: "set_percentage", data: { percentage: 66 } }]],
    ["humidifier", "humidifier.a", s("on", { mode: "eco", humidity: 45 }), now("off", { mode: "eco", humidity: 40 }), {}, [
      { service: "turn_on", data: {} },
      { service: "set_humidity", data: { humidity: 45 } },
    ]],
    ["water heater mode and temperature", "water_heater.a", s("eco", { temperature: 55 }), now("performance", { temperature: 60 }), {}, [
      { service: "set_operation_mode", data: { operation_mode: "eco" } },
      { service: "set_temperature", data: { temperature: 55 } },
    ]],
    ["number", "number.a", s("21.5"), now("20"), {}, [{ service: "set_value", data: { value: 21.5 } }]],
    ["number already there", "number.a", s("21.0"), now("21"), {}, []],
    ["select", "select.a", s("eco"), now("comfort"), {}, [{ service: "select_option", data: { option: "eco" } }]],
    ["text", "text.a", s("hello"), now("bye"), {}, [{ service: "set_value", data: { value: "hello" } }]],
    ["lock", "lock.a", s("locked"), now("unlocked"), {}, [{ service: "lock", data: {} }]],
    ["alarm panel", "alarm_control_panel.a", s("armed_away"), now("disarmed"), {}, [{ service: "alarm_arm_away", data: {} }]],
    ["vacuum docked, fan speed", "vacuum.a", s("docked", { fan_speed: "quiet" }), now("cleaning", { fan_speed: "max" }), {}, [
      { service: "return_to_base", data: {} },
      { service: "set_fan_speed", data: { fan_speed: "quiet" } },
    ]],
  ])("%s", (_name, entityId, target, current, options, want) => {
    expect(reproduceCalls(entityId, target, current, options)).toEqual(want);
  });

  it("knows which domains scenes can set", () => {
    expect(["light.a", "switch.a", "cover.a", "climate.a", "number.a"].every(reproducible)).toBe(true);
    expect(["sensor.a", "binary_sensor.a", "button.a", "scene.a", "input_boolean.a"].some(reproducible)).toBe(false);
  });
});

describe("parseSceneStates", () => {
  it("takes states, booleans (YAML's on/off) and mappings with attributes", () => {
    const parsed = parseSceneStates({ "light.kitchen": "on", "Light.Hall": { state: "on", brightness: 120 }, "switch.fan": false, "number.level": 3 });
    expect(parsed).toEqual({
      ok: true,
      states: { "light.kitchen": s("on"), "light.hall": s("on", { brightness: 120 }), "switch.fan": s("off"), "number.level": s("3") },
    });
    if (parsed.ok) expect(sceneStatesFromJson(sceneStatesJson(parsed.states))).toEqual(parsed);
  });

  it("names every bad value with its entity", () => {
    const parsed = parseSceneStates({
      "light.a": "purple",
      "light.b": { state: "on", brightness: "high" },
      "light.c": { state: "on", color_mode: "xy" },
      "light.d": { brightness: 10 },
      "cover.e": "ajar",
      "number.f": "abc",
      "switch.g": [1],
      "not an id": "on",
    });
    expect(parsed.ok).toBe(false);
    const error = parsed.ok ? "" : parsed.error;
    for (const part of [
      'entities.light.a: a light is "on" or "off", not "purple"',
      "entities.light.b: brightness must be a number",
      "entities.light.c: color_mode xy needs xy_color",
      "entities.light.d: needs a state",
      'entities.cover.e: cover state must be one of open, opening, closed, closing, not "ajar"',
      'entities.number.f: a number\'s state is a number, not "abc"',
      "entities.switch.g: must be a state or a mapping with a state and attributes",
      "entities.not an id: not an entity id",
    ]) {
      expect(error).toContain(part);
    }
    expect(parseSceneStates(["light.a"])).toEqual({ ok: false, error: "entities must be a mapping of entity ids to states" });
  });
});

describe("snapshotState", () => {
  it("keeps what reproduces a light: brightness, effect, its colour mode and colour", () => {
    const current = now("on", { brightness: 254, color_mode: "color_temp", color_temp_kelvin: 2702, color_temp: 370, hs_color: [30, 70], rgb_color: [255, 160, 80], xy_color: [0.5, 0.4], effect: null, friendly_name: "Bulb", supported_features: 44 });
    expect(snapshotState("light.bulb", current)).toEqual(s("on", { brightness: 254, color_mode: "color_temp", color_temp_kelvin: 2702 }));
    expect(snapshotState("light.bulb", now("off", { brightness: null, friendly_name: "Bulb" }))).toEqual(s("off"));
  });

  it("keeps a domain's listed attributes; refuses what cannot be set again", () => {
    expect(snapshotState("fan.a", now("on", { percentage: 50, oscillating: false, preset_mode: null, friendly_name: "Fan" }))).toEqual(s("on", { percentage: 50, oscillating: false }));
    expect(snapshotState("light.a", now("unavailable"))).toBe("it is unavailable");
    expect(snapshotState("sensor.a", now("21"))).toBe("scenes cannot set sensor entities");
    expect(snapshotState("lock.a", now("jammed"))).toMatch(/^its state cannot be set again/);
  });
});
