import { isEntityId } from "../automations/config-values";
import { invalidSceneState } from "./reproduce-state";

/** A state a scene sets: HA's State(entity_id, state, attributes) as a scene holds it. */
export interface SceneState {
  state: string;
  attributes: Record<string, unknown>;
}

/** The entity as it is now (its state object's state and attributes). */
export interface CurrentState {
  state: string;
  attributes: Readonly<Record<string, unknown>>;
}

/** One service call on the entity, in its own domain; the caller adds `entity_id`. */
export interface ReproduceCall {
  service: string;
  data: Record<string, unknown>;
}

/** scene.apply's and scene.turn_on's options (HA's reproduce_options). */
export interface ReproduceOptions {
  transition?: number;
}

/** A scene's entities by entity id. */
export type SceneStates = Record<string, SceneState>;

/** HA's valid_entity_id: `<domain>.<object_id>`, lower case, digits and underscores, no `__`, no leading or trailing `_`. */

export type ParsedSceneStates = { ok: true; states: SceneStates } | { ok: false; error: string };

/**
 * A scene's `entities` as HA's STATES_SCHEMA takes them: `light.kitchen: "on"` or `light.hall: {state: "on",
 * brightness: 120}`; YAML's booleans are "on"/"off" (HA's _convert_states). Each value is checked against its
 * domain (a light is "on" or "off", brightness a number…); every problem is named, with its entity.
 */
export function parseSceneStates(input: unknown, field = "entities"): ParsedSceneStates {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { ok: false, error: `${field} must be a mapping of entity ids to states` };
  const states: SceneStates = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const entityId = key.trim().toLowerCase();
    if (!isEntityId(entityId)) {
      problems.push(`${field}.${key}: not an entity id`);
      continue;
    }
    const parsed = sceneState(value);
    if (typeof parsed === "string") {
      problems.push(`${field}.${entityId}: ${parsed}`);
      continue;
    }
    const invalid = invalidSceneState(entityId, parsed);
    if (invalid !== undefined) problems.push(`${field}.${entityId}: ${invalid}`);
    else states[entityId] = parsed;
  }
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return { ok: true, states };
}

function stateText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** One entity's value: a state, or a mapping with `state` and attributes. An error says what is wrong. */
function sceneState(value: unknown): SceneState | string {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { state, ...attributes } = value as Record<string, unknown>;
    if (state === undefined || state === null) return "needs a state";
    const text = stateText(state);
    if (text === undefined) return "state must be a string";
    return { state: text, attributes };
  }
  const text = stateText(value);
  return text === undefined ? "must be a state or a mapping with a state and attributes" : { state: text, attributes: {} };
}

/** The stored form (db/schema/scenes.ts): `{ "light.hall": { "state": "on", "brightness": 120 } }`. */
export function sceneStatesJson(states: SceneStates): string {
  return JSON.stringify(Object.fromEntries(Object.entries(states).map(([id, s]) => [id, { state: s.state, ...s.attributes }])));
}

/** Reads the stored form back; a row that does not parse gives no entities (the caller says so). */
export function sceneStatesFromJson(text: string): ParsedSceneStates {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "stored entities are not JSON" };
  }
  return parseSceneStates(value);
}
