import { describe, expect, it } from "vitest";
import type { DecodeResult, EntityValue, ExpandedConfig, ServiceData } from "./platform";
import { selectPlatform } from "./select";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = selectPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = selectPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = selectPlatform.decode(config, "state", messageView("x", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function call(raw: ExpandedConfig, service: string, state: string | null, data: ServiceData = {}) {
  const { config, ctx } = setup(raw);
  return selectPlatform.services[service]?.(config, { state, attributes: {} }, data, ctx);
}

const z2m = {
  command_topic: "zigbee2mqtt/desk_plug/set/power_outage_memory",
  options: ["on", "off", "restore"],
  state_topic: "zigbee2mqtt/desk_plug",
  value_template: '{{ value_json["power_outage_memory"] }}',
};

describe("select", () => {
  it("z2m-plug-select-power-on-behavior", () => {
    const { value } = replay(z2m, ['{"child_lock":"UNLOCK","power_outage_memory":"restore","state":"ON"}']);
    expect(value.state).toBe("restore");
    expect(call(z2m, "select_option", value.state, { option: "off" })).toEqual({
      ok: true,
      publishes: [{ topic: "zigbee2mqtt/desk_plug/set/power_outage_memory", payload: "off" }],
    });
    expect(selectPlatform.staticAttributes(setup(z2m).config)).toEqual({ options: ["on", "off", "restore"] });
  });

  it.each<[ExpandedConfig, string]>([
    [{ options: ["a"] }, "required key 'command_topic' missing"],
    [{ command_topic: "x" }, "required key 'options' missing"],
  ])("rejects %j", (raw, message) => {
    expect(selectPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message)).toContain(message);
  });

  it.each<[string, string[], string | null, DecodeResult["kind"]]>([
    ["an option", ["b"], "b", "update"],
    ["not an option is rejected", ["b", "z"], "b", "reject"],
    ["'None' (any case) resets", ["b", "none"], null, "update"],
    ["empty is ignored", ["b", " "], "b", "ignore"],
  ])("%s", (_name, payloads, state, kind) => {
    const { value, results } = replay({ command_topic: "x", state_topic: "x", options: ["a", "b", "c"] }, payloads);
    expect(value.state).toBe(state);
    expect(results.at(-1)?.kind).toBe(kind);
  });

  it.each<[string, string | null, ServiceData, string]>([
    ["select_first", "b", {}, "a"],
    ["select_last", "a", {}, "c"],
    ["select_next", "b", {}, "c"],
    ["select_next", "c", {}, "a"],
    ["select_next", "c", { cycle: false }, "c"],
    ["select_previous", "a", {}, "c"],
    ["select_previous", "a", { cycle: false }, "a"],
    ["select_next", null, {}, "b"],
  ])("%s from %s %j → %s", (service, state, data, option) => {
    expect(call({ command_topic: "x", options: ["a", "b", "c"] }, service, state, data)).toEqual({
      ok: true,
      publishes: [{ topic: "x", payload: option }],
      optimistic: { state: option, attributes: {} },
    });
  });

  it("select_option refuses options it does not have and renders command_template", () => {
    const raw = { command_topic: "x", options: ["a", "b"], command_template: '{"mode": "{{ value }}"}', state_topic: "s" };
    expect(call(raw, "select_option", null, { option: "z" })).toEqual({ ok: false, error: "Option z is not valid, valid options are: a, b" });
    expect(call(raw, "select_option", null, { option: "b" })).toEqual({ ok: true, publishes: [{ topic: "x", payload: '{"mode": "b"}' }] });
  });
});
