import { describe, expect, it } from "vitest";
import { issuesOf, oneTrigger, parseOk, triggerIssues } from "./config-testing";

const base = { id: "0", enabled: true, variables: {} };

describe("trigger basics", () => {
  it("accepts `trigger:` and legacy `platform:`", () => {
    expect(oneTrigger({ trigger: "homeassistant", event: "start" })).toEqual({ ...base, kind: "homeassistant", event: "start" });
    expect(oneTrigger({ platform: "homeassistant", event: "start" })).toEqual({ ...base, kind: "homeassistant", event: "start" });
  });

  it("defaults ids to the index and keeps given ids (numbers as text)", () => {
    const config = parseOk({
      triggers: [
        { trigger: "homeassistant", event: "start" },
        { trigger: "homeassistant", event: "shutdown", id: "bye" },
        { trigger: "homeassistant", event: "start", id: 7 },
      ],
      actions: [],
    });
    expect(config.triggers.map((t) => t.id)).toEqual(["0", "bye", "7"]);
  });

  it("reads enabled, variables and drops alias", () => {
    const t = oneTrigger({ trigger: "homeassistant", event: "start", enabled: "off", variables: { room: "hall" }, alias: "Boot" });
    expect(t).toEqual({ ...base, enabled: false, variables: { room: "hall" }, kind: "homeassistant", event: "start" });
  });

  it("flattens a nested {triggers: [...]} item (a blueprint's trigger input)", () => {
    const config = parseOk({
      triggers: [{ triggers: [{ trigger: "homeassistant", event: "start" }, { trigger: "homeassistant", event: "shutdown" }] }],
      actions: [],
    });
    expect(config.triggers.map((t) => [t.id, t.kind])).toEqual([
      ["0", "homeassistant"],
      ["1", "homeassistant"],
    ]);
  });

  it("refuses both spellings, a missing kind, unknown and unsupported kinds", () => {
    expect(triggerIssues({ trigger: "homeassistant", platform: "homeassistant", event: "start" })).toEqual([
      { path: "triggers[0].platform", message: "use either 'trigger' or 'platform', not both" },
    ]);
    expect(triggerIssues({ entity_id: "light.x" })).toEqual([{ path: "triggers[0].trigger", message: "required (the kind of trigger: state, mqtt, time …)" }]);
    expect(triggerIssues({ trigger: "stat", entity_id: "light.x" })).toEqual([
      { path: "triggers[0].trigger", message: "unknown trigger 'stat'; did you mean 'state'?" },
    ]);
    expect(triggerIssues({ trigger: "zone", entity_id: "person.me" })).toEqual([{ path: "triggers[0].trigger", message: "trigger 'zone' is not supported by Hearth" }]);
    expect(triggerIssues("state")[0]?.message).toContain("must be a trigger");
    expect(triggerIssues({ trigger: "homeassistant", event: "start", enabled: "{{ true }}" })[0]?.message).toBe(
      "templates in 'enabled' are not supported; use true or false",
    );
  });
});

describe("mqtt trigger", () => {
  it("reads topic, payload, value_template and defaults", () => {
    expect(oneTrigger({ trigger: "mqtt", topic: "zigbee2mqtt/+/action", payload: "single", value_template: "{{ value_json.action }}" })).toEqual({
      ...base,
      kind: "mqtt",
      topic: "zigbee2mqtt/+/action",
      payload: "single",
      valueTemplate: "{{ value_json.action }}",
      qos: 0,
      encoding: "utf-8",
    });
    const t = oneTrigger({ platform: "mqtt", topic: "home/#", qos: "2", encoding: "", payload: 42 });
    expect(t).toMatchObject({ qos: 2, encoding: "", payload: "42" });
  });

  it("checks the topic's wildcards, the qos and boolean payloads", () => {
    expect(triggerIssues({ trigger: "mqtt", topic: "home/#/x", qos: 3, payload: true })).toEqual([
      { path: "triggers[0].topic", message: "'#' must be a whole level, and the last one (e.g. zigbee2mqtt/#)" },
      { path: "triggers[0].qos", message: "must be a whole number from 0 to 2, got 3" },
      { path: "triggers[0].payload", message: 'must be a string; write it in quotes ("true")' },
    ]);
    expect(triggerIssues({ trigger: "mqtt", topic: "a/b+/c" })[0]?.message).toBe("'+' must be a whole level (e.g. zigbee2mqtt/+/action)");
    expect(triggerIssues({ trigger: "mqtt", topik: "a" })).toEqual([
      { path: "triggers[0].topic", message: "required" },
      { path: "triggers[0].topik", message: "unknown option 'topik'; did you mean 'topic'?" },
    ]);
    // A templated topic is rendered later; its wildcards are not checked here.
    expect(oneTrigger({ trigger: "mqtt", topic: "{{ prefix }}/#/x" })).toMatchObject({ topic: "{{ prefix }}/#/x" });
  });
});

