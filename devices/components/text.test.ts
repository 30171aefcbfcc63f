import { describe, expect, it } from "vitest";
import type { DecodeResult, EntityValue, ExpandedConfig, ServiceData } from "./platform";
import { messageView, platformContext } from "./testing";
import { textPlatform } from "./text";

function setup(raw: ExpandedConfig) {
  const parsed = textPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = textPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = textPlatform.decode(config, "state", messageView("t", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function setValue(raw: ExpandedConfig, data: ServiceData) {
  const { config, ctx } = setup(raw);
  return textPlatform.services.set_value?.(config, { state: null, attributes: {} }, data, ctx);
}

const base = { command_topic: "t/set", state_topic: "t", min: 2, max: 5, pattern: "[a-z]+" };

describe("text", () => {
  it.each<[ExpandedConfig, string]>([
    [{ state_topic: "t" }, "required key 'command_topic' missing"],
    [{ command_topic: "t", min: 5, max: 2 }, "text length min must be <= max"],
    [{ command_topic: "t", max: 300 }, "max text length must be <= 255"],
    [{ command_topic: "t", pattern: "([a-z" }, "invalid regular expression in pattern"],
    [{ command_topic: "t", mode: "secret" }, "mode must be text or password"],
  ])("rejects %j", (raw, message) => {
    expect(textPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message)).toContain(message);
  });

  it("shows mode, min, max and pattern", () => {
    expect(textPlatform.staticAttributes(setup(base).config)).toEqual({ mode: "text", min: 2, max: 5, pattern: "[a-z]+" });
    expect(textPlatform.staticAttributes(setup({ command_topic: "t" }).config)).toEqual({ mode: "text", min: 0, max: 255, pattern: null });
  });

  it.each<[string, string, string | null, DecodeResult["kind"]]>([
    ["a valid value", "abc", "abc", "update"],
    ["too short", "a", "ok", "reject"],
    ["too long", "abcdef", "ok", "reject"],
    ["the pattern must match at the start (re.match)", "1abc", "ok", "reject"],
    ["re.match does not anchor the end", "ab12", "ab12", "update"],
    ["'None' is text, not a reset", "None", "ok", "reject"],
  ])("%s", (_name, payload, state, kind) => {
    const { value, results } = replay(base, ["ok", payload]);
    expect(results[1]?.kind).toBe(kind);
    expect(value.state).toBe(state);
  });

  it("an empty text is a value when min allows it; a missing template key is not", () => {
    expect(replay({ command_topic: "t", state_topic: "t" }, ["x", ""]).value.state).toBe("");
    expect(replay({ command_topic: "t", state_topic: "t", value_template: "{{ value_json.v }}" }, ['{"v": "x"}', "{}"]).value.state).toBe("x");
  });

  it("Python patterns: named groups and escapes JavaScript's unicode mode refuses", () => {
    expect(replay({ command_topic: "t", state_topic: "t", pattern: "(?P<a>x)(?P=a)" }, ["xx"]).value.state).toBe("xx");
    expect(replay({ command_topic: "t", state_topic: "t", pattern: "\\d+\\-\\d+" }, ["12-34", "1234"]).value.state).toBe("12-34");
  });

  it("lengths count code points, as Python's len()", () => {
    expect(replay({ command_topic: "t", state_topic: "t", max: 2 }, ["😀😀"]).value.state).toBe("😀😀");
  });

  it.each<[ServiceData, unknown]>([
    [{ value: "abc" }, { ok: true, publishes: [{ topic: "t/set", payload: "abc" }] }],
    [{ value: "a" }, { ok: false, error: "value 'a' is too short (minimum length 2)" }],
    [{ value: "ABC" }, { ok: false, error: "value 'ABC' doesn't match pattern [a-z]+" }],
    [{}, { ok: false, error: "required key 'value' missing" }],
  ])("set_value %j", (data, result) => {
    expect(setValue(base, data)).toEqual(result);
  });

  it("set_value is optimistic without a state topic and renders command_template", () => {
    expect(setValue({ command_topic: "t/set", command_template: "say {{ value }}" }, { value: "hi" })).toEqual({
      ok: true,
      publishes: [{ topic: "t/set", payload: "say hi" }],
      optimistic: { state: "hi", attributes: {} },
    });
  });
});
