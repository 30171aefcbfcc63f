import type { EventBus, HubEvents } from "../event-bus";
import type { HaState } from "../hub-api";
import type { Logger } from "../logger";
import { haTimestamp, newContext } from "../state/context";
import { EVENT_STATE_CHANGED, MATCH_ALL, REGISTRY_EVENTS, haEventJson, stateChangedEventJson } from "./protocol";

export type StateListener = (entityId: string, oldState: HaState | null, newState: HaState | null) => void;
/** Receives an HA event already serialised: one JSON.stringify per fact, however many sockets listen. */
export type EventListener = (eventJson: string) => void;

const REGISTRY_ID_KEY = { area: "area_id", device: "device_id", entity: "entity_id" } as const;

/**
 * The one place the WebSocket API listens to the bus. It turns hub facts into HA events (state_changed,
 * *_registry_updated) and fans them out to every subscription of every connection.
 */
export class LiveFeed {
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #stateListeners = new Set<StateListener>();
  readonly #eventListeners = new Map<string, Set<EventListener>>();
  #disposers: Array<() => void> = [];

  constructor(deps: { bus: EventBus; log: Logger }) {
    this.#bus = deps.bus;
    this.#log = deps.log;
  }

  start(): void {
    if (this.#disposers.length > 0) return;
    this.#disposers.push(
      this.#bus.on("stateChanged", (change) => this.#onStateChanged(change)),
      this.#bus.on("registryUpdated", (fact) => this.#onRegistryUpdated(fact)),
    );
  }

  stop(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  /** Every state change, as the state store reports it; returns the unsubscribe function. */
  onState(listener: StateListener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** HA events of one type, or of every type for `null`/`"*"`; returns the unsubscribe function. */
  onEvent(eventType: string | null, listener: EventListener): () => void {
    const key = eventType ?? MATCH_ALL;
    let set = this.#eventListeners.get(key);
    if (!set) {
      set = new Set();
      this.#eventListeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#eventListeners.get(key) === set) this.#eventListeners.delete(key);
    };
  }

  #onStateChanged({ entityId, oldState, newState }: HubEvents["stateChanged"]): void {
    for (const listener of [...this.#stateListeners]) this.#guard(() => listener(entityId, oldState, newState));
    this.#emit(EVENT_STATE_CHANGED, () => {
      // HA fires state_changed with the new state's context and timestamp; a removal happens now.
      const firedAt = newState?.last_reported ?? haTimestamp(Date.now());
      return stateChangedEventJson(entityId, oldState, newState, firedAt, newState?.context ?? newContext());
    });
  }

  #onRegistryUpdated({ registry, action, id }: HubEvents["registryUpdated"]): void {
    this.#emit(REGISTRY_EVENTS[registry], () => {
      const now = Date.now();
      return haEventJson(REGISTRY_EVENTS[registry], { action, [REGISTRY_ID_KEY[registry]]: id }, haTimestamp(now), newContext(null, null, now));
    });
  }

  #emit(eventType: string, serialise: () => string): void {
    const typed = this.#eventListeners.get(eventType);
    const all = this.#eventListeners.get(MATCH_ALL);
    if (!typed && !all) return;
    const json = serialise();
    for (const listener of [...(typed ?? []), ...(all ?? [])]) this.#guard(() => listener(json));
  }

  // One failing connection must not keep the others from their updates.
  #guard(deliver: () => void): void {
    try {
      deliver();
    } catch (err) {
      this.#log.error({ err }, "live subscription failed");
    }
  }
}
