import type { EntityValue, MqttMessageView, PlatformContext, ServiceData } from "@/devices/components/platform";
import type { AvailabilityEntry } from "@/devices/discovery/entity-config";
import { compileTemplate, templateValueJson, type CompiledTemplate, type RenderOutcome, type TemplateVariables } from "@/devices/templates/ha-template";
import { HubError } from "../errors";
import type { EventBus } from "../event-bus";
import type { HaContext, HaState, ProblemView, RecentMessageView } from "../hub-api";
import type { Logger } from "../logger";
import type { MqttBus, MqttMessage } from "../mqtt/mqtt-bus";
import type { DeviceRegistry, RegisteredEntity } from "../registry/device-registry";
import { haTimestamp, newContext } from "./context";
import { MessageView } from "./message-view";
import { allowedJsonAttributes, composeAttributes, sameAttributes, type Composed } from "./state-attributes";
import { RecentMessages } from "./recent-messages";
import { TopicRouter } from "./topic-router";

const PROBLEMS_PER_ENTITY = 20;
const MAX_SHARED_TEMPLATES = 20_000;

type Listener =
  | { kind: "state"; rt: Runtime; role: string }
  | { kind: "availability"; rt: Runtime; entry: AvailabilityEntry; index: number }
  | { kind: "attributes"; rt: Runtime };

interface Runtime {
  entity: RegisteredEntity;
  value: EntityValue;
  jsonAttributes: Record<string, unknown>;
  /** Per availability topic: last valid message said available. */
  availability: Map<string, boolean>;
  latestAvailable: boolean;
  expired: boolean;
  state: HaState | null;
  lastChanged: number;
  lastUpdated: number;
  templates: Map<string, CompiledTemplate | string>;
  disposers: Array<() => void>;
  expireTimer: NodeJS.Timeout | undefined;
  revertTimer: NodeJS.Timeout | undefined;
  ctx: PlatformContext;
  firedCount: number;
  lastFired: number | null;
  problems: ProblemView[];
  /** Set when a template failed during the current decode (already recorded as a template problem). */
  templateFailed: boolean;
  /** Attributes from the config, first in every state (platform static attributes). */
  headAttributes: Record<string, unknown>;
  /** device_class, icon, entity_picture, friendly_name: last in every state. */
  tailAttributes: Record<string, unknown>;
  /** The attributes of the current state and what they were composed from (values are immutable, so identity tells). */
  composed: Composed | null;
  /** The config's force_update: every message is a state write even when nothing changed. */
  forceUpdate: boolean;
  /** Epoch ms of the last message on any of this slot's topics; 0 before the first (device health). */
  lastSeen: number;
  /**
   * The context of the last command sent to the device, until its confirmation arrives (or the window
   * closes): the confirmed state carries it, so history and the logbook can say who asked for it.
   */
  commandContext: HaContext | undefined;
  commandContextUntil: number;
}

/** How long after a command the device's next state change counts as its answer. */
const COMMAND_CONTEXT_MS = 10_000;


export interface StateStoreDeps {
  bus: EventBus;
  mqtt: MqttBus;
  registry: DeviceRegistry;
  log: Logger;
  now?: () => number;
  timeZone?: string;
  /** Called for each slot of a device a message reached (device health learns reporting rhythms); must not allocate. */
  onSeen?: (deviceId: string, at: number) => void;
}

/**
 * Latest state of every discovered entity. Listens to each entity's state, availability and attribute
 * topics, decodes messages through its platform (devices/components), applies HA's availability
 * rules and emits `stateChanged` facts. Also turns HA service calls into the publishes devices expect.
 */
export class StateStore {
  readonly #deps: StateStoreDeps;
  readonly #now: () => number;
  readonly #router: TopicRouter<Listener>;
  readonly #runtimes = new Map<string, Runtime>();
  readonly #byEntityId = new Map<string, Runtime>();
  readonly #recent = new RecentMessages();
  readonly #loggedProblems = new Set<string>();
  readonly #compiled = new Map<string, CompiledTemplate | string>();
  #disposers: Array<() => void> = [];
  #messagesDecoded = 0;

  constructor(deps: StateStoreDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#router = new TopicRouter<Listener>(deps.mqtt, deps.log, (listeners, message) => this.#onMessage(listeners, message));
  }

