import { describe, expect, it } from "vitest";
import { buttonPlatform } from "./button";
import type { ExpandedConfig, ServiceData } from "./platform";
import { messageView, platformContext } from "./testing";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0, 250);

function press(raw: ExpandedConfig, data: ServiceData = {}) {
  const parsed = buttonPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return buttonPlatform.services.press?.(parsed.data, buttonPlatform.initialValue(parsed.data), data, platformContext(raw, { now: NOW }));
}

describe("button", () => {
  it("requires a command topic", () => {
    expect(buttonPlatform.schema.safeParse({ payload_press: "X" }).error?.issues.map((i) => i.message)).toEqual(["required key 'command_topic' missing"]);
  });

  it.each<[string, ExpandedConfig, string]>([
    ["sends PRESS by default", { command_topic: "b/set" }, "PRESS"],
    ["sends payload_press", { command_topic: "b/set", payload_press: "restart" }, "restart"],
    ["renders command_template with value", { command_topic: "b/set", payload_press: "go", command_template: '{"action": "{{ value }}"}' }, '{"action": "go"}'],
  ])("%s", (_name, raw, payload) => {
    // The state of a button is the time it was last pressed.
    expect(press(raw)).toEqual({
      ok: true,
      publishes: [{ topic: "b/set", payload }],
      optimistic: { state: "2026-11-22T12:00:00.250000+00:00", attributes: {} },
    });
  });

  it("refuses service data", () => {
    expect(press({ command_topic: "b/set" }, { value: 1 })).toEqual({ ok: false, error: "extra keys not allowed @ data['value']" });
  });

  it("has no state topic and ignores messages", () => {
    const parsed = buttonPlatform.schema.parse({ command_topic: "b/set" });
    expect(buttonPlatform.stateTopics(parsed)).toEqual([]);
    expect(buttonPlatform.decode(parsed, "state", messageView("b", "x"), { state: null, attributes: {} }, platformContext({})).kind).toBe("ignore");
    expect(buttonPlatform.isOptimistic(parsed)).toBe(true);
  });
});
