import { randomBytes } from "node:crypto";
import type { HubDatabase } from "@/db/open-database";
import { RegistryWriter, loadDevices, loadEntityIds, loadSlots, type StoredDevice, type StoredSlot } from "@/db/queries/devices";
import type { Component, ExpandedConfig, PlatformDefinition } from "@/devices/components/platform";
import type { CommonEntityConfig, DeviceInfo } from "@/devices/discovery/entity-config";
import { allocateEntityId } from "@/devices/discovery/entity-id";
import type { EventBus } from "../event-bus";
import type { Logger } from "../logger";

/** A validated discovery config for one slot, ready to register. */
export interface EntityDefinition {
  component: Component;
  discoveryId: string;
  slotKey: string;
  discoveryTopic: string;
  /** Whether the config arrived retained (a retained config that disappears while we are down is stale). */
  retained: boolean;
  raw: ExpandedConfig;
  common: CommonEntityConfig;
  platform: PlatformDefinition<unknown>;
  platformConfig: unknown;
}

export interface RegisteredEntity extends EntityDefinition {
  /** null for device triggers and tag scanners: they are not entities. */
  entityId: string | null;
  deviceId: string | null;
  nameByUser: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RegisteredDevice {
  id: string;
  identifiers: string[];
  connections: Array<[string, string]>;
  name: string | null;
  nameByUser: string | null;
  manufacturer: string | null;
  model: string | null;
  modelId: string | null;
  hwVersion: string | null;
  swVersion: string | null;
  serialNumber: string | null;
  suggestedArea: string | null;
  viaDevice: string | null;
  configurationUrl: string | null;
  roomId: string | null;
  /** A person placed the device (or sent it to the inbox): suggested_area no longer moves it. */
  roomSetByUser: boolean;
  createdAt: number;
  updatedAt: number;
}

export type UpsertResult =
  | { ok: true; entity: RegisteredEntity; change: "created" | "updated" | "unchanged" }
  | { ok: false; reason: string };

export interface DeviceRegistryDeps {
  db: HubDatabase;
  bus: EventBus;
  log: Logger;
  now?: () => number;
}

/** Rebuilds a definition from a stored config (platform schemas may have changed since it was saved). */
export type DefinitionLoader = (stored: { component: string; discoveryId: string; slotKey: string; discoveryTopic: string; retained: boolean; config: ExpandedConfig }) =>
  | { ok: true; definition: EntityDefinition }
  | { ok: false; reason: string };

/**
 * Devices and entities discovered over MQTT, in memory and in SQLite. Entity ids are allocated once per
 * identity (`<component>:<unique_id>`, or the config slot when there is no unique_id) and never change.
 * Writes are batched into one transaction per event-loop turn, so a burst of 10,000 retained configs
 * costs a handful of commits.
 */
export class DeviceRegistry {
  readonly #deps: DeviceRegistryDeps;
  readonly #now: () => number;
  readonly #devices = new Map<string, RegisteredDevice>();
  readonly #deviceByKey = new Map<string, string>();
  readonly #entities = new Map<string, RegisteredEntity>();
  /** Slot keys per discovery topic (a device-based topic holds several). */
  readonly #byTopic = new Map<string, Set<string>>();
  readonly #byEntityId = new Map<string, RegisteredEntity>();
  readonly #byUniqueId = new Map<string, RegisteredEntity>();
  /** identity → entity id, including entities that are gone (their ids stay reserved). */
  readonly #givenIds = new Map<string, string>();
  readonly #takenIds = new Set<string>();
  readonly #pendingDevices = new Map<string, RegisteredDevice>();
  readonly #pendingSlots = new Map<string, RegisteredEntity>();
  readonly #pendingSlotDeletes = new Set<string>();
  readonly #pendingDeviceDeletes = new Set<string>();
  #pendingIds: Array<{ identity: string; entityId: string; createdAt: number }> = [];
  #pendingIdDeletes: string[] = [];
  #flushScheduled = false;
  readonly #writer: RegistryWriter;

  constructor(deps: DeviceRegistryDeps) {
    this.#deps = deps;
    this.#writer = new RegistryWriter(deps.db);
    this.#now = deps.now ?? Date.now;
  }

