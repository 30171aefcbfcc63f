import { describe, expect, it } from "vitest";
import { actionIssues, oneAction } from "./config-testing";

const base = { alias: undefined, enabled: true, continueOnError: false };
const noTarget = { entityIds: [], deviceIds: [], areaIds: [] };
const call = (service: string, entityIds: string[] = []) => ({
  ...base,
  kind: "service",
  service,
  target: { ...noTarget, entityIds },
  data: {},
  responseVariable: undefined,
});

describe("service actions", () => {
  it("reads action, target, data and response_variable", () => {
    expect(
      oneAction({
        action: "Climate.Set_Temperature",
        alias: "Warm up",
        continue_on_error: true,
        target: { entity_id: ["climate.living"], device_id: "dev1", area_id: ["kitchen", "hall"] },
        data: { temperature: 21, hvac_mode: "{{ mode }}" },
        response_variable: "result",
      }),
    ).toEqual({
      alias: "Warm up",
      enabled: true,
      continueOnError: true,
      kind: "service",
      service: "climate.set_temperature",
      target: { entityIds: ["climate.living"], deviceIds: ["dev1"], areaIds: ["kitchen", "hall"] },
      data: { temperature: 21, hvac_mode: "{{ mode }}" },
      responseVariable: "result",
    });
  });

  it("accepts legacy service, service_template, data_template and top-level entity_id", () => {
    expect(oneAction({ service: "light.turn_on", entity_id: "light.a, light.b" })).toEqual(call("light.turn_on", ["light.a", "light.b"]));
    expect(oneAction({ service_template: "{{ 'light.turn_' ~ state }}", data_template: { brightness: "{{ b }}" } })).toEqual({
      ...call("{{ 'light.turn_' ~ state }}"),
      data: { brightness: "{{ b }}" },
    });
    // data_template's keys win over data's, as HA merges them.
    expect(oneAction({ action: "light.turn_on", data: { a: 1, b: 1 }, data_template: { b: 2 } })).toMatchObject({ data: { a: 1, b: 2 } });
  });

  it("moves entity_id, device_id and area_id from data into the target", () => {
    expect(oneAction({ action: "light.turn_on", target: { entity_id: "light.a" }, data: { entity_id: ["light.a", "light.b"], area_id: "den", brightness: 5 } })).toEqual({
      ...call("light.turn_on"),
      target: { entityIds: ["light.a", "light.b"], deviceIds: [], areaIds: ["den"] },
      data: { brightness: 5 },
    });
  });

  it("keeps templated and special targets", () => {
    expect(oneAction({ action: "light.turn_off", target: { entity_id: "all" } })).toEqual(call("light.turn_off", ["all"]));
    expect(oneAction({ action: "light.turn_off", target: { entity_id: "{{ lights | join(',') }}" } })).toEqual(
      call("light.turn_off", ["{{ lights | join(',') }}"]),
    );
  });

  it("drops the frontend's metadata", () => {
    expect(oneAction({ action: "scene.turn_on", metadata: {}, target: { entity_id: "scene.evening" } })).toEqual(call("scene.turn_on", ["scene.evening"]));
  });

  it("reports bad names, both spellings, bad targets and unsupported shapes", () => {
    expect(actionIssues({ action: "turn on the light" })).toEqual([
      { path: "actions[0].action", message: 'not a valid action: "turn on the light" (expected domain.action, e.g. light.turn_on)' },
    ]);
    expect(actionIssues({ action: "light.turn_on", service: "light.turn_on" })).toEqual([
      { path: "actions[0].service", message: "use either 'action' or 'service', not both" },
    ]);
    expect(actionIssues({ action: "light.turn_on", target: { entity_id: "kitchen", floor_id: "f1", entity: "x" }, data: "{{ d }}" })).toEqual([
      { path: "actions[0].target.entity_id", message: 'not a valid entity id: "kitchen" (expected domain.name, e.g. light.kitchen)' },
      { path: "actions[0].target.floor_id", message: "floor_id targets are not supported; list the entities, devices or areas" },
      { path: "actions[0].target.entity", message: "unknown option 'entity'; did you mean 'entity_id'?" },
      { path: "actions[0].data", message: "a template for the whole of data is not supported; template each value instead" },
    ]);
    expect(actionIssues({ action: "light.turn_on", data: { entity_id: 5 }, data_template: { device_id: ["d1", ""] } })).toEqual([
      { path: "actions[0].data.entity_id", message: "must be an entity id, got 5" },
      { path: "actions[0].data_template.device_id[1]", message: 'must be an id (device_id), got ""' },
    ]);
    expect(actionIssues({ action: "light.turn_on", targt: {} })).toEqual([{ path: "actions[0].targt", message: "unknown option 'targt'; did you mean 'target'?" }]);
  });
});

