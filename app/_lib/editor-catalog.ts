import { canManage } from "@/devices/auth/access";
import "server-only";
import type { HubApi, Principal } from "@/server/hub-api";
import type { EditorCatalog } from "../_components/automations/visual/field-input";

/** What the rule editor's pickers offer: entities with their names, devices, rooms, services; topics for admins. */
export function editorCatalog(api: HubApi, principal: Principal): EditorCatalog {
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const entities = api.states
    .list()
    .map((s) => ({ id: s.entity_id, name: typeof s.attributes.friendly_name === "string" ? s.attributes.friendly_name : s.entity_id }));
  // The hub's own scenes (scene.create) are not states, but a rule names them like entities.
  for (const scene of api.scenes.list()) if (!entities.some((e) => e.id === scene.entity_id)) entities.push({ id: scene.entity_id, name: scene.name });
  entities.sort((a, b) => a.id.localeCompare(b.id));
  const devices = api.devices
    .list()
    .map((d) => ({ id: d.id, name: d.name_by_user ?? d.name }))
    .sort(byName);
  const rooms = api.rooms
    .list()
    .map((r) => ({ id: r.room_id, name: r.name }))
    .sort(byName);
  const services = api.services.list().flatMap((d) => Object.keys(d.services).map((s) => `${d.domain}.${s}`)).sort();
  return { entities, devices, rooms, services, topics: canManage(principal.user) };
}
