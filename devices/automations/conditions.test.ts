import { describe, expect, it } from "vitest";
import { compileTemplate } from "../templates/ha-template";
import { evaluateCondition, evaluateConditions, type ConditionPorts, type EntityState } from "./conditions";
import type { Condition, Duration } from "./types";

const MIN = 60_000;
// Friday 2024-06-21, 12:00 in Berlin (CEST). Berlin's sunrise 04:43, sunset 21:33 that day.
const NOW = Date.parse("2024-06-21T10:00:00Z");
const BERLIN = { latitude: 52.52, longitude: 13.405 };

type StateInput = string | { state: string; attributes?: Record<string, unknown>; changedAgoMs?: number };

/** Ports over a fixed world; templates go through the real engine with HA's state functions. */
function ports(world: Record<string, StateInput> = {}, over: Partial<ConditionPorts> = {}): ConditionPorts {
  const now = over.now?.() ?? NOW;
  const states = new Map<string, EntityState>();
  for (const [id, s] of Object.entries(world)) {
    const v = typeof s === "string" ? { state: s } : s;
    states.set(id, { state: v.state, attributes: v.attributes ?? {}, last_changed_ms: now - (v.changedAgoMs ?? 3_600_000) });
  }
  const globals = {
    states: (id: unknown) => states.get(String(id))?.state ?? "unknown",
    is_state: (id: unknown, want: unknown) => states.get(String(id))?.state === want,
    state_attr: (id: unknown, name: unknown) => states.get(String(id))?.attributes[String(name)] ?? null,
  };
  const render = (source: string, variables: Record<string, unknown>): unknown => {
    const compiled = compileTemplate(source, { globals, timeZone: "Europe/Berlin", now: () => now });
    if (!compiled.ok) throw new Error(compiled.error);
    const out = compiled.template.render(variables);
    if (!out.ok) throw new Error(out.error);
    return out.value;
  };
  const durationMs = (d: Duration, variables: Record<string, unknown>): number => {
    if ("ms" in d) return d.ms;
    const seconds = Number(render(d.template, variables));
    if (!Number.isFinite(seconds)) throw new Error(`not a duration: ${d.template}`);
    return seconds * 1000;
  };
  return { now: () => now, timeZone: "Europe/Berlin", location: BERLIN, state: (id) => states.get(id), render, durationMs, ...over };
}

const base = { enabled: true, alias: undefined };
const state = (c: Partial<Extract<Condition, { kind: "state" }>>): Condition => ({ ...base, kind: "state", entityIds: ["binary_sensor.door"], state: ["on"], attribute: undefined, for: undefined, match: "all", ...c });
const numeric = (c: Partial<Extract<Condition, { kind: "numeric_state" }>>): Condition => ({ ...base, kind: "numeric_state", entityIds: ["sensor.temp"], above: undefined, below: undefined, attribute: undefined, valueTemplate: undefined, ...c });
const time = (c: Partial<Extract<Condition, { kind: "time" }>>): Condition => ({ ...base, kind: "time", after: undefined, before: undefined, weekdays: undefined, ...c });
const sun = (c: Partial<Extract<Condition, { kind: "sun" }>>): Condition => ({ ...base, kind: "sun", after: undefined, before: undefined, afterOffsetMs: 0, beforeOffsetMs: 0, ...c });
const template = (valueTemplate: string, extra: Partial<Condition> = {}): Condition => ({ ...base, kind: "template", valueTemplate, ...extra }) as Condition;
const trigger = (ids: string[]): Condition => ({ ...base, kind: "trigger", ids });
const group = (kind: "and" | "or" | "not", conditions: Condition[], extra: Partial<Condition> = {}): Condition => ({ ...base, kind, conditions, ...extra }) as Condition;

const TRUE = template("{{ true }}");
const FALSE = template("{{ false }}");
const BROKEN = state({ entityIds: ["binary_sensor.nope"] });
const run = (c: Condition, world: Record<string, StateInput> = {}, variables: Record<string, unknown> = {}, over: Partial<ConditionPorts> = {}) =>
  evaluateCondition(c, variables, ports(world, over));