  start(): void {
    const { bus } = this.#deps;
    this.#disposers.push(
      bus.on("entityDiscovered", ({ slotKey }) => this.#onDiscovered(slotKey)),
      bus.on("entityRemoved", ({ slotKey }) => this.#onRemoved(slotKey)),
    );
  }

  stop(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
    for (const rt of this.#runtimes.values()) this.#teardown(rt);
    this.#runtimes.clear();
    this.#byEntityId.clear();
  }

  get messagesDecoded(): number {
    return this.#messagesDecoded;
  }

  list(): HaState[] {
    const out: HaState[] = [];
    for (const rt of this.#byEntityId.values()) if (rt.state) out.push(rt.state);
    return out;
  }

  find(entityId: string): HaState | undefined {
    return this.#byEntityId.get(entityId)?.state ?? undefined;
  }

  isAvailable(entityId: string): boolean {
    const rt = this.#byEntityId.get(entityId);
    return rt ? this.#available(rt) : false;
  }

  /** The last value the device reported (kept while unavailable). */
  lastValue(entityId: string): string | null {
    return this.#byEntityId.get(entityId)?.value.state ?? null;
  }

  triggerStats(slotKey: string): { firedCount: number; lastFired: number | null } {
    const rt = this.#runtimes.get(slotKey);
    return { firedCount: rt?.firedCount ?? 0, lastFired: rt?.lastFired ?? null };
  }

  /** Epoch ms of the last message on any of the slot's topics, or null when none arrived since the hub started. */
  lastSeen(slotKey: string): number | null {
    const at = this.#runtimes.get(slotKey)?.lastSeen ?? 0;
    return at === 0 ? null : at;
  }

  problems(slotKey: string): ProblemView[] {
    return [...(this.#runtimes.get(slotKey)?.problems ?? [])];
  }

  /** The last messages seen on the topics the given slots listen to. */
  recentMessages(slotKeys: string[]): RecentMessageView[] {
    const topics = new Set<string>();
    for (const key of slotKeys) {
      const rt = this.#runtimes.get(key);
      if (!rt) continue;
      for (const t of listenedTopics(rt)) topics.add(t);
    }
    return this.#recent.on(topics, 50);
  }

  /** Runs a service call for entities of one domain; returns the states it changed. */
  async callService(domain: string, service: string, entityIds: string[], data: ServiceData, userId: string | null, context: HaContext = newContext(userId, null, this.#now())): Promise<HaState[]> {
    const targets: Runtime[] = [];
    for (const entityId of entityIds) {
      const rt = this.#byEntityId.get(entityId);
      if (!rt) throw new HubError("not_found", `unknown entity ${entityId}`);
      if (rt.entity.component !== domain) throw new HubError("invalid_input", `${domain}.${service} cannot act on ${entityId}`);
      if (!Object.hasOwn(rt.entity.platform.services, service)) throw new HubError("invalid_input", `service ${domain}.${service} not found`);
      targets.push(rt);
    }
    const reachable = targets.filter((rt) => this.#available(rt));
    if (targets.length > 0 && reachable.length === 0) {
      throw new HubError("device_unavailable", `${targets.map((rt) => rt.entity.entityId).join(", ")} ${targets.length === 1 ? "is" : "are"} unavailable`);
    }
    const at = this.#now();
    this.#deps.bus.emit("serviceCalled", { domain, service, data: { ...data, entity_id: reachable.map((rt) => rt.entity.entityId) }, context, at });
    const changed: HaState[] = [];
    for (const rt of reachable) {
      const { entity } = rt;
      const handler = entity.platform.services[service]!;
      const result = handler(entity.platformConfig, rt.value, data, rt.ctx);
      if (!result.ok) throw new HubError("invalid_input", `${entity.entityId}: ${result.error}`);
      for (const p of result.publishes) {
        await this.#deps.mqtt.publish(p.topic, p.payload, { qos: p.qos ?? entity.common.qos, retain: p.retain ?? entity.common.retain });
      }
      if (result.optimistic && entity.platform.isOptimistic(entity.platformConfig)) {
        rt.value = result.optimistic;
        if (this.#refresh(rt, context) && rt.state) changed.push(rt.state);
      } else if (result.publishes.length > 0) {
        rt.commandContext = context;
        rt.commandContextUntil = this.#now() + COMMAND_CONTEXT_MS;
      }
    }
    return changed;
  }

  #onDiscovered(slotKey: string): void {
    const entity = this.#deps.registry.findSlot(slotKey);
    if (!entity) return;
    const previous = this.#runtimes.get(slotKey);
    if (previous) this.#teardown(previous);
    const rt: Runtime = previous
      ? { ...previous, entity, templates: new Map(), disposers: [], expireTimer: undefined, revertTimer: undefined, ctx: undefined as unknown as PlatformContext, composed: null }
      : {
          entity,
          value: entity.platform.initialValue(entity.platformConfig),
          jsonAttributes: {},
          availability: new Map(),
          latestAvailable: false,
          expired: false,
          state: null,
          lastChanged: this.#now(),
          lastUpdated: this.#now(),
          templates: new Map(),
          disposers: [],
          expireTimer: undefined,
          revertTimer: undefined,
          ctx: undefined as unknown as PlatformContext,
          firedCount: 0,
          lastFired: null,
          problems: [],
          templateFailed: false,
          headAttributes: {},
          tailAttributes: {},
          composed: null,
          forceUpdate: false,
          lastSeen: 0,
          commandContext: undefined,
          commandContextUntil: 0,
        };
    rt.ctx = this.#platformContext(rt);
    rt.forceUpdate = entity.raw.force_update === true;
    rt.headAttributes = entity.platform.staticAttributes(entity.platformConfig);
    rt.tailAttributes = {};
    if (entity.common.deviceClass) rt.tailAttributes.device_class = entity.common.deviceClass;
    if (entity.common.icon) rt.tailAttributes.icon = entity.common.icon;
    if (entity.common.entityPicture) rt.tailAttributes.entity_picture = entity.common.entityPicture;
    rt.tailAttributes.friendly_name = this.#deps.registry.friendlyName(entity);
    if (previous) {
      // An updated config keeps per-topic availability for topics that remain (DISCOVERY.md §9).
      const topics = new Set(entity.common.availability?.entries.map((e) => e.topic) ?? []);
      for (const topic of [...rt.availability.keys()]) if (!topics.has(topic)) rt.availability.delete(topic);
      if (previous.entity.entityId !== entity.entityId && previous.entity.entityId) this.#byEntityId.delete(previous.entity.entityId);
    }
    this.#runtimes.set(slotKey, rt);
    if (entity.entityId) this.#byEntityId.set(entity.entityId, rt);

    const { platform, platformConfig, common } = entity;
    for (const st of platform.stateTopics(platformConfig)) this.#listen(rt, st.topic, { kind: "state", rt, role: st.role });
    common.availability?.entries.forEach((entry, index) => this.#listen(rt, entry.topic, { kind: "availability", rt, entry, index }));
    if (common.jsonAttributesTopic) this.#listen(rt, common.jsonAttributesTopic, { kind: "attributes", rt });
    this.#refresh(rt);
  }

  #onRemoved(slotKey: string): void {
    const rt = this.#runtimes.get(slotKey);
    if (!rt) return;
    this.#teardown(rt);
    this.#runtimes.delete(slotKey);
    const entityId = rt.entity.entityId;
    if (entityId && this.#byEntityId.get(entityId) === rt) {
      this.#byEntityId.delete(entityId);
      if (rt.state) {
        const now = this.#now();
        this.#deps.bus.emit("stateChanged", { entityId, oldState: rt.state, newState: null, at: now, changedAt: now });
      }
    }
  }

  #teardown(rt: Runtime): void {
    for (const dispose of rt.disposers.splice(0)) dispose();
    clearTimeout(rt.expireTimer);
    clearTimeout(rt.revertTimer);
  }

  #listen(rt: Runtime, filter: string, listener: Listener): void {
    rt.disposers.push(this.#router.add(filter, listener));
  }

  #replaysAreNews = false;

  /** The start-up replay is over (discovery settled): from now on a replayed message counts as the device seen. */
  startupReplayDone(): void {
    this.#replaysAreNews = true;
  }

  #onMessage(listeners: Iterable<Listener>, message: MqttMessage): void {
    const view = new MessageView(message);
    const at = this.#now();
    this.#recent.remember(message, view.text, at);
    const onSeen = this.#deps.onSeen;
    // A device is seen when it speaks: not when the broker replays what it said before a restart, nor when
    // an availability topic shared by many devices (a Zigbee2MQTT bridge's state) says "online". After the
    // start-up replay, a replay is a new entity's subscription catching a message just sent: that counts.
    const live = message.replayed !== true || this.#replaysAreNews;
    let sharedAvailability: boolean | undefined;
    for (const listener of listeners) {
      this.#messagesDecoded++;
      const rt = listener.rt;
      if (live && rt.lastSeen !== at && (listener.kind !== "availability" || !(sharedAvailability ??= spansDevices(listeners)))) {
        rt.lastSeen = at;
        const deviceId = rt.entity.deviceId;
        if (onSeen && deviceId !== null) onSeen(deviceId, at);
      }
      switch (listener.kind) {
        case "state":
          this.#onState(listener.rt, listener.role, view);
          break;
        case "availability":
          this.#onAvailability(listener.rt, listener.entry, listener.index, view);
          break;
        case "attributes":
          this.#onAttributes(listener.rt, view);
          break;
      }
    }
  }

  #onState(rt: Runtime, role: string, view: MessageView): void {
    const { entity } = rt;
    if (entity.common.expireAfter > 0) this.#armExpiry(rt);
    let result;
    rt.templateFailed = false;
    try {
      result = entity.platform.decode(entity.platformConfig, role, view, rt.value, rt.ctx);
    } catch (err) {
      this.#problem(rt, view.topic, "payload", `decoding failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (result.kind === "reject") {
      if (!rt.templateFailed) this.#problem(rt, view.topic, "payload", result.reason);
      return;
    }
    if (result.kind === "ignore") return;
    if (result.fired) {
      const at = this.#now();
      rt.firedCount++;
      rt.lastFired = at;
      this.#deps.bus.emit("deviceTriggered", { slotKey: entity.slotKey, deviceId: entity.deviceId, eventType: result.fired.eventType, data: result.fired.data, at });
    }
    rt.value = result.value;
    clearTimeout(rt.revertTimer);
    if (result.revertAfter) {
      const revert = result.revertAfter;
      rt.revertTimer = setTimeout(() => {
        rt.value = revert.value;
        this.#refresh(rt);
      }, revert.ms);
      rt.revertTimer.unref();
    }
    const forced = rt.forceUpdate || result.fired !== undefined;
    this.#refresh(rt, undefined, forced);
  }

  #onAvailability(rt: Runtime, entry: AvailabilityEntry, index: number, view: MessageView): void {
    let payload = view.text;
    if (entry.valueTemplate) {
      const outcome = this.#renderSource(rt, `availability.${index}`, entry.valueTemplate, {}, view);
      if (!outcome.ok) {
        this.#problem(rt, view.topic, "template", `availability template: ${outcome.error}`);
        return;
      }
      payload = outcome.value;
    }
    let available: boolean;
    if (payload === entry.payloadAvailable) available = true;
    else if (payload === entry.payloadNotAvailable) available = false;
    else return;
    rt.availability.set(entry.topic, available);
    rt.latestAvailable = available;
    this.#refresh(rt);
  }

  #onAttributes(rt: Runtime, view: MessageView): void {
    let attributes: unknown;
    const template = rt.entity.common.jsonAttributesTemplate;
    if (template) {
      const outcome = this.#renderSource(rt, "json_attributes_template", template, {}, view);
      if (!outcome.ok) {
        this.#problem(rt, view.topic, "template", `json_attributes_template: ${outcome.error}`);
        return;
      }
      try {
        attributes = JSON.parse(outcome.value);
      } catch {
        attributes = undefined;
      }
    } else {
      attributes = view.json;
    }
    if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) {
      this.#problem(rt, view.topic, "payload", "json_attributes payload is not a JSON object");
      return;
    }
    rt.jsonAttributes = allowedJsonAttributes(attributes);
    this.#refresh(rt);
  }

  #armExpiry(rt: Runtime): void {
    clearTimeout(rt.expireTimer);
    const wasExpired = rt.expired;
    rt.expired = false;
    rt.expireTimer = setTimeout(() => {
      rt.expired = true;
      this.#refresh(rt);
    }, rt.entity.common.expireAfter * 1000);
    rt.expireTimer.unref();
    if (wasExpired) this.#refresh(rt);
  }

