import { describe, expect, it } from "vitest";
import type { EntityValue, ExpandedConfig } from "./platform";
import { messageView, platformContext } from "./testing";
import { isNewerVersion, updatePlatform } from "./update";

function setup(raw: ExpandedConfig) {
  const parsed = updatePlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return { config: parsed.data, ctx: platformContext(raw) };
}

function decodeAll(raw: ExpandedConfig, messages: Array<[string, string]>) {
  const { config, ctx } = setup(raw);
  let value = updatePlatform.initialValue(config);
  const kinds = messages.map(([role, payload]) => {
    const result = updatePlatform.decode(config, role, messageView("fw", payload), value, ctx);
    if (result.kind === "update") value = result.value;
    return result.kind;
  });
  return { value, kinds };
}

function call(raw: ExpandedConfig, service: string, current: EntityValue, data: Record<string, unknown> = {}) {
  const { config, ctx } = setup(raw);
  const handler = updatePlatform.services[service];
  if (!handler) throw new Error(`no service ${service}`);
  return handler(config, current, data, ctx);
}

const base = { state_topic: "fw/state", command_topic: "fw/cmd", payload_install: "install" };

describe("version comparison", () => {
  it.each([
    ["1.2.4", "1.2.3", true],
    ["1.2.3", "1.2.4", false],
    ["1.10", "1.9", true],
    ["2.0.0", "2.0.0b3", true],
    ["2.0.0rc1", "2.0.0b3", true],
    ["v1.3", "1.2.9", true],
    ["16777242", "16777241", true],
    ["abc", "1.0", undefined],
  ])("%s > %s: %s", (latest, installed, newer) => {
    expect(isNewerVersion(latest, installed)).toBe(newer);
  });
});

describe("update state", () => {
  it("plain payload is the installed version; state needs both versions", () => {
    const { value } = decodeAll(base, [["state_topic", "1.0.0"]]);
    expect(value.state).toBeNull();
    expect(value.attributes).toMatchObject({ installed_version: "1.0.0", latest_version: null, in_progress: false });
  });

  it.each([
    ['{"installed_version":"1.0.0","latest_version":"1.1.0"}', "on"],
    ['{"installed_version":"1.1.0","latest_version":"1.1.0"}', "off"],
    ['{"installed_version":"1.2.0","latest_version":"1.1.0"}', "off"],
    ['{"installed_version":"rev-a","latest_version":"rev-b"}', "on"],
  ])("%s → %s", (payload, state) => {
    expect(decodeAll(base, [["state_topic", payload]]).value.state).toBe(state);
  });

  it("JSON payload fields, progress and release info", () => {
    const payload = JSON.stringify({
      installed_version: "1.0.0",
      latest_version: "1.1.0",
      title: "Firmware",
      release_summary: "x".repeat(300),
      release_url: "https://example.com/notes",
      update_percentage: 42,
    });
    const { value } = decodeAll({ ...base, display_precision: 1 }, [["state_topic", payload]]);
    expect(value).toEqual({
      state: "on",
      attributes: {
        auto_update: false,
        display_precision: 1,
        installed_version: "1.0.0",
        in_progress: true,
        latest_version: "1.1.0",
        release_summary: "x".repeat(255),
        release_url: "https://example.com/notes",
        skipped_version: null,
        title: "Firmware",
        update_percentage: 42,
      },
    });
    expect(decodeAll(base, [["state_topic", payload], ["state_topic", '{"update_percentage":null}']]).value.attributes).toMatchObject({ in_progress: false, update_percentage: null });
  });

  it("HA's schema drops payloads with unknown keys or null versions", () => {
    expect(decodeAll(base, [["state_topic", '{"installed_version":"1","progress":3}']]).kinds).toEqual(["reject"]);
    expect(decodeAll(base, [["state_topic", '{"installed_version":null}']]).kinds).toEqual(["reject"]);
    expect(decodeAll(base, [["state_topic", '{"release_url":"not a url"}']]).kinds).toEqual(["reject"]);
    expect(decodeAll(base, [["state_topic", ""], ["state_topic", "{}"]]).kinds).toEqual(["ignore", "ignore"]);
  });

  it("config title/summary/url apply until the payload says otherwise", () => {
    const { value } = decodeAll({ ...base, title: "Cfg title", release_url: "https://cfg" }, [["state_topic", '{"title":"New"}']]);
    expect(value.attributes).toMatchObject({ title: "New", release_url: "https://cfg" });
  });

  it("latest_version_topic", () => {
    const raw = { ...base, latest_version_topic: "fw/latest" };
    expect(updatePlatform.stateTopics(setup(raw).config).map((t) => t.role)).toEqual(["state_topic", "latest_version_topic"]);
    expect(decodeAll(raw, [["state_topic", "1.0"], ["latest_version_topic", "1.1"], ["latest_version_topic", ""]])).toMatchObject({ value: { state: "on" }, kinds: ["update", "update", "ignore"] });
  });
});

describe("update services", () => {
  const available = decodeAll(base, [["state_topic", '{"installed_version":"1.0","latest_version":"1.1"}']]).value;

  it("install publishes payload_install", () => {
    expect(call(base, "install", available)).toEqual({ ok: true, publishes: [{ topic: "fw/cmd", payload: "install" }] });
    expect(updatePlatform.staticAttributes(setup(base).config)).toEqual({ supported_features: 5 });
  });

  it("install refuses without an update, a command topic, or with a version", () => {
    const current = decodeAll(base, [["state_topic", '{"installed_version":"1.1","latest_version":"1.1"}']]).value;
    expect(call(base, "install", current)).toEqual({ ok: false, error: "No update available" });
    expect(call({ state_topic: "s" }, "install", available)).toMatchObject({ ok: false });
    expect(call(base, "install", available, { version: "1.1" })).toMatchObject({ ok: false });
  });

  it("skip turns the entity off until a newer version appears", () => {
    const skipped = call(base, "skip", available);
    expect(skipped).toMatchObject({ ok: true, publishes: [], optimistic: { state: "off", attributes: { skipped_version: "1.1" } } });
    if (!skipped.ok || !skipped.optimistic) throw new Error("skip failed");
    const { config, ctx } = setup(base);
    const next = updatePlatform.decode(config, "state_topic", messageView("fw", '{"latest_version":"1.2"}'), skipped.optimistic, ctx);
    expect(next).toMatchObject({ kind: "update", value: { state: "on", attributes: { skipped_version: null } } });
    expect(call(base, "clear_skipped", skipped.optimistic)).toMatchObject({ optimistic: { state: "on" } });
  });
});

describe("update templates", () => {
  it("Shelly-style value and latest templates on one topic", () => {
    const raw = {
      ...base,
      value_template: "{{ value_json['update'].old_version }}",
      latest_version_topic: "fw/state",
      latest_version_template: "{% if value_json['update'].new_version %}{{ value_json['update'].new_version }}{% else %}{{ value_json['update'].old_version }}{% endif %}",
    };
    const payload = '{"update":{"old_version":"20230913-112003","new_version":"20231107-162425"}}';
    expect(decodeAll(raw, [["state_topic", payload], ["latest_version_topic", payload]]).value).toMatchObject({
      state: "on",
      attributes: { installed_version: "20230913-112003", latest_version: "20231107-162425" },
    });
  });
});
