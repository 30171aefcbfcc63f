import { isLimited, seesRoom, type AccessSubject } from "@/devices/auth/access";

/** Where things are placed, as the room registry knows it. */
export interface PlacementLookup {
  /** The entity's own room, else its device's; null when it is in no room. */
  roomOfEntity(entityId: string): string | null;
  roomOfDevice(deviceId: string): string | null;
  entityIdsOfDevice(deviceId: string): string[];
}

/**
 * What one person may see and control, asked per entity, device or room. Placement is read at each question,
 * so moving a lamp to another room changes who sees it at once.
 */
export interface AccessScope {
  /** Some rooms only (or a kiosk): callers must filter and check; otherwise every answer is yes. */
  readonly limited: boolean;
  seesRoom(roomId: string | null): boolean;
  seesEntity(entityId: string): boolean;
  /** A device in a room the person sees, or with an entity placed in one. */
  seesDevice(deviceId: string): boolean;
}

export const FULL_ACCESS: AccessScope = { limited: false, seesRoom: () => true, seesEntity: () => true, seesDevice: () => true };

export function accessScope(subject: AccessSubject, placement: PlacementLookup): AccessScope {
  if (!isLimited(subject)) return FULL_ACCESS;
  const room = (roomId: string | null) => seesRoom(subject, roomId);
  const entity = (entityId: string) => room(placement.roomOfEntity(entityId));
  return {
    limited: true,
    seesRoom: room,
    seesEntity: entity,
    seesDevice: (deviceId) => room(placement.roomOfDevice(deviceId)) || placement.entityIdsOfDevice(deviceId).some(entity),
  };
}
