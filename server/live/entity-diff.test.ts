import { describe, expect, it } from "vitest";
import type { HaState } from "../hub-api";
import { compressState, diffState, PendingEntities, sameJson } from "./entity-diff";

// The compressed format of subscribe_entities, as HA's messages.py builds it.

const T0 = "2025-01-01T10:00:00.000000+00:00";
const T1 = "2025-01-01T10:00:01.250000+00:00";
const T2 = "2025-01-01T10:00:02.500000+00:00";

function state(patch: Partial<HaState> = {}): HaState {
  return {
    entity_id: "light.desk",
    state: "off",
    attributes: { friendly_name: "Desk", supported_color_modes: ["brightness"] },
    last_changed: T0,
    last_reported: T0,
    last_updated: T0,
    context: { id: "01J00000000000000000000000", parent_id: null, user_id: null },
    ...patch,
  };
}

describe("compressState", () => {
  it("sends the context id alone and omits lu when it equals lc", () => {
    expect(compressState(state())).toEqual({ s: "off", a: state().attributes, c: "01J00000000000000000000000", lc: 1735725600 });
  });

  it("sends the whole context when it has a user, and lu when it differs", () => {
    const ctx = { id: "01J1", parent_id: null, user_id: "7" };
    expect(compressState(state({ context: ctx, last_updated: T1 }))).toEqual({ s: "off", a: state().attributes, c: ctx, lc: 1735725600, lu: 1735725601.25 });
  });
});

describe("diffState", () => {
  it("sends a new state with lc (which the client also takes as lu) and the new context id", () => {
    const next = state({ state: "on", last_changed: T1, last_updated: T1, context: { id: "01J2", parent_id: null, user_id: null } });
    expect(diffState(state(), next)).toEqual({ "+": { s: "on", lc: 1735725601.25, c: "01J2" } });
  });

  it("sends changed and removed attributes with lu when the state stays", () => {
    const next = state({ attributes: { friendly_name: "Desk", brightness: 128 }, last_updated: T1 });
    expect(diffState(state(), next)).toEqual({ "+": { lu: 1735725601.25, a: { brightness: 128 } }, "-": { a: ["supported_color_modes"] } });
  });

  it("sends context fields as an object when parent or user change", () => {
    const next = state({ last_updated: T1, context: { id: "01J3", parent_id: null, user_id: "7" } });
    expect(diffState(state(), next)).toEqual({ "+": { lu: 1735725601.25, c: { user_id: "7", id: "01J3" } } });
  });

  it("compares attribute values deeply", () => {
    const next = state({ attributes: { friendly_name: "Desk", supported_color_modes: ["brightness"] } });
    expect(diffState(state(), next)).toBeUndefined();
  });

  it("asks for a full state when last_changed moved but last_updated is later still", () => {
    expect(diffState(state(), state({ state: "on", last_changed: T1, last_updated: T2 }))).toBe("replace");
  });
});

describe("PendingEntities", () => {
  it("folds one turn's changes of an entity into one diff from what the client saw", () => {
    const p = new PendingEntities(null);
    const a = state();
    const b = state({ state: "on", last_changed: T1, last_updated: T1, context: { ...a.context, id: "01JB" } });
    const c = state({ state: "on", last_changed: T1, last_updated: T1, attributes: { friendly_name: "Desk" }, context: { ...a.context, id: "01JB" } });
    expect(p.add("light.desk", a, b)).toBe(true);
    expect(p.add("light.desk", b, c)).toBe(false);
    expect(p.take()).toEqual({ c: { "light.desk": { "+": { s: "on", lc: 1735725601.25, c: "01JB" }, "-": { a: ["supported_color_modes"] } } } });
    expect(p.size).toBe(0);
    expect(p.take()).toBeUndefined();
  });

  it("sends additions in a, removals in r, and nothing for an entity that came and went in one turn", () => {
    const p = new PendingEntities(null);
    p.add("light.new", null, state({ entity_id: "light.new" }));
    p.add("light.gone", state({ entity_id: "light.gone" }), null);
    p.add("light.blip", null, state({ entity_id: "light.blip" }));
    p.add("light.blip", state({ entity_id: "light.blip" }), null);
    expect(p.take()).toEqual({ a: { "light.new": compressState(state({ entity_id: "light.new" })) }, r: ["light.gone"] });
  });

  it("keeps to its entity ids", () => {
    const p = new PendingEntities(new Set(["light.desk"]));
    expect(p.accepts("light.desk")).toBe(true);
    expect(p.accepts("light.hall")).toBe(false);
  });
});

describe("sameJson", () => {
  it("tells JSON values apart structurally", () => {
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });
});
