import { describe, expect, it } from "vitest";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";
import { vacuumPlatform } from "./vacuum";

function setup(raw: ExpandedConfig) {
  const parsed = vacuumPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = vacuumPlatform.initialValue(config);
  const kinds = payloads.map((payload) => {
    const result = vacuumPlatform.decode(config, "state_topic", messageView("vac/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}, current?: EntityValue) {
  const { config, ctx } = setup(raw);
  const handler = vacuumPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? vacuumPlatform.initialValue(config), data, ctx);
}

/** Corpus valetudo-drop-autoconf-non-retained-ghost: the config before its removal. */
const valetudo = {
  name: "Robot",
  default_entity_id: "vacuum.valetudo_gentletangiblecheetah",
  supported_features: ["status", "start", "stop", "pause", "return_home", "locate", "fan_speed"],
  state_topic: "valetudo/GentleTangibleCheetah/hass/GentleTangibleCheetah_vacuum/state",
  command_topic: "valetudo/GentleTangibleCheetah/hass/GentleTangibleCheetah_vacuum/command",
  payload_start: "START",
  payload_pause: "PAUSE",
  payload_return_to_base: "HOME",
  payload_stop: "STOP",
  payload_locate: "LOCATE",
  fan_speed_list: ["low", "medium", "high", "max"],
  set_fan_speed_topic: "valetudo/GentleTangibleCheetah/FanSpeedControlCapability/preset/set",
  unique_id: "GentleTangibleCheetah_vacuum",
  availability_topic: "valetudo/GentleTangibleCheetah/$state",
  payload_available: "ready",
  payload_not_available: "lost",
};

describe("vacuum schema", () => {
  it.each([
    [{ schema: "legacy" }, "The support for the `legacy` MQTT vacuum schema has been removed"],
    [{ supported_features: ["start", "mop"] }, "Invalid option"],
    [{ state_topic: "vac/+/state" }, "wildcards are not allowed in a publish topic"],
  ])("rejects %j", (raw, message) => {
    const parsed = vacuumPlatform.schema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it("default features: start, stop, return_home, battery, clean_spot (+ state)", () => {
    const { config } = setup({});
    expect(vacuumPlatform.staticAttributes(config)).toEqual({ supported_features: 8192 | 8 | 16 | 64 | 1024 | 4096 });
    expect(vacuumPlatform.initialValue(config)).toEqual({ state: null, attributes: { battery_level: null, battery_icon: "mdi:battery-unknown" } });
  });
});

describe("vacuum state (Valetudo)", () => {
  it("is accepted with its payload overrides", () => {
    const { config } = setup(valetudo);
    expect(vacuumPlatform.staticAttributes(config)).toEqual({ fan_speed_list: ["low", "medium", "high", "max"], supported_features: 4 | 8 | 16 | 32 | 128 | 512 | 8192 | 4096 });
    expect(vacuumPlatform.stateTopics(config)).toEqual([{ role: "state_topic", topic: valetudo.state_topic }]);
  });

  it("decodes the JSON state and merges fan speed across messages", () => {
    const { value, kinds } = decodeAll(valetudo, ['{"state":"cleaning","fan_speed":"max"}', '{"state":"returning"}', "docked", '{"state":"charging"}']);
    expect(kinds).toEqual(["update", "update", "reject", "update"]);
    expect(value).toEqual({ state: "returning", attributes: { fan_speed: "max" } });
  });

  it("battery level is clamped; its icon follows charging", () => {
    const raw = { supported_features: ["battery", "start"] };
    expect(decodeAll(raw, ['{"state":"docked","battery_level":54}']).value).toEqual({ state: "docked", attributes: { battery_level: 54, battery_icon: "mdi:battery-charging-60" } });
    expect(decodeAll(raw, ['{"state":"cleaning","battery_level":120}']).value.attributes).toEqual({ battery_level: 100, battery_icon: "mdi:battery" });
    expect(decodeAll(raw, ['{"state":"cleaning","battery_level":3}']).value.attributes).toEqual({ battery_level: 3, battery_icon: "mdi:battery-alert" });
    expect(decodeAll(raw, ['{"state":"idle"}']).value.attributes).toEqual({ battery_level: 0, battery_icon: "mdi:battery-alert" });
    expect(decodeAll(raw, ['{"state":null,"battery_level":40}']).value).toEqual({ state: null, attributes: { battery_level: 40, battery_icon: "mdi:battery-40" } });
  });
});

describe("vacuum services", () => {
  it.each([
    ["start", "START"],
    ["pause", "PAUSE"],
    ["stop", "STOP"],
    ["return_to_base", "HOME"],
    ["locate", "LOCATE"],
  ])("Valetudo %s → %s", (service, payload) => {
    expect(call(valetudo, service)).toEqual({ ok: true, publishes: [{ topic: valetudo.command_topic, payload }] });
  });

  it("refuses features the vacuum lacks", () => {
    expect(call(valetudo, "clean_spot")).toEqual({ ok: false, error: "this vacuum does not support clean_spot" });
    expect(call(valetudo, "send_command", { command: "x" })).toMatchObject({ ok: false });
  });

  it("set_fan_speed publishes only listed speeds", () => {
    expect(call(valetudo, "set_fan_speed", { fan_speed: "max" })).toEqual({ ok: true, publishes: [{ topic: valetudo.set_fan_speed_topic, payload: "max" }] });
    expect(call(valetudo, "set_fan_speed", { fan_speed: "turbo" })).toEqual({ ok: true, publishes: [] });
  });

  it("send_command with and without params", () => {
    const raw = { supported_features: ["send_command"], send_command_topic: "vac/cmd" };
    expect(call(raw, "send_command", { command: "dock" })).toEqual({ ok: true, publishes: [{ topic: "vac/cmd", payload: "dock" }] });
    expect(call(raw, "send_command", { command: "goto", params: { x: 10, y: 2 } })).toEqual({ ok: true, publishes: [{ topic: "vac/cmd", payload: '{"command":"goto","x":10,"y":2}' }] });
  });

  it("publishes nothing without a command_topic", () => {
    expect(call({}, "start")).toEqual({ ok: true, publishes: [] });
    expect(call({ command_topic: "c" }, "start", { speed: 1 })).toMatchObject({ ok: false });
  });
});
