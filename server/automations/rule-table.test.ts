// A table of rules, one per trigger, condition, action and mode: each is saved on one shared hub, driven
// through MQTT and the manual clock, and checked by what the hub publishes on `out/<rule>`.
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../testing/manual-clock";
import { startTestHub, type TestHub } from "../testing/test-hub";

const START = Date.UTC(2026, 10, 18, 10, 0, 0);

interface Ctx {
  t: TestHub;
  clock: ManualClock;
  pub: (topic: string, payload: string) => Promise<void>;
  out: (id: string) => string[];
}

interface Case {
  name: string;
  actions?: unknown[];
  rule: Record<string, unknown>;
  act: (c: Ctx) => Promise<void>;
  want: string[];
}

const publish = (id: string, payload: string) => ({ action: "mqtt.publish", data: { topic: `out/${id}`, payload } });
const mqttTrigger = (id: string, extra: Record<string, unknown> = {}) => ({ trigger: "mqtt", topic: `in/${id}`, ...extra });

const CASES: Case[] = [
  {
    name: "mqtt: wildcard topic, value_template and payload filter",
    rule: { triggers: [{ trigger: "mqtt", topic: "in/wild/+/x", value_template: "{{ value_json.on }}", payload: "True" }], actions: [publish("a", "{{ trigger.topic }}")] },
    act: async (c) => {
      await c.pub("in/wild/k1/x", '{"on": false}');
      await c.pub("in/wild/k2/x", '{"on": true}');
    },
    want: ["in/wild/k2/x"],
  },
  {
    name: "time_pattern: every 15 minutes",
    rule: { triggers: [{ trigger: "time_pattern", minutes: "/15" }], actions: [publish("a", "{{ trigger.now[11:16] }}")] },
    act: async (c) => {
      await c.clock.advance(16 * 60_000);
      await new Promise((r) => setTimeout(r, 50));
      await c.clock.advance(15 * 60_000);
    },
    want: ["10:15", "10:30"],
  },
  {
    name: "template trigger: fires when it becomes true",
    rule: { triggers: [{ trigger: "template", value_template: "{{ states('sensor.level_value') | float(0) > 50 }}" }], actions: [publish("a", "high")] },
    act: async (c) => {
      await c.pub("level/state", "40");
      await c.pub("level/state", "60");
      await c.pub("level/state", "70");
    },
    want: ["high"],
  },
  {
    name: "numeric_state: fires on crossing above, once",
    rule: { triggers: [{ trigger: "numeric_state", entity_id: "sensor.level_value", above: 80 }], actions: [publish("a", "{{ trigger.to_state.state }}")] },
    act: async (c) => {
      await c.pub("level/state", "79");
      await c.pub("level/state", "81");
      await c.pub("level/state", "90");
      await c.pub("level/state", "10");
      await c.pub("level/state", "85");
    },
    want: ["81", "85"],
  },
  {
    name: "event action and event trigger: one rule fires an event, another catches it",
    rule: { triggers: [{ trigger: "event", event_type: "hearth_test", event_data: { kind: "probe" } }], actions: [publish("a", "{{ trigger.event.data.n }}")] },
    act: async (c) => {
      const emitter = { id: "emitter", triggers: [mqttTrigger("ev")], actions: [{ event: "hearth_test", event_data: { n: "{{ trigger.payload }}", kind: "{{ 'probe' if trigger.payload != '0' else 'other' }}" } }] };
      await c.t.hub.api.automations.create({ source: JSON.stringify(emitter), format: "json", by: null });
      await c.pub("in/ev", "0");
      await c.pub("in/ev", "7");
      await c.t.hub.api.automations.setEnabled("emitter", false);
    },
    want: ["7"],
  },
  {
    name: "conditions: or / not / trigger id",
    rule: {
      triggers: [mqttTrigger("cond", { id: "one" }), { trigger: "mqtt", topic: "in/cond2", id: "two" }],
      conditions: [{ or: [{ condition: "trigger", id: "one" }, { not: [{ condition: "template", value_template: "{{ true }}" }] }] }],
      actions: [publish("a", "{{ trigger.id }}")],
    },
    act: async (c) => {
      await c.pub("in/cond2", "x");
      await c.pub("in/cond", "x");
    },
    want: ["one"],
  },
  {
    name: "repeat: count, for_each, while and until",
    rule: {
      triggers: [mqttTrigger("rep")],
      actions: [
        { repeat: { count: 2, sequence: [publish("a", "c{{ repeat.index }}")] } },
        { repeat: { for_each: ["x", "y"], sequence: [publish("a", "{{ repeat.item }}")] } },
        { variables: { n: 0 } },
        { repeat: { while: "{{ repeat.index <= 2 }}", sequence: [publish("a", "w{{ repeat.index }}")] } },
        { repeat: { until: "{{ repeat.index >= 2 }}", sequence: [publish("a", "u{{ repeat.index }}")] } },
      ],
    },
    act: async (c) => c.pub("in/rep", "go"),
    want: ["c1", "c2", "x", "y", "w1", "w2", "u1", "u2"],
  },
  {
    name: "if / then / else, choose default, variables, stop",
    rule: {
      // Queued: the second message must not find the first run still publishing (mode single would drop it).
      mode: "queued",
      triggers: [mqttTrigger("flow")],
      variables: { big: "{{ trigger.payload | int > 5 }}" },
      actions: [
        { if: [{ condition: "template", value_template: "{{ big }}" }], then: [publish("a", "big")], else: [publish("a", "small")] },
        { choose: [{ conditions: "{{ false }}", sequence: [publish("a", "never")] }], default: [publish("a", "default")] },
        { stop: "done here" },
        publish("a", "after stop"),
      ],
    },
    act: async (c) => {
      await c.pub("in/flow", "9");
      await c.pub("in/flow", "1");
    },
    want: ["big", "default", "small", "default"],
  },
  {
    name: "wait_template: goes on when it holds, stops on timeout without continue_on_timeout",
    rule: {
      mode: "parallel",
      triggers: [mqttTrigger("wait")],
      actions: [{ wait_template: "{{ is_state('sensor.level_value', trigger.payload) }}", timeout: 60, continue_on_timeout: false }, publish("a", "saw {{ trigger.payload }}")],
    },
    act: async (c) => {
      await c.pub("in/wait", "33");
      await c.pub("in/wait", "44");
      await c.pub("level/state", "33");
      await c.clock.advance(61_000);
    },
    want: ["saw 33"],
  },
  {
    name: "parallel branches and a condition action that stops the run",
    rule: {
      triggers: [mqttTrigger("par")],
      actions: [{ parallel: [publish("a", "p1"), { sequence: [{ delay: 5 }, publish("a", "p2")] }] }, { condition: "template", value_template: "{{ trigger.payload == 'go' }}" }, publish("a", "end")],
    },
    act: async (c) => {
      await c.pub("in/par", "stay");
      await c.clock.advance(5000);
    },
    want: ["p1", "p2"],
  },
  {
    name: "mode parallel with max: runs beyond max are refused",
    rule: { mode: "parallel", max: 2, max_exceeded: "silent", triggers: [mqttTrigger("max")], actions: [{ delay: 10 }, publish("a", "{{ trigger.payload }}")] },
    act: async (c) => {
      for (const p of ["1", "2", "3"]) await c.pub("in/max", p);
      await c.clock.advance(10_000);
    },
    want: ["1", "2"],
  },
  {
    name: "mode restart: a new trigger cancels the running one",
    rule: { mode: "restart", triggers: [mqttTrigger("restart")], actions: [{ delay: 10 }, publish("a", "{{ trigger.payload }}")] },
    act: async (c) => {
      await c.pub("in/restart", "first");
      await c.clock.advance(5000);
      await c.pub("in/restart", "second");
      await c.clock.advance(10_000);
    },
    want: ["second"],
  },
  {
    name: "disabled trigger and disabled action",
    rule: { triggers: [mqttTrigger("dis"), { ...mqttTrigger("dis2"), enabled: false }], actions: [{ ...publish("a", "no"), enabled: false }, publish("a", "yes")] },
    act: async (c) => {
      await c.pub("in/dis2", "x");
      await c.pub("in/dis", "x");
    },
    want: ["yes"],
  },
  {
    name: "templates: states('x') and the states.domain.object form, with attributes and name",
    rule: {
      triggers: [mqttTrigger("tpl")],
      actions: [publish("a", "{{ states('sensor.level_value') }}|{{ states.sensor.level_value.state }}|{{ states.sensor.level_value.name }}|{{ states.sensor.level_value.attributes.friendly_name }}|{{ is_state('sensor.level_value', '12') }}")],
    },
    act: async (c) => {
      await c.pub("level/state", "12");
      await c.pub("in/tpl", "x");
    },
    want: ["12|12|Level Value|Level Value|True"],
  },
  {
    name: "continue_on_error: a failing service call does not end the run",
    rule: { triggers: [mqttTrigger("err")], actions: [{ action: "light.turn_on", target: { entity_id: "light.nowhere" }, continue_on_error: true }, publish("a", "went on")] },
    act: async (c) => c.pub("in/err", "x"),
    want: ["went on"],
  },
];

