import { describe, expect, it } from "vitest";
import { isTemplate } from "./config-shapes";
import { durationFromTemplateResult, parseDuration, parseOffset } from "./duration";

describe("parseDuration", () => {
  it.each([
    [30, 30_000],
    [1.5, 1500],
    [0, 0],
    ["45", 45_000],
    ["0.1", 100],
    ["00:05", 300_000],
    ["1:30", 5_400_000],
    ["00:10:00", 600_000],
    ["01:02:03", 3_723_000],
    ["00:00:01.250", 1250],
    ["+00:00:30", 30_000],
    // HA does not range-check the parts: 90 minutes is 90 minutes.
    ["00:90:00", 5_400_000],
    ["48:00:00", 172_800_000],
    [{ minutes: 2 }, 120_000],
    [{ days: 1, hours: 2, minutes: 3, seconds: 4, milliseconds: 5 }, 93_784_005],
    [{ seconds: "7.5" }, 7500],
    [{ hours: 0.5 }, 1_800_000],
  ])("%j is %d ms", (value, ms) => {
    expect(parseDuration(value)).toEqual({ ok: true, duration: { ms } });
  });

  it("is undefined when absent or null", () => {
    expect(parseDuration(undefined)).toEqual({ ok: true, duration: undefined });
    expect(parseDuration(null)).toEqual({ ok: true, duration: undefined });
  });

  it("keeps template strings as templates", () => {
    expect(parseDuration("{{ states('input_number.delay') | int }}")).toEqual({
      ok: true,
      duration: { template: "{{ states('input_number.delay') | int }}" },
    });
    expect(parseDuration("{% if x %}00:01:00{% else %}00:02:00{% endif %}")).toEqual({
      ok: true,
      duration: { template: "{% if x %}00:01:00{% else %}00:02:00{% endif %}" },
    });
  });

  it("turns a dict with templated values into one template that renders a dict", () => {
    const parsed = parseDuration({ minutes: "{{ states('input_number.minutes') }}", seconds: 30 });
    expect(parsed).toEqual({ ok: true, duration: { template: `{"minutes": {{ states('input_number.minutes') }} , "seconds": 30}` } });
    // What that template renders to reads back as a duration.
    expect(durationFromTemplateResult(`{"minutes": 5 , "seconds": 30}`)).toBe(330_000);
  });

  it.each([
    ["abc", "not a valid duration"],
    ["1:2:3:4", "not a valid duration"],
    ["", "not a valid duration"],
    [true, "not a valid duration"],
    [[1, 2], "not a valid duration"],
    [{}, "must contain at least one of days, hours, minutes, seconds, milliseconds"],
    [{ minutes: 1, weeks: 1 }, "unknown unit 'weeks'"],
    [{ minutes: "soon" }, "minutes must be a number"],
    ["-00:05:00", "must not be negative"],
    [-5, "must not be negative"],
    [{ minutes: -1 }, "must not be negative"],
    [{ minutes: "{{ x }}", seconds: -1 }, "seconds must be a number of 0 or more"],
  ])("refuses %j", (value, message) => {
    const parsed = parseDuration(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe("parseOffset", () => {
  it("takes signed offsets", () => {
    expect(parseOffset("-00:30:00")).toEqual({ ok: true, ms: -1_800_000 });
    expect(parseOffset("+01:00:00")).toEqual({ ok: true, ms: 3_600_000 });
    expect(parseOffset(-90)).toEqual({ ok: true, ms: -90_000 });
    expect(parseOffset({ minutes: -15 })).toEqual({ ok: true, ms: -900_000 });
  });

  it("does not take templates", () => {
    expect(parseOffset("{{ 5 }}").ok).toBe(false);
  });
});

describe("durationFromTemplateResult", () => {
  it.each([
    ["00:05:00", 300_000],
    [" 00:00:10 ", 10_000],
    ["90", 90_000],
    ["2.5", 2500],
    [45, 45_000],
    [{ minutes: 1 }, 60_000],
    ["{'minutes': 1, 'seconds': 5}", 65_000],
    ['{"hours": 1}', 3_600_000],
  ])("%j renders to %d ms", (value, ms) => {
    expect(durationFromTemplateResult(value)).toBe(ms);
  });

  it.each([["soon"], [""], ["None"], [null], [undefined], [-1], ["-00:01:00"], [true], ["{not json"], [[1]], ["{{ x }}"]])("%j is invalid", (value) => {
    expect(durationFromTemplateResult(value)).toBeUndefined();
  });
});

describe("isTemplate", () => {
  it("looks for {{, {% or {#", () => {
    expect(isTemplate("{{ x }}")).toBe(true);
    expect(isTemplate("{% if %}")).toBe(true);
    expect(isTemplate("{# note #}")).toBe(true);
    expect(isTemplate("plain {text}")).toBe(false);
    expect(isTemplate(5)).toBe(false);
  });
});
