import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { RuleDocument } from "./rule-document";

const RULE = `# Hall light when a door opens after dark
alias: Door after sunset
mode: restart
triggers:
  - trigger: mqtt
    topic: zigbee2mqtt/+/contact   # every door sensor
    payload: "false"
conditions:
  - condition: sun
    after: sunset   # sunset where the home is
actions:
  - action: mqtt.publish
    data: { topic: hall/light/set, payload: "ON" }

  # wait, then off again
  - delay: "00:05:00"
  - action: mqtt.publish
    data: { topic: hall/light/set, payload: "OFF" }
`;

function read(text: string): RuleDocument {
  const r = RuleDocument.read(text);
  if (!r.ok) throw new Error(r.error);
  return r.doc;
}

describe("RuleDocument", () => {
  it("changes a scalar and leaves every other byte as typed", () => {
    const doc = read(RULE);
    const out = doc.set(["triggers", 0, "topic"], "zigbee2mqtt/front_door/contact");
    expect(out).toBe(RULE.replace("zigbee2mqtt/+/contact", "zigbee2mqtt/front_door/contact"));
    expect(read(out).set(["actions", 1, "delay"], "00:10:00")).toBe(RULE.replace("zigbee2mqtt/+/contact", "zigbee2mqtt/front_door/contact").replace('"00:05:00"', '"00:10:00"'));
    // Inside a flow mapping too.
    expect(doc.set(["actions", 0, "data", "payload"], "TOGGLE")).toBe(RULE.replace('payload: "ON"', 'payload: "TOGGLE"'));
  });

  it("keeps a string a string: a payload typed as true or 5 is quoted", () => {
    const doc = read("triggers:\n  - trigger: mqtt\n    topic: a/b\n    payload: open\nactions: []\n");
    const out = doc.set(["triggers", 0, "payload"], "true");
    expect(out).toBe('triggers:\n  - trigger: mqtt\n    topic: a/b\n    payload: "true"\nactions: []\n');
    expect(parse(doc.set(["triggers", 0, "payload"], "5")).triggers[0].payload).toBe("5");
    expect(parse(doc.set(["triggers", 0, "payload"], "a: b # c")).triggers[0].payload).toBe("a: b # c");
    // The empty string a new item starts with is quoted only for being empty.
    expect(read('x: ""\n').set(["x"], "light.hall")).toBe("x: light.hall\n");
  });

  it("writes numbers as numbers, and a number over a string", () => {
    const doc = read("triggers:\n  - trigger: numeric_state\n    entity_id: sensor.t\n    above: 20 # warm\nactions: []\n");
    expect(doc.set(["triggers", 0, "above"], 25.5)).toBe("triggers:\n  - trigger: numeric_state\n    entity_id: sensor.t\n    above: 25.5 # warm\nactions: []\n");
  });

  it("adds, removes and moves items keeping the comments", () => {
    const doc = read(RULE);
    const added = doc.add("conditions", { condition: "state", entity_id: "input_boolean.guest", state: "off" });
    expect(added).toContain("# sunset where the home is");
    expect(added).toContain("# Hall light when a door opens after dark");
    expect(parse(added).conditions).toEqual([{ condition: "sun", after: "sunset" }, { condition: "state", entity_id: "input_boolean.guest", state: "off" }]);

    const removed = doc.remove("actions", 0);
    expect((parse(removed) as { actions: Array<Record<string, unknown>> }).actions.map((a) => Object.keys(a)[0])).toEqual(["delay", "action"]);
    expect(removed).toContain("# every door sensor");

    const moved = doc.move("actions", 2, -1);
    expect(parse(moved).actions[1]).toEqual({ action: "mqtt.publish", data: { topic: "hall/light/set", payload: "OFF" } });
    // Past either end: nothing changes, not a byte.
    expect(doc.move("actions", 0, -1)).toBe(RULE);
    expect(doc.move("actions", 2, 1)).toBe(RULE);
  });

  it("writes an item added to an emptied list as a block", () => {
    const doc = read(RULE);
    const emptied = read(doc.remove("conditions", 0));
    expect(emptied.text).toContain("conditions: []");
    const out = emptied.add("conditions", { condition: "state", entity_id: "binary_sensor.door", state: "off" });
    expect(out).toContain("conditions:\n  - condition: state\n    entity_id: binary_sensor.door\n    state: \"off\"\n");
  });

  it("makes a missing section, and turns a single item into a list", () => {
    const doc = read("alias: x\ntrigger:\n  platform: mqtt # old style\n  topic: a\naction:\n  service: light.turn_on\n");
    expect(doc.sectionKey("triggers")).toBe("trigger");
    expect(doc.items("triggers")).toEqual([{ platform: "mqtt", topic: "a" }]);
    const out = doc.add("triggers", { trigger: "mqtt", topic: "b" });
    expect(parse(out).trigger).toEqual([{ platform: "mqtt", topic: "a" }, { trigger: "mqtt", topic: "b" }]);
    expect(out).toContain("# old style");
    const withCondition = doc.add("conditions", { condition: "template", value_template: "{{ true }}" });
    expect(parse(withCondition).conditions).toEqual([{ condition: "template", value_template: "{{ true }}" }]);
  });

  it("edits HA's automations.yaml list of one rule, and JSON", () => {
    const doc = read("- id: '1'\n  alias: x\n  triggers: []\n  actions: []\n");
    expect(doc.value.alias).toBe("x");
    expect(doc.set(["alias"], "Door")).toBe("- id: '1'\n  alias: Door\n  triggers: []\n  actions: []\n");
    // `y` is true to YAML 1.1, which Home Assistant reads: it is quoted.
    expect(doc.set(["alias"], "y")).toBe("- id: '1'\n  alias: \"y\"\n  triggers: []\n  actions: []\n");
    const json = read('{"alias": "x", "triggers": [{"trigger": "mqtt", "topic": "a"}], "actions": []}');
    expect(parse(json.set(["triggers", 0, "topic"], "b/c")).triggers[0].topic).toBe("b/c");
  });

  it("removes a key when the value is undefined; refuses text that is not one rule", () => {
    const doc = read(RULE);
    expect(parse(doc.set(["triggers", 0, "payload"], undefined)).triggers[0]).toEqual({ trigger: "mqtt", topic: "zigbee2mqtt/+/contact" });
    expect(RuleDocument.read("a: [").ok).toBe(false);
    expect(RuleDocument.read("- a\n- b\n").ok).toBe(false);
    expect(RuleDocument.read("just text").ok).toBe(false);
    expect(RuleDocument.read("").ok).toBe(true);
  });
});