  #available(rt: Runtime): boolean {
    if (rt.expired) return false;
    const availability = rt.entity.common.availability;
    if (!availability) return true;
    switch (availability.mode) {
      case "all":
        return availability.entries.every((e) => rt.availability.get(e.topic) === true);
      case "any":
        return availability.entries.some((e) => rt.availability.get(e.topic) === true);
      case "latest":
        return rt.latestAvailable;
    }
  }

  /**
   * Recomputes the HA state; emits stateChanged when state or attributes changed (or `forced`).
   * The hot path of every state message: no serialisation, one timestamp string, a context id only on change.
   */
  #refresh(rt: Runtime, context?: HaContext, forced = false): boolean {
    const entityId = rt.entity.entityId;
    if (!entityId) return false;
    const available = this.#available(rt);
    rt.composed = composeAttributes(rt.headAttributes, rt.jsonAttributes, rt.value.attributes, rt.tailAttributes, available, rt.composed);
    const attributes = rt.composed.attributes;
    const state = available ? (rt.value.state ?? "unknown") : "unavailable";
    const old = rt.state;
    if (old && !forced && old.state === state && (old.attributes === attributes || sameAttributes(old.attributes, attributes))) return false;
    const now = this.#now();
    if (!context && rt.commandContext) {
      // The first change after a command is the device's answer to it.
      if (now <= rt.commandContextUntil) context = rt.commandContext;
      rt.commandContext = undefined;
    }
    if (!old || old.state !== state) rt.lastChanged = now;
    rt.lastUpdated = now;
    const updated = this.#timestamp(now);
    rt.state = {
      entity_id: entityId,
      state,
      attributes,
      last_changed: rt.lastChanged === now ? updated : this.#timestamp(rt.lastChanged),
      last_reported: updated,
      last_updated: updated,
      context: context ?? newContext(null, null, now),
    };
    this.#deps.bus.emit("stateChanged", { entityId, oldState: old, newState: rt.state, at: now, changedAt: rt.lastChanged });
    return true;
  }

  readonly #lastTimestamp = { ms: Number.NaN, text: "" };

  /** HA's timestamp text, memoised: a burst of changes in one millisecond formats it once. */
  #timestamp(ms: number): string {
    if (ms !== this.#lastTimestamp.ms) {
      this.#lastTimestamp.ms = ms;
      this.#lastTimestamp.text = haTimestamp(ms);
    }
    return this.#lastTimestamp.text;
  }

  #platformContext(rt: Runtime): PlatformContext {
    return {
      now: this.#now,
      render: (key: string, variables: TemplateVariables, message?: MqttMessageView): RenderOutcome | undefined => {
        const source = rt.entity.raw[key];
        if (typeof source !== "string" || source === "") return undefined;
        const outcome = this.#renderSource(rt, key, source, variables, message);
        if (!outcome.ok) {
          rt.templateFailed = true;
          this.#problem(rt, message?.topic ?? "", "template", `${key}: ${outcome.error}`);
        }
        return outcome;
      },
    };
  }

  #renderSource(rt: Runtime, key: string, source: string, variables: TemplateVariables, message?: MqttMessageView): RenderOutcome {
    let compiled = rt.templates.get(key);
    if (compiled === undefined) {
      // Entities of one firmware share their templates: compile each distinct source once.
      compiled = this.#compiled.get(source);
      if (compiled === undefined) {
        const outcome = compileTemplate(source, { timeZone: this.#deps.timeZone, now: this.#now });
        compiled = outcome.ok ? outcome.template : outcome.error;
        if (this.#compiled.size < MAX_SHARED_TEMPLATES) this.#compiled.set(source, compiled);
      }
      rt.templates.set(key, compiled);
    }
    if (typeof compiled === "string") return { ok: false, error: compiled };
    const vars: Record<string, unknown> = { ...variables };
    if (rt.entity.entityId) vars.entity_id = rt.entity.entityId;
    if (message) {
      vars.value = message.text;
      const json = templateValueJson(message.text, message.json);
      if (json !== undefined) vars.value_json = json;
    }
    return compiled.render(vars);
  }

  /** Records a problem on the entity; logs the first of each kind per entity and topic at warn. */
  #problem(rt: Runtime, topic: string, kind: ProblemView["kind"], reason: string): void {
    const at = this.#now();
    const existing = rt.problems.find((p) => p.kind === kind && p.reason === reason && p.topic === topic);
    if (existing) {
      existing.count++;
      existing.at = at;
    } else {
      rt.problems.unshift({ at, topic, kind, reason, count: 1 });
      if (rt.problems.length > PROBLEMS_PER_ENTITY) rt.problems.pop();
    }
    const logKey = `${rt.entity.slotKey}\u0000${kind}\u0000${reason}`;
    const fields = { slot: rt.entity.slotKey, entityId: rt.entity.entityId, topic, reason };
    if (this.#loggedProblems.has(logKey)) this.#deps.log.debug(fields, "state message not applied");
    else {
      if (this.#loggedProblems.size < 10_000) this.#loggedProblems.add(logKey);
      this.#deps.log.warn(fields, "state message not applied");
    }
  }
}

function listenedTopics(rt: Runtime): string[] {
  const { platform, platformConfig, common } = rt.entity;
  return [
    ...platform.stateTopics(platformConfig).map((s) => s.topic),
    ...(common.availability?.entries.map((e) => e.topic) ?? []),
    ...(common.jsonAttributesTopic ? [common.jsonAttributesTopic] : []),
  ];
}

/** Whether the listeners on one topic belong to more than one device. */
function spansDevices(listeners: Iterable<Listener>): boolean {
  let first: string | null | undefined;
  for (const { rt } of listeners) {
    const deviceId = rt.entity.deviceId;
    if (first === undefined) first = deviceId;
    else if (deviceId !== first) return true;
  }
  return false;
}
