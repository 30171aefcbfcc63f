import { describe, expect, it } from "vitest";
import { numberPlatform } from "./number";
import type { DecodeResult, EntityValue, ExpandedConfig, ServiceData } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = numberPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = numberPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = numberPlatform.decode(config, "state", messageView("n/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function setValue(raw: ExpandedConfig, data: ServiceData) {
  const { config, ctx } = setup(raw);
  return numberPlatform.services.set_value?.(config, numberPlatform.initialValue(config), data, ctx);
}

const base = { command_topic: "n/set", state_topic: "n/state", min: -10, max: 30 };

describe("number schema", () => {
  it.each<[ExpandedConfig, string]>([
    [{ state_topic: "x" }, "required key 'command_topic' missing"],
    [{ command_topic: "x", min: 5, max: 5 }, "'max' must be > 'min'"],
    [{ command_topic: "x", step: 0 }, "step must be at least 0.001"],
    [{ command_topic: "x", mode: "dial" }, "mode must be one of auto, box, slider"],
  ])("rejects %j", (raw, message) => {
    expect(numberPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message)).toContain(message);
  });

  it("has HA's defaults and shows min/max/step/mode", () => {
    const { config } = setup({ command_topic: "x", min: "7", unit_of_measurement: "°C" });
    expect(numberPlatform.staticAttributes(config)).toEqual({ min: 7, max: 100, step: 1, mode: "auto", unit_of_measurement: "°C" });
    expect(config.payload_reset).toBe("None");
  });
});

describe("number state", () => {
  it.each<[string, string, string | null, DecodeResult["kind"]]>([
    ["all digits → int", "21", "21", "update"],
    ["anything else → float", "21.5", "21.5", "update"],
    ["a negative integer is a float for str.isnumeric()", "-2", "-2.0", "update"],
    ["an integral float keeps its .0", "5.0", "5.0", "update"],
    ["below min is rejected", "-11", "1", "reject"],
    ["above max is rejected", "30.5", "1", "reject"],
    ["not a number is rejected", "abc", "1", "reject"],
    ["empty is ignored", "", "1", "ignore"],
    ["payload_reset → unknown", "None", null, "update"],
  ])("%s", (_name, payload, state, kind) => {
    const { value, results } = replay(base, ["1", payload]);
    expect(results[1]?.kind).toBe(kind);
    expect(value.state).toBe(state);
  });

  it("uses value_template and a custom payload_reset", () => {
    const raw = { ...base, value_template: "{{ value_json.target }}", payload_reset: "reset" };
    expect(replay(raw, ['{"target": 22.5}']).value.state).toBe("22.5");
    expect(replay(raw, ['{"target": 22}', '{"target": "reset"}']).value.state).toBeNull();
    expect(replay(raw, ['{"target": 22}', '{"other": 1}']).results[1]?.kind).toBe("ignore");
  });
});

describe("number.set_value", () => {
  it.each<[string, ExpandedConfig, unknown, string]>([
    ["integral values go out without .0", base, 5, "5"],
    ["integral floats too", base, 5.0, "5"],
    ["numeric strings are coerced", base, "7.25", "7.25"],
    ["negative values", base, -1, "-1"],
    ["command_template gets value", { ...base, command_template: '{"temp": {{ value }}}' }, 21.5, '{"temp": 21.5}'],
  ])("%s", (_name, raw, value, payload) => {
    expect(setValue(raw, { value })).toEqual({ ok: true, publishes: [{ topic: "n/set", payload }] });
  });

  it("is optimistic without a state topic", () => {
    expect(setValue({ command_topic: "n/set" }, { value: 3 })).toEqual({
      ok: true,
      publishes: [{ topic: "n/set", payload: "3" }],
      optimistic: { state: "3", attributes: {} },
    });
    expect(setValue({ command_topic: "n/set" }, { value: 3.5 })).toMatchObject({ optimistic: { state: "3.5" } });
  });

  it.each<[ServiceData, string]>([
    [{ value: 31 }, "Value 31.0 is outside valid range -10.0 - 30.0"],
    [{ value: "hot" }, "expected float for dictionary value @ data['value']"],
    [{}, "required key 'value' missing"],
    [{ value: 1, extra: 1 }, "extra keys not allowed @ data['extra']"],
  ])("refuses %j", (data, error) => {
    expect(setValue(base, data)).toEqual({ ok: false, error });
  });
});
