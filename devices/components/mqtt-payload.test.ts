import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkServiceKeys,
  parsePythonFloat,
  parsePythonInt,
  pyRound,
  pyRoundTo,
  pythonFloatRepr,
  renderCommand,
  renderValue,
  requiredKey,
  toPythonFloat,
  toPythonInt,
  utcIsoformat,
} from "./mqtt-payload";
import { messageView, platformContext } from "./testing";

describe("Python number semantics", () => {
  it.each<[string, number | undefined]>([
    ["21.5", 21.5],
    [" 7 ", 7],
    ["1e3", 1000],
    [".5", 0.5],
    ["5.", 5],
    ["-2", -2],
    ["1_000", 1000],
    ["", undefined],
    ["abc", undefined],
    ["0x10", undefined],
    ["nan", undefined],
    ["inf", undefined],
    ["1__0", undefined],
  ])("float(%j) = %s", (text, value) => {
    expect(parsePythonFloat(text)).toBe(value);
  });

  it.each<[string, number | undefined]>([
    ["42", 42],
    ["-3", -3],
    [" 8 ", 8],
    ["4.0", undefined],
    ["x", undefined],
  ])("int(%j) = %s", (text, value) => {
    expect(parsePythonInt(text)).toBe(value);
  });

  it.each<[unknown, number | undefined, number | undefined]>([
    [12.7, 12.7, 12],
    ["12", 12, 12],
    [true, 1, 1],
    [null, undefined, undefined],
    [[1], undefined, undefined],
  ])("float/int of the JSON value %j", (value, asFloat, asInt) => {
    expect(toPythonFloat(value)).toBe(asFloat);
    expect(toPythonInt(value)).toBe(asInt);
  });

  it.each<[number, number]>([
    [127.5, 128],
    [126.5, 126],
    [0.5, 0],
    [1.5, 2],
    [-2.5, -2],
    [-3.5, -4],
    [2.4, 2],
    [2.6, 3],
  ])("round(%s) = %s (half to even)", (x, rounded) => {
    expect(pyRound(x)).toBe(rounded);
  });

  it("round(x, n)", () => {
    expect(pyRoundTo(28.39149, 3)).toBe(28.391);
    expect(pyRoundTo(0.125, 2)).toBe(0.12);
    expect(pyRoundTo(0.375, 2)).toBe(0.38);
  });

  it.each<[number, string]>([
    [21, "21.0"],
    [21.5, "21.5"],
    [-2, "-2.0"],
    [1e-5, "1e-05"],
    [1e16, "1e+16"],
    [0.0001, "0.0001"],
    [123456789012345.6, "123456789012345.6"],
    [0, "0.0"],
  ])("repr(%s) = %s", (x, text) => {
    expect(pythonFloatRepr(x)).toBe(text);
  });

  it("utcnow().isoformat()", () => {
    expect(utcIsoformat(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe("2026-01-02T03:04:05.006000+00:00");
    expect(utcIsoformat(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02T03:04:05+00:00");
  });
});

describe("platform helpers", () => {
  it("requiredKey says which key is missing", () => {
    const schema = z.looseObject({ command_topic: requiredKey("command_topic", z.string()) });
    expect(schema.safeParse({}).error?.issues.map((i) => i.message)).toEqual(["required key 'command_topic' missing"]);
    expect(schema.safeParse({ command_topic: 3 }).error?.issues.map((i) => i.message)).not.toContain("required key 'command_topic' missing");
  });

  it("renderValue: raw text without a template, empty → no update, error → dropped", () => {
    const message = messageView("t", '{"a": 1}');
    expect(renderValue(platformContext({}), "value_template", message)).toEqual({ ok: true, value: '{"a": 1}' });
    expect(renderValue(platformContext({ value_template: "{{ value_json.a }}" }), "value_template", message)).toEqual({ ok: true, value: "1" });
    expect(renderValue(platformContext({ value_template: "{{ value_json.b }}" }), "value_template", message)).toMatchObject({ ok: false, result: { kind: "ignore" } });
    expect(renderValue(platformContext({ value_template: "{{ value_json.b.c }}" }), "value_template", message)).toMatchObject({ ok: false, result: { kind: "reject" } });
  });

  it("renderCommand: the value as Python prints it, or the template", () => {
    expect(renderCommand(platformContext({}), "command_template", true)).toEqual({ ok: true, payload: "True" });
    expect(renderCommand(platformContext({}), "command_template", 5, {}, "5.0")).toEqual({ ok: true, payload: "5.0" });
    expect(renderCommand(platformContext({ command_template: "{{ value }}/{{ x }}" }), "command_template", "a", { x: 1 })).toEqual({ ok: true, payload: "a/1" });
    expect(renderCommand(platformContext({ command_template: "{{ value | float }}" }), "command_template", "a")).toMatchObject({ ok: false });
  });

  it("checkServiceKeys allows the target fields", () => {
    expect(checkServiceKeys({ entity_id: "x", value: 1 }, ["value"])).toBeUndefined();
    expect(checkServiceKeys({ other: 1 }, ["value"])).toBe("extra keys not allowed @ data['other']");
  });
});
