import type { DeviceTriggerView, DeviceView, EntityView } from "../hub-api";
import type { StateStore } from "../state/state-store";
import type { DeviceRegistry, RegisteredDevice, RegisteredEntity } from "./device-registry";
import { DEFAULT_ENTITY_SETTINGS, type EntitySettings } from "./entity-settings";

/** DTOs for the REST API and the UI, from the registry and the state store. */
export class DeviceViews {
  readonly #registry: DeviceRegistry;
  readonly #states: StateStore;
  readonly #settings: EntitySettings | undefined;

  constructor(registry: DeviceRegistry, states: StateStore, settings?: EntitySettings) {
    this.#registry = registry;
    this.#states = states;
    this.#settings = settings;
  }

  entity(entity: RegisteredEntity): EntityView | undefined {
    const entityId = entity.entityId;
    if (!entityId) return undefined;
    const raw = entity.raw;
    const str = (key: string): string | null => (typeof raw[key] === "string" ? (raw[key]) : null);
    const settings = this.#settings?.of(entityId) ?? DEFAULT_ENTITY_SETTINGS;
    const deviceRoom = entity.deviceId ? (this.#registry.findDevice(entity.deviceId)?.roomId ?? null) : null;
    return {
      entity_id: entityId,
      unique_id: entity.common.uniqueId,
      component: entity.component,
      name: this.#registry.friendlyName(entity),
      original_name: entity.common.name,
      device_id: entity.deviceId,
      room_id: settings.roomId ?? deviceRoom,
      own_room_id: settings.roomId,
      hidden: settings.hidden,
      pinned: settings.pinned,
      position: settings.position,
      available: this.#states.isAvailable(entityId),
      last_state: this.#states.lastValue(entityId),
      discovery_topic: entity.discoveryTopic,
      discovery_id: entity.discoveryId,
      state_topic: str("state_topic"),
      command_topic: str("command_topic"),
      entity_category: entity.common.entityCategory,
      device_class: entity.common.deviceClass,
      enabled_by_default: entity.common.enabledByDefault,
      origin: entity.common.origin?.name ?? null,
    };
  }

  trigger(entity: RegisteredEntity): DeviceTriggerView | undefined {
    if (entity.entityId || (entity.component !== "device_automation" && entity.component !== "tag")) return undefined;
    const raw = entity.raw;
    const str = (key: string): string | null => {
      const value = raw[key];
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : null;
    };
    const stats = this.#states.triggerStats(entity.slotKey);
    return {
      discovery_id: entity.discoveryId,
      component: entity.component,
      type: str("type"),
      subtype: str("subtype"),
      topic: str("topic"),
      payload: str("payload"),
      fired_count: stats.firedCount,
      last_fired: stats.lastFired,
    };
  }

  device(device: RegisteredDevice, slots: RegisteredEntity[] = this.#registry.entitiesOfDevice(device.id)): DeviceView {
    const entities = slots.map((s) => this.entity(s)).filter((e): e is EntityView => e !== undefined);
    const triggers = slots.map((s) => this.trigger(s)).filter((t): t is DeviceTriggerView => t !== undefined);
    const via = device.viaDevice ? this.#registry.findDeviceByIdentifier(device.viaDevice) : undefined;
    const withAvailability = slots.filter((s) => s.entityId && s.common.availability);
    return {
      id: device.id,
      name: device.nameByUser ?? device.name ?? device.identifiers[0] ?? device.id,
      name_by_user: device.nameByUser,
      original_name: device.name,
      identifiers: device.identifiers,
      connections: device.connections,
      manufacturer: device.manufacturer,
      model: device.model,
      model_id: device.modelId,
      hw_version: device.hwVersion,
      sw_version: device.swVersion,
      serial_number: device.serialNumber,
      configuration_url: device.configurationUrl,
      suggested_area: device.suggestedArea,
      via_device: device.viaDevice,
      via_device_id: via?.id ?? null,
      room_id: device.roomId,
      available: withAvailability.every((s) => this.#states.isAvailable(s.entityId!)),
      origin: slots.find((s) => s.common.origin)?.common.origin?.name ?? null,
      entities,
      triggers,
      created_at: device.createdAt,
      updated_at: device.updatedAt,
    };
  }

  devices(): DeviceView[] {
    const bySlotDevice = new Map<string, RegisteredEntity[]>();
    for (const slot of this.#registry.slots()) {
      if (!slot.deviceId) continue;
      let list = bySlotDevice.get(slot.deviceId);
      if (!list) bySlotDevice.set(slot.deviceId, (list = []));
      list.push(slot);
    }
    return this.#registry.devices().map((d) => this.device(d, bySlotDevice.get(d.id) ?? []));
  }

  entities(): EntityView[] {
    return this.#registry
      .slots()
      .map((s) => this.entity(s))
      .filter((e): e is EntityView => e !== undefined);
  }
}