describe("state", () => {
  const door = (s: StateInput) => ({ "binary_sensor.door": s });

  it("matches the state and says what it saw", () => {
    expect(run(state({}), door("on"))).toEqual({ ok: true, kind: "state", reason: "binary_sensor.door is 'on'" });
    expect(run(state({}), door("off"))).toEqual({ ok: false, kind: "state", reason: "binary_sensor.door is 'off', wanted 'on'" });
    expect(run(state({ state: ["on", "open"] }), door("closed")).reason).toBe("binary_sensor.door is 'closed', wanted 'on' or 'open'");
    expect(run(state({ state: ["on", "open"] }), door("open")).ok).toBe(true);
  });

  it("fails with an error for an unknown entity (HA's ConditionError)", () => {
    expect(run(BROKEN)).toEqual({ ok: false, kind: "state", reason: "unknown entity binary_sensor.nope", error: "unknown entity binary_sensor.nope" });
  });

  it("compares attributes, whatever their type", () => {
    const climate = { "climate.hall": { state: "heat", attributes: { temperature: 20, hvac_action: "idle", eco: true, preset: null } } };
    const c = (attribute: string, wanted: Array<string | null>) => state({ entityIds: ["climate.hall"], attribute, state: wanted });
    expect(run(c("temperature", ["20"]), climate).ok).toBe(true);
    expect(run(c("temperature", ["20.0"]), climate).ok).toBe(true);
    expect(run(c("temperature", ["21"]), climate).reason).toBe("climate.hall temperature is 20, wanted '21'");
    expect(run(c("hvac_action", ["heating"]), climate).reason).toBe("climate.hall hvac_action is 'idle', wanted 'heating'");
    expect(run(c("eco", ["true"]), climate).ok).toBe(true);
    expect(run(c("preset", [null]), climate).ok).toBe(true);
    expect(run(c("fan", ["on"]), climate)).toMatchObject({ ok: false, error: "climate.hall has no attribute 'fan'" });
  });

  it("holds `for` only when the state is older than that (strictly, from last_changed)", () => {
    const c = state({ for: { ms: 5 * MIN } });
    expect(run(c, door({ state: "on", changedAgoMs: 5 * MIN + 1 }))).toMatchObject({ ok: true, reason: "binary_sensor.door is 'on' for 5m" });
    expect(run(c, door({ state: "on", changedAgoMs: 5 * MIN }))).toMatchObject({ ok: false });
    expect(run(c, door({ state: "on", changedAgoMs: 2 * MIN + 5000 })).reason).toBe("binary_sensor.door is 'on' for only 2m 5s, wanted 5m");
    expect(run(c, door({ state: "off", changedAgoMs: 60 * MIN })).reason).toBe("binary_sensor.door is 'off', wanted 'on'");
  });

  it("renders a templated `for` with the run's variables", () => {
    const c = state({ for: { template: "{{ minutes * 60 }}" } });
    expect(run(c, door({ state: "on", changedAgoMs: 10 * MIN }), { minutes: 5 }).ok).toBe(true);
    expect(run(c, door({ state: "on", changedAgoMs: 10 * MIN }), { minutes: 15 }).ok).toBe(false);
    expect(run(c, door("on"), {})).toMatchObject({ ok: false, error: "invalid 'for': 'minutes' is undefined" });
  });

  it("reads an input_* entity named in `state` as that entity's state (HA)", () => {
    const world = { "input_select.mode": "away", "alarm_control_panel.home": "armed_away", "sensor.other": "armed_away" };
    const c = (wanted: string) => state({ entityIds: ["alarm_control_panel.home"], state: [wanted] });
    expect(run(c("input_select.mode"), { ...world, "input_select.mode": "armed_away" }).ok).toBe(true);
    expect(run(c("input_select.mode"), world).reason).toBe("alarm_control_panel.home is 'armed_away', wanted 'away' (input_select.mode)");
    expect(run(c("input_text.missing"), world)).toMatchObject({ ok: false, error: "the 'state' entity input_text.missing is unavailable" });
    // Other entity ids are plain text, as in HA.
    expect(run(c("sensor.other"), world).ok).toBe(false);
  });

  it("needs all entities by default, any with match: any", () => {
    const world = { "binary_sensor.a": "on", "binary_sensor.b": "off" };
    const all = run(state({ entityIds: ["binary_sensor.a", "binary_sensor.b"] }), world);
    expect(all).toMatchObject({ ok: false, reason: "binary_sensor.b is 'off', wanted 'on'" });
    expect(all.children).toHaveLength(2);
    expect(run(state({ entityIds: ["binary_sensor.a", "binary_sensor.b"], match: "any" }), world)).toMatchObject({ ok: true, reason: "binary_sensor.a is 'on'" });
    const none = run(state({ entityIds: ["binary_sensor.a", "binary_sensor.b"], match: "any", state: ["open"] }), world);
    expect(none).toMatchObject({ ok: false, reason: "none match: binary_sensor.a is 'on', wanted 'open'; binary_sensor.b is 'off', wanted 'open'" });
    expect(run(state({ entityIds: ["binary_sensor.a", "binary_sensor.a"] }), world)).toMatchObject({ ok: true, reason: "binary_sensor.a is 'on'; binary_sensor.a is 'on'" });
  });

  it("lets a definite answer win over an error in another entity (HA)", () => {
    const world = { "binary_sensor.b": "off", "binary_sensor.c": "on" };
    expect(run(state({ entityIds: ["binary_sensor.nope", "binary_sensor.b"] }), world)).toMatchObject({ ok: false, reason: "binary_sensor.b is 'off', wanted 'on'" });
    expect(run(state({ entityIds: ["binary_sensor.nope", "binary_sensor.b"] }), world).error).toBeUndefined();
    expect(run(state({ entityIds: ["binary_sensor.nope", "binary_sensor.c"] }), world)).toMatchObject({ ok: false, error: "unknown entity binary_sensor.nope" });
    expect(run(state({ entityIds: ["binary_sensor.nope", "binary_sensor.c"], match: "any" }), world)).toMatchObject({ ok: true });
  });
});

