import { describe, expect, it } from "vitest";
import type { EntityValue, ExpandedConfig, ServiceData } from "./platform";
import { switchPlatform } from "./switch";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = switchPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function replay(raw: ExpandedConfig, payloads: string[]): EntityValue {
  const { config, ctx } = setup(raw);
  let value = switchPlatform.initialValue(config);
  for (const payload of payloads) {
    const result = switchPlatform.decode(config, "state", messageView(config.state_topic ?? "", payload), value, ctx);
    if (result.kind === "update") value = result.value;
  }
  return value;
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: ServiceData = {}) {
  const { config, ctx } = setup(raw);
  const handler = switchPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

const SHELLY_OFF = '{"id":1,"src":"home-assistant","method":"Switch.Set","params":{"id":0,"on":false}}';
const SHELLY_ON = '{"id":1,"src":"home-assistant","method":"Switch.Set","params":{"id":0,"on":true}}';

describe("switch: corpus cases", () => {
  it.each<[string, ExpandedConfig, string, string, string]>([
    [
      "z2m-plug-switch",
      { command_topic: "zigbee2mqtt/desk_plug/set", state_topic: "zigbee2mqtt/desk_plug", payload_on: "ON", payload_off: "OFF", value_template: '{{ value_json["state"] }}' },
      '{"child_lock":"UNLOCK","current":0.27,"energy":12.34,"state":"ON","voltage":231}',
      "zigbee2mqtt/desk_plug/set",
      "OFF",
    ],
    [
      "tasmota-relay-switch",
      { command_topic: "cmnd/tasmota_1A2B3C/POWER", state_topic: "tele/tasmota_1A2B3C/STATE", payload_on: "ON", payload_off: "OFF", value_template: "{{value_json.POWER}}" },
      '{"Time":"2024-11-03T10:15:02","UptimeSec":3612,"POWER":"ON","Wifi":{"RSSI":76}}',
      "cmnd/tasmota_1A2B3C/POWER",
      "OFF",
    ],
    [
      "esphome-switch-relay",
      { command_topic: "living-room/switch/relay/command", state_topic: "living-room/switch/relay/state" },
      "ON",
      "living-room/switch/relay/command",
      "OFF",
    ],
    [
      "shelly-gen2-switch-rpc",
      {
        command_topic: "shellyplus1pm-a8032ab1c2d3/rpc",
        payload_off: SHELLY_OFF,
        payload_on: SHELLY_ON,
        state_topic: "shellyplus1pm-a8032ab1c2d3/status/switch:0",
        value_template: "{%if value_json.output%}on{%else%}off{%endif%}",
        state_off: "off",
        state_on: "on",
      },
      '{"id":0,"source":"HTTP_in","output":true,"apower":23.4}',
      "shellyplus1pm-a8032ab1c2d3/rpc",
      SHELLY_OFF,
    ],
    [
      "ha-docs-tilde-abbreviated-switch-no-unique-id",
      { command_topic: "homeassistant/switch/irrigation/set", state_topic: "homeassistant/switch/irrigation/state" },
      "ON",
      "homeassistant/switch/irrigation/set",
      "OFF",
    ],
  ])("%s", (_id, raw, payload, topic, command) => {
    const value = replay(raw, [payload]);
    expect(value.state).toBe("on");
    expect(call(raw, "turn_off", value)).toEqual({ ok: true, publishes: [{ topic, payload: command }] });
  });

  it("missing-required-command-topic", () => {
    const parsed = switchPlatform.schema.safeParse({ name: "Porch light", unique_id: "porch_node_light", state_topic: "porch_node/light/state" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual(["required key 'command_topic' missing"]);
  });
});

describe("switch", () => {
  const base = { command_topic: "s/set", state_topic: "s/state" };

  it.each<[string, ExpandedConfig, string[], string | null]>([
    ["state_on/state_off default to the payloads", { ...base, payload_on: "1", payload_off: "0" }, ["1", "0"], "off"],
    ["state_on wins over payload_on", { ...base, state_on: "up", payload_on: "1" }, ["1", "up"], "on"],
    ["'None' resets", base, ["ON", "None"], null],
    ["unknown payloads are ignored", base, ["ON", "on"], "on"],
    ["numbers in payloads are coerced like cv.string", { ...base, payload_on: 1, payload_off: 0 }, ["1"], "on"],
  ])("%s", (_name, raw, payloads, state) => {
    expect(replay(raw, payloads).state).toBe(state);
  });

  it("is optimistic without a state topic (or when told so)", () => {
    const off = { state: "off", attributes: {} };
    expect(call({ command_topic: "s/set" }, "turn_on", off)).toEqual({
      ok: true,
      publishes: [{ topic: "s/set", payload: "ON" }],
      optimistic: { state: "on", attributes: {} },
    });
    expect(call({ ...base, optimistic: "true" }, "turn_on", off)).toMatchObject({ optimistic: { state: "on" } });
    expect(call(base, "turn_on", off)).not.toHaveProperty("optimistic");
    expect(switchPlatform.isOptimistic(setup({ command_topic: "s/set" }).config)).toBe(true);
    expect(switchPlatform.stateTopics(setup({ command_topic: "s/set" }).config)).toEqual([]);
  });

  it("toggle flips the current state", () => {
    expect(call(base, "toggle", { state: "on", attributes: {} })).toMatchObject({ publishes: [{ payload: "OFF" }] });
    expect(call(base, "toggle", { state: "off", attributes: {} })).toMatchObject({ publishes: [{ payload: "ON" }] });
    expect(call(base, "toggle", { state: null, attributes: {} })).toMatchObject({ publishes: [{ payload: "ON" }] });
  });

  it("command_template renders with value = the payload", () => {
    const raw = { ...base, command_template: '{"state": "{{ value }}"}' };
    expect(call(raw, "turn_on", { state: null, attributes: {} })).toEqual({ ok: true, publishes: [{ topic: "s/set", payload: '{"state": "ON"}' }] });
  });

  it("refuses unknown service data", () => {
    expect(call(base, "turn_on", { state: null, attributes: {} }, { brightness: 3 })).toEqual({
      ok: false,
      error: "extra keys not allowed @ data['brightness']",
    });
  });
});
