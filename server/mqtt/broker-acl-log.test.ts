import { describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { BrokerAcl } from "./broker-acl";

describe("ACL refusal logging", () => {
  it("logs one line per user and kind per minute, then counts what it held back", () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger("info", { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    let now = 1_000_000;
    const acl = new BrokerAcl({ log, rulesFor: () => [], protectedTopics: ["homeassistant/status"], now: () => now });
    for (let i = 0; i < 500; i++) acl.logDenied("publish", null, "looping-device", "homeassistant/status");
    acl.logDenied("subscribe", null, "looping-device", "#");
    acl.logDenied("publish", null, "other-device", "x");
    expect(lines.map((l) => [l.kind, l.username, l.suppressed])).toEqual([
      ["publish", "looping-device", undefined],
      ["subscribe", "looping-device", undefined],
      ["publish", "other-device", undefined],
    ]);
    now += 60_000;
    acl.logDenied("publish", null, "looping-device", "homeassistant/status");
    expect(lines.at(-1)).toMatchObject({ kind: "publish", username: "looping-device", suppressed: 499, msg: "mqtt publish refused by ACL" });
  });

  it("refuses the protected topic and the sink to everyone, even without rules", () => {
    const acl = new BrokerAcl({ log: createLogger("silent"), rulesFor: () => [], protectedTopics: ["hp/status"] });
    expect(acl.mayPublish(null, null, "hp/status")).toBe(false);
    expect(acl.mayPublish(null, null, "$hearth/denied")).toBe(false);
    expect(acl.mayPublish(null, null, "hp/other")).toBe(true);
  });
});