describe("numeric_state", () => {
  const temp = (s: StateInput) => ({ "sensor.temp": s });

  it("checks above and below strictly", () => {
    expect(run(numeric({ above: 20, below: 25 }), temp("21.5"))).toEqual({ ok: true, kind: "numeric_state", reason: "sensor.temp is 21.5 (below 25, above 20)" });
    expect(run(numeric({ above: 20 }), temp("20")).reason).toBe("sensor.temp is 20, wanted above 20");
    expect(run(numeric({ below: 20 }), temp("20")).reason).toBe("sensor.temp is 20, wanted below 20");
    expect(run(numeric({ below: 20 }), temp("19.99")).ok).toBe(true);
    expect(run(numeric({ above: "20" }), temp("25")).ok).toBe(true);
  });

  it("reads numbers as Python's float() does", () => {
    for (const text of [" 21.5 ", "1e1", "1_000", "+30", ".5e2"]) expect(run(numeric({ above: 5 }), temp(text)).ok).toBe(true);
    expect(run(numeric({ above: 5 }), temp("-inf")).ok).toBe(false);
  });

  it("fails quietly for unavailable and unknown, with an error for other text (HA)", () => {
    expect(run(numeric({ above: 5 }), temp("unavailable"))).toEqual({ ok: false, kind: "numeric_state", reason: "sensor.temp is unavailable" });
    expect(run(numeric({ above: 5 }), temp("unknown")).error).toBeUndefined();
    expect(run(numeric({ above: 5 }), temp("warm"))).toMatchObject({ ok: false, error: "sensor.temp is 'warm', not a number" });
    expect(run(numeric({ above: 5 }))).toMatchObject({ ok: false, error: "unknown entity sensor.temp" });
  });

  it("reads an attribute", () => {
    const world = { "climate.hall": { state: "heat", attributes: { current_temperature: 19.5 } } };
    expect(run(numeric({ entityIds: ["climate.hall"], attribute: "current_temperature", below: 20 }), world).reason).toBe("climate.hall current_temperature is 19.5 (below 20)");
    expect(run(numeric({ entityIds: ["climate.hall"], attribute: "humidity", below: 20 }), world).error).toBe("climate.hall has no attribute 'humidity'");
  });

  it("renders value_template with `state` as the state object", () => {
    const world = { "climate.hall": { state: "heat", attributes: { temperature: 20.5 } } };
    const c = numeric({ entityIds: ["climate.hall"], valueTemplate: "{{ state.attributes.temperature * 2 }}", above: 40 });
    expect(run(c, world)).toMatchObject({ ok: true, reason: "climate.hall (template) is 41 (above 40)" });
    const bad = numeric({ entityIds: ["climate.hall"], valueTemplate: "{{ state.attributes.temperature / 0 }}", above: 40 });
    expect(run(bad, world)).toMatchObject({ ok: false, error: "template error: float division by zero" });
    const gone = numeric({ entityIds: ["climate.hall"], valueTemplate: "{{ 'unavailable' }}", above: 40 });
    expect(run(gone, world)).toMatchObject({ ok: false, reason: "climate.hall (template) is unavailable" });
  });

  it("takes limits from entities", () => {
    const world = { "sensor.temp": "21", "input_number.min": "20.0", "input_number.max": "unavailable", "sensor.text": "warm" };
    expect(run(numeric({ above: "input_number.min" }), world).reason).toBe("sensor.temp is 21 (above 20 (input_number.min))");
    expect(run(numeric({ above: "input_number.min" }), { ...world, "sensor.temp": "19" }).reason).toBe("sensor.temp is 19, wanted above 20 (input_number.min)");
    expect(run(numeric({ below: "input_number.max" }), world)).toEqual({ ok: false, kind: "numeric_state", reason: "the 'below' limit input_number.max is unavailable" });
    expect(run(numeric({ below: "input_number.nope" }), world).error).toBe("unknown 'below' entity input_number.nope");
    expect(run(numeric({ below: "sensor.text" }), world).error).toBe("the 'below' entity sensor.text is 'warm', not a number");
  });

  it("needs every entity in range", () => {
    const world = { "sensor.a": "10", "sensor.b": "30" };
    const r = run(numeric({ entityIds: ["sensor.a", "sensor.b"], below: 20 }), world);
    expect(r).toMatchObject({ ok: false, reason: "sensor.b is 30, wanted below 20" });
    expect(r.children?.map((x) => x.ok)).toEqual([true, false]);
  });
});