describe("state trigger", () => {
  it("reads entity ids in every spelling", () => {
    expect(oneTrigger({ trigger: "state", entity_id: "Light.Kitchen" })).toMatchObject({ entityIds: ["light.kitchen"] });
    expect(oneTrigger({ trigger: "state", entity_id: "light.a, light.b" })).toMatchObject({ entityIds: ["light.a", "light.b"] });
    expect(oneTrigger({ trigger: "state", entity_id: ["light.a", "light.b"] })).toMatchObject({ entityIds: ["light.a", "light.b"] });
  });

  it("keeps from/to as lists; absent is any; explicit null is [null]", () => {
    expect(oneTrigger({ trigger: "state", entity_id: "lock.door", from: "locked", to: ["unlocked", "open"], for: "00:00:05" })).toEqual({
      ...base,
      kind: "state",
      entityIds: ["lock.door"],
      from: ["locked"],
      to: ["unlocked", "open"],
      notFrom: undefined,
      notTo: undefined,
      attribute: undefined,
      for: { ms: 5000 },
    });
    expect(oneTrigger({ trigger: "state", entity_id: "sensor.x", to: null })).toMatchObject({ from: undefined, to: [null] });
    expect(oneTrigger({ trigger: "state", entity_id: "sensor.x", not_from: ["unavailable", "unknown"], not_to: "unavailable" })).toMatchObject({
      notFrom: ["unavailable", "unknown"],
      notTo: ["unavailable"],
    });
  });

  it("takes any value for an attribute, numbers written out", () => {
    expect(oneTrigger({ trigger: "state", entity_id: "climate.x", attribute: "temperature", to: 21 })).toMatchObject({ attribute: "temperature", to: ["21"] });
    expect(oneTrigger({ trigger: "state", entity_id: "light.x", attribute: "on", to: true })).toMatchObject({ to: ["true"] });
  });

  it("refuses unquoted booleans, from with not_from, bad ids and a missing entity", () => {
    expect(triggerIssues({ trigger: "state", entity_id: "switch.x", to: true })).toEqual([
      { path: "triggers[0].to", message: 'must be a string; write it in quotes ("on" or "true")' },
    ]);
    expect(triggerIssues({ trigger: "state", entity_id: "switch.x", from: "on", not_from: "off" })).toEqual([
      { path: "triggers[0].not_from", message: "use either 'from' or 'not_from', not both" },
    ]);
    expect(triggerIssues({ trigger: "state", entity_id: ["switch.x", "kitchen light"] })).toEqual([
      { path: "triggers[0].entity_id[1]", message: 'not a valid entity id: "kitchen light" (expected domain.name, e.g. light.kitchen)' },
    ]);
    expect(triggerIssues({ trigger: "state", to: "on" })).toEqual([{ path: "triggers[0].entity_id", message: "required" }]);
    expect(triggerIssues({ trigger: "state", entity_id: [] })[0]?.message).toBe("must name at least one entity");
    expect(triggerIssues({ trigger: "state", entity_id: "0123456789abcdef0123456789abcdef" })[0]?.message).toContain("entity registry ids are not supported");
  });
});

describe("numeric_state trigger", () => {
  it("reads numbers, numeric text and entity limits", () => {
    expect(oneTrigger({ trigger: "numeric_state", entity_id: "sensor.t", above: "20.5", below: "input_number.max", for: { minutes: 5 } })).toEqual({
      ...base,
      kind: "numeric_state",
      entityIds: ["sensor.t"],
      above: 20.5,
      below: "input_number.max",
      attribute: undefined,
      valueTemplate: undefined,
      for: { ms: 300_000 },
    });
    expect(oneTrigger({ trigger: "numeric_state", entity_id: "climate.x", attribute: "current_temperature", below: 17, value_template: "{{ state.attributes.t }}" })).toMatchObject(
      { above: undefined, below: 17, attribute: "current_temperature", valueTemplate: "{{ state.attributes.t }}" },
    );
  });

  it("needs above or below, and limits that are numbers or number-like entities", () => {
    expect(triggerIssues({ trigger: "numeric_state", entity_id: "sensor.t" })).toEqual([{ path: "triggers[0]", message: "must contain at least one of above, below" }]);
    expect(triggerIssues({ trigger: "numeric_state", entity_id: "sensor.t", above: "light.x" })[0]).toEqual({
      path: "triggers[0].above",
      message: 'must be a number or the id of an input_number, number, sensor or zone entity, got "light.x"',
    });
  });
});

