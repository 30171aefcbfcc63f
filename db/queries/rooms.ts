import { eq, inArray } from "drizzle-orm";
import type { HubDatabase, Queryable } from "../open-database";
import { entitySettings, rooms } from "../schema";

/** A room as stored. */
export type StoredRoom = typeof rooms.$inferSelect;
/** One entity's settings as stored. */
export type StoredEntitySettings = typeof entitySettings.$inferSelect;

export function loadRooms(db: Queryable): StoredRoom[] {
  return db.select().from(rooms).all();
}

export function insertRoom(db: Queryable, room: StoredRoom): void {
  db.insert(rooms).values(room).run();
}

export function updateRoom(db: Queryable, room: StoredRoom): void {
  db.update(rooms)
    .set({ name: room.name, icon: room.icon, position: room.position, updatedAt: room.updatedAt })
    .where(eq(rooms.roomId, room.roomId))
    .run();
}

/**
 * Deletes a room and renumbers the others in one transaction; entity settings pointing at it follow
 * their device again (the foreign key sets them null).
 */
export function deleteRoom(db: HubDatabase, roomId: string, positions: readonly RoomPosition[]): void {
  db.transaction((tx) => {
    tx.delete(rooms).where(eq(rooms.roomId, roomId)).run();
    writePositions(tx, positions);
  });
}

export interface RoomPosition {
  roomId: string;
  position: number;
  updatedAt: number;
}

/** Writes room positions in one transaction. */
export function saveRoomPositions(db: HubDatabase, positions: readonly RoomPosition[]): void {
  db.transaction((tx) => writePositions(tx, positions));
}

function writePositions(tx: Queryable, positions: readonly RoomPosition[]): void {
  for (const p of positions) {
    tx.update(rooms).set({ position: p.position, updatedAt: p.updatedAt }).where(eq(rooms.roomId, p.roomId)).run();
  }
}

export function loadEntitySettings(db: Queryable): StoredEntitySettings[] {
  return db.select().from(entitySettings).all();
}

export function upsertEntitySettings(db: Queryable, row: StoredEntitySettings): void {
  const { entityId: _key, ...rest } = row;
  db.insert(entitySettings).values(row).onConflictDoUpdate({ target: entitySettings.entityId, set: rest }).run();
}

export function deleteEntitySettings(db: Queryable, entityIds: readonly string[]): void {
  if (entityIds.length === 0) return;
  db.delete(entitySettings).where(inArray(entitySettings.entityId, [...entityIds])).run();
}