describe("rule table", () => {
  let ctx: Ctx;
  const got = new Map<string, string[]>();
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    const clock = new ManualClock(START);
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, undefined, { clock });
    await t.hub.automations.ready;
    const c = await mqtt.connectAsync(t.mqttUrl, { reconnectPeriod: 0 });
    clients.push(c);
    c.on("message", (topic, payload) => {
      const id = topic.slice("out/".length);
      got.set(id, [...(got.get(id) ?? []), payload.toString()]);
    });
    await c.subscribeAsync("out/#");
    // A sensor for the state-based rows.
    await c.publishAsync("homeassistant/sensor/level/config", JSON.stringify({ name: "Value", unique_id: "level_v", state_topic: "level/state", device: { identifiers: ["level"], name: "Level" } }), { retain: true, qos: 1 });
    await c.publishAsync("level/state", "0", { retain: true, qos: 1 });
    const deadline = Date.now() + 5000;
    while (t.hub.api.states.find("sensor.level_value")?.state !== "0" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    ctx = {
      t,
      clock,
      pub: async (topic, payload) => {
        await c.publishAsync(topic, payload, { qos: 1 });
        // Let the hub take it in (states, triggers) before the next step.
        await new Promise((r) => setTimeout(r, 40));
        await clock.advance(0);
      },
      out: (id) => got.get(id) ?? [],
    };
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await ctx?.t.stop();
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))("%s", async (_name, i) => {
    const c = CASES[i]!;
    const id = `case_${i}`;
    // Each rule publishes on out/<its id>: its "a" topic is made unique here.
    const rule = JSON.parse(JSON.stringify({ id, ...c.rule }).replaceAll('"out/a"', `"out/${id}"`)) as Record<string, unknown>;
    await ctx.t.hub.api.automations.create({ source: JSON.stringify(rule), format: "json", by: null });
    await ctx.clock.advance(0);
    await c.act(ctx);
    // What the rule publishes arrives within a bounded wait (a loaded machine is slower, not different);
    // a little longer after that, so a publish too many would show.
    const deadline = Date.now() + 5000;
    while (ctx.out(id).length < c.want.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      await ctx.clock.advance(0);
    }
    await new Promise((r) => setTimeout(r, 150));
    await ctx.clock.advance(0);
    expect(ctx.out(id)).toEqual(c.want);
    // Each row's rule is turned off afterwards: later rows' traffic must not reach it.
    await ctx.t.hub.api.automations.setEnabled(id, false);
  });
});
