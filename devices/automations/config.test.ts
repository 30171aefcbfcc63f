import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { durationFromTemplateResult, parseDuration } from "./config";
import { issuesOf, parseOk } from "./config-testing";

describe("top level", () => {
  it("fills HA's defaults", () => {
    expect(parseOk({ triggers: [], actions: [] })).toEqual({
      id: "fallback-id",
      alias: "fallback-id",
      description: "",
      mode: "single",
      max: 10,
      maxExceeded: "warning",
      variables: {},
      triggerVariables: {},
      triggers: [],
      conditions: [],
      actions: [],
      initialState: undefined,
      catchUp: false,
    });
  });

  it("reads every option", () => {
    const config = parseOk({
      id: 1700000000000,
      alias: "Everything",
      description: "All the options",
      mode: "queued",
      max: "3",
      max_exceeded: "SILENT",
      variables: { target: "light.x" },
      trigger_variables: { topic: "home/x" },
      initial_state: "off",
      catch_up: true,
      trace: { stored_traces: 20 },
      triggers: [],
      actions: [],
    });
    expect(config).toMatchObject({
      id: "1700000000000",
      alias: "Everything",
      description: "All the options",
      mode: "queued",
      max: 3,
      maxExceeded: "silent",
      variables: { target: "light.x" },
      triggerVariables: { topic: "home/x" },
      initialState: false,
      catchUp: true,
    });
  });

  it("takes log levels for max_exceeded as HA does", () => {
    const level = (value: string) => parseOk({ max_exceeded: value, triggers: [], actions: [] }).maxExceeded;
    expect([level("warn"), level("fatal"), level("Info"), level("debug"), level("error"), level("critical")]).toEqual([
      "warning",
      "critical",
      "info",
      "debug",
      "error",
      "critical",
    ]);
  });

  it("accepts the legacy trigger/condition/action spellings, single items as lists", () => {
    const config = parseOk({
      trigger: { platform: "homeassistant", event: "start" },
      condition: "{{ true }}",
      action: { service: "light.turn_on", entity_id: "light.x" },
    });
    expect(config.triggers).toHaveLength(1);
    expect(config.conditions).toEqual([{ kind: "template", valueTemplate: "{{ true }}", enabled: true, alias: undefined }]);
    expect(config.actions).toMatchObject([{ kind: "service", service: "light.turn_on", target: { entityIds: ["light.x"] } }]);
  });

  it("reports bad options, both spellings, missing parts and unknown keys", () => {
    expect(
      issuesOf({
        mode: "restarting",
        max: 0,
        max_exceeded: "loud",
        variables: "x",
        trigger: [],
        triggers: [],
        conditions: [],
        trace: { stored_traces: -1, keep: true },
        trigers: [],
      }),
    ).toEqual([
      { path: "mode", message: "must be one of single, restart, queued, parallel; did you mean 'restart'?" },
      { path: "max", message: "must be a whole number of 1 or more, got 0" },
      { path: "max_exceeded", message: 'must be silent or a log level (critical, error, warning, info, debug), got "loud"' },
      { path: "variables", message: "must be a mapping (name: value)" },
      { path: "trace.stored_traces", message: "must be a whole number of 0 or more, got -1" },
      { path: "trace.keep", message: "unknown option 'keep'" },
      { path: "trigger", message: "use either 'triggers' or 'trigger', not both" },
      { path: "actions", message: "required" },
      { path: "trigers", message: "unknown option 'trigers'; did you mean 'triggers'?" },
    ]);
    expect(issuesOf({ mode: "sometimes", triggers: [], actions: [] })).toEqual([
      { path: "mode", message: 'must be one of single, restart, queued, parallel (got "sometimes")' },
    ]);
    expect(issuesOf({ actions: [] })).toEqual([{ path: "triggers", message: "required" }]);
  });

  it("refuses blueprints with one clear message", () => {
    expect(issuesOf({ use_blueprint: { path: "homeassistant/motion_light.yaml", input: {} }, alias: "x" })).toEqual([
      { path: "use_blueprint", message: "blueprints are not supported" },
    ]);
  });
});

