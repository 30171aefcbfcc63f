import { describe, expect, it } from "vitest";
import { notifyPlatform } from "./notify";
import type { ExpandedConfig } from "./platform";
import { platformContext } from "./testing";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0, 0);

function send(raw: ExpandedConfig, data: Record<string, unknown>) {
  const parsed = notifyPlatform.schema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.message);
  return notifyPlatform.services.send_message?.(parsed.data, notifyPlatform.initialValue(parsed.data), data, platformContext(raw, { now: NOW }));
}

describe("notify", () => {
  it("requires command_topic", () => {
    expect(notifyPlatform.schema.safeParse({}).error?.issues[0]?.message).toBe("required key 'command_topic' missing");
  });

  it("publishes the message; the state is the time it was sent", () => {
    expect(send({ command_topic: "lcd/text" }, { message: "Hello", title: "Hi" })).toEqual({
      ok: true,
      publishes: [{ topic: "lcd/text", payload: "Hello" }],
      optimistic: { state: "2026-11-22T12:00:00+00:00", attributes: {} },
    });
    const parsed = notifyPlatform.schema.parse({ command_topic: "lcd/text" });
    expect(notifyPlatform.isOptimistic(parsed)).toBe(true);
    expect(notifyPlatform.stateTopics(parsed)).toEqual([]);
  });

  it("refuses a missing message and unknown keys", () => {
    expect(send({ command_topic: "t" }, {})).toEqual({ ok: false, error: "required key 'message' missing" });
    expect(send({ command_topic: "t" }, { message: "x", target: "all" })).toEqual({ ok: false, error: "extra keys not allowed @ data['target']" });
  });

  it("command_template sees value, message and title", () => {
    const raw = { command_topic: "t", command_template: '{"text":"{{ value }}","title":"{{ title }}","m":"{{ message }}"}' };
    expect(send(raw, { message: "Door open", title: "Alert" })).toMatchObject({ publishes: [{ payload: '{"text":"Door open","title":"Alert","m":"Door open"}' }] });
    expect(send(raw, { message: "x" })).toMatchObject({ publishes: [{ payload: '{"text":"x","title":"None","m":"x"}' }] });
  });
});
