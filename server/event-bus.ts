import type { HaContext, HaState } from "./hub-api";
import type { Logger } from "./logger";
import type { NotificationView } from "./notifications/notification-views";

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
  stateChanged: {
    entityId: string;
    oldState: HaState | null;
    newState: HaState | null;
    /** newState's last_updated and last_changed as epoch ms (the time of the removal when newState is null). */
    at: number;
    changedAt: number;
  };
  /** HA's call_service: a service ran for these entities (after the targets were checked), in this context. */
  serviceCalled: { domain: string; service: string; data: Record<string, unknown>; context: HaContext; at: number };
  /** Any other HA event: fired by an automation's `event` action; `event` triggers listen for it. */
  haEvent: { eventType: string; data: Record<string, unknown>; context: HaContext; at: number };
  /** HA's automation_triggered: a rule's run began, in this context (its service calls carry it). */
  automationTriggered: { automationId: string; name: string; source: string; context: HaContext; at: number };
  /** A device trigger or tag scanner fired (device_automation / tag), or an event entity received an event. */
  deviceTriggered: { slotKey: string; deviceId: string | null; eventType: string; data: Record<string, unknown>; at: number };
  /**
   * A room (HA: area), device or entity was created, changed or removed in the registry. The live API
   * forwards it as HA's `area_registry_updated` / `device_registry_updated` / `entity_registry_updated`.
   */
  registryUpdated: { registry: "area" | "device" | "entity"; action: "create" | "update" | "remove"; id: string; name?: string | null };
  /** In-app notifications were added, replaced (same id) or removed (dismissed or pruned): HA's persistent_notification update types. */
  notificationsChanged: { type: "added" | "updated" | "removed"; notifications: NotificationView[]; at: number };
}

type Listener<T> = (payload: T) => void;

/** A typed event map. A throwing listener is logged and the others still run. */
export class EventBus {
  readonly #log: Logger;
  /** Copy on write: emit iterates the array it found, so listeners added or removed meanwhile wait for the next fact. */
  readonly #listeners = new Map<keyof HubEvents, ReadonlyArray<Listener<never>>>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof HubEvents>(event: K, listener: Listener<HubEvents[K]>): () => void {
    const entry = listener as Listener<never>;
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), entry]);
    return () => {
      const list = this.#listeners.get(event);
      if (list) this.#listeners.set(event, list.filter((l) => l !== entry));
    };
  }

  emit<K extends keyof HubEvents>(event: K, payload: HubEvents[K]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of list) {
      try {
        (listener as Listener<HubEvents[K]>)(payload);
      } catch (err) {
        this.#log.error({ err, event }, "event listener failed");
      }
    }
  }
}