describe("time trigger", () => {
  it("reads times, entities and offsets, one or a list, with weekdays", () => {
    expect(oneTrigger({ trigger: "time", at: "7:30" })).toEqual({ ...base, kind: "time", at: [{ time: "07:30:00" }], weekdays: undefined });
    expect(
      oneTrigger({
        trigger: "time",
        at: ["06:45:10", "input_datetime.wake_up", { entity_id: "sensor.phone_next_alarm", offset: "-00:10:00" }],
        weekday: ["mon", "Tue"],
      }),
    ).toMatchObject({
      at: [{ time: "06:45:10" }, { entityId: "input_datetime.wake_up", offsetMs: 0 }, { entityId: "sensor.phone_next_alarm", offsetMs: -600_000 }],
      weekdays: ["mon", "tue"],
    });
    expect(oneTrigger({ trigger: "time", at: "07:00", weekday: "sat" })).toMatchObject({ weekdays: ["sat"] });
  });

  it("reports bad times, entities of other domains and weekdays", () => {
    expect(triggerIssues({ trigger: "time", at: ["25:00", "light.x", { entity_id: "light.x" }], weekday: ["monday"] })).toEqual([
      { path: "triggers[0].at[0]", message: "not a valid time: 25:00" },
      { path: "triggers[0].at[1]", message: 'must be an input_datetime or sensor entity, got "light.x"' },
      { path: "triggers[0].at[2].entity_id", message: 'must be an input_datetime or sensor entity, got "light.x"' },
      { path: "triggers[0].weekday[0]", message: `must be one of mon, tue, wed, thu, fri, sat, sun, got "monday"; did you mean 'mon'?` },
    ]);
    expect(triggerIssues({ trigger: "time", at: 25200 })[0]?.message).toBe(`not a valid time: 25200 (write it in quotes: "07:30")`);
    expect(triggerIssues({ trigger: "time" })).toEqual([{ path: "triggers[0].at", message: "required" }]);
  });
});

describe("time_pattern trigger", () => {
  it("stores each field as text", () => {
    expect(oneTrigger({ trigger: "time_pattern", minutes: "/5" })).toEqual({ ...base, kind: "time_pattern", hours: undefined, minutes: "/5", seconds: undefined });
    expect(oneTrigger({ trigger: "time_pattern", hours: 7, minutes: "05", seconds: "*" })).toMatchObject({ hours: "7", minutes: "5", seconds: "*" });
  });

  it("checks ranges and that one field is given", () => {
    expect(triggerIssues({ trigger: "time_pattern", hours: 24, minutes: "/0", seconds: "x" })).toEqual([
      { path: "triggers[0].hours", message: `must be "*", a number from 0 to 23, or "/n" for every n, got 24` },
      { path: "triggers[0].minutes", message: `"/0" never repeats; use "/1" or more` },
      { path: "triggers[0].seconds", message: `must be "*", a number from 0 to 59, or "/n" for every n, got "x"` },
    ]);
    expect(triggerIssues({ trigger: "time_pattern" })).toEqual([{ path: "triggers[0]", message: "must contain at least one of hours, minutes, seconds" }]);
  });
});

