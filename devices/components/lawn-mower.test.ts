import { describe, expect, it } from "vitest";
import { lawnMowerPlatform } from "./lawn-mower";
import type { ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = lawnMowerPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = lawnMowerPlatform.initialValue(config);
  const kinds = payloads.map((payload) => {
    const result = lawnMowerPlatform.decode(config, "activity_state_topic", messageView("mower/activity", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}) {
  const { config, ctx } = setup(raw);
  const handler = lawnMowerPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, lawnMowerPlatform.initialValue(config), data, ctx);
}

const full = {
  activity_state_topic: "mower/activity",
  start_mowing_command_topic: "mower/start",
  pause_command_topic: "mower/pause",
  dock_command_topic: "mower/dock",
};

describe("lawn mower", () => {
  it.each([
    [["mowing"], "mowing", ["update"]],
    [["docked", "flying"], "docked", ["update", "ignore"]],
    [["returning", ""], "returning", ["update", "ignore"]],
    [["error", "none"], null, ["update", "update"]],
    [["paused", "None"], null, ["update", "update"]],
  ])("%j → %s", (payloads, state, kinds) => {
    expect(decodeAll(full, payloads)).toEqual({ value: { state, attributes: {} }, kinds });
  });

  it.each([
    ["start_mowing", "mower/start", "start_mowing", "mowing"],
    ["pause", "mower/pause", "pause", "paused"],
    ["dock", "mower/dock", "dock", "docked"],
  ])("%s publishes %s %s", (service, topic, payload, activity) => {
    expect(call(full, service)).toEqual({ ok: true, publishes: [{ topic, payload }], optimistic: { state: activity, attributes: {} } });
  });

  it("features come from the command topics; optimistic without an activity topic", () => {
    expect(lawnMowerPlatform.staticAttributes(setup(full).config)).toEqual({ supported_features: 7 });
    expect(lawnMowerPlatform.staticAttributes(setup({ dock_command_topic: "d" }).config)).toEqual({ supported_features: 4 });
    expect(call({ dock_command_topic: "d" }, "pause")).toEqual({ ok: false, error: "this lawn mower does not support pause" });
    expect(lawnMowerPlatform.isOptimistic(setup(full).config)).toBe(false);
    expect(lawnMowerPlatform.isOptimistic(setup({ dock_command_topic: "d" }).config)).toBe(true);
    expect(lawnMowerPlatform.stateTopics(setup({}).config)).toEqual([]);
  });

  it("templates: activity_value_template and command templates", () => {
    expect(decodeAll({ ...full, activity_value_template: "{{ value_json.activity }}" }, ['{"activity":"mowing"}']).value.state).toBe("mowing");
    expect(call({ ...full, dock_command_template: '{"action": "{{ value }}"}' }, "dock")).toMatchObject({ publishes: [{ payload: '{"action": "dock"}' }] });
  });
});
