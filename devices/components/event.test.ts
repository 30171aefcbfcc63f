import { describe, expect, it } from "vitest";
import { eventPlatform } from "./event";
import type { ExpandedConfig, MqttMessageView } from "./platform";
import { messageView, platformContext } from "./testing";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0, 250);

function setup(raw: ExpandedConfig) {
  const parsed = eventPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw, { now: NOW }) };
}

function decode(raw: ExpandedConfig, message: MqttMessageView) {
  const { config, ctx } = setup(raw);
  return eventPlatform.decode(config, "state_topic", message, eventPlatform.initialValue(config), ctx);
}

const base = { state_topic: "doorbell/event", event_types: ["press", "hold"] };

describe("event schema", () => {
  it.each([
    [{ event_types: ["a"] }, "required key 'state_topic' missing"],
    [{ state_topic: "t" }, "required key 'event_types' missing"],
    [{ ...base, device_class: "siren" }, "device_class must be doorbell, button or motion"],
  ])("rejects %j", (raw, message) => {
    expect(eventPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it("wraps a single event type and lower-cases the device class", () => {
    expect(setup({ state_topic: "t", event_types: "press", device_class: "Doorbell" }).config).toMatchObject({ event_types: ["press"], device_class: "doorbell" });
    expect(eventPlatform.staticAttributes(setup(base).config)).toEqual({ event_types: ["press", "hold"] });
    expect(eventPlatform.initialValue(setup(base).config)).toEqual({ state: null, attributes: { event_type: null } });
  });
});

describe("event decode", () => {
  it("a listed event sets the timestamp, the attributes and fires", () => {
    expect(decode(base, messageView("doorbell/event", '{"event_type":"press","duration":0.5}'))).toEqual({
      kind: "update",
      value: { state: "2026-11-22T12:00:00.250+00:00", attributes: { event_type: "press", duration: 0.5 } },
      fired: { eventType: "press", data: { duration: 0.5 } },
    });
  });

  it.each([
    ['{"event_type":"ring"}', "invalid event type 'ring'"],
    ['{"duration":1}', "`event_type` missing in JSON event payload"],
    ["press", "no valid JSON event payload: 'press'"],
    ["{}", "empty event payload"],
    ["", "empty event payload"],
  ])("ignores %j", (payload, reason) => {
    expect(decode(base, messageView("doorbell/event", payload))).toEqual({ kind: "ignore", reason });
  });

  it("ignores retained (replayed) events", () => {
    expect(decode(base, { ...messageView("doorbell/event", '{"event_type":"press"}'), retain: true })).toMatchObject({ kind: "ignore" });
  });

  it("value_template can build the event JSON (Z2M action)", () => {
    const raw = { state_topic: "zigbee2mqtt/remote", event_types: ["single", "double"], value_template: '{ "event_type": "{{ value_json.action }}" }' };
    expect(decode(raw, messageView("zigbee2mqtt/remote", '{"action":"double","battery":90}'))).toMatchObject({ kind: "update", value: { attributes: { event_type: "double" } } });
    expect(decode(raw, messageView("zigbee2mqtt/remote", '{"battery":90}'))).toMatchObject({ kind: "ignore" });
  });
});
