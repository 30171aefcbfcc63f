import { z } from "zod";
import { PLATFORMS } from "@/devices/components";
import { isComponent } from "@/devices/components/platform";
import { haPublishTopic, haQos, haBoolean, pythonStr } from "@/devices/discovery/ha-values";
import { LIMITED_MESSAGE } from "@/devices/auth/access";
import { FULL_ACCESS, type AccessScope } from "../auth/access-scope";
import { HubError, formatIssues } from "../errors";
import type { HaState, ServiceCallInput } from "../hub-api";
import type { MqttBus } from "../mqtt/mqtt-bus";
import type { DeviceRegistry } from "../registry/device-registry";
import type { StateStore } from "./state-store";

const mqttPublishSchema = z.object({
  topic: haPublishTopic,
  payload: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  qos: haQos.default(0),
  retain: haBoolean.default(false),
  evaluate_payload: z.unknown().optional(),
});

/** One call as a hub-provided domain sees it: targets resolved to entity ids, the rest is service data. */
export interface DomainCall {
  service: string;
  entityIds: string[];
  data: Record<string, unknown>;
  userId: string | null;
  context: ServiceCallInput["context"];
}

/**
 * A service domain the hub itself provides (notify, persistent_notification, scene): it is asked before the
 * MQTT entities' own services; `next` runs what the entities of the same domain would have run (an MQTT scene).
 */
export interface ServiceDomain {
  /** The services it offers now, for GET /api/services (notify's targets change as phones subscribe). */
  services(): string[];
  call(call: DomainCall, next: () => Promise<HaState[]>): Promise<HaState[]>;
}

/** Generic services every entity domain with on/off takes (HA's homeassistant.*). */
const GENERIC = new Set(["turn_on", "turn_off", "toggle"]);

export interface ServiceCallerDeps {
  mqtt: MqttBus;
  registry: DeviceRegistry;
  states: StateStore;
  /** Resolves `area_id` targets (RoomRegistry.entitiesInArea); without it an area target is refused. */
  areas?: { entitiesInArea(areaId: string): string[] };
}

/**
 * HA's service layer: resolves targets (`entity_id` string, list or "all"; `device_id`; `area_id`; a
 * `target` block), then asks the state store to run the service for each domain. `mqtt.publish` publishes.
 */
export class ServiceCaller {
  readonly #deps: ServiceCallerDeps;
  readonly #domains = new Map<string, ServiceDomain>();

  constructor(deps: ServiceCallerDeps) {
    this.#deps = deps;
  }