describe("time", () => {
  it("holds inside the local range", () => {
    expect(run(time({ after: "08:00", before: "17:00" }))).toEqual({ ok: true, kind: "time", reason: "now 12:00, wanted 08:00–17:00" });
    expect(run(time({ after: "22:00", before: "06:00" }))).toEqual({ ok: false, kind: "time", reason: "now 12:00, wanted 22:00–06:00" });
    expect(run(time({ after: "12:00" })).ok).toBe(true);
    expect(run(time({ before: "12:00" })).reason).toBe("now 12:00, wanted before 12:00");
    expect(run(time({ after: "11:59:30" })).reason).toBe("now 12:00, wanted after 11:59:30");
  });

  it("uses the home's time zone", () => {
    // 06:00 in New York.
    expect(run(time({ before: "07:00" }), {}, {}, { timeZone: "America/New_York" }).ok).toBe(true);
    expect(run(time({ after: "22:00", before: "07:00" }), {}, {}, { timeZone: "America/New_York" }).reason).toBe("now 06:00, wanted 22:00–07:00");
  });

  it("checks today's weekday", () => {
    expect(run(time({ weekdays: ["fri", "sat"] }))).toMatchObject({ ok: true, reason: "today is Fri" });
    expect(run(time({ weekdays: ["mon", "tue"] })).reason).toBe("today is Fri, wanted Mon, Tue");
    expect(run(time({ after: "08:00", weekdays: ["fri"] })).reason).toBe("now 12:00 Fri, wanted after 08:00");
  });

  it("reads limits from an input_datetime or a timestamp sensor", () => {
    const world = {
      "input_datetime.wake": { state: "06:30:00", attributes: { hour: 6, minute: 30, second: 0 } },
      "input_datetime.bare": "13:15:00",
      "sensor.alarm": { state: "2024-06-21T11:30:00+00:00", attributes: { device_class: "timestamp" } },
      "sensor.gone": { state: "unavailable", attributes: { device_class: "timestamp" } },
      "sensor.temp": "21",
    };
    expect(run(time({ after: "input_datetime.wake" }), world).reason).toBe("now 12:00, wanted after 06:30 (input_datetime.wake)");
    expect(run(time({ before: "input_datetime.bare" }), world).ok).toBe(true);
    expect(run(time({ before: "sensor.alarm" }), world).reason).toBe("now 12:00, wanted before 13:30 (sensor.alarm)");
    expect(run(time({ before: "sensor.gone" }), world)).toEqual({ ok: false, kind: "time", reason: "sensor.gone is 'unavailable', not a time" });
    expect(run(time({ before: "sensor.temp" }), world).error).toBeUndefined();
    expect(run(time({ after: "input_datetime.nope" }), world).error).toBe("unknown 'after' entity input_datetime.nope");
  });
});

