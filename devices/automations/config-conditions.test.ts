import { describe, expect, it } from "vitest";
import { conditionIssues, oneCondition, parseOk } from "./config-testing";

const base = { enabled: true, alias: undefined };
const tpl = (valueTemplate: string) => ({ ...base, kind: "template", valueTemplate });

describe("and / or / not", () => {
  it("reads `condition: and|or|not` with conditions", () => {
    expect(
      oneCondition({
        condition: "or",
        alias: "Someone home",
        conditions: [
          { condition: "state", entity_id: "person.a", state: "home" },
          { condition: "not", conditions: { condition: "template", value_template: "{{ x }}" } },
        ],
      }),
    ).toEqual({
      enabled: true,
      alias: "Someone home",
      kind: "or",
      conditions: [
        { ...base, kind: "state", entityIds: ["person.a"], state: ["home"], attribute: undefined, for: undefined, match: "all" },
        { ...base, kind: "not", conditions: [tpl("{{ x }}")] },
      ],
    });
  });

  it("expands the and/or/not shorthands and `condition: [...]`", () => {
    expect(oneCondition({ and: ["{{ a }}", "{{ b }}"] })).toEqual({ ...base, kind: "and", conditions: [tpl("{{ a }}"), tpl("{{ b }}")] });
    expect(oneCondition({ or: "{{ a }}", enabled: false })).toEqual({ enabled: false, alias: undefined, kind: "or", conditions: [tpl("{{ a }}")] });
    expect(oneCondition({ not: [{ condition: "trigger", id: "x" }] })).toMatchObject({ kind: "not", conditions: [{ kind: "trigger", ids: ["x"] }] });
    expect(oneCondition({ condition: ["{{ a }}"] })).toEqual({ ...base, kind: "and", conditions: [tpl("{{ a }}")] });
  });

  it("takes template strings as conditions, and `condition: '{{ … }}'`", () => {
    expect(parseOk({ triggers: [], conditions: "{{ is_state('sun.sun', 'above_horizon') }}", actions: [] }).conditions).toEqual([
      tpl("{{ is_state('sun.sun', 'above_horizon') }}"),
    ]);
    expect(oneCondition({ condition: "{{ true }}", alias: "always" })).toEqual({ enabled: true, alias: "always", kind: "template", valueTemplate: "{{ true }}" });
  });

  it("refuses plain strings, missing kinds, unknown and unsupported kinds", () => {
    expect(conditionIssues("on")[0]?.message).toBe('must be a condition (a mapping such as {condition: state, …}) or a template, got "on"');
    expect(conditionIssues({ conditon: "state", entity_id: "x.y", state: "on" })).toEqual([
      { path: "conditions[0].condition", message: "required" },
      { path: "conditions[0].conditon", message: "unknown option 'conditon'; did you mean 'condition'?" },
    ]);
    expect(conditionIssues({ condition: "stat" })).toEqual([{ path: "conditions[0].condition", message: "unknown condition 'stat'; did you mean 'state'?" }]);
    expect(conditionIssues({ condition: "zone", entity_id: "person.a", zone: "zone.home" })).toEqual([
      { path: "conditions[0].condition", message: "condition 'zone' is not supported by Hearth" },
    ]);
    expect(conditionIssues({ condition: "and" })).toEqual([{ path: "conditions[0].conditions", message: "required" }]);
  });
});

