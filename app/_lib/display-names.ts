import "server-only";
import type { HubApi } from "@/server/hub-api";
import type { DisplayNames } from "../_components/automations/display-text";

/** Friendly names of every entity (attributes.friendly_name) and device, for pages that show ids from rules and traces. */
export function displayNames(api: HubApi): DisplayNames {
  const entities: Record<string, string> = {};
  for (const s of api.states.list()) {
    const name = s.attributes.friendly_name;
    if (typeof name === "string" && name.trim() !== "" && name !== s.entity_id) entities[s.entity_id] = name;
  }
  const devices: Record<string, string> = {};
  for (const d of api.devices.list()) devices[d.id] = d.name_by_user ?? d.name;
  return { entities, devices };
}