describe("real Home Assistant automations, pasted as YAML", () => {
  it("motion light with a timeout (legacy spellings, mode restart)", () => {
    const config = parseOk(
      parse(`
alias: Hall motion light
description: Light on with motion, off two minutes after the last motion
mode: restart
trigger:
  - platform: state
    entity_id: binary_sensor.hall_motion
    to: "on"
action:
  - service: light.turn_on
    target:
      entity_id: light.hall
    data:
      brightness_pct: 80
  - wait_for_trigger:
      - platform: state
        entity_id: binary_sensor.hall_motion
        to: "off"
        for:
          minutes: 2
  - service: light.turn_off
    target:
      entity_id: light.hall
`),
    );
    expect(config).toMatchObject({ alias: "Hall motion light", mode: "restart" });
    expect(config.triggers).toMatchObject([{ kind: "state", id: "0", entityIds: ["binary_sensor.hall_motion"], to: ["on"], from: undefined }]);
    expect(config.actions).toMatchObject([
      { kind: "service", service: "light.turn_on", target: { entityIds: ["light.hall"] }, data: { brightness_pct: 80 } },
      { kind: "wait_for_trigger", triggers: [{ kind: "state", to: ["off"], for: { ms: 120_000 } }], timeout: undefined, continueOnTimeout: true },
      { kind: "service", service: "light.turn_off", target: { entityIds: ["light.hall"] } },
    ]);
  });

  it("door left open notification (automations.yaml entry with a numeric id)", () => {
    const [rule] = parse(`
- id: 1700000000001
  alias: Front door left open
  trigger:
    - platform: state
      entity_id: binary_sensor.front_door_contact
      to: "on"
      for: "00:10:00"
  condition:
    - condition: state
      entity_id: alarm_control_panel.home
      state: disarmed
  action:
    - service: notify.mobile_app_pixel
      data:
        title: Front door
        message: "Open for 10 minutes ({{ states('sensor.outdoor_temperature') }} °C outside)"
  mode: single
`) as unknown[];
    const config = parseOk(rule);
    expect(config.id).toBe("1700000000001");
    expect(config.triggers).toMatchObject([{ kind: "state", to: ["on"], for: { ms: 600_000 } }]);
    expect(config.conditions).toMatchObject([{ kind: "state", entityIds: ["alarm_control_panel.home"], state: ["disarmed"], match: "all" }]);
    expect(config.actions).toEqual([
      {
        alias: undefined,
        enabled: true,
        continueOnError: false,
        kind: "service",
        service: "notify.mobile_app_pixel",
        target: { entityIds: [], deviceIds: [], areaIds: [] },
        data: { title: "Front door", message: "Open for 10 minutes ({{ states('sensor.outdoor_temperature') }} °C outside)" },
        responseVariable: undefined,
      },
    ]);
  });

  it("thermostat schedule (time triggers with weekdays, climate.set_temperature)", () => {
    const config = parseOk(
      parse(`
alias: Heating schedule
triggers:
  - trigger: time
    at: "06:30:00"
    weekday: [mon, tue, wed, thu, fri]
    id: weekday_morning
  - trigger: time
    at: "08:00"
    weekday:
      - sat
      - sun
    id: weekend_morning
  - trigger: time
    at: "22:30:00"
    id: night
conditions:
  - condition: state
    entity_id: input_boolean.heating_schedule
    state: "on"
actions:
  - choose:
      - conditions:
          - condition: trigger
            id: [weekday_morning, weekend_morning]
        sequence:
          - action: climate.set_temperature
            target:
              entity_id: climate.living_room
            data:
              temperature: 21
              hvac_mode: heat
    default:
      - action: climate.set_temperature
        target:
          entity_id: climate.living_room
        data:
          temperature: 17
`),
    );
    expect(config.triggers).toMatchObject([
      { kind: "time", id: "weekday_morning", at: [{ time: "06:30:00" }], weekdays: ["mon", "tue", "wed", "thu", "fri"] },
      { kind: "time", id: "weekend_morning", at: [{ time: "08:00:00" }], weekdays: ["sat", "sun"] },
      { kind: "time", id: "night", at: [{ time: "22:30:00" }], weekdays: undefined },
    ]);
    expect(config.actions).toMatchObject([
      {
        kind: "choose",
        choices: [
          {
            conditions: [{ kind: "trigger", ids: ["weekday_morning", "weekend_morning"] }],
            sequence: [{ service: "climate.set_temperature", target: { entityIds: ["climate.living_room"] }, data: { temperature: 21, hvac_mode: "heat" } }],
          },
        ],
        default: [{ service: "climate.set_temperature", data: { temperature: 17 } }],
      },
    ]);
  });

  it("Zigbee2MQTT button on its action topic, choosing on trigger.payload", () => {
    const config = parseOk(
      parse(`
alias: Bedside button
mode: queued
max: 5
triggers:
  - trigger: mqtt
    topic: zigbee2mqtt/+/action
    id: action_topic
  - trigger: mqtt
    topic: zigbee2mqtt/bedside_button
    value_template: "{{ value_json.action }}"
    payload: hold
    id: hold
actions:
  - choose:
      - conditions: "{{ trigger.payload == 'single' }}"
        sequence:
          - action: light.toggle
            target: { entity_id: light.bedside }
      - conditions:
          - condition: template
            value_template: "{{ trigger.payload == 'double' }}"
        sequence:
          - action: light.turn_on
            target: { entity_id: light.bedside }
            data: { brightness_pct: 100 }
      - conditions:
          - condition: trigger
            id: hold
        sequence:
          - action: light.turn_off
            target: { area_id: bedroom }
`),
    );
    expect(config).toMatchObject({ mode: "queued", max: 5 });
    expect(config.triggers).toMatchObject([
      { kind: "mqtt", id: "action_topic", topic: "zigbee2mqtt/+/action", payload: undefined, valueTemplate: undefined, qos: 0 },
      { kind: "mqtt", id: "hold", topic: "zigbee2mqtt/bedside_button", payload: "hold", valueTemplate: "{{ value_json.action }}" },
    ]);
    expect(config.actions).toMatchObject([
      {
        kind: "choose",
        choices: [
          { conditions: [{ kind: "template", valueTemplate: "{{ trigger.payload == 'single' }}" }], sequence: [{ service: "light.toggle" }] },
          { conditions: [{ kind: "template" }], sequence: [{ service: "light.turn_on", data: { brightness_pct: 100 } }] },
          { conditions: [{ kind: "trigger", ids: ["hold"] }], sequence: [{ service: "light.turn_off", target: { areaIds: ["bedroom"] } }] },
        ],
        default: undefined,
      },
    ]);
  });

  it("Zigbee2MQTT button as HA's UI saves a device trigger", () => {
    const config = parseOk(
      parse(`
id: '1718888888888'
alias: Button single press
description: ''
triggers:
- domain: mqtt
  device_id: 5b3f1c2a9e8d7f6a5b4c3d2e1f0a9b8c
  type: action
  subtype: single
  discovery_id: 0x00158d0001a2b3c4 action_single
  trigger: device
conditions: []
actions:
- action: light.toggle
  metadata: {}
  data: {}
  target:
    entity_id: light.bedside
mode: single
`),
    );
    expect(config.id).toBe("1718888888888");
    expect(config.triggers).toEqual([
      {
        id: "0",
        enabled: true,
        variables: {},
        kind: "device",
        deviceId: "5b3f1c2a9e8d7f6a5b4c3d2e1f0a9b8c",
        domain: "mqtt",
        type: "action",
        subtype: "single",
        discoveryId: "0x00158d0001a2b3c4 action_single",
      },
    ]);
    expect(config.actions).toMatchObject([{ kind: "service", service: "light.toggle", target: { entityIds: ["light.bedside"] }, data: {} }]);
  });
});

