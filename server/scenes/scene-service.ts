import { z } from "zod";
import { SceneQueries, type SceneRow } from "@/db/queries/scenes";
import type { HubDatabase } from "@/db/open-database";
import { snapshotState } from "@/devices/scenes/reproduce-state";
import { parseSceneStates, sceneStatesFromJson, sceneStatesJson, type SceneStates } from "@/devices/scenes/scene-state";
import { HubError, formatIssues } from "../errors";
import type { HaState, ServiceCallInput } from "../hub-api";
import type { Logger } from "../logger";
import type { DomainCall, ServiceDomain } from "../state/service-caller";
import { applySceneStates } from "./apply-scene";

/** A hub scene as GET /api/scenes shows it. */
export interface SceneView {
  id: string;
  entity_id: string;
  name: string;
  /** "created" (scene.create) or "saved" (by a person). */
  origin: string;
  /** The states it sets: `{ "light.hall": { "state": "on", "brightness": 120 } }`. */
  entities: Record<string, Record<string, unknown>>;
  created_at: string;
  updated_at: string;
}

export interface SceneServiceDeps {
  db: HubDatabase;
  log: Logger;
  now: () => number;
  state: (entityId: string) => HaState | undefined;
  /** The hub's service layer (ServiceCaller.call): scenes set entities through their domains' services. */
  callService: (input: ServiceCallInput) => Promise<HaState[]>;
}

/** HA's cv.slug: what slugify leaves unchanged. */
const slug = z.string().regex(/^[a-z0-9]+(_[a-z0-9]+)*$/, "must be a slug (lower case letters, digits and single underscores, like movie_night)");
const entityList = z.union([z.string().transform((s) => s.split(",").map((id) => id.trim()).filter(Boolean)), z.array(z.string())]);
const transition = z.coerce.number().min(0).max(6553).optional();
const SCHEMAS = {
  apply: z.strictObject({ entities: z.unknown(), transition }),
  create: z.strictObject({ scene_id: slug, entities: z.unknown().optional(), snapshot_entities: entityList.optional() }),
  turn_on: z.strictObject({ transition }),
  delete: z.strictObject({}),
  reload: z.strictObject({}),
} as const;

