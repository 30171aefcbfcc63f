import { describe, expect, it } from "vitest";
import type { EntityValue, ExpandedConfig } from "./platform";
import { sirenPlatform } from "./siren";
import { messageView, platformContext } from "./testing";

function setup(raw: ExpandedConfig) {
  const parsed = sirenPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = sirenPlatform.initialValue(config);
  const kinds = payloads.map((payload) => {
    const result = sirenPlatform.decode(config, "state_topic", messageView("siren/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}, current?: EntityValue) {
  const { config, ctx } = setup(raw);
  const handler = sirenPlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current ?? sirenPlatform.initialValue(config), data, ctx);
}

const base = { command_topic: "siren/set", state_topic: "siren/state" };
const toned = { ...base, available_tones: ["ping", "siren", 2] };

describe("siren schema and attributes", () => {
  it("requires command_topic", () => {
    expect(sirenPlatform.schema.safeParse({ state_topic: "x" }).error?.issues[0]?.message).toBe("required key 'command_topic' missing");
  });

  it.each([
    [base, { supported_features: 27 }, { duration: null, volume_level: null }],
    [toned, { available_tones: ["ping", "siren", 2], supported_features: 31 }, { duration: null, tone: null, volume_level: null }],
    [{ ...base, support_duration: false, support_volume_set: "off" }, { supported_features: 3 }, {}],
  ])("%j", (raw, staticAttributes, attributes) => {
    const { config } = setup(raw);
    expect(sirenPlatform.staticAttributes(config)).toEqual(staticAttributes);
    expect(sirenPlatform.initialValue(config)).toEqual({ state: null, attributes });
  });

  it("starts off when optimistic", () => {
    expect(sirenPlatform.initialValue(setup({ command_topic: "s" }).config).state).toBe("off");
  });
});

describe("siren state", () => {
  it.each([
    [["ON"], "on"],
    [["OFF"], "off"],
    [["ON", "None"], null],
    [['{"state":"ON"}'], "on"],
    [["ON", "on", ""], "on"],
  ])("%j → %s", (payloads, state) => {
    expect(decodeAll(base, payloads).value.state).toBe(state);
  });

  it("state_on/state_off override the payloads", () => {
    expect(decodeAll({ ...base, state_on: "ringing", state_off: "quiet" }, ["ringing"]).value.state).toBe("on");
    expect(decodeAll({ ...base, state_on: "ringing" }, ["ON"]).kinds).toEqual(["ignore"]);
  });

  it("takes tone, duration and volume from JSON", () => {
    const { value } = decodeAll(toned, ['{"state":"ON","tone":"siren","duration":10,"volume_level":0.5}']);
    expect(value).toEqual({ state: "on", attributes: { duration: 10, tone: "siren", volume_level: 0.5 } });
  });

  it("keeps the state but not the attributes when the JSON has extra keys", () => {
    const { value } = decodeAll(toned, ['{"state":"ON","duration":3,"colour":"red"}']);
    expect(value).toEqual({ state: "on", attributes: { duration: null, tone: null, volume_level: null } });
  });

  it("rejects a tone that is not available", () => {
    expect(decodeAll(toned, ['{"tone":"bell"}']).kinds).toEqual(["reject"]);
  });
});

describe("siren services", () => {
  it("turn_on without template publishes JSON with the parameters", () => {
    expect(call(toned, "turn_on", { tone: "ping", duration: 5, volume_level: 1 })).toEqual({
      ok: true,
      publishes: [{ topic: "siren/set", payload: '{"state":"ON","tone":"ping","duration":5,"volume_level":1.0}' }],
      optimistic: { state: "on", attributes: { duration: 5, tone: "ping", volume_level: 1 } },
    });
  });

  it("drops unsupported parameters and refuses unknown tones", () => {
    expect(call(base, "turn_on", { tone: "ping", duration: 5 })).toMatchObject({ publishes: [{ payload: '{"state":"ON","duration":5}' }] });
    expect(call(toned, "turn_on", { tone: "bell" })).toMatchObject({ ok: false });
    expect(call(toned, "turn_on", { tone: "2" })).toMatchObject({ ok: true, publishes: [{ payload: '{"state":"ON","tone":2}' }] });
    expect(call(toned, "turn_on", { volume_level: 2 })).toMatchObject({ ok: false });
  });

  it("turn_off and toggle", () => {
    expect(call(base, "turn_off", { tone: "x" })).toEqual({ ok: false, error: "extra keys not allowed @ data['tone']" });
    expect(call(base, "turn_off")).toMatchObject({ publishes: [{ payload: '{"state":"OFF"}' }], optimistic: { state: "off" } });
    expect(call(base, "toggle", {}, { state: "on", attributes: {} })).toMatchObject({ publishes: [{ payload: '{"state":"OFF"}' }] });
    expect(call(base, "toggle", {}, { state: "off", attributes: {} })).toMatchObject({ publishes: [{ payload: '{"state":"ON"}' }] });
  });
});

describe("siren templates", () => {
  it("command_template sees value and the parameters; command_off_template for off", () => {
    const raw = { ...toned, command_template: "{{ value }}:{{ tone }}:{{ volume_level }}", command_off_template: "{{ state }}!" };
    expect(call(raw, "turn_on", { tone: "ping", volume_level: 1 })).toMatchObject({ publishes: [{ payload: "ON:ping:1.0" }] });
    expect(call(raw, "turn_off")).toMatchObject({ publishes: [{ payload: "OFF!" }] });
  });

  it("no publish when the template renders nothing", () => {
    expect(call({ ...base, command_template: "{% if tone is defined %}{{ tone }}{% endif %}" }, "turn_on")).toMatchObject({ ok: true, publishes: [] });
  });

  it("state_value_template", () => {
    expect(decodeAll({ ...base, state_value_template: "{{ value_json.alarm }}" }, ['{"alarm":"ON"}']).value.state).toBe("on");
  });
});
