import type { HubDatabase } from "@/db/open-database";
import { deleteRoom, insertRoom, loadRooms, saveRoomPositions, updateRoom, type RoomPosition } from "@/db/queries/rooms";
import { slugify } from "@/devices/discovery/entity-id";
import { HubError } from "../errors";
import type { EventBus } from "../event-bus";
import type { EntitySettingsInput, RoomView } from "../hub-api";
import type { Logger } from "../logger";
import type { DeviceRegistry } from "./device-registry";
import type { EntitySettings } from "./entity-settings";

/** A room (Home Assistant's area) as the hub keeps it. */
export interface Room {
  roomId: string;
  name: string;
  icon: string | null;
  position: number;
  createdAt: number;
  updatedAt: number;
}

export interface RoomRegistryDeps {
  db: HubDatabase;
  bus: EventBus;
  log: Logger;
  devices: DeviceRegistry;
  settings: EntitySettings;
  now?: () => number;
}

const NAME_MAX = 64;
const ICON_MAX = 64;
// Room ids take `_2`, `_3`, ... on a clash; far more rooms than any home has.
const MAX_SUFFIX = 10_000;
const CONTROL_CHARS = /\p{Cc}/u;
// `/api/rooms/order` is the reorder endpoint, so no room may have that id.
const RESERVED_IDS: ReadonlySet<string> = new Set(["order"]);

/**
 * Rooms, where devices and entities are placed, and discovery's `suggested_area`. A device a person has
 * placed (even back in the inbox) is never moved by discovery again.
 */
export class RoomRegistry {
  readonly #deps: RoomRegistryDeps;
  readonly #now: () => number;
  readonly #rooms = new Map<string, Room>();
  #disposers: Array<() => void> = [];

