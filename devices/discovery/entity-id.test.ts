import { describe, expect, it } from "vitest";
import { ENTITY_ID_PATTERN, allocateEntityId, slugify } from "./entity-id";

describe("slugify (HA's util.slugify: python-slugify with unidecode, '_' separator)", () => {
  it.each<[string, string]>([
    // HA's own tests (tests/util/test_init.py::test_slugify).
    ["T-!@#$!#@$!$est", "t_est"],
    ["Test More", "test_more"],
    ["Test_(More)", "test_more"],
    ["Tèst_Mörê", "test_more"],
    ["B8:27:EB:00:00:00", "b8_27_eb_00_00_00"],
    ["test.com", "test_com"],
    ["greg_phone - exp_wayp1", "greg_phone_exp_wayp1"],
    ["We are, we are, a... Test Calendar", "we_are_we_are_a_test_calendar"],
    ["Tèst_äöüß_ÄÖÜ", "test_aouss_aou"],
    ["Ⓐ", "a"],
    ["ⓑ", "b"],
    ["$something", "something"],
    ["", ""],
    // Accents folded.
    ["Crème brûlée", "creme_brulee"],
    ["Łódź Żółć", "lodz_zolc"],
    ["Ærøskøbing", "aeroskobing"],
    ["Œuvre", "oeuvre"],
    // unidecode spells the degree sign out.
    ["Temperature °C", "temperature_degc"],
    ["℃", "degc"],
    // Whitespace, dashes and separators at the ends.
    ["Living Room Temperature", "living_room_temperature"],
    ["  leading and trailing  ", "leading_and_trailing"],
    ["--a--b--", "a_b"],
    ["__already_slug__", "already_slug"],
    ["living-room", "living_room"],
    ["Kitchen's lamp", "kitchen_s_lamp"],
    ["tab\tand\nnewline", "tab_and_newline"],
    // python-slugify drops a comma between two digits.
    ["1,000 W", "1000_w"],
    ["a, 1", "a_1"],
    ["0x00158d00045a1b2c", "0x00158d00045a1b2c"],
    ["Temperature 2", "temperature_2"],
  ])("%j → %j", (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  // HA returns "unknown" for these; the hub returns "" so that allocateEntityId can use its fallback.
  it.each<[string]>([["$$$"], ["$"], ["!!!"], ["影師嗎"]])("%j slugifies to nothing", (text) => {
    expect(slugify(text)).toBe("");
  });
});

describe("allocateEntityId", () => {
  const free = () => false;

  it.each<[string, string, string]>([
    ["sensor", "Living Room Temperature", "sensor.living_room_temperature"],
    ["binary_sensor", "hallway_motion_occupancy", "binary_sensor.hallway_motion_occupancy"],
    ["light", "Lámpara del salón", "light.lampara_del_salon"],
  ])("%s + %j → %s", (domain, preferred, entityId) => {
    expect(allocateEntityId(domain, preferred, "fallback", free)).toBe(entityId);
  });

  it("falls back when the preferred name slugifies to nothing, then to 'unnamed'", () => {
    expect(allocateEntityId("sensor", "$$$", "Kitchen sensor", free)).toBe("sensor.kitchen_sensor");
    expect(allocateEntityId("sensor", "", "Kitchen sensor", free)).toBe("sensor.kitchen_sensor");
    expect(allocateEntityId("sensor", "", "", free)).toBe("sensor.unnamed");
    expect(allocateEntityId("sensor", "!!!", "???", free)).toBe("sensor.unnamed");
  });

  it("adds _2, _3, … on a clash and asks in that order", () => {
    const taken = new Set(["switch.lamp", "switch.lamp_2"]);
    const asked: string[] = [];
    const id = allocateEntityId("switch", "Lamp", "x", (candidate) => {
      asked.push(candidate);
      return taken.has(candidate);
    });
    expect(id).toBe("switch.lamp_3");
    expect(asked).toEqual(["switch.lamp", "switch.lamp_2", "switch.lamp_3"]);
  });

  it("the first clash gets _2, not _1", () => {
    expect(allocateEntityId("sensor", "power", "x", (c) => c === "sensor.power")).toBe("sensor.power_2");
  });

  it("does not treat a suffixed id as the base", () => {
    expect(allocateEntityId("sensor", "power", "x", (c) => c === "sensor.power_2")).toBe("sensor.power");
  });

  it("throws when every candidate is taken", () => {
    expect(() => allocateEntityId("sensor", "x", "y", () => true)).toThrow("no free entity id for sensor.x");
  });

  it.each<[string, boolean]>([
    ["sensor.living_room_temperature", true],
    ["binary_sensor.door_2", true],
    ["sensor.Living", false],
    ["sensor", false],
    ["sensor.a.b", false],
    ["sensor.a-b", false],
    [".a", false],
  ])("ENTITY_ID_PATTERN %s → %s", (entityId, ok) => {
    expect(ENTITY_ID_PATTERN.test(entityId)).toBe(ok);
  });
});
