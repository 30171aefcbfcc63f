import "server-only";
import type { DeviceView, EntityView, HaState, HubApi, RoomView, UserView } from "@/server/hub-api";

/** One entity as dashboards place it (plain JSON for client components). */
export interface EntityItem {
  entity_id: string;
  name: string;
  device_id: string | null;
  device_name: string | null;
  /** Effective room: the entity's own, else its device's. */
  room_id: string | null;
  device_class: string | null;
  entity_category: string | null;
  hidden: boolean;
  pinned: boolean;
  position: number | null;
}

export interface DeviceItem {
  id: string;
  name: string;
  room_id: string | null;
  available: boolean;
  manufacturer: string | null;
  model: string | null;
  entity_ids: string[];
}

/** What every dashboard page needs from the hub, read once per render. */
export interface HomeSnapshot {
  homeName: string;
  timeZone: string;
  temperatureUnit: string;
  rooms: RoomView[];
  devices: DeviceItem[];
  entities: EntityItem[];
  renderedAt: number;
}

function toEntityItem(e: EntityView, device: DeviceView | undefined): EntityItem {
  return {
    entity_id: e.entity_id,
    name: e.name,
    device_id: e.device_id,
    device_name: device ? (device.name_by_user ?? device.name) : null,
    room_id: e.room_id ?? device?.room_id ?? null,
    device_class: e.device_class,
    entity_category: e.entity_category,
    hidden: e.hidden,
    pinned: e.pinned,
    position: e.position,
  };
}

export function toDeviceItem(d: DeviceView): DeviceItem {
  return {
    id: d.id,
    name: d.name_by_user ?? d.name,
    room_id: d.room_id,
    available: d.available,
    manufacturer: d.manufacturer,
    model: d.model,
    entity_ids: d.entities.map((e) => e.entity_id),
  };
}

/**
 * Rooms, devices and entities of the home, with the home's name, time zone and temperature unit; for a
 * room-limited person (`user`), only their rooms and what is placed in them.
 */
export function readHome(api: HubApi, user?: UserView): HomeSnapshot {
  const home = api.home();
  const scope = user ? api.access(user) : undefined;
  const limited = scope?.limited ? scope : undefined;
  const deviceViews = limited ? api.devices.list().filter((d) => limited.seesDevice(d.id)) : api.devices.list();
  const byId = new Map(deviceViews.map((d) => [d.id, d]));
  const entities = limited ? api.entities.list().filter((e) => limited.seesEntity(e.entity_id)) : api.entities.list();
  return {
    homeName: home?.locationName ?? "Hearth",
    timeZone: home?.timeZone ?? "UTC",
    temperatureUnit: home?.unitSystem === "us_customary" ? "°F" : "°C",
    rooms: limited ? api.rooms.list().filter((r) => limited.seesRoom(r.room_id)) : api.rooms.list(),
    // A device seen through one entity shows that entity alone.
    devices: limited ? deviceViews.map((d) => ({ ...toDeviceItem(d), entity_ids: d.entities.map((e) => e.entity_id).filter((id) => limited.seesEntity(id)) })) : deviceViews.map(toDeviceItem),
    entities: entities.map((e) => toEntityItem(e, e.device_id ? byId.get(e.device_id) : undefined)),
    renderedAt: Date.now(),
  };
}

/** The states of `entityIds` only, so a page ships what it shows. */
export function statesFor(api: HubApi, entityIds: Iterable<string>): HaState[] {
  const out: HaState[] = [];
  for (const id of entityIds) {
    const s = api.states.find(id);
    if (s) out.push(s);
  }
  return out;
}
