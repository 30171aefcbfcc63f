import { describe, expect, it } from "vitest";
import { deviceAutomationPlatform } from "./device-automation";
import type { DecodeResult, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = deviceAutomationPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

/** Delivers messages the way the pipeline routes them: only those on a subscribed topic reach decode. */
function replay(raw: ExpandedConfig, messages: Array<{ topic: string; payload: string }>): DecodeResult[] {
  const { config, ctx } = setup(raw);
  const topics = deviceAutomationPlatform.stateTopics(config);
  let value = deviceAutomationPlatform.initialValue(config);
  const results: DecodeResult[] = [];
  for (const m of messages) {
    for (const t of topics.filter((t) => t.topic === m.topic)) {
      const result = deviceAutomationPlatform.decode(config, t.role, messageView(m.topic, m.payload), value, ctx);
      if (result.kind === "update") value = result.value;
      results.push(result);
    }
  }
  return results;
}

const device = { identifiers: ["zigbee2mqtt_0x00158d000a1b2c3d"], manufacturer: "Aqara", name: "bedside_button" };

/** Corpus z2m-button-device-trigger (expanded). */
const z2m = {
  automation_type: "trigger",
  device,
  origin: { name: "Zigbee2MQTT", sw: "2.12.1", url: "https://www.zigbee2mqtt.io" },
  payload: "single",
  subtype: "single",
  topic: "zigbee2mqtt/bedside_button/action",
  type: "action",
};

describe("device trigger schema", () => {
  it.each([
    [{ ...z2m, automation_type: "condition" }, "automation_type must be 'trigger'"],
    [{ ...z2m, topic: undefined }, "required key 'topic' missing"],
    [{ ...z2m, type: undefined }, "required key 'type' missing"],
    [{ ...z2m, subtype: undefined }, "required key 'subtype' missing"],
    [{ ...z2m, device: undefined }, "required key 'device' missing"],
  ])("rejects %#", (raw, message) => {
    expect(deviceAutomationPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message)).toContain(message);
  });

  it("is not an entity", () => {
    expect(deviceAutomationPlatform.isEntity).toBe(false);
    expect(deviceAutomationPlatform.stateTopics(setup(z2m).config)).toEqual([{ role: "topic", topic: "zigbee2mqtt/bedside_button/action" }]);
  });
});

describe("device trigger firing", () => {
  it("corpus z2m-button-device-trigger: 'single' fires once, 'double' does not", () => {
    const results = replay(z2m, [
      { topic: "zigbee2mqtt/bedside_button", payload: '{"action":"single","battery":100,"linkquality":72,"voltage":3042}' },
      { topic: "zigbee2mqtt/bedside_button/action", payload: "single" },
      { topic: "zigbee2mqtt/bedside_button/action", payload: "double" },
    ]);
    expect(results).toEqual([
      { kind: "update", value: { state: null, attributes: {} }, fired: { eventType: "device_trigger", data: { type: "action", subtype: "single", payload: "single" } } },
      { kind: "ignore", reason: "payload 'double' does not match 'single'" },
    ]);
    expect(results.filter((r) => r.kind === "update" && r.fired)).toHaveLength(1);
  });

  it("without payload every message fires", () => {
    const results = replay({ ...z2m, payload: undefined }, [{ topic: z2m.topic, payload: "hold" }]);
    expect(results[0]).toMatchObject({ fired: { data: { subtype: "single", payload: "hold" } } });
  });

  it("value_template picks the value compared with payload", () => {
    const raw = { ...z2m, topic: "zigbee2mqtt/bedside_button", value_template: "{{ value_json.action }}" };
    const results = replay(raw, [
      { topic: "zigbee2mqtt/bedside_button", payload: '{"action":"single"}' },
      { topic: "zigbee2mqtt/bedside_button", payload: '{"action":"double"}' },
      { topic: "zigbee2mqtt/bedside_button", payload: '{"battery":99}' },
    ]);
    expect(results.map((r) => r.kind)).toEqual(["update", "ignore", "ignore"]);
  });
});