describe("delay, waits, event, scene, variables, stop", () => {
  it("delay in every form", () => {
    expect(oneAction({ delay: "00:00:05" })).toEqual({ ...base, kind: "delay", duration: { ms: 5000 } });
    expect(oneAction({ delay: 2.5 })).toMatchObject({ duration: { ms: 2500 } });
    expect(oneAction({ delay: { minutes: 1 } })).toMatchObject({ duration: { ms: 60_000 } });
    expect(oneAction({ delay: "{{ states('input_number.d') | int }}" })).toMatchObject({ duration: { template: "{{ states('input_number.d') | int }}" } });
    expect(actionIssues({ delay: null })).toEqual([{ path: "actions[0].delay", message: "must be a duration" }]);
  });

  it("wait_template with timeout; continue_on_timeout defaults to true", () => {
    expect(oneAction({ wait_template: "{{ is_state('lock.door', 'locked') }}", timeout: "00:01:00" })).toEqual({
      ...base,
      kind: "wait_template",
      valueTemplate: "{{ is_state('lock.door', 'locked') }}",
      timeout: { ms: 60_000 },
      continueOnTimeout: true,
    });
    expect(oneAction({ wait_template: "{{ x }}", continue_on_timeout: false })).toMatchObject({ timeout: undefined, continueOnTimeout: false });
  });

  it("wait_for_trigger parses its triggers with the trigger parser", () => {
    expect(oneAction({ wait_for_trigger: { platform: "state", entity_id: "binary_sensor.door", to: "off" }, timeout: 30, continue_on_timeout: false })).toEqual({
      ...base,
      kind: "wait_for_trigger",
      triggers: [
        {
          id: "0",
          enabled: true,
          variables: {},
          kind: "state",
          entityIds: ["binary_sensor.door"],
          from: undefined,
          to: ["off"],
          notFrom: undefined,
          notTo: undefined,
          attribute: undefined,
          for: undefined,
        },
      ],
      timeout: { ms: 30_000 },
      continueOnTimeout: false,
    });
    expect(actionIssues({ wait_for_trigger: [{ trigger: "mqtt" }] })).toEqual([{ path: "actions[0].wait_for_trigger[0].topic", message: "required" }]);
  });

  it("event, with legacy event_data_template", () => {
    expect(oneAction({ event: "hearth_note", event_data: { a: 1 }, event_data_template: { b: "{{ 2 }}" } })).toEqual({
      ...base,
      kind: "event",
      eventType: "hearth_note",
      eventData: { a: 1, b: "{{ 2 }}" },
    });
  });

  it("scene", () => {
    expect(oneAction({ scene: "scene.Evening" })).toEqual({ ...base, kind: "scene", sceneId: "scene.evening" });
    expect(actionIssues({ scene: "light.x" })).toEqual([{ path: "actions[0].scene", message: 'must be a scene entity id (scene.name), got "light.x"' }]);
  });

  it("variables", () => {
    expect(oneAction({ variables: { brightness: "{{ 50 }}" } })).toEqual({ ...base, kind: "variables", variables: { brightness: "{{ 50 }}" } });
    expect(actionIssues({ variables: ["a"] })).toEqual([{ path: "actions[0].variables", message: "must be a mapping (name: value)" }]);
  });

  it("stop, with error or a response", () => {
    expect(oneAction({ stop: "Nobody home" })).toEqual({ ...base, kind: "stop", reason: "Nobody home", error: false, responseVariable: undefined });
    expect(oneAction({ stop: "broken", error: true })).toMatchObject({ error: true });
    expect(oneAction({ stop: null, response_variable: "out" })).toMatchObject({ reason: "", responseVariable: "out" });
    expect(actionIssues({ stop: "x", error: true, response_variable: "out" })).toEqual([
      { path: "actions[0].response_variable", message: "not allowed to add a response to an error stop action" },
    ]);
  });
});

