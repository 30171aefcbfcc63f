import { describe, expect, it } from "vitest";
import { deviceTrackerPlatform } from "./device-tracker";
import type { ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = deviceTrackerPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = deviceTrackerPlatform.initialValue(config);
  const kinds = payloads.map((payload) => {
    const result = deviceTrackerPlatform.decode(config, "state_topic", messageView("phone/where", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

describe("device tracker", () => {
  it.each([
    [{}, "Invalid device tracker config, missing state_topic or json_attributes_topic"],
    [{ state_topic: "t", source_type: "wifi" }, "source_type must be one of gps, router, bluetooth, bluetooth_le"],
  ])("rejects %j", (raw, message) => {
    expect(deviceTrackerPlatform.schema.safeParse(raw).error?.issues[0]?.message).toBe(message);
  });

  it("accepts a GPS-only tracker (json attributes) and reports its source type", () => {
    const { config } = setup({ json_attributes_topic: "phone/gps" });
    expect(deviceTrackerPlatform.stateTopics(config)).toEqual([]);
    expect(deviceTrackerPlatform.staticAttributes(config)).toEqual({ source_type: "gps" });
    expect(deviceTrackerPlatform.staticAttributes(setup({ state_topic: "t", source_type: "router" }).config)).toEqual({ source_type: "router" });
  });

  it.each([
    [["home"], "home"],
    [["not_home"], "not_home"],
    [["Work"], "Work"],
    [["home", "None"], null],
    [["home", ""], "home"],
  ])("%j → %s", (payloads, state) => {
    expect(decodeAll({ state_topic: "phone/where" }, payloads).value.state).toBe(state);
  });

  it("maps custom home/away payloads", () => {
    const raw = { state_topic: "phone/where", payload_home: "in", payload_not_home: "out", payload_reset: "gone" };
    expect(decodeAll(raw, ["in"]).value.state).toBe("home");
    expect(decodeAll(raw, ["out"]).value.state).toBe("not_home");
    expect(decodeAll(raw, ["in", "gone"]).value.state).toBeNull();
  });

  it("value_template", () => {
    expect(decodeAll({ state_topic: "t", value_template: "{{ value_json.location }}" }, ['{"location":"home"}']).value.state).toBe("home");
  });
});