  /** Adds a hub-provided domain (the composition root does, once per domain). */
  addDomain(name: string, domain: ServiceDomain): void {
    if (this.#domains.has(name)) throw new Error(`service domain ${name} is already provided`);
    this.#domains.set(name, domain);
  }

  async call(input: ServiceCallInput): Promise<HaState[]> {
    if (input.scope?.limited) return this.#callLimited(input, input.scope);
    const provided = this.#domains.get(input.domain);
    if (!provided) return this.#callEntities(input);
    const { targets, fromDevices, rest } = this.#targets(input.data);
    const entityIds = [...new Set([...targets, ...fromDevices])];
    return provided.call({ service: input.service, entityIds, data: rest, userId: input.userId, context: input.context }, () => this.#callEntities(input));
  }

  /**
   * A room-limited person's call: entity services on entities they see only. `all` means all of theirs;
   * MQTT publishing and the hub's own domains (notify, scene, persistent_notification) are for admins.
   */
  async #callLimited(input: ServiceCallInput, scope: AccessScope): Promise<HaState[]> {
    const { domain, service } = input;
    if (domain === "mqtt" || this.#domains.has(domain)) throw new HubError("forbidden", `${domain}.${service}: ${LIMITED_MESSAGE}`);
    const { targets, fromDevices, rest } = this.#targets(input.data, scope);
    const ids = targets.includes("all")
      ? this.#deps.states.list().map((s) => s.entity_id).filter((id) => (domain === "homeassistant" || id.startsWith(`${domain}.`)) && scope.seesEntity(id))
      : [...targets, ...fromDevices.filter((id) => (domain === "homeassistant" || id.startsWith(`${domain}.`)) && scope.seesEntity(id))];
    const unseen = ids.find((id) => !scope.seesEntity(id));
    if (unseen !== undefined) throw new HubError("forbidden", `${unseen}: ${LIMITED_MESSAGE}`);
    if (ids.length === 0) throw new HubError("invalid_input", "entity_id is required (a string or a list)");
    return this.#callEntities({ domain, service, data: { ...rest, entity_id: ids }, userId: input.userId, context: input.context });
  }

  async #callEntities({ domain, service, data, userId, context }: ServiceCallInput): Promise<HaState[]> {
    if (domain === "mqtt") {
      if (service !== "publish") throw new HubError("invalid_input", `service mqtt.${service} not found`);
      const parsed = mqttPublishSchema.safeParse(data);
      if (!parsed.success) throw new HubError("invalid_input", formatIssues(parsed.error.issues));
      const payload = parsed.data.payload === undefined || parsed.data.payload === null ? "" : pythonStr(parsed.data.payload);
      await this.#deps.mqtt.publish(parsed.data.topic, payload, { qos: parsed.data.qos, retain: parsed.data.retain });
      return [];
    }
    const { targets, fromDevices, rest } = this.#targets(data);
    if (domain === "homeassistant") {
      if (!GENERIC.has(service)) throw new HubError("invalid_input", `service homeassistant.${service} not found`);
      const byDomain = new Map<string, string[]>();
      for (const id of [...targets, ...fromDevices]) {
        const d = id.split(".")[0]!;
        if (!byDomain.has(d)) byDomain.set(d, []);
        byDomain.get(d)!.push(id);
      }
      const changed: HaState[] = [];
      for (const [d, ids] of byDomain) {
        if (!isComponent(d) || !Object.hasOwn(PLATFORMS[d].services, service)) continue;
        changed.push(...(await this.#deps.states.callService(d, service, ids, rest, userId, context)));
      }
      return changed;
    }
    if (!isComponent(domain) || !PLATFORMS[domain].isEntity) throw new HubError("invalid_input", `service ${domain}.${service} not found`);
    if (!Object.hasOwn(PLATFORMS[domain].services, service)) throw new HubError("invalid_input", `service ${domain}.${service} not found`);
    const ids = targets.includes("all")
      ? this.#deps.states.list().map((s) => s.entity_id).filter((id) => id.startsWith(`${domain}.`))
      : [...targets, ...fromDevices.filter((id) => id.startsWith(`${domain}.`))];
    if (ids.length === 0) throw new HubError("invalid_input", "entity_id is required (a string or a list)");
    return this.#deps.states.callService(domain, service, ids, rest, userId, context);
  }

  /**
   * HA's service list shape (GET /api/services). A limited scope is not shown what it may not call: MQTT
   * publishing and the hub's own domains (notify's services are the household's phones).
   */
  list(scope: AccessScope = FULL_ACCESS): Array<{ domain: string; services: Record<string, { name: string; fields: Record<string, unknown> }> }> {
    const out: Array<{ domain: string; services: Record<string, { name: string; fields: Record<string, unknown> }> }> = [];
    const describe = (names: string[]) => Object.fromEntries(names.map((n) => [n, { name: n.replace(/_/g, " "), fields: {} }]));
    for (const [domain, platform] of Object.entries(PLATFORMS)) {
      if (!platform.isEntity) continue;
      out.push({ domain, services: describe(Object.keys(platform.services)) });
    }
    for (const [domain, provided] of scope.limited ? [] : this.#domains) {
      const entry = out.find((d) => d.domain === domain);
      if (entry) Object.assign(entry.services, describe(provided.services()));
      else out.push({ domain, services: describe(provided.services()) });
    }
    out.push({ domain: "homeassistant", services: describe([...GENERIC]) });
    if (!scope.limited) out.push({ domain: "mqtt", services: describe(["publish"]) });
    return out;
  }

  /**
   * Entity ids from `entity_id`, `device_id`, `area_id` and a `target` block; the other keys are service data.
   * For a limited scope a device or room it does not see is refused whether it exists or not, so an answer never
   * tells a guest what else the home has.
   */
  #targets(data: Record<string, unknown>, scope: AccessScope = FULL_ACCESS): { targets: string[]; fromDevices: string[]; rest: Record<string, unknown> } {
    const rest: Record<string, unknown> = { ...data };
    const target = typeof rest.target === "object" && rest.target !== null ? (rest.target as Record<string, unknown>) : {};
    delete rest.target;
    const list = (value: unknown, key: string): string[] => {
      if (value === undefined || value === null) return [];
      if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
      throw new HubError("invalid_input", `${key} must be a string or a list of strings`);
    };
    const entityIds = [...list(rest.entity_id, "entity_id"), ...list(target.entity_id, "target.entity_id")];
    const deviceIds = [...list(rest.device_id, "device_id"), ...list(target.device_id, "target.device_id")];
    const areaIds = [...list(rest.area_id, "area_id"), ...list(target.area_id, "target.area_id")];
    delete rest.entity_id;
    delete rest.device_id;
    delete rest.area_id;
    const fromDevices = new Set<string>();
    const unseen = scope.limited ? [...deviceIds.filter((id) => !scope.seesDevice(id)), ...areaIds.filter((id) => !scope.seesRoom(id))][0] : undefined;
    if (unseen !== undefined) throw new HubError("forbidden", `${unseen}: ${LIMITED_MESSAGE}`);
    for (const deviceId of deviceIds) {
      if (!this.#deps.registry.findDevice(deviceId)) throw new HubError("not_found", `unknown device ${deviceId}`);
      for (const e of this.#deps.registry.entitiesOfDevice(deviceId)) if (e.entityId && !entityIds.includes(e.entityId)) fromDevices.add(e.entityId);
    }
    for (const areaId of areaIds) {
      if (!this.#deps.areas) throw new HubError("invalid_input", "area_id targets are not supported here");
      for (const id of this.#deps.areas.entitiesInArea(areaId)) if (!entityIds.includes(id)) fromDevices.add(id);
    }
    return { targets: [...new Set(entityIds)], fromDevices: [...fromDevices], rest };
  }
}