describe("flow: condition, choose, if, repeat, parallel, sequence", () => {
  it("inline conditions in every form", () => {
    expect(oneAction({ condition: "state", entity_id: "person.a", state: "home", continue_on_error: true, alias: "home?" })).toEqual({
      alias: "home?",
      enabled: true,
      continueOnError: true,
      kind: "condition",
      condition: { enabled: true, alias: "home?", kind: "state", entityIds: ["person.a"], state: ["home"], attribute: undefined, for: undefined, match: "all" },
    });
    expect(oneAction({ condition: "{{ x }}" })).toMatchObject({ kind: "condition", condition: { kind: "template", valueTemplate: "{{ x }}" } });
    expect(oneAction({ or: ["{{ a }}", "{{ b }}"] })).toMatchObject({ kind: "condition", condition: { kind: "or" } });
    expect(actionIssues("{{ x }}")[0]?.message).toContain(`for a template condition write condition: "{{ x }}"`);
  });

  it("choose with options and default", () => {
    expect(
      oneAction({
        choose: [{ alias: "first", conditions: "{{ a }}", sequence: { delay: 1 } }, { conditions: [], sequence: [] }],
        default: [{ stop: "none" }],
      }),
    ).toEqual({
      ...base,
      kind: "choose",
      choices: [
        { conditions: [{ enabled: true, alias: undefined, kind: "template", valueTemplate: "{{ a }}" }], sequence: [{ ...base, kind: "delay", duration: { ms: 1000 } }] },
        { conditions: [], sequence: [] },
      ],
      default: [{ ...base, kind: "stop", reason: "none", error: false, responseVariable: undefined }],
    });
    expect(actionIssues({ choose: [{ sequence: [] }, "x"] })).toEqual([
      { path: "actions[0].choose[0].conditions", message: "required" },
      { path: "actions[0].choose[1]", message: "must be a choice: a mapping with conditions and sequence" },
    ]);
  });

  it("if / then / else", () => {
    expect(oneAction({ if: "{{ a }}", then: { delay: 1 }, else: [{ delay: 2 }] })).toMatchObject({
      kind: "if",
      if: [{ kind: "template" }],
      then: [{ kind: "delay", duration: { ms: 1000 } }],
      else: [{ kind: "delay", duration: { ms: 2000 } }],
    });
    expect(oneAction({ if: [], then: [] })).toMatchObject({ else: undefined });
    expect(actionIssues({ if: "{{ a }}" })).toEqual([{ path: "actions[0].then", message: "required" }]);
  });

  it("repeat: count, while, until, for_each", () => {
    const seq = [{ delay: 1 }];
    expect(oneAction({ repeat: { count: "3", sequence: seq } })).toMatchObject({ kind: "repeat", count: 3, while: undefined, until: undefined, forEach: undefined });
    expect(oneAction({ repeat: { count: "{{ n }}", sequence: seq } })).toMatchObject({ count: "{{ n }}" });
    expect(oneAction({ repeat: { while: "{{ a }}", sequence: seq } })).toMatchObject({ while: [{ kind: "template" }] });
    expect(oneAction({ repeat: { until: [{ condition: "trigger", id: "x" }], sequence: seq } })).toMatchObject({ until: [{ kind: "trigger" }] });
    expect(oneAction({ repeat: { for_each: ["a", { b: 1 }], sequence: seq } })).toMatchObject({ forEach: ["a", { b: 1 }], sequence: [{ kind: "delay" }] });
    expect(oneAction({ repeat: { for_each: "{{ lights }}", sequence: seq } })).toMatchObject({ forEach: "{{ lights }}" });
    expect(actionIssues({ repeat: { count: 2, while: [], sequence: seq } })).toEqual([{ path: "actions[0].repeat", message: "use only one of count, while" }]);
    expect(actionIssues({ repeat: { sequence: seq, count: "many", for_each: "x" } })).toEqual([
      { path: "actions[0].repeat", message: "use only one of count, for_each" },
      { path: "actions[0].repeat.count", message: 'must be a whole number or a template, got "many"' },
      { path: "actions[0].repeat.for_each", message: 'must be a list or a template, got "x"' },
    ]);
    expect(actionIssues({ repeat: { count: 1 } })).toEqual([{ path: "actions[0].repeat.sequence", message: "required" }]);
  });

  it("parallel: sequences, lists and single actions as branches; sequence", () => {
    expect(oneAction({ parallel: [{ sequence: [{ delay: 1 }, { delay: 2 }] }, [{ delay: 3 }], { delay: 4 }] })).toMatchObject({
      kind: "parallel",
      branches: [[{ duration: { ms: 1000 } }, { duration: { ms: 2000 } }], [{ duration: { ms: 3000 } }], [{ duration: { ms: 4000 } }]],
    });
    expect(oneAction({ sequence: [{ delay: 1 }], alias: "group" })).toMatchObject({ kind: "sequence", alias: "group", sequence: [{ kind: "delay" }] });
  });

  it("names nested paths precisely", () => {
    expect(actionIssues({ choose: [{ conditions: [], sequence: [{ delay: 1 }, { delay: "soon" }] }] })).toEqual([
      {
        path: "actions[0].choose[0].sequence[1].delay",
        message: `not a valid duration: "soon" (use seconds, "HH:MM", "HH:MM:SS" or {hours, minutes, seconds})`,
      },
    ]);
  });
});

describe("actions Hearth does not run or cannot place", () => {
  it("refuses device actions and unknown shapes", () => {
    expect(actionIssues({ device_id: "abc", domain: "light", type: "turn_on" })).toEqual([
      { path: "actions[0].device_id", message: "device actions are not supported by Hearth; call an action such as light.turn_on instead" },
    ]);
    expect(actionIssues({ set_conversation_response: "Done" })).toEqual([
      { path: "actions[0].set_conversation_response", message: "'set_conversation_response' is not supported by Hearth" },
    ]);
    expect(actionIssues({ servce: "light.turn_on" })).toEqual([
      {
        path: "actions[0]",
        message:
          "cannot tell what this action does: it needs one of action, delay, wait_template, wait_for_trigger, condition, choose, if, repeat, parallel, sequence, variables, stop, event, scene",
      },
      { path: "actions[0].servce", message: "unknown option 'servce'; did you mean 'service'?" },
    ]);
    expect(actionIssues(42)[0]?.message).toBe("must be an action (a mapping such as {action: light.turn_on, …}), got 42");
  });
});
