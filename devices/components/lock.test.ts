import { describe, expect, it } from "vitest";
import { lockPlatform } from "./lock";
import type { ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";

const base = { command_topic: "door/set", state_topic: "door/state" };

function setup(raw: ExpandedConfig) {
  const parsed = lockPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, payloads: string[]) {
  const { config, ctx } = setup(raw);
  let value = lockPlatform.initialValue(config);
  const results = payloads.map((payload) => {
    const result = lockPlatform.decode(config, "state_topic", messageView("door/state", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result;
  });
  return { value, results };
}

describe("lock schema", () => {
  it.each([
    [{ state_topic: "x" }, "required key 'command_topic' missing"],
    [{ command_topic: "a/+/set" }, "wildcards are not allowed in a publish topic"],
    [{ command_topic: "a", code_format: "([0-9" }, "code_format is not a valid regular expression"],
  ])("rejects %j", (raw, message) => {
    const parsed = lockPlatform.schema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toContain(message);
  });

  it("applies HA's defaults and keeps unknown keys", () => {
    const { config } = setup({ command_topic: "a", name: "Door", payload_lock: 1 });
    expect(config).toMatchObject({ payload_lock: "1", payload_unlock: "UNLOCK", state_locked: "LOCKED", payload_reset: "None", name: "Door" });
  });
});

describe("lock state", () => {
  it.each([
    ["LOCKED", "locked"],
    ["UNLOCKED", "unlocked"],
    ["LOCKING", "locking"],
    ["UNLOCKING", "unlocking"],
    ["JAMMED", "jammed"],
    ["OPEN", "open"],
    ["OPENING", "opening"],
  ])("%s → %s", (payload, state) => {
    expect(decodeAll(base, [payload]).value.state).toBe(state);
  });

  it("keeps the state on unknown and empty payloads and resets on 'None'", () => {
    const { value, results } = decodeAll(base, ["LOCKED", "locked", "  ", "None"]);
    expect(results.map((r) => r.kind)).toEqual(["update", "ignore", "ignore", "update"]);
    expect(value.state).toBeNull();
  });

  it("uses configured state strings (Z2M LOCK/UNLOCK)", () => {
    const raw = { ...base, state_locked: "LOCK", state_unlocked: "UNLOCK" };
    expect(decodeAll(raw, ["UNLOCK"]).value.state).toBe("unlocked");
    expect(decodeAll(raw, ["LOCK"]).value.state).toBe("locked");
    expect(decodeAll(raw, ["LOCKED"]).results[0]?.kind).toBe("ignore");
  });

  it("gives jammed precedence when two state strings coincide", () => {
    expect(decodeAll({ ...base, state_jammed: "X", state_locked: "X" }, ["X"]).value.state).toBe("jammed");
  });

  it("subscribes only when there is a state topic; otherwise optimistic", () => {
    const withTopic = setup(base).config;
    const without = setup({ command_topic: "a" }).config;
    expect(lockPlatform.stateTopics(withTopic)).toEqual([{ role: "state_topic", topic: "door/state" }]);
    expect(lockPlatform.stateTopics(without)).toEqual([]);
    expect(lockPlatform.isOptimistic(withTopic)).toBe(false);
    expect(lockPlatform.isOptimistic(without)).toBe(true);
    expect(lockPlatform.isOptimistic(setup({ ...base, optimistic: "true" }).config)).toBe(true);
  });
});

describe("lock services", () => {
  const call = (raw: ExpandedConfig, service: string, data: Record<string, unknown> = {}) => {
    const { config, ctx } = setup(raw);
    const handler = lockPlatform.services[service];
    if (!handler) throw new Error(`no service ${service}`);
    return handler(config, lockPlatform.initialValue(config), data, ctx);
  };

  it.each([
    ["lock", "LOCK", "locked"],
    ["unlock", "UNLOCK", "unlocked"],
  ])("%s publishes %s", (service, payload, state) => {
    expect(call(base, service)).toEqual({ ok: true, publishes: [{ topic: "door/set", payload }], optimistic: { state, attributes: {} } });
  });

  it("open needs payload_open", () => {
    expect(call(base, "lock", { pin: "1" })).toEqual({ ok: false, error: "extra keys not allowed @ data['pin']" });
    expect(call(base, "open")).toEqual({ ok: false, error: "this lock does not support open" });
    expect(call({ ...base, payload_open: "OPEN_DOOR" }, "open")).toMatchObject({ ok: true, publishes: [{ payload: "OPEN_DOOR" }] });
  });

  it("checks the code against code_format", () => {
    const raw = { ...base, code_format: "^\\d{4}$" };
    expect(call(raw, "lock", { code: "12a4" })).toEqual({ ok: false, error: "Code '12a4' for locking doesn't match pattern ^\\d{4}$" });
    expect(call(raw, "unlock")).toMatchObject({ ok: false });
    expect(call(raw, "unlock", { code: 1234 })).toMatchObject({ ok: true, publishes: [{ payload: "UNLOCK" }] });
  });

  it("reports supported features and code_format", () => {
    expect(lockPlatform.staticAttributes(setup(base).config)).toEqual({ supported_features: 0 });
    expect(lockPlatform.staticAttributes(setup({ ...base, payload_open: "O", code_format: "\\d+" }).config)).toEqual({
      code_format: "\\d+",
      supported_features: 1,
    });
  });
});

describe("lock templates", () => {
  it("corpus z2m-lock: value_template on the device JSON, Z2M state strings, LOCK command", () => {
    const raw = {
      availability: [{ topic: "zigbee2mqtt/bridge/state", value_template: "{{ value_json.state }}" }],
      command_topic: "zigbee2mqtt/front_door_lock/set",
      default_entity_id: "lock.front_door_lock",
      name: null,
      object_id: "front_door_lock",
      state_locked: "LOCK",
      state_topic: "zigbee2mqtt/front_door_lock",
      state_unlocked: "UNLOCK",
      unique_id: "0x000d6f0011a2b3c4_lock_zigbee2mqtt",
      value_template: '{{ value_json["state"] }}',
    };
    const { config, ctx } = setup(raw);
    const message = messageView("zigbee2mqtt/front_door_lock", '{"battery":78,"linkquality":102,"lock_state":"unlocked","state":"UNLOCK"}');
    const result = lockPlatform.decode(config, "state_topic", message, lockPlatform.initialValue(config), ctx);
    expect(result).toEqual({ kind: "update", value: { state: "unlocked", attributes: {} } });
    expect(lockPlatform.services.lock?.(config, { state: "unlocked", attributes: {} }, {}, ctx)).toMatchObject({
      ok: true,
      publishes: [{ topic: "zigbee2mqtt/front_door_lock/set", payload: "LOCK" }],
    });
  });

  it("a missing key in the template is no update", () => {
    const raw = { ...base, value_template: "{{ value_json.state }}" };
    const { value, results } = decodeAll(raw, ['{"state":"LOCKED"}', '{"battery":3}']);
    expect(results.map((r) => r.kind)).toEqual(["update", "ignore"]);
    expect(value.state).toBe("locked");
  });

  it("renders command_template with value and code", () => {
    const { config, ctx } = setup({ ...base, command_template: '{"action":"{{ value }}","code":"{{ code }}"}' });
    expect(lockPlatform.services.unlock?.(config, { state: null, attributes: {} }, { code: "42" }, ctx)).toMatchObject({
      publishes: [{ payload: '{"action":"UNLOCK","code":"42"}' }],
    });
    expect(lockPlatform.services.lock?.(config, { state: null, attributes: {} }, {}, ctx)).toMatchObject({
      publishes: [{ payload: '{"action":"LOCK","code":"None"}' }],
    });
  });
});