describe("sun, template, homeassistant, event, webhook triggers", () => {
  it("sun: event and a signed offset", () => {
    expect(oneTrigger({ trigger: "sun", event: "sunset", offset: "-00:30:00" })).toEqual({ ...base, kind: "sun", event: "sunset", offsetMs: -1_800_000 });
    expect(oneTrigger({ trigger: "sun", event: "sunrise", offset: "+01:00:00" })).toMatchObject({ offsetMs: 3_600_000 });
    expect(oneTrigger({ trigger: "sun", event: "sunrise" })).toMatchObject({ offsetMs: 0 });
    expect(triggerIssues({ trigger: "sun", event: "dusk", offset: "soon" })).toEqual([
      { path: "triggers[0].event", message: 'must be one of sunrise, sunset (got "dusk")' },
      { path: "triggers[0].offset", message: `not a valid duration: "soon" (use seconds, "HH:MM", "HH:MM:SS" or {hours, minutes, seconds})` },
    ]);
  });

  it("template: value_template and for", () => {
    expect(oneTrigger({ trigger: "template", value_template: "{{ is_state('sun.sun', 'below_horizon') }}", for: 60 })).toEqual({
      ...base,
      kind: "template",
      valueTemplate: "{{ is_state('sun.sun', 'below_horizon') }}",
      for: { ms: 60_000 },
    });
    expect(triggerIssues({ trigger: "template" })).toEqual([{ path: "triggers[0].value_template", message: "required" }]);
  });

  it("homeassistant: start or shutdown", () => {
    expect(triggerIssues({ trigger: "homeassistant", event: "restart" })[0]?.message).toBe("must be one of start, shutdown; did you mean 'start'?");
    expect(triggerIssues({ trigger: "homeassistant", event: 1 })[0]?.message).toBe("must be one of start, shutdown (got 1)");
  });

  it("event: one or several types, data", () => {
    expect(oneTrigger({ trigger: "event", event_type: "zha_event", event_data: { command: "on" } })).toEqual({
      ...base,
      kind: "event",
      eventTypes: ["zha_event"],
      eventData: { command: "on" },
    });
    expect(oneTrigger({ trigger: "event", event_type: ["a", "b"] })).toMatchObject({ eventTypes: ["a", "b"], eventData: undefined });
    expect(triggerIssues({ trigger: "event", event_type: [] })).toEqual([{ path: "triggers[0].event_type", message: "must name at least one event type" }]);
    expect(triggerIssues({ trigger: "event", event_type: "x", event_data: "y", context: { user_id: "u" } })).toEqual([
      { path: "triggers[0].event_data", message: "must be a mapping (name: value)" },
      { path: "triggers[0].context", message: "matching on the event's context is not supported" },
    ]);
  });

  it("webhook: id, methods (defaults POST and PUT), local_only", () => {
    expect(oneTrigger({ trigger: "webhook", webhook_id: "doorbell" })).toEqual({
      ...base,
      kind: "webhook",
      webhookId: "doorbell",
      allowedMethods: ["POST", "PUT"],
      localOnly: true,
    });
    expect(oneTrigger({ trigger: "webhook", webhook_id: "x", allowed_methods: ["get", "HEAD"], local_only: false })).toMatchObject({
      allowedMethods: ["GET", "HEAD"],
      localOnly: false,
    });
    expect(triggerIssues({ trigger: "webhook", allowed_methods: ["DELETE"] })).toEqual([
      { path: "triggers[0].webhook_id", message: "required" },
      { path: "triggers[0].allowed_methods[0]", message: 'must be one of HEAD, GET, POST, PUT, got "DELETE"' },
    ]);
  });
});

describe("device and availability triggers", () => {
  it("device: HA's MQTT device trigger (the frontend's metadata is dropped)", () => {
    expect(
      oneTrigger({ trigger: "device", domain: "mqtt", device_id: "abc123", type: "action", subtype: "single", discovery_id: "0x1 action_single", metadata: {} }),
    ).toEqual({ ...base, kind: "device", deviceId: "abc123", domain: "mqtt", type: "action", subtype: "single", discoveryId: "0x1 action_single" });
    expect(triggerIssues({ trigger: "device", domain: "zha", device_id: "abc", type: "remote_button_short_press", subtype: "turn_on" })).toEqual([
      { path: "triggers[0].domain", message: "only MQTT device triggers (domain: mqtt) are supported, got 'zha'" },
    ]);
  });

  it("availability: devices, to and for", () => {
    expect(oneTrigger({ trigger: "availability", device_id: "0x00158d0001", to: "offline", for: "00:05:00" })).toEqual({
      ...base,
      kind: "availability",
      deviceIds: ["0x00158d0001"],
      to: "offline",
      for: { ms: 300_000 },
    });
    expect(oneTrigger({ trigger: "availability", device_id: ["a", "b"], to: "online" })).toMatchObject({ deviceIds: ["a", "b"], for: undefined });
    expect(triggerIssues({ trigger: "availability", device_id: [1], to: "gone" })).toEqual([
      { path: "triggers[0].to", message: 'must be one of offline, online (got "gone")' },
      { path: "triggers[0].device_id[0]", message: "must be a device id, got 1" },
    ]);
    expect(triggerIssues({ trigger: "availability", to: "offline" })).toEqual([{ path: "triggers[0].device_id", message: "required" }]);
  });
});

describe("legacy trigger paths", () => {
  it("names the spelling the rule used", () => {
    expect(issuesOf({ trigger: { platform: "mqtt" }, action: [] })).toEqual([{ path: "trigger.topic", message: "required" }]);
    expect(issuesOf({ trigger: [{ platform: "state", entity_id: "x" }], action: [] })[0]?.path).toBe("trigger[0].entity_id");
  });
});
