import { eq, inArray } from "drizzle-orm";
import type { Queryable as HubDatabase } from "../open-database";
import { devices, discoveredEntities, entityIds } from "../schema";

export type DeviceRow = typeof devices.$inferSelect;
export type DiscoveredEntityRow = typeof discoveredEntities.$inferSelect;

/** A device as stored: the registry's persistent half. */
export type StoredDevice = DeviceRow;
/** A discovered slot as stored. */
export type StoredSlot = DiscoveredEntityRow;

export function loadDevices(db: HubDatabase): StoredDevice[] {
  return db.select().from(devices).all();
}

export function loadSlots(db: HubDatabase): StoredSlot[] {
  return db.select().from(discoveredEntities).all();
}

export function loadEntityIds(db: HubDatabase): Array<{ identity: string; entityId: string }> {
  return db.select({ identity: entityIds.identity, entityId: entityIds.entityId }).from(entityIds).all();
}

export function upsertDevices(db: HubDatabase, rows: StoredDevice[]): void {
  for (const row of rows) {
    db.insert(devices).values(row).onConflictDoUpdate({ target: devices.id, set: row }).run();
  }
}

export function upsertSlots(db: HubDatabase, rows: StoredSlot[]): void {
  for (const row of rows) {
    db.insert(discoveredEntities).values(row).onConflictDoUpdate({ target: discoveredEntities.slotKey, set: row }).run();
  }
}

export function deleteSlots(db: HubDatabase, slotKeys: string[]): void {
  if (slotKeys.length === 0) return;
  db.delete(discoveredEntities).where(inArray(discoveredEntities.slotKey, slotKeys)).run();
}

export function deleteDevices(db: HubDatabase, deviceIds: string[]): void {
  if (deviceIds.length === 0) return;
  db.delete(devices).where(inArray(devices.id, deviceIds)).run();
}

export function insertEntityIds(db: HubDatabase, rows: Array<{ identity: string; entityId: string; createdAt: number }>): void {
  for (const row of rows) db.insert(entityIds).values(row).onConflictDoNothing().run();
}

export function deleteEntityIds(db: HubDatabase, entityIdList: string[]): void {
  if (entityIdList.length === 0) return;
  db.delete(entityIds).where(inArray(entityIds.entityId, entityIdList)).run();
}

export function renameDevice(db: HubDatabase, deviceId: string, nameByUser: string | null, at: number): void {
  db.update(devices).set({ nameByUser, updatedAt: at }).where(eq(devices.id, deviceId)).run();
}