describe("sun", () => {
  const at = (iso: string) => ({ now: () => Date.parse(iso) });

  it("compares with today's sunrise and sunset", () => {
    const r = run(sun({ after: "sunrise", before: "sunset" }));
    expect(r).toEqual({ ok: true, kind: "sun", reason: "now 12:00, wanted after sunrise (04:43) and before sunset (21:33)" });
    expect(run(sun({ after: "sunset" })).reason).toBe("now 12:00, wanted after sunset (21:33)");
    expect(run(sun({ after: "sunset" })).ok).toBe(false);
  });

  it("shows offsets and handles the night case", () => {
    expect(run(sun({ after: "sunset", afterOffsetMs: -60 * MIN }), {}, {}, at("2024-06-21T19:00:00Z")).reason).toBe("now 21:00, wanted after sunset-1h (20:33)");
    const night = sun({ after: "sunset", before: "sunrise", beforeOffsetMs: 30 * MIN });
    expect(run(night, {}, {}, at("2024-06-21T21:50:00Z"))).toMatchObject({ ok: true, reason: "now 23:50, wanted after sunset (21:33) or before sunrise+30m (05:13)" });
    expect(run(night).ok).toBe(false);
  });

  it("fails in polar day and night, and without a location", () => {
    const tromso = { location: { latitude: 69.6496, longitude: 18.956 }, now: () => Date.parse("2024-12-21T11:00:00Z") };
    expect(run(sun({ after: "sunrise" }), {}, {}, tromso)).toEqual({ ok: false, kind: "sun", reason: "no sunrise today (the sun stays down)" });
    expect(run(sun({ after: "sunset", before: "sunrise" }), {}, {}, tromso).reason).toBe("now 12:00, wanted after sunset (no sunset today) or before sunrise (no sunrise today)");
    expect(run(sun({ after: "sunrise" }), {}, {}, { location: undefined })).toMatchObject({ ok: false, error: "the home has no location: set it in Settings" });
  });
});

describe("template", () => {
  it("passes only on a 'true' result, as HA's template condition", () => {
    expect(run(template("{{ is_state('binary_sensor.door', 'on') }}"), { "binary_sensor.door": "on" })).toEqual({ ok: true, kind: "template", reason: "template is true" });
    expect(run(template("{{ is_state('binary_sensor.door', 'on') }}"), { "binary_sensor.door": "off" }).reason).toBe("template gave 'False', wanted true");
    for (const source of ["{{ 1 }}", "yes", "on", "{{ [1] }}", ""]) expect(run(template(source)).ok).toBe(false);
    for (const source of ["true", "TRUE", "  {{ True }}  "]) expect(run(template(source)).ok).toBe(true);
  });

  it("accepts already-typed results from the renderer", () => {
    expect(run(template("x"), {}, {}, { render: () => true }).ok).toBe(true);
    expect(run(template("x"), {}, {}, { render: () => 1 }).ok).toBe(false);
    expect(run(template("x"), {}, {}, { render: () => null }).reason).toBe("template gave 'None', wanted true");
  });

  it("sees the run's variables and fails with an error on template errors", () => {
    expect(run(template("{{ trigger.id == 'door' }}"), {}, { trigger: { id: "door" } }).ok).toBe(true);
    expect(run(template("{{ trigger.id == 'door' }}"))).toMatchObject({ ok: false, error: "template error: 'trigger' is undefined" });
    expect(run(template(`{{ '${"x".repeat(80)}' }}`)).reason).toHaveLength("template gave '', wanted true".length + 58);
  });
});

describe("trigger", () => {
  it("compares trigger.id", () => {
    expect(run(trigger(["door", "window"]), {}, { trigger: { id: "door" } })).toEqual({ ok: true, kind: "trigger", reason: "triggered by 'door'" });
    expect(run(trigger(["door", "window"]), {}, { trigger: { id: "motion" } }).reason).toBe("triggered by 'motion', wanted 'door' or 'window'");
    expect(run(trigger(["0"]), {}, { trigger: { id: 0 } }).ok).toBe(true);
    expect(run(trigger(["door"])).reason).toBe("no trigger id (run by hand?), wanted 'door'");
  });
});