describe("a broken rule reports everything at once", () => {
  it("collects every issue with its source path", () => {
    const issues = issuesOf(
      parse(`
alias: Broken
mode: fast
trigger:
  - platform: mqtt
    topik: zigbee2mqtt/button
  - platform: time
    at: "25:00"
condition:
  - condition: numeric_state
    entity_id: sensor.temperature
action:
  - service: light.turn_on
    target:
      entity_id: light.hall
  - delay: "later"
  - choose:
      - conditions: "{{ true }}"
        sequence:
          - service: notify.notify
          - delay: { minutes: soon }
`),
    );
    expect(issues).toEqual([
      { path: "mode", message: 'must be one of single, restart, queued, parallel (got "fast")' },
      { path: "trigger[0].topic", message: "required" },
      { path: "trigger[0].topik", message: "unknown option 'topik'; did you mean 'topic'?" },
      { path: "trigger[1].at", message: "not a valid time: 25:00" },
      { path: "condition[0]", message: "must contain at least one of above, below" },
      { path: "action[1].delay", message: `not a valid duration: "later" (use seconds, "HH:MM", "HH:MM:SS" or {hours, minutes, seconds})` },
      { path: "action[2].choose[0].sequence[1].delay", message: 'minutes must be a number, got "soon"' },
    ]);
  });
});

describe("re-exports", () => {
  it("exposes the duration helpers", () => {
    expect(parseDuration("00:01:00")).toEqual({ ok: true, duration: { ms: 60_000 } });
    expect(durationFromTemplateResult("00:00:02")).toBe(2000);
  });
});