  /** Loads what was saved; returns the restored entities (the caller announces them). */
  load(loadDefinition: DefinitionLoader): RegisteredEntity[] {
    const { db, log } = this.#deps;
    for (const row of loadEntityIds(db)) {
      this.#givenIds.set(row.identity, row.entityId);
      this.#takenIds.add(row.entityId);
    }
    for (const row of loadDevices(db)) this.#indexDevice(deviceFromRow(row));
    const restored: RegisteredEntity[] = [];
    for (const row of loadSlots(db)) {
      const loaded = loadDefinition({
        component: row.component,
        discoveryId: row.discoveryId,
        slotKey: row.slotKey,
        discoveryTopic: row.discoveryTopic,
        retained: row.configRetained,
        config: row.config,
      });
      if (!loaded.ok) {
        log.warn({ slot: row.slotKey, reason: loaded.reason }, "stored discovery config no longer valid; dropped");
        this.#pendingSlotDeletes.add(row.slotKey);
        continue;
      }
      const entity: RegisteredEntity = {
        ...loaded.definition,
        entityId: row.entityId,
        deviceId: row.deviceId !== null && this.#devices.has(row.deviceId) ? row.deviceId : null,
        nameByUser: row.nameByUser,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
      this.#indexEntity(entity);
      restored.push(entity);
    }
    this.#scheduleFlush();
    return restored;
  }

  upsert(def: EntityDefinition): UpsertResult {
    const now = this.#now();
    const existing = this.#entities.get(def.slotKey);
    const uid = def.common.uniqueId;
    if (uid !== null) {
      const owner = this.#byUniqueId.get(uniqueKey(def.component, uid));
      if (owner && owner.slotKey !== def.slotKey) {
        return { ok: false, reason: `unique_id already used by another discovered entity (${owner.component} '${owner.discoveryId}')` };
      }
    }
    if (existing && sameConfig(existing, def)) {
      if (existing.retained !== def.retained) {
        existing.retained = def.retained;
        this.#pendingSlots.set(existing.slotKey, existing);
        this.#scheduleFlush();
      }
      return { ok: true, entity: existing, change: "unchanged" };
    }

    const deviceId = def.common.device ? this.#mergeDevice(def.common.device, now) : (existing?.deviceId ?? null);
    if (existing) this.#unindexEntity(existing);
    const entity: RegisteredEntity = {
      ...def,
      entityId: existing?.entityId ?? (def.platform.isEntity ? this.#entityIdFor(def, deviceId, now) : null),
      deviceId,
      nameByUser: existing?.nameByUser ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.#indexEntity(entity);
    this.#pendingSlots.set(entity.slotKey, entity);
    this.#pendingSlotDeletes.delete(entity.slotKey);
    this.#scheduleFlush();
    const orphan = existing?.deviceId && existing.deviceId !== deviceId ? existing.deviceId : null;
    if (orphan) this.#dropDeviceIfEmpty(orphan);
    this.#deps.bus.emit("entityDiscovered", { slotKey: entity.slotKey, entityId: entity.entityId, isUpdate: existing !== undefined });
    if (entity.entityId) this.#deps.bus.emit("registryUpdated", { registry: "entity", action: existing ? "update" : "create", id: entity.entityId });
    return { ok: true, entity, change: existing ? "updated" : "created" };
  }

  /** Forgets a slot. The device goes with its last slot unless `keepDevice` (discovery migration). */
  remove(slotKey: string, opts: { keepDevice?: boolean } = {}): RegisteredEntity | undefined {
    const entity = this.#entities.get(slotKey);
    if (!entity) return undefined;
    this.#unindexEntity(entity);
    this.#pendingSlots.delete(slotKey);
    this.#pendingSlotDeletes.add(slotKey);
    this.#scheduleFlush();
    this.#deps.bus.emit("entityRemoved", { slotKey, entityId: entity.entityId });
    if (entity.entityId) this.#deps.bus.emit("registryUpdated", { registry: "entity", action: "remove", id: entity.entityId });
    if (entity.deviceId && !opts.keepDevice) this.#dropDeviceIfEmpty(entity.deviceId);
    return entity;
  }

  /** Forgets a device, its entities and their ids. Returns the discovery topics it was announced on. */
  removeDevice(deviceId: string): { device: RegisteredDevice; discoveryTopics: string[] } | undefined {
    const device = this.#devices.get(deviceId);
    if (!device) return undefined;
    const slots = this.entitiesOfDevice(deviceId);
    const topics = [...new Set(slots.map((s) => s.discoveryTopic))];
    for (const slot of slots) {
      this.remove(slot.slotKey, { keepDevice: true });
      const identity = identityOf(slot);
      this.#givenIds.delete(identity);
      if (slot.entityId) {
        this.#takenIds.delete(slot.entityId);
        this.#pendingIdDeletes.push(slot.entityId);
      }
    }
    this.#unindexDevice(device);
    this.#pendingDeviceDeletes.add(deviceId);
    this.#pendingDevices.delete(deviceId);
    this.#scheduleFlush();
    this.#deps.bus.emit("deviceRemoved", { deviceId });
    this.#deps.bus.emit("registryUpdated", { registry: "device", action: "remove", id: deviceId, name: device.nameByUser ?? device.name });
    return { device, discoveryTopics: topics };
  }

  renameDevice(deviceId: string, nameByUser: string | null): RegisteredDevice | undefined {
    const device = this.#devices.get(deviceId);
    if (!device) return undefined;
    device.nameByUser = nameByUser;
    device.updatedAt = this.#now();
    this.#pendingDevices.set(deviceId, device);
    this.#scheduleFlush();
    for (const entity of this.entitiesOfDevice(deviceId)) this.#deps.bus.emit("entityDiscovered", { slotKey: entity.slotKey, entityId: entity.entityId, isUpdate: true });
    this.#deps.bus.emit("registryUpdated", { registry: "device", action: "update", id: deviceId });
    return device;
  }

  /** Puts a device in a room (null: the inbox). `byUser` marks it placed by a person, so discovery leaves it alone. */
  assignRoom(deviceId: string, roomId: string | null, byUser: boolean): RegisteredDevice | undefined {
    const device = this.#devices.get(deviceId);
    if (!device) return undefined;
    const roomSetByUser = device.roomSetByUser || byUser;
    if (device.roomId === roomId && device.roomSetByUser === roomSetByUser) return device;
    device.roomId = roomId;
    device.roomSetByUser = roomSetByUser;
    device.updatedAt = this.#now();
    this.#pendingDevices.set(deviceId, device);
    this.#scheduleFlush();
    this.#deps.bus.emit("registryUpdated", { registry: "device", action: "update", id: deviceId });
    return device;
  }

  findEntity(entityId: string): RegisteredEntity | undefined {
    return this.#byEntityId.get(entityId);
  }

  findSlot(slotKey: string): RegisteredEntity | undefined {
    return this.#entities.get(slotKey);
  }

  findDevice(deviceId: string): RegisteredDevice | undefined {
    return this.#devices.get(deviceId);
  }

  /** The device a `via_device` identifier points to, if it is known (it may arrive later). */
  findDeviceByIdentifier(identifier: string): RegisteredDevice | undefined {
    const id = this.#deviceByKey.get(`id:${identifier}`);
    return id ? this.#devices.get(id) : undefined;
  }

  devices(): RegisteredDevice[] {
    return [...this.#devices.values()];
  }

  slots(): RegisteredEntity[] {
    return [...this.#entities.values()];
  }

  entitiesOfDevice(deviceId: string): RegisteredEntity[] {
    return [...this.#entities.values()].filter((e) => e.deviceId === deviceId);
  }

  slotsForTopic(discoveryTopic: string): RegisteredEntity[] {
    const out: RegisteredEntity[] = [];
    for (const slotKey of this.#byTopic.get(discoveryTopic) ?? []) {
      const entity = this.#entities.get(slotKey);
      if (entity) out.push(entity);
    }
    return out;
  }

  /** The name HA shows: the user's, else device name plus entity name (or just one of them). */
  friendlyName(entity: RegisteredEntity): string {
    if (entity.nameByUser) return entity.nameByUser;
    const device = entity.deviceId ? this.#devices.get(entity.deviceId) : undefined;
    const deviceName = device ? (device.nameByUser ?? device.name) : null;
    const own = entity.common.name;
    if (own === null) return deviceName ?? entity.discoveryId;
    return deviceName ? `${deviceName} ${own}` : own;
  }

  /** Writes what changed since the last flush in one transaction. */
  flush(): void {
    this.#flushScheduled = false;
    const devices = [...this.#pendingDevices.values()].map(deviceToRow);
    const slots = [...this.#pendingSlots.values()].map(slotToRow);
    const slotDeletes = [...this.#pendingSlotDeletes];
    const deviceDeletes = [...this.#pendingDeviceDeletes];
    const ids = this.#pendingIds;
    const idDeletes = this.#pendingIdDeletes;
    this.#pendingDevices.clear();
    this.#pendingSlots.clear();
    this.#pendingSlotDeletes.clear();
    this.#pendingDeviceDeletes.clear();
    this.#pendingIds = [];
    this.#pendingIdDeletes = [];
    if (devices.length + slots.length + slotDeletes.length + deviceDeletes.length + ids.length + idDeletes.length === 0) return;
    try {
      this.#writer.write({ devices, slots, slotDeletes, deviceDeletes, ids, idDeletes });
    } catch (err) {
      this.#deps.log.error({ err }, "saving the device registry failed");
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  #entityIdFor(def: EntityDefinition, deviceId: string | null, now: number): string {
    const identity = identityOf(def);
    const given = this.#givenIds.get(identity);
    if (given && !this.#byEntityId.has(given)) return given;
    const device = deviceId ? this.#devices.get(deviceId) : undefined;
    const deviceName = device?.nameByUser ?? device?.name ?? null;
    const own = def.common.name;
    const friendly = own === null ? (deviceName ?? "") : deviceName ? `${deviceName} ${own}` : own;
    const entityId = allocateEntityId(def.component, def.common.objectIdHint ?? friendly, `${def.component} ${def.discoveryId}`, (id) => this.#takenIds.has(id));
    this.#givenIds.set(identity, entityId);
    this.#takenIds.add(entityId);
    this.#pendingIds.push({ identity, entityId, createdAt: now });
    return entityId;
  }

  /** Finds the device sharing an identifier or connection, or makes one; merges the block into it (DISCOVERY.md §6). */
  #mergeDevice(info: DeviceInfo, now: number): string {
    const keys = deviceKeys(info.identifiers, info.connections);
    const matches = new Set(keys.map((k) => this.#deviceByKey.get(k)).filter((id): id is string => id !== undefined));
    let device = [...matches].map((id) => this.#devices.get(id)!).sort((a, b) => a.createdAt - b.createdAt)[0];
    const isNew = !device;
    if (!device) {
      device = {
        id: randomBytes(8).toString("hex"),
        identifiers: [],
        connections: [],
        name: null,
        nameByUser: null,
        manufacturer: null,
        model: null,
        modelId: null,
        hwVersion: null,
        swVersion: null,
        serialNumber: null,
        suggestedArea: null,
        viaDevice: null,
        configurationUrl: null,
        roomId: null,
        roomSetByUser: false,
        createdAt: now,
        updatedAt: now,
      };
    } else {
      this.#unindexDevice(device);
    }
    const before = JSON.stringify(device);
    for (const id of info.identifiers) if (!device.identifiers.includes(id)) device.identifiers.push(id);
    for (const [type, value] of info.connections) {
      if (!device.connections.some(([t, v]) => t === type && v === value)) device.connections.push([type, value]);
    }
    const fields: Array<[keyof RegisteredDevice, string | undefined]> = [
      ["name", info.name],
      ["manufacturer", info.manufacturer],
      ["model", info.model],
      ["modelId", info.modelId],
      ["hwVersion", info.hwVersion],
      ["swVersion", info.swVersion],
      ["serialNumber", info.serialNumber],
      ["suggestedArea", info.suggestedArea],
      ["viaDevice", info.viaDevice],
      ["configurationUrl", info.configurationUrl],
    ];
    for (const [key, value] of fields) if (value !== undefined) (device as unknown as Record<string, unknown>)[key] = value;
    const changed = JSON.stringify(device) !== before;
    if (changed) {
      device.updatedAt = now;
      this.#pendingDevices.set(device.id, device);
      this.#scheduleFlush();
    }
    const merged: string[] = [];
    // Two devices that this block shows to be one are merged into the older one.
    for (const otherId of matches) {
      if (otherId === device.id) continue;
      const other = this.#devices.get(otherId);
      if (!other) continue;
      for (const id of other.identifiers) if (!device.identifiers.includes(id)) device.identifiers.push(id);
      if (device.roomId === null && !device.roomSetByUser) {
        device.roomId = other.roomId;
        device.roomSetByUser = other.roomSetByUser;
      }
      this.#pendingDevices.set(device.id, device);
      for (const entity of this.entitiesOfDevice(otherId)) {
        entity.deviceId = device.id;
        this.#pendingSlots.set(entity.slotKey, entity);
      }
      this.#unindexDevice(other);
      this.#pendingDeviceDeletes.add(otherId);
      merged.push(otherId);
    }
    this.#indexDevice(device);
    for (const otherId of merged) this.#deps.bus.emit("registryUpdated", { registry: "device", action: "remove", id: otherId });
    if (isNew || changed || merged.length > 0) {
      this.#deps.bus.emit("registryUpdated", { registry: "device", action: isNew ? "create" : "update", id: device.id, name: device.nameByUser ?? device.name });
    }
    return device.id;
  }

  #dropDeviceIfEmpty(deviceId: string): void {
    if (this.entitiesOfDevice(deviceId).length > 0) return;
    const device = this.#devices.get(deviceId);
    if (!device) return;
    this.#unindexDevice(device);
    this.#pendingDevices.delete(deviceId);
    this.#pendingDeviceDeletes.add(deviceId);
    this.#scheduleFlush();
    this.#deps.bus.emit("deviceRemoved", { deviceId });
    this.#deps.bus.emit("registryUpdated", { registry: "device", action: "remove", id: deviceId, name: device.nameByUser ?? device.name });
  }

  #indexDevice(device: RegisteredDevice): void {
    this.#devices.set(device.id, device);
    for (const key of deviceKeys(device.identifiers, device.connections)) this.#deviceByKey.set(key, device.id);
  }

  #unindexDevice(device: RegisteredDevice): void {
    this.#devices.delete(device.id);
    for (const key of deviceKeys(device.identifiers, device.connections)) {
      if (this.#deviceByKey.get(key) === device.id) this.#deviceByKey.delete(key);
    }
  }

  #indexEntity(entity: RegisteredEntity): void {
    const previous = this.#entities.get(entity.slotKey);
    if (previous && previous.discoveryTopic !== entity.discoveryTopic) this.#unindexTopic(previous);
    this.#entities.set(entity.slotKey, entity);
    let onTopic = this.#byTopic.get(entity.discoveryTopic);
    if (!onTopic) this.#byTopic.set(entity.discoveryTopic, (onTopic = new Set()));
    onTopic.add(entity.slotKey);
    if (entity.entityId) {
      this.#byEntityId.set(entity.entityId, entity);
      this.#takenIds.add(entity.entityId);
    }
    if (entity.common.uniqueId !== null) this.#byUniqueId.set(uniqueKey(entity.component, entity.common.uniqueId), entity);
  }

  #unindexTopic(entity: RegisteredEntity): void {
    const onTopic = this.#byTopic.get(entity.discoveryTopic);
    onTopic?.delete(entity.slotKey);
    if (onTopic?.size === 0) this.#byTopic.delete(entity.discoveryTopic);
  }

  #unindexEntity(entity: RegisteredEntity): void {
    this.#entities.delete(entity.slotKey);
    this.#unindexTopic(entity);
    if (entity.entityId && this.#byEntityId.get(entity.entityId) === entity) this.#byEntityId.delete(entity.entityId);
    if (entity.common.uniqueId !== null) {
      const key = uniqueKey(entity.component, entity.common.uniqueId);
      if (this.#byUniqueId.get(key) === entity) this.#byUniqueId.delete(key);
    }
  }
}

function uniqueKey(component: string, uniqueId: string): string {
  return `${component}:${uniqueId}`;
}

function identityOf(def: { component: string; slotKey: string; common: CommonEntityConfig }): string {
  return def.common.uniqueId !== null ? `uid:${uniqueKey(def.component, def.common.uniqueId)}` : `slot:${def.slotKey}`;
}

function deviceKeys(identifiers: string[], connections: Array<[string, string]>): string[] {
  return [...identifiers.map((id) => `id:${id}`), ...connections.map(([t, v]) => `cn:${t}:${v}`)];
}

function sameConfig(existing: RegisteredEntity, def: EntityDefinition): boolean {
  return existing.discoveryTopic === def.discoveryTopic && JSON.stringify(existing.raw) === JSON.stringify(def.raw);
}

function deviceFromRow(row: StoredDevice): RegisteredDevice {
  return { ...row };
}

function deviceToRow(device: RegisteredDevice): StoredDevice {
  return { ...device };
}

function slotToRow(entity: RegisteredEntity): StoredSlot {
  return {
    slotKey: entity.slotKey,
    entityId: entity.entityId,
    component: entity.component,
    discoveryId: entity.discoveryId,
    uniqueId: entity.common.uniqueId,
    deviceId: entity.deviceId,
    discoveryTopic: entity.discoveryTopic,
    config: entity.raw,
    configRetained: entity.retained,
    nameByUser: entity.nameByUser,
    roomId: null,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

