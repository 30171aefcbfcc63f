import { describe, expect, it } from "vitest";
import { parseAutomation } from "./config";
import { issuesOf, parseOk } from "./config-testing";

describe("never throws", () => {
  it.each([[null], [undefined], [42], ["triggers"], [[]], [true]])("refuses %j as a rule", (input) => {
    const outcome = parseAutomation(input, "x");
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.issues[0]?.message).toMatch(/^an automation must be a mapping/);
  });

  it("takes an empty `triggers:` (null) as no triggers, and cuts long values short in messages", () => {
    expect(parseOk({ triggers: null, conditions: null, actions: null })).toMatchObject({ triggers: [], conditions: [], actions: [] });
    const [issue] = issuesOf({ triggers: ["x".repeat(500)], actions: [] });
    expect(issue?.message.length).toBeLessThan(200);
    expect(issue?.message).toMatch(/x…$/);
  });

  it("survives garbage in every slot", () => {
    for (const junk of [null, 0, "x", [], {}, [[]], [null], [{ trigger: {} }], { a: { b: {} } }]) {
      const outcome = parseAutomation({ triggers: junk, conditions: junk, actions: junk, variables: junk, mode: junk, max: junk }, "x");
      expect(typeof outcome.ok).toBe("boolean");
    }
  });

  it("stops at 50 levels of nesting", () => {
    let actions: unknown = { delay: 1 };
    for (let i = 0; i < 60; i++) actions = { sequence: [actions] };
    const issues = issuesOf({ triggers: [], actions: [actions] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe("nested too deeply (more than 50 levels)");
    expect(issues[0]?.path).toMatch(/^actions\[0\](\.sequence\[0\])+$/);

    let condition: unknown = "{{ x }}";
    for (let i = 0; i < 60; i++) condition = { not: condition };
    expect(issuesOf({ triggers: [], conditions: condition, actions: [] })[0]?.message).toBe("nested too deeply (more than 50 levels)");
  });

  it("survives cycles (YAML aliases can make them)", () => {
    const loop: Record<string, unknown> = { condition: "and" };
    loop.conditions = [loop];
    const seq: Record<string, unknown> = {};
    seq.sequence = [seq];
    const issues = issuesOf({ triggers: [], conditions: [loop], actions: [seq] });
    expect(new Set(issues.map((issue) => issue.message))).toEqual(new Set(["nested too deeply (more than 50 levels)"]));
  });

  it("reads only own keys", () => {
    const input = JSON.parse('{"triggers": [], "actions": [], "__proto__": {"mode": "parallel"}}') as unknown;
    expect(issuesOf(input)).toEqual([{ path: "__proto__", message: "unknown option '__proto__'" }]);
    // Names of Object.prototype members are not kinds of anything.
    expect(issuesOf({ triggers: [{ trigger: "constructor" }], conditions: [{ condition: "toString" }], actions: [], max_exceeded: "constructor" })).toEqual([
      { path: "max_exceeded", message: 'must be silent or a log level (critical, error, warning, info, debug), got "constructor"' },
      { path: "triggers[0].trigger", message: expect.stringMatching(/^unknown trigger 'constructor'/) as unknown },
      { path: "conditions[0].condition", message: expect.stringMatching(/^unknown condition 'toString'/) as unknown },
    ]);
  });
});

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  "trigger", "platform", "triggers", "condition", "conditions", "action", "actions", "service", "entity_id", "to", "from", "for",
  "at", "topic", "payload", "delay", "choose", "sequence", "default", "if", "then", "else", "repeat", "count", "while", "parallel",
  "data", "target", "and", "or", "not", "state", "above", "below", "minutes", "hours", "event", "stop", "wait_for_trigger", "enabled",
];
const WORDS = ["state", "mqtt", "time", "and", "or", "template", "light.x", "on", "00:05:00", "{{ x }}", "25:00", "/5", "*", "sunset", "", "mqtt/#"];

function junk(next: () => number, depth: number): unknown {
  const roll = next();
  if (depth > 6 || roll < 0.3) {
    const scalars = [null, true, 0, -1, 1.5, WORDS[Math.floor(next() * WORDS.length)]];
    return scalars[Math.floor(next() * scalars.length)];
  }
  if (roll < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => junk(next, depth + 1));
  const entries = Array.from({ length: 1 + Math.floor(next() * 4) }, () => [KEYS[Math.floor(next() * KEYS.length)] ?? "x", junk(next, depth + 1)]);
  return Object.fromEntries(entries);
}

describe("fuzz", () => {
  it("never throws, even inside, and always explains a refusal", () => {
    const next = random(20_240_601);
    for (let i = 0; i < 2000; i++) {
      const input = { triggers: junk(next, 0), conditions: junk(next, 0), actions: junk(next, 0) };
      const outcome = parseAutomation(input, "fuzz");
      if (!outcome.ok) {
        expect(outcome.issues.length).toBeGreaterThan(0);
        // The last-resort catch in parseAutomation must never be what answered.
        for (const issue of outcome.issues) expect(issue.message).not.toMatch(/^$|^could not read the automation/);
      }
    }
  });
});