function parse<S extends keyof typeof SCHEMAS>(service: S, data: Record<string, unknown>): z.output<(typeof SCHEMAS)[S]> {
  const parsed = SCHEMAS[service].safeParse(data);
  if (!parsed.success) throw new HubError("invalid_input", `scene.${service}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data as z.output<(typeof SCHEMAS)[S]>;
}

const PREFIX = "scene.";

/**
 * The hub's `scene` domain: scene.apply, scene.create (stored in SQLite, so they survive a restart, unlike HA's),
 * scene.turn_on of those scenes and scene.delete. MQTT-discovered scenes keep answering scene.turn_on (`next`).
 */
export class SceneService implements ServiceDomain {
  readonly #deps: SceneServiceDeps;
  readonly #store: SceneQueries;

  constructor(deps: SceneServiceDeps) {
    this.#deps = deps;
    this.#store = new SceneQueries(deps.db);
  }

  services(): string[] {
    return ["apply", "create", "delete", "reload", "turn_on"];
  }

  /** The hub's scenes, by id. */
  list(): SceneView[] {
    return this.#store.list().map((row) => this.#view(row));
  }

  async call(call: DomainCall, next: () => Promise<HaState[]>): Promise<HaState[]> {
    switch (call.service) {
      case "apply": {
        this.#noTargets(call);
        const data = parse("apply", call.data);
        const parsed = parseSceneStates(data.entities);
        if (!parsed.ok) throw new HubError("invalid_input", `scene.apply: ${parsed.error}`);
        return this.#apply("scene.apply", parsed.states, data.transition, call);
      }
      case "create":
        this.#noTargets(call);
        this.#create(parse("create", call.data));
        return [];
      case "turn_on":
        return this.#turnOn(call, next);
      case "delete":
        parse("delete", call.data);
        this.#delete(call.entityIds);
        return [];
      case "reload":
        // HA re-reads scenes.yaml; the hub's scenes live in SQLite, so there is nothing to read again.
        parse("reload", call.data);
        return [];
      default:
        return next();
    }
  }

  #noTargets(call: DomainCall): void {
    if (call.entityIds.length > 0) throw new HubError("invalid_input", `scene.${call.service} takes no entity_id or target (its entities say what to set)`);
  }

  async #apply(label: string, states: SceneStates, transition: number | undefined, call: DomainCall): Promise<HaState[]> {
    return applySceneStates(states, {
      label,
      transition,
      state: this.#deps.state,
      callService: (domain, service, data) => this.#deps.callService({ domain, service, data, userId: call.userId, context: call.context }),
    });
  }

  async #turnOn(call: DomainCall, next: () => Promise<HaState[]>): Promise<HaState[]> {
    const ours = call.entityIds.filter((id) => this.#row(id) !== undefined);
    if (ours.length === 0) return next();
    const data = parse("turn_on", call.data);
    const others = call.entityIds.filter((id) => !ours.includes(id));
    const changed: HaState[] = [];
    const errors: string[] = [];
    // MQTT scenes among them: through the service layer again, which hands them to their entities.
    if (others.length > 0) {
      await this.#deps
        .callService({ domain: "scene", service: "turn_on", data: { ...call.data, entity_id: others }, userId: call.userId, context: call.context })
        .then((c) => changed.push(...c), (err: unknown) => errors.push((err as Error).message));
    }
    for (const entityId of ours) {
      const row = this.#row(entityId)!;
      const states = sceneStatesFromJson(row.entities);
      if (!states.ok) {
        errors.push(`${entityId}: ${states.error}`);
        continue;
      }
      await this.#apply(entityId, states.states, data.transition, call).then((c) => changed.push(...c), (err: unknown) => errors.push((err as Error).message));
    }
    if (errors.length > 0) throw new HubError("unprocessable", errors.join(" | "));
    return changed;
  }

  #create(data: z.output<(typeof SCHEMAS)["create"]>): void {
    const entityId = `${PREFIX}${data.scene_id}`;
    if (data.entities === undefined && data.snapshot_entities === undefined) throw new HubError("invalid_input", "scene.create needs entities or snapshot_entities");
    let states: SceneStates = {};
    if (data.entities !== undefined) {
      const parsed = parseSceneStates(data.entities);
      if (!parsed.ok) throw new HubError("invalid_input", `scene.create: ${parsed.error}`);
      states = parsed.states;
    }
    const missing: string[] = [];
    const cannot: string[] = [];
    for (const raw of data.snapshot_entities ?? []) {
      const id = raw.trim().toLowerCase();
      const current = this.#deps.state(id);
      if (!current) {
        missing.push(id);
        continue;
      }
      const snap = snapshotState(id, current);
      if (typeof snap !== "string") states[id] = snap;
      else if (current.state === "unavailable" || current.state === "unknown") this.#deps.log.warn({ scene: entityId, entityId: id, state: current.state }, "scene snapshot left out an entity without a state");
      else cannot.push(`${id} (${snap})`);
    }
    const problems = [...(missing.length ? [`no such entities: ${missing.join(", ")}`] : []), ...(cannot.length ? [`cannot be reproduced: ${cannot.join(", ")}`] : [])];
    if (problems.length > 0) throw new HubError("invalid_input", `scene.create ${entityId}: ${problems.join("; ")}`);
    if (Object.keys(states).length === 0) throw new HubError("invalid_input", `scene.create ${entityId}: a scene needs at least one entity`);
    const existing = this.#store.get(data.scene_id);
    if (existing && existing.origin !== "created") throw new HubError("conflict", `${entityId} was not created with scene.create; it is not replaced`);
    if (!existing && this.#deps.state(entityId)) throw new HubError("conflict", `${entityId} is an MQTT scene; pick another scene_id`);
    this.#store.save({ id: data.scene_id, name: data.scene_id, entities: sceneStatesJson(states), origin: "created", at: this.#deps.now() });
    this.#deps.log.info({ scene: entityId, entities: Object.keys(states).length, replaced: existing !== undefined }, "scene created");
  }

  #delete(entityIds: string[]): void {
    if (entityIds.length === 0) throw new HubError("invalid_input", "scene.delete needs entity_id");
    // Every id is checked before any is deleted.
    for (const entityId of entityIds) {
      const row = this.#row(entityId);
      if (row?.origin === "created") continue;
      if (row || this.#deps.state(entityId)) throw new HubError("invalid_input", `The scene ${entityId} is not created with service \`scene.create\``);
      throw new HubError("not_found", `no scene ${entityId}`);
    }
    for (const entityId of entityIds) this.#store.remove(entityId.slice(PREFIX.length));
    this.#deps.log.info({ scenes: entityIds }, "scenes deleted");
  }

  #row(entityId: string): SceneRow | undefined {
    return entityId.startsWith(PREFIX) ? this.#store.get(entityId.slice(PREFIX.length)) : undefined;
  }

  #view(row: SceneRow): SceneView {
    const states = sceneStatesFromJson(row.entities);
    const entities = states.ok ? Object.fromEntries(Object.entries(states.states).map(([id, s]) => [id, { state: s.state, ...s.attributes }])) : {};
    return {
      id: row.id,
      entity_id: `${PREFIX}${row.id}`,
      name: row.name,
      origin: row.origin,
      entities,
      created_at: new Date(row.createdAt).toISOString(),
      updated_at: new Date(row.updatedAt).toISOString(),
    };
  }
}
