import { describe, expect, it } from "vitest";
import { alarmControlPanelPlatform } from "./alarm-control-panel";
import type { ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = alarmControlPanelPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = alarmControlPanelPlatform.initialValue(config);
  const kinds = payloads.map((payload) => {
    const result = alarmControlPanelPlatform.decode(config, "state_topic", messageView("alarm/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}) {
  const { config, ctx } = setup(raw);
  const handler = alarmControlPanelPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, alarmControlPanelPlatform.initialValue(config), data, ctx);
}

const base = { command_topic: "alarm/set", state_topic: "alarm/state" };
const noCode = { ...base, code_arm_required: false, code_disarm_required: false };

describe("alarm control panel schema", () => {
  it.each([
    [{ command_topic: "a" }, "required key 'state_topic' missing"],
    [{ state_topic: "a" }, "required key 'command_topic' missing"],
    [{ ...base, supported_features: ["arm_home", "arm_holiday"] }, "Invalid option"],
  ])("rejects %j", (raw, message) => {
    expect(alarmControlPanelPlatform.schema.safeParse(raw).error?.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it.each([
    [base, { code_format: null, changed_by: null, code_arm_required: true, supported_features: 63 }],
    [{ ...base, code: "1234", supported_features: ["arm_home", "arm_away"] }, { code_format: "number", changed_by: null, code_arm_required: true, supported_features: 3 }],
    [{ ...base, code: "secret", code_arm_required: "false" }, { code_format: "text", changed_by: null, code_arm_required: false, supported_features: 63 }],
    [{ ...base, code: "REMOTE_CODE" }, { code_format: "number", changed_by: null, code_arm_required: true, supported_features: 63 }],
  ])("attributes for %j", (raw, attributes) => {
    expect(alarmControlPanelPlatform.staticAttributes(setup(raw).config)).toEqual(attributes);
  });
});

describe("alarm control panel state", () => {
  it.each(["disarmed", "armed_home", "armed_away", "armed_night", "armed_vacation", "armed_custom_bypass", "pending", "arming", "disarming", "triggered"])("%s", (state) => {
    expect(decodeAll(base, [state]).value.state).toBe(state);
  });

  it("ignores unknown and empty payloads, resets on None", () => {
    expect(decodeAll(base, ["armed_home", "ARMED_HOME", " ", "None"])).toEqual({ value: { state: null, attributes: {} }, kinds: ["update", "ignore", "ignore", "update"] });
  });

  it("value_template", () => {
    expect(decodeAll({ ...base, value_template: "{{ value_json.mode | lower }}" }, ['{"mode":"DISARMED"}']).value.state).toBe("disarmed");
  });
});

describe("alarm control panel services", () => {
  it.each([
    ["alarm_arm_home", "ARM_HOME"],
    ["alarm_arm_away", "ARM_AWAY"],
    ["alarm_arm_night", "ARM_NIGHT"],
    ["alarm_arm_vacation", "ARM_VACATION"],
    ["alarm_arm_custom_bypass", "ARM_CUSTOM_BYPASS"],
    ["alarm_disarm", "DISARM"],
    ["alarm_trigger", "TRIGGER"],
  ])("%s publishes %s", (service, payload) => {
    expect(call(noCode, service)).toEqual({ ok: true, publishes: [{ topic: "alarm/set", payload }] });
  });

  it("arming without a code fails while code_arm_required (HA's default)", () => {
    expect(call(base, "alarm_arm_away")).toEqual({ ok: false, error: "Arming requires a code but none was given" });
    expect(call(base, "alarm_arm_away", { code: "0000" })).toMatchObject({ ok: true });
  });

  it("checks the configured code", () => {
    const raw = { ...base, code: "1234" };
    expect(call(raw, "alarm_disarm", { code: "1111" })).toEqual({ ok: false, error: "Wrong code entered for disarming" });
    expect(call(raw, "alarm_disarm", { code: 1234 })).toMatchObject({ ok: true, publishes: [{ payload: "DISARM" }] });
    expect(call({ ...raw, code_disarm_required: false }, "alarm_disarm")).toMatchObject({ ok: true });
    expect(call({ ...raw, code_trigger_required: false }, "alarm_trigger")).toMatchObject({ ok: true });
    expect(call({ ...base, code: "REMOTE_CODE" }, "alarm_disarm", { code: "9876" })).toMatchObject({ ok: true });
    expect(call({ ...base, code: "REMOTE_CODE" }, "alarm_disarm")).toMatchObject({ ok: false });
  });

  it("refuses unsupported features and unknown keys", () => {
    expect(call({ ...noCode, supported_features: ["arm_home"] }, "alarm_arm_away")).toMatchObject({ ok: false });
    expect(call({ ...noCode, supported_features: ["arm_home"] }, "alarm_trigger")).toMatchObject({ ok: false });
    expect(call(noCode, "alarm_disarm", { pin: "1" })).toEqual({ ok: false, error: "extra keys not allowed @ data['pin']" });
  });

  it("command_template gets action and code (remote code checking)", () => {
    const raw = { ...base, code: "REMOTE_CODE", command_template: '{"action":"{{ action }}","code":"{{ code }}"}' };
    expect(call(raw, "alarm_arm_home", { code: "4321" })).toEqual({ ok: true, publishes: [{ topic: "alarm/set", payload: '{"action":"ARM_HOME","code":"4321"}' }] });
  });
});
