import { describe, expect, it } from "vitest";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";
import { valvePlatform } from "./valve";

function setup(raw: ExpandedConfig) {
  const parsed = valvePlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = valvePlatform.initialValue(config);
  const kinds = payloads.map((payload) => {
    const result = valvePlatform.decode(config, "state_topic", messageView("valve/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, current?: EntityValue, data: Record<string, unknown> = {}) {
  const { config, ctx } = setup(raw);
  const handler = valvePlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? valvePlatform.initialValue(config), data, ctx);
}

const binary = { command_topic: "valve/set", state_topic: "valve/state" };
const positional = { ...binary, reports_position: true };

describe("valve schema", () => {
  it("rejects open/closed payloads on a position valve", () => {
    const parsed = valvePlatform.schema.safeParse({ ...positional, payload_open: "OPEN" });
    expect(parsed.success).toBe(false);
  });

  it("fills HA's defaults after validation", () => {
    expect(setup(binary).config).toMatchObject({ payload_open: "OPEN", payload_close: "CLOSE", state_open: "open", state_closed: "closed", position_open: 100 });
    expect(setup({ ...binary, payload_close: null }).config.payload_close).toBeNull();
  });
});

describe("valve state without position", () => {
  it.each([
    [["open"], "open"],
    [["closed"], "closed"],
    [["opening"], "opening"],
    [["closing"], "closing"],
    [["open", "None"], null],
    [['{"state":"closed"}'], "closed"],
  ])("%j → %s", (payloads, state) => {
    expect(decodeAll(binary, payloads).value).toEqual({ state, attributes: {} });
  });

  it("ignores unknown, empty and state-less JSON payloads", () => {
    expect(decodeAll(binary, ["open", "OPEN", "", '{"position":3}']).kinds).toEqual(["update", "ignore", "ignore", "ignore"]);
  });
});

describe("valve state with position", () => {
  it.each([
    [["50"], "open", 50],
    [["0"], "closed", 0],
    [["opening"], "opening", null],
    [["opening", "40"], "opening", 40],
    [["opening", "100"], "open", 100],
    [['{"state":"closing","position":30}'], "closing", 30],
    [["70", "None"], null, null],
  ])("%j → %s at %s", (payloads, state, position) => {
    expect(decodeAll(positional, payloads).value).toEqual({ state, attributes: { current_position: position } });
  });

  it("scales device positions to 0–100 and clamps", () => {
    const raw = { ...positional, position_closed: 10, position_open: 60 };
    expect(decodeAll(raw, ["35"]).value.attributes.current_position).toBe(50);
    expect(decodeAll(raw, ["80"]).value.attributes.current_position).toBe(100);
    expect(decodeAll(raw, ["abc"]).kinds).toEqual(["ignore"]);
  });
});

describe("valve services", () => {
  it("opens and closes with payloads, optimistic state", () => {
    expect(call(binary, "open_valve")).toEqual({ ok: true, publishes: [{ topic: "valve/set", payload: "OPEN" }], optimistic: { state: "open", attributes: {} } });
    expect(call(binary, "close_valve")).toMatchObject({ publishes: [{ payload: "CLOSE" }], optimistic: { state: "closed" } });
  });

  it("sends positions for a position valve, scaled to the device range", () => {
    const raw = { ...positional, position_closed: 10, position_open: 60 };
    expect(call(raw, "open_valve")).toMatchObject({ publishes: [{ payload: "60" }], optimistic: { state: "open", attributes: { current_position: 100 } } });
    expect(call(raw, "set_valve_position", undefined, { position: 25 })).toMatchObject({ publishes: [{ payload: "22" }] });
    expect(call(raw, "set_valve_position", undefined, { position: 101 })).toMatchObject({ ok: false });
  });

  it("stop needs payload_stop; set_valve_position needs reports_position", () => {
    expect(call(binary, "open_valve", undefined, { position: 3 })).toEqual({ ok: false, error: "extra keys not allowed @ data['position']" });
    expect(call(binary, "stop_valve")).toMatchObject({ ok: false });
    expect(call({ ...binary, payload_stop: "STOP" }, "stop_valve")).toEqual({ ok: true, publishes: [{ topic: "valve/set", payload: "STOP" }] });
    expect(call(binary, "set_valve_position", undefined, { position: 3 })).toMatchObject({ ok: false });
    expect(call({ state_topic: "x" }, "open_valve")).toMatchObject({ ok: false });
  });

  it.each([
    ["closed", "OPEN"],
    ["open", "CLOSE"],
    ["opening", "STOP"],
  ])("toggle from %s sends %s", (state, payload) => {
    expect(call({ ...binary, payload_stop: "STOP" }, "toggle", { state, attributes: {} })).toMatchObject({ publishes: [{ payload }] });
  });

  it("reports features", () => {
    expect(valvePlatform.staticAttributes(setup(binary).config)).toEqual({ supported_features: 3 });
    expect(valvePlatform.staticAttributes(setup({ ...positional, payload_stop: "S" }).config)).toEqual({ supported_features: 15 });
  });
});

describe("valve templates", () => {
  it("value_template sees position_open", () => {
    const raw = { ...positional, position_open: 255, value_template: "{{ (value_json.pos / position_open * 255) | int }}" };
    expect(decodeAll(raw, ['{"pos":255}']).value).toEqual({ state: "open", attributes: { current_position: 100 } });
  });

  it("command_template gets position", () => {
    expect(call({ ...positional, command_template: '{"position": {{ position }}}' }, "set_valve_position", undefined, { position: 40 })).toMatchObject({
      publishes: [{ payload: '{"position": 40}' }],
    });
  });
});