  constructor(deps: RoomRegistryDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Loads the rooms, repairs devices pointing at a missing room, places unplaced devices by suggested_area, then listens. */
  start(): void {
    const { devices, bus } = this.#deps;
    this.#rooms.clear();
    for (const row of loadRooms(this.#deps.db)) this.#rooms.set(row.roomId, { ...row });
    for (const device of devices.devices()) {
      if (device.roomId !== null && !this.#rooms.has(device.roomId)) devices.assignRoom(device.id, null, false);
      this.#placeBySuggestedArea(device.id);
    }
    this.#disposers.push(
      bus.on("registryUpdated", (fact) => {
        // After the discovery step that made the fact, so listeners see "device create" before the room it lands in.
        if (fact.registry === "device" && fact.action !== "remove") queueMicrotask(() => this.#placeBySuggestedArea(fact.id));
      }),
    );
  }

  stop(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  findRoom(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  list(): RoomView[] {
    const counts = this.#counts();
    return this.#sorted().map((room) => view(room, counts.get(room.roomId)));
  }

  get(roomId: string): RoomView {
    const room = this.#roomOrThrow(roomId);
    return view(room, this.#counts().get(room.roomId));
  }

  create(input: { name: string; icon?: string | null | undefined }): RoomView {
    const room = this.#create(cleanName(input.name), cleanIcon(input.icon));
    return view(room, undefined);
  }

  update(roomId: string, patch: { name?: string | undefined; icon?: string | null | undefined }): RoomView {
    const room = this.#roomOrThrow(roomId);
    const name = patch.name === undefined ? room.name : cleanName(patch.name);
    const icon = patch.icon === undefined ? room.icon : cleanIcon(patch.icon);
    if (name !== room.name) this.#assertNameFree(name, roomId);
    if (name !== room.name || icon !== room.icon) {
      room.name = name;
      room.icon = icon;
      room.updatedAt = this.#now();
      updateRoom(this.#deps.db, room);
      this.#emit("area", "update", roomId);
    }
    return this.get(roomId);
  }

  /** Deletes a room: its devices go to the inbox (placed there by a person), its entities follow their devices. */
  remove(roomId: string): void {
    this.#roomOrThrow(roomId);
    const { devices, settings } = this.#deps;
    for (const entityId of settings.entitiesInRoom(roomId)) {
      if (settings.update(entityId, { roomId: null })) this.#emit("entity", "update", entityId);
    }
    for (const device of devices.devices()) {
      if (device.roomId === roomId) devices.assignRoom(device.id, null, true);
    }
    this.#rooms.delete(roomId);
    const moved = this.#renumber(this.#sorted());
    deleteRoom(this.#deps.db, roomId, moved);
    for (const p of moved) this.#emit("area", "update", p.roomId);
    this.#emit("area", "remove", roomId);
  }

  reorder(roomIds: readonly string[]): RoomView[] {
    const problems = permutationProblems(roomIds, [...this.#rooms.keys()]);
    if (problems) throw new HubError("unprocessable", `room_ids must list every room exactly once: ${problems}`);
    const moved = this.#renumber(roomIds.map((id) => this.#rooms.get(id)!));
    saveRoomPositions(this.#deps.db, moved);
    for (const p of moved) this.#emit("area", "update", p.roomId);
    return this.list();
  }

  /** A person moves a device to a room, or back to the inbox with null. */
  moveDevice(deviceId: string, roomId: string | null): void {
    if (roomId !== null) this.#roomOrThrow(roomId);
    if (!this.#deps.devices.assignRoom(deviceId, roomId, true)) throw new HubError("not_found", `no device ${deviceId}`);
  }

  /** A person changes one entity's room override, visibility, pin or position. */
  updateEntity(entityId: string, input: EntitySettingsInput): void {
    if (!this.#deps.devices.findEntity(entityId)) throw new HubError("not_found", `no entity ${entityId}`);
    if (typeof input.room_id === "string") this.#roomOrThrow(input.room_id);
    if (input.position !== undefined && input.position !== null && !Number.isFinite(input.position)) {
      throw new HubError("unprocessable", "position must be a finite number or null");
    }
    const changed = this.#deps.settings.update(entityId, { roomId: input.room_id, hidden: input.hidden, pinned: input.pinned, position: input.position });
    if (changed) this.#emit("entity", "update", entityId);
  }

  // HA's suggested_area: only while nobody has placed the device.
  #placeBySuggestedArea(deviceId: string): void {
    const device = this.#deps.devices.findDevice(deviceId);
    if (!device || device.roomId !== null || device.roomSetByUser) return;
    const area = [...(device.suggestedArea ?? "").trim()].slice(0, NAME_MAX).join("").trim();
    if (area === "") return;
    try {
      // Device data never throws into the hub: an unusable name is logged and the device stays in the inbox.
      const room = this.#findByName(area) ?? this.#create(cleanName(area), null);
      this.#deps.devices.assignRoom(deviceId, room.roomId, false);
    } catch (err) {
      this.#deps.log.warn({ deviceId, suggestedArea: device.suggestedArea, reason: err instanceof Error ? err.message : String(err) }, "suggested_area not usable");
    }
  }

  #create(name: string, icon: string | null): Room {
    this.#assertNameFree(name, null);
    const now = this.#now();
    const room: Room = { roomId: this.#freeId(name), name, icon, position: this.#rooms.size, createdAt: now, updatedAt: now };
    insertRoom(this.#deps.db, room);
    this.#rooms.set(room.roomId, room);
    this.#emit("area", "create", room.roomId);
    return room;
  }

  #freeId(name: string): string {
    const base = slugify(name) || "room";
    const taken = (id: string) => this.#rooms.has(id) || RESERVED_IDS.has(id);
    if (!taken(base)) return base;
    for (let n = 2; n <= MAX_SUFFIX; n++) {
      const candidate = `${base}_${n}`;
      if (!taken(candidate)) return candidate;
    }
    throw new HubError("conflict", `no free room id for ${base}`);
  }

  #findByName(name: string): Room | undefined {
    const key = nameKey(name);
    for (const room of this.#rooms.values()) if (nameKey(room.name) === key) return room;
    return undefined;
  }

  #assertNameFree(name: string, exceptRoomId: string | null): void {
    const clash = this.#findByName(name);
    if (clash && clash.roomId !== exceptRoomId) throw new HubError("conflict", `a room named "${clash.name}" already exists (${clash.roomId})`);
  }

  #roomOrThrow(roomId: string): Room {
    const room = this.#rooms.get(roomId);
    if (!room) throw new HubError("not_found", `no room ${roomId}`);
    return room;
  }

  #sorted(): Room[] {
    return [...this.#rooms.values()].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  }

  /** Gives `ordered` the positions 0..n-1; returns the rooms whose position changed. */
  #renumber(ordered: Room[]): RoomPosition[] {
    const now = this.#now();
    const moved: RoomPosition[] = [];
    ordered.forEach((room, position) => {
      if (room.position === position) return;
      room.position = position;
      room.updatedAt = now;
      moved.push({ roomId: room.roomId, position, updatedAt: now });
    });
    return moved;
  }

  /** Where an entity shows: its own room, else its device's; null when neither has one. */
  roomOfEntity(entityId: string): string | null {
    const { devices, settings } = this.#deps;
    const own = settings.of(entityId).roomId;
    if (own !== null) return own;
    const deviceId = devices.findEntity(entityId)?.deviceId;
    return deviceId ? (devices.findDevice(deviceId)?.roomId ?? null) : null;
  }

  /**
   * What a service call targeting the area reaches, as Home Assistant resolves `area_id`: entities placed in
   * the room themselves, and those of devices in the room that have no room of their own; hidden entities
   * and configuration/diagnostic ones are left out. Throws not_found for an unknown room.
   */
  entitiesInArea(roomId: string): string[] {
    this.#roomOrThrow(roomId);
    const { devices, settings } = this.#deps;
    const out: string[] = [];
    for (const slot of devices.slots()) {
      const entityId = slot.entityId;
      if (!entityId || slot.common.entityCategory !== null) continue;
      const own = settings.of(entityId);
      if (own.hidden) continue;
      const room = own.roomId ?? (slot.deviceId ? (devices.findDevice(slot.deviceId)?.roomId ?? null) : null);
      if (room === roomId) out.push(entityId);
    }
    return out;
  }

  #counts(): Map<string, { devices: number; entities: number }> {
    const counts = new Map<string, { devices: number; entities: number }>();
    const bump = (roomId: string | null, key: "devices" | "entities") => {
      if (roomId === null || !this.#rooms.has(roomId)) return;
      let c = counts.get(roomId);
      if (!c) counts.set(roomId, (c = { devices: 0, entities: 0 }));
      c[key]++;
    };
    const { devices, settings } = this.#deps;
    for (const device of devices.devices()) bump(device.roomId, "devices");
    const overrides = settings.roomOverrides();
    for (const slot of devices.slots()) {
      if (!slot.entityId) continue;
      const own = overrides.get(slot.entityId);
      bump(own ?? (slot.deviceId ? (devices.findDevice(slot.deviceId)?.roomId ?? null) : null), "entities");
    }
    return counts;
  }

  #emit(registry: "area" | "entity", action: "create" | "update" | "remove", id: string): void {
    this.#deps.bus.emit("registryUpdated", { registry, action, id });
  }
}

function view(room: Room, counts: { devices: number; entities: number } | undefined): RoomView {
  return {
    room_id: room.roomId,
    name: room.name,
    icon: room.icon,
    position: room.position,
    device_count: counts?.devices ?? 0,
    entity_count: counts?.entities ?? 0,
  };
}

function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") throw new HubError("unprocessable", "room name is empty");
  if ([...trimmed].length > NAME_MAX) throw new HubError("unprocessable", `room name is longer than ${NAME_MAX} characters`);
  if (CONTROL_CHARS.test(trimmed)) throw new HubError("unprocessable", "room name contains control characters");
  return trimmed;
}

function cleanIcon(icon: string | null | undefined): string | null {
  const trimmed = icon?.trim() ?? "";
  if (trimmed === "") return null;
  if ([...trimmed].length > ICON_MAX) throw new HubError("unprocessable", `icon is longer than ${ICON_MAX} characters`);
  if (CONTROL_CHARS.test(trimmed)) throw new HubError("unprocessable", "icon contains control characters");
  return trimmed;
}

/** Why `given` is not a permutation of `all`, or null when it is. */
function permutationProblems(given: readonly string[], all: readonly string[]): string | null {
  const known = new Set(all);
  const seen = new Set<string>();
  const unknown: string[] = [];
  const duplicate: string[] = [];
  for (const id of given) {
    if (!known.has(id)) unknown.push(id);
    else if (seen.has(id)) duplicate.push(id);
    seen.add(id);
  }
  const missing = all.filter((id) => !seen.has(id));
  const parts: string[] = [];
  const list = (ids: string[]) => ids.slice(0, 5).map((id) => JSON.stringify(id)).join(", ") + (ids.length > 5 ? ` and ${ids.length - 5} more` : "");
  if (missing.length) parts.push(`missing ${list(missing)}`);
  if (unknown.length) parts.push(`unknown ${list(unknown)}`);
  if (duplicate.length) parts.push(`repeated ${list(duplicate)}`);
  return parts.length ? parts.join("; ") : null;
}
