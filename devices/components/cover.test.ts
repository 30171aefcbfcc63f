import { describe, expect, it } from "vitest";
import { coverPlatform } from "./cover";
import type { DecodeResult, EntityValue, ExpandedConfig, ServiceData } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = coverPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw, { entityId: "cover.blind" }) };
}

/** Messages as [role, payload]; returns the last value and the results. */
function replay(raw: ExpandedConfig, messages: Array<[string, string]>, start?: EntityValue): { value: EntityValue; results: DecodeResult[] } {
  const { config, ctx } = setup(raw);
  let value = start ?? coverPlatform.initialValue(config);
  const results = messages.map(([role, payload]) => {
    const topic = coverPlatform.stateTopics(config).find((t) => t.role === role)?.topic;
    if (topic === undefined) throw new Error(`no topic for ${role}`);
    const result = coverPlatform.decode(config, role, messageView(topic, payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: ServiceData = {}) {
  const { config, ctx } = setup(raw);
  const handler = coverPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

const v = (state: string | null, attributes: Record<string, unknown> = {}): EntityValue => ({ state, attributes });
const full = {
  command_topic: "c/set",
  state_topic: "c/state",
  position_topic: "c/pos",
  set_position_topic: "c/pos/set",
  tilt_command_topic: "c/tilt/set",
  tilt_status_topic: "c/tilt",
};

describe("cover schema", () => {
  it("an empty cover is valid", () => {
    const { config } = setup({});
    expect(coverPlatform.stateTopics(config)).toEqual([]);
    expect(coverPlatform.staticAttributes(config)).toEqual({ supported_features: 0 });
    expect(coverPlatform.isOptimistic(config)).toBe(true);
  });

  it.each<[ExpandedConfig, string]>([
    [{ set_position_topic: "a" }, "'set_position_topic' must be set together with 'position_topic'."],
    [{ value_template: "{{ value }}" }, "'value_template' must be set together with 'state_topic'."],
    [{ tilt_status_template: "{{ value }}" }, "'tilt_status_template' must be set together with 'tilt_status_topic'."],
    [{ position_open: "100" }, "expected int"],
  ])("rejects %j", (raw, message) => {
    expect(coverPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message)).toContain(message);
  });

  it.each<[ExpandedConfig, number]>([
    [{ command_topic: "c" }, 1 | 2 | 8],
    [{ command_topic: "c", payload_stop: null }, 1 | 2],
    [{ position_topic: "p", set_position_topic: "s" }, 4],
    [{ tilt_command_topic: "t" }, 16 | 32 | 64 | 128],
    [{ tilt_command_topic: "t", payload_stop_tilt: null }, 16 | 32 | 128],
  ])("supported_features of %j", (raw, features) => {
    expect(coverPlatform.staticAttributes(setup(raw).config)).toEqual({ supported_features: features });
  });

  it.each<[ExpandedConfig, boolean]>([
    [{ command_topic: "c" }, true],
    [{ command_topic: "c", state_topic: "s" }, false],
    [{ command_topic: "c", position_topic: "p" }, false],
    [{ command_topic: "c", tilt_command_topic: "t" }, true],
    [{ command_topic: "c", tilt_command_topic: "t", tilt_status_topic: "ts" }, false],
    [{ command_topic: "c", state_topic: "s", optimistic: true }, true],
  ])("optimistic for %j: %s", (raw, optimistic) => {
    expect(coverPlatform.isOptimistic(setup(raw).config)).toBe(optimistic);
  });
});

describe("cover state", () => {
  it.each<[string, ExpandedConfig, Array<[string, string]>, string | null, Record<string, unknown>]>([
    ["open", full, [["state", "open"]], "open", {}],
    ["closing", full, [["state", "closing"]], "closing", {}],
    ["None resets", full, [["state", "open"], ["state", "None"]], null, {}],
    ["unknown payloads are ignored", full, [["state", "open"], ["state", "half"]], "open", {}],
    ["Z2M-style state strings", { ...full, state_open: "OPEN", state_closed: "CLOSE", state_stopped: "STOP" }, [["state", "CLOSE"]], "closed", {}],
    ["stopped after closing without a position topic → closed", { command_topic: "c", state_topic: "c/state" }, [["state", "closing"], ["state", "stopped"]], "closed", {}],
    ["stopped after opening without a position topic → open", { command_topic: "c", state_topic: "c/state" }, [["state", "opening"], ["state", "stopped"]], "open", {}],
    ["stopped at position 0 → closed", full, [["position", "0"], ["state", "stopped"]], "closed", { current_position: 0 }],
    ["stopped at position 40 → open", full, [["position", "40"], ["state", "stopped"]], "open", { current_position: 40 }],
    ["position without a state topic sets open", { position_topic: "c/pos" }, [["position", "57.9"]], "open", { current_position: 57 }],
    ["position 0 without a state topic sets closed", { position_topic: "c/pos" }, [["position", "0"]], "closed", { current_position: 0 }],
    ["positions are clamped to 0-100", { position_topic: "c/pos" }, [["position", "150"]], "open", { current_position: 100 }],
    ["inverted range (position_open 0, position_closed 100)", { position_topic: "c/pos", position_open: 0, position_closed: 100 }, [["position", "30"]], "open", { current_position: 70 }],
    ["a custom range (0-255)", { position_topic: "c/pos", position_open: 255 }, [["position", "128"]], "open", { current_position: 50 }],
    ["non-numeric positions are ignored", { position_topic: "c/pos" }, [["position", "40"], ["position", "half"]], "open", { current_position: 40 }],
    ["tilt in range", full, [["tilt", "45"]], null, { current_tilt_position: 45 }],
    ["tilt is rounded (half to even)", full, [["tilt", "44.5"]], null, { current_tilt_position: 44 }],
    ["tilt out of range is ignored", full, [["tilt", "45"], ["tilt", "101"]], null, { current_tilt_position: 45 }],
    ["tilt with a custom range", { ...full, tilt_min: 0, tilt_max: 180 }, [["tilt", "90"]], null, { current_tilt_position: 50 }],
  ])("%s", (_name, raw, messages, state, attributes) => {
    const { value } = replay(raw, messages);
    expect(value.state).toBe(state);
    expect(value.attributes).toEqual(attributes);
  });

  it("value_template and position_template with the config variables", () => {
    const raw = {
      state_topic: "c/state",
      value_template: "{{ value_json.state }}",
      position_topic: "c/pos",
      position_template: "{{ (value_json.pos * position_open / 100) | int }}",
      position_open: 200,
    };
    const { value } = replay(raw, [["state", '{"state":"opening"}'], ["position", '{"pos": 50}']]);
    expect(value).toEqual(v("opening", { current_position: 50 }));
  });

  it("a position_template may return position and tilt as JSON", () => {
    const raw = { position_topic: "c/pos", position_template: '{"position": {{ value_json.p }}, "tilt_position": {{ value_json.t }}}', tilt_command_topic: "t" };
    expect(replay(raw, [["position", '{"p": 20, "t": 70}']]).value).toEqual(v("open", { current_position: 20, current_tilt_position: 70 }));
    const noPosition = { position_topic: "c/pos", position_template: '{"tilt": 1}' };
    expect(replay(noPosition, [["position", "1"]]).results[0]?.kind).toBe("ignore");
  });
});

describe("cover services", () => {
  it.each<[string, ExpandedConfig, string, EntityValue, ServiceData, unknown]>([
    ["open_cover", full, "open_cover", v("closed"), {}, { ok: true, publishes: [{ topic: "c/set", payload: "OPEN" }] }],
    ["close_cover", full, "close_cover", v("open"), {}, { ok: true, publishes: [{ topic: "c/set", payload: "CLOSE" }] }],
    ["stop_cover", full, "stop_cover", v("opening"), {}, { ok: true, publishes: [{ topic: "c/set", payload: "STOP" }] }],
    [
      "open_cover optimistic (with a position topic the position is 100)",
      { command_topic: "c/set", position_topic: "c/pos", optimistic: true },
      "open_cover",
      v("closed", { current_position: 0 }),
      {},
      { ok: true, publishes: [{ topic: "c/set", payload: "OPEN" }], optimistic: v("open", { current_position: 100 }) },
    ],
    [
      "close_cover optimistic without a position topic",
      { command_topic: "c/set" },
      "close_cover",
      v("open"),
      {},
      { ok: true, publishes: [{ topic: "c/set", payload: "CLOSE" }], optimistic: v("closed") },
    ],
    ["payload_open null: no open service", { command_topic: "c/set", payload_open: null }, "open_cover", v("closed"), {}, { ok: false, error: "the cover does not support this service" }],
    ["toggle while moving stops", full, "toggle", v("opening"), {}, { ok: true, publishes: [{ topic: "c/set", payload: "STOP" }] }],
    ["toggle when closed opens", full, "toggle", v("closed"), {}, { ok: true, publishes: [{ topic: "c/set", payload: "OPEN" }] }],
    ["toggle when open closes", full, "toggle", v("open"), {}, { ok: true, publishes: [{ topic: "c/set", payload: "CLOSE" }] }],
    ["set_cover_position", full, "set_cover_position", v("open"), { position: 42 }, { ok: true, publishes: [{ topic: "c/pos/set", payload: "42" }] }],
    [
      "set_cover_position scales to the device range",
      { ...full, position_open: 255 },
      "set_cover_position",
      v("open"),
      { position: 50 },
      { ok: true, publishes: [{ topic: "c/pos/set", payload: "128" }] },
    ],
    [
      "set_cover_position with an inverted range",
      { ...full, position_open: 0, position_closed: 100 },
      "set_cover_position",
      v("open"),
      { position: 30 },
      { ok: true, publishes: [{ topic: "c/pos/set", payload: "70" }] },
    ],
    [
      "set_position_template gets position, position_open, tilt_max and entity_id",
      { ...full, set_position_template: '{"pos": {{ position }}, "raw": {{ value }}, "max": {{ position_open }}, "tilt": {{ tilt_max }}, "id": "{{ entity_id }}"}', position_open: 200 },
      "set_cover_position",
      v("open"),
      { position: 25 },
      { ok: true, publishes: [{ topic: "c/pos/set", payload: '{"pos": 25, "raw": 50, "max": 200, "tilt": 100, "id": "cover.blind"}' }] },
    ],
    [
      "set_cover_position optimistic",
      { command_topic: "c/set", set_position_topic: "c/pos/set", position_topic: "c/pos", optimistic: true },
      "set_cover_position",
      v("closed"),
      { position: 30 },
      { ok: true, publishes: [{ topic: "c/pos/set", payload: "30" }], optimistic: v("open", { current_position: 30 }) },
    ],
    ["set_cover_position refuses 101", full, "set_cover_position", v("open"), { position: 101 }, { ok: false, error: "value must be an integer between 0 and 100 for dictionary value @ data['position']" }],
    ["set_cover_position without a set_position_topic", { command_topic: "c/set" }, "set_cover_position", v("open"), { position: 10 }, { ok: false, error: "the cover does not support this service" }],
    ["open_cover_tilt", full, "open_cover_tilt", v("open"), {}, { ok: true, publishes: [{ topic: "c/tilt/set", payload: "100" }] }],
    ["close_cover_tilt", full, "close_cover_tilt", v("open"), {}, { ok: true, publishes: [{ topic: "c/tilt/set", payload: "0" }] }],
    ["stop_cover_tilt", full, "stop_cover_tilt", v("open"), {}, { ok: true, publishes: [{ topic: "c/tilt/set", payload: "STOP" }] }],
    [
      "set_cover_tilt_position in a 0-180 range with a template",
      { ...full, tilt_max: 180, tilt_command_template: "{{ value }}/{{ tilt_position }}" },
      "set_cover_tilt_position",
      v("open"),
      { tilt_position: 50 },
      { ok: true, publishes: [{ topic: "c/tilt/set", payload: "90/50" }] },
    ],
    [
      "tilt is optimistic without a tilt status topic",
      { command_topic: "c/set", state_topic: "c/state", tilt_command_topic: "c/tilt/set", tilt_opened_value: 80 },
      "open_cover_tilt",
      v("open"),
      {},
      { ok: true, publishes: [{ topic: "c/tilt/set", payload: "80" }], optimistic: v("open", { current_tilt_position: 80 }) },
    ],
    ["toggle_cover_tilt when closed opens", full, "toggle_cover_tilt", v("open", { current_tilt_position: 0 }), {}, { ok: true, publishes: [{ topic: "c/tilt/set", payload: "100" }] }],
    ["toggle_cover_tilt when open closes", full, "toggle_cover_tilt", v("open", { current_tilt_position: 60 }), {}, { ok: true, publishes: [{ topic: "c/tilt/set", payload: "0" }] }],
  ])("%s", (_name, raw, service, current, data, result) => {
    expect(call(raw, service, current, data)).toEqual(result);
  });
});
