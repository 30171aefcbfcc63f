import type { AccountService } from "../auth/account-service";
import type { DeviceRegistry } from "../registry/device-registry";
import type { EntitySettings } from "../registry/entity-settings";
import type { RoomRegistry } from "../registry/room-registry";
import type { StateStore } from "../state/state-store";

/** What the logbook needs to know about the home as it is now: names, placement, people. */
export interface LogbookDirectory {
  /** An entity the hub has now: its friendly name, device and current attributes. */
  entity(entityId: string): { name: string; deviceId: string | null; attributes: Readonly<Record<string, unknown>> | null } | undefined;
  deviceName(deviceId: string): string | undefined;
  /** The device's entity ids; undefined when there is no such device. */
  entitiesOfDevice(deviceId: string): string[] | undefined;
  /**
   * The room's entities as its page shows them (placed in the room themselves, or belonging to a device in the
   * room without a room of their own) and the devices in it; undefined when there is no such room.
   */
  room(roomId: string): { entityIds: string[]; deviceIds: string[] } | undefined;
  /** A person's display name by the user id a context carries. */
  userName(userId: string): string | undefined;
}

export interface HubDirectoryDeps {
  registry: DeviceRegistry;
  rooms: RoomRegistry;
  settings: EntitySettings;
  states: StateStore;
  accounts: AccountService;
}

/** The directory over the running hub's registries. */
export function hubDirectory({ registry, rooms, settings, states, accounts }: HubDirectoryDeps): LogbookDirectory {
  return {
    entity: (entityId) => {
      const entity = registry.findEntity(entityId);
      if (!entity) return undefined;
      return { name: registry.friendlyName(entity), deviceId: entity.deviceId, attributes: states.find(entityId)?.attributes ?? null };
    },
    deviceName: (deviceId) => {
      const device = registry.findDevice(deviceId);
      return device ? (device.nameByUser ?? device.name ?? undefined) : undefined;
    },
    entitiesOfDevice: (deviceId) => {
      if (!registry.findDevice(deviceId)) return undefined;
      return registry.entitiesOfDevice(deviceId).flatMap((s) => (s.entityId ? [s.entityId] : []));
    },
    room: (roomId) => {
      if (!rooms.findRoom(roomId)) return undefined;
      const entityIds: string[] = [];
      for (const slot of registry.slots()) {
        if (!slot.entityId) continue;
        const placed = settings.of(slot.entityId).roomId ?? (slot.deviceId ? (registry.findDevice(slot.deviceId)?.roomId ?? null) : null);
        if (placed === roomId) entityIds.push(slot.entityId);
      }
      const deviceIds = registry.devices().flatMap((d) => (d.roomId === roomId ? [d.id] : []));
      return { entityIds, deviceIds };
    },
    userName: (userId) => {
      if (!/^\d{1,15}$/.test(userId)) return undefined;
      return accounts.findUser(Number(userId))?.name;
    },
  };
}
