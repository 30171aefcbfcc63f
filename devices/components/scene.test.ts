import { describe, expect, it } from "vitest";
import type { ExpandedConfig, ServiceData } from "./platform";
import { scenePlatform } from "./scene";
import { platformContext } from "./testing";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

function activate(raw: ExpandedConfig, service = "turn_on", data: ServiceData = {}) {
  const parsed = scenePlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return scenePlatform.services[service]?.(parsed.data, scenePlatform.initialValue(parsed.data), data, platformContext(raw, { now: NOW }));
}

describe("scene", () => {
  it("requires a command topic", () => {
    expect(scenePlatform.schema.safeParse({}).error?.issues.map((i) => i.message)).toEqual(["required key 'command_topic' missing"]);
  });

  it.each<[string, ExpandedConfig, string, string]>([
    ["turn_on sends ON by default", { command_topic: "sc/set" }, "turn_on", "ON"],
    ["payload_on is sent as configured", { command_topic: "sc/set", payload_on: '{"scene": 3}' }, "turn_on", '{"scene": 3}'],
    ["activate is the same service", { command_topic: "sc/set", payload_on: 3 }, "activate", "3"],
  ])("%s", (_name, raw, service, payload) => {
    expect(activate(raw, service)).toEqual({
      ok: true,
      publishes: [{ topic: "sc/set", payload }],
      optimistic: { state: "2026-11-22T12:00:00+00:00", attributes: {} },
    });
  });

  it("accepts a transition (ignored) and refuses other data", () => {
    expect(activate({ command_topic: "sc/set" }, "turn_on", { transition: 2 })).toMatchObject({ ok: true });
    expect(activate({ command_topic: "sc/set" }, "turn_on", { brightness: 2 })).toEqual({ ok: false, error: "extra keys not allowed @ data['brightness']" });
  });
});