describe("state condition", () => {
  it("reads entities, states, attribute, for and match", () => {
    expect(
      oneCondition({ condition: "state", entity_id: "binary_sensor.a, binary_sensor.b", state: ["on", "input_select.mode"], for: { seconds: 30 }, match: "ANY" }),
    ).toEqual({
      ...base,
      kind: "state",
      entityIds: ["binary_sensor.a", "binary_sensor.b"],
      state: ["on", "input_select.mode"],
      attribute: undefined,
      for: { ms: 30_000 },
      match: "any",
    });
    expect(oneCondition({ condition: "state", entity_id: "climate.x", attribute: "hvac_action", state: "heating" })).toMatchObject({
      attribute: "hvac_action",
      state: ["heating"],
    });
    expect(oneCondition({ condition: "state", entity_id: "sensor.x", state: 3 })).toMatchObject({ state: ["3"] });
  });

  it("reports a missing state and unquoted booleans", () => {
    expect(conditionIssues({ condition: "state", entity_id: "light.x" })).toEqual([{ path: "conditions[0].state", message: "required" }]);
    expect(conditionIssues({ condition: "state", entity_id: "light.x", state: false })).toEqual([
      { path: "conditions[0].state", message: 'must be a string; write it in quotes ("off" or "false")' },
    ]);
    expect(conditionIssues({ condition: "state", entity_id: "light.x", state: "on", match: "some" })[0]?.message).toBe('must be one of all, any (got "some")');
  });
});

describe("numeric_state, time, sun, template, trigger conditions", () => {
  it("numeric_state", () => {
    expect(oneCondition({ condition: "numeric_state", entity_id: "sensor.lux", below: 50, above: "sensor.min_lux", value_template: "{{ state.state }}" })).toEqual({
      ...base,
      kind: "numeric_state",
      entityIds: ["sensor.lux"],
      above: "sensor.min_lux",
      below: 50,
      attribute: undefined,
      valueTemplate: "{{ state.state }}",
    });
    expect(conditionIssues({ condition: "numeric_state", entity_id: "sensor.lux" })).toEqual([
      { path: "conditions[0]", message: "must contain at least one of above, below" },
    ]);
  });

  it("time: after/before as times or entities, weekdays", () => {
    expect(oneCondition({ condition: "time", after: "22:00", before: "input_datetime.wake", weekday: ["sat", "sun"] })).toEqual({
      ...base,
      kind: "time",
      after: "22:00:00",
      before: "input_datetime.wake",
      weekdays: ["sat", "sun"],
    });
    expect(oneCondition({ condition: "time", weekday: "mon" })).toMatchObject({ after: undefined, before: undefined, weekdays: ["mon"] });
    expect(conditionIssues({ condition: "time", after: "25:00", before: "light.x" })).toEqual([
      { path: "conditions[0].after", message: "not a valid time: 25:00" },
      { path: "conditions[0].before", message: 'must be an input_datetime or sensor entity, got "light.x"' },
    ]);
    expect(conditionIssues({ condition: "time" })[0]?.message).toBe("must contain at least one of after, before, weekday");
  });

  it("sun: events and offsets", () => {
    expect(oneCondition({ condition: "sun", after: "sunset", after_offset: "-01:00:00", before: "Sunrise" })).toEqual({
      ...base,
      kind: "sun",
      after: "sunset",
      before: "sunrise",
      afterOffsetMs: -3_600_000,
      beforeOffsetMs: 0,
    });
    expect(conditionIssues({ condition: "sun", after_offset: 60 })).toEqual([{ path: "conditions[0]", message: "must contain at least one of after, before" }]);
  });

  it("template and trigger", () => {
    expect(oneCondition({ condition: "template", value_template: "{{ x }}" })).toEqual(tpl("{{ x }}"));
    expect(conditionIssues({ condition: "template" })).toEqual([{ path: "conditions[0].value_template", message: "required" }]);
    expect(oneCondition({ condition: "trigger", id: ["arrive", 2] })).toEqual({ ...base, kind: "trigger", ids: ["arrive", "2"] });
    expect(oneCondition({ condition: "trigger", id: "leave" })).toMatchObject({ ids: ["leave"] });
  });

  it("reports unknown options with the condition's path", () => {
    expect(conditionIssues({ condition: "template", value_template: "{{ x }}", for: 5 })).toEqual([
      { path: "conditions[0].for", message: "unknown option 'for'" },
    ]);
  });
});