describe("and, or, not", () => {
  it("and stops at the first false condition", () => {
    const r = run(group("and", [TRUE, FALSE, BROKEN]));
    expect(r).toMatchObject({ ok: false, kind: "and", reason: "template gave 'False', wanted true" });
    expect(r.children).toHaveLength(2);
    expect(run(group("and", [TRUE, TRUE]))).toMatchObject({ ok: true, reason: "all 2 passed" });
  });

  it("and: a false condition wins over an earlier error; an error alone fails it (HA)", () => {
    expect(run(group("and", [BROKEN, FALSE]))).toMatchObject({ ok: false, reason: "template gave 'False', wanted true" });
    expect(run(group("and", [BROKEN, FALSE])).error).toBeUndefined();
    expect(run(group("and", [BROKEN, TRUE]))).toMatchObject({ ok: false, error: "#1: unknown entity binary_sensor.nope" });
  });

  it("or stops at the first true condition; errors fail it only when nothing held", () => {
    const r = run(group("or", [FALSE, TRUE, BROKEN]));
    expect(r).toMatchObject({ ok: true, reason: "template is true" });
    expect(r.children).toHaveLength(2);
    expect(run(group("or", [FALSE, FALSE]))).toMatchObject({ ok: false, reason: "none of 2 passed" });
    expect(run(group("or", [BROKEN, TRUE])).ok).toBe(true);
    expect(run(group("or", [BROKEN, FALSE]))).toMatchObject({ ok: false, error: "#1: unknown entity binary_sensor.nope" });
  });

  it("not holds when none of its conditions do; an error fails it (HA)", () => {
    expect(run(group("not", [FALSE, FALSE]))).toMatchObject({ ok: true, reason: "none of 2 held" });
    expect(run(group("not", [FALSE, TRUE]))).toMatchObject({ ok: false, reason: "not: template is true" });
    expect(run(group("not", [BROKEN]))).toMatchObject({ ok: false, error: "unknown entity binary_sensor.nope" });
  });

  it("skips disabled conditions: they pass alone, never make an `or` true", () => {
    const off = { ...FALSE, enabled: false };
    expect(run(off)).toEqual({ ok: true, kind: "template", reason: "disabled, skipped" });
    expect(run(group("and", [off, TRUE, TRUE]))).toMatchObject({ ok: true, reason: "all 2 passed (1 disabled)" });
    expect(run(group("and", [off, TRUE]))).toMatchObject({ ok: true, reason: "template is true (1 disabled)" });
    expect(run(group("or", [{ ...TRUE, enabled: false }]))).toMatchObject({ ok: false, reason: "every condition is disabled" });
    expect(run(group("not", [{ ...TRUE, enabled: false }])).ok).toBe(true);
    expect(run({ ...group("and", [FALSE]), enabled: false }).ok).toBe(true);
  });

  it("names aliased conditions in reasons and results", () => {
    const door = { ...state({}), alias: "Door open" };
    const r = run(group("and", [TRUE, door]), { "binary_sensor.door": "off" });
    expect(r.reason).toBe("Door open: binary_sensor.door is 'off', wanted 'on'");
    expect(r.children?.[1]).toMatchObject({ alias: "Door open", ok: false });
    expect(run(group("or", [{ ...BROKEN, alias: "Lock" }, FALSE])).error).toBe("Lock: unknown entity binary_sensor.nope");
  });

  it("nests", () => {
    const c = group("or", [group("and", [TRUE, FALSE]), group("not", [FALSE])]);
    const r = run(c);
    expect(r.ok).toBe(true);
    expect(r.children?.map((x) => [x.kind, x.ok])).toEqual([["and", false], ["not", true]]);
  });
});

describe("evaluateConditions", () => {
  it("is an implicit and", () => {
    const p = ports({ "binary_sensor.door": "on" });
    expect(evaluateConditions([], {}, p)).toEqual({ ok: true, kind: "and", reason: "no conditions", children: [] });
    expect(evaluateConditions([state({}), TRUE], {}, p)).toMatchObject({ ok: true, reason: "all 2 passed" });
    expect(evaluateConditions([state({}), FALSE, BROKEN], {}, p).children).toHaveLength(2);
  });

  it("never throws, even when a port does", () => {
    const p = ports({}, { state: () => { throw new Error("store closed"); } });
    expect(evaluateConditions([state({})], {}, p)).toMatchObject({ ok: false, error: "store closed" });
    const q = ports({}, { render: () => { throw new TypeError("boom"); } });
    expect(evaluateCondition(TRUE, {}, q)).toMatchObject({ ok: false, error: "template error: boom" });
  });
});
