import type { HaState } from "./hub-api";
import type { Logger } from "./logger";

/** A connected MQTT client as the hub sees it. */
export interface MqttClientInfo {
  clientId: string;
  username: string | null;
  address: string | null;
  transport: "tcp" | "ws" | "tls";
  connectedAt: number;
}

/** Facts several modules react to. Past tense; payloads are plain data. */
export interface HubEvents {
  mqttClientConnected: MqttClientInfo;
  mqttClientDisconnected: MqttClientInfo;
  /** A discovery config created or changed a slot (entity, device trigger or tag scanner). */
  entityDiscovered: { slotKey: string; entityId: string | null; isUpdate: boolean };
  entityRemoved: { slotKey: string; entityId: string | null };
  deviceRemoved: { deviceId: string };
  /** HA's state_changed: `newState` null when the entity went away, `oldState` null when it is new. */
  stateChanged: { entityId: string; oldState: HaState | null; newState: HaState | null };
  /** A device trigger or tag scanner fired (device_automation / tag), or an event entity received an event. */
  deviceTriggered: { slotKey: string; deviceId: string | null; eventType: string; data: Record<string, unknown>; at: number };
}

type Listener<T> = (payload: T) => void;

/** A typed event map. A throwing listener is logged and the others still run. */
export class EventBus {
  readonly #log: Logger;
  readonly #listeners = new Map<keyof HubEvents, Set<Listener<never>>>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof HubEvents>(event: K, listener: Listener<HubEvents[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof HubEvents>(event: K, payload: HubEvents[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<HubEvents[K]>)(payload);
      } catch (err) {
        this.#log.error({ err, event }, "event listener failed");
      }
    }
  }
}
