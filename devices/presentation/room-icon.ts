import type { IconName } from "./entity-icon";

/** The icons a person can give a room, from the dashboard's icon set. */
export const ROOM_ICONS: readonly IconName[] = ["bulb", "door", "window", "garage", "blinds", "thermostat", "fan", "droplet", "water-heater", "humidifier", "vacuum", "lock", "shield", "scene", "power", "motion"];

const LABELS: Partial<Record<IconName, string>> = { "water-heater": "water heater", power: "plug", motion: "person", scene: "stars", shield: "shield", bulb: "lamp" };

/** The room's icon when it is one of ours (rooms made by other tools may carry "mdi:sofa" and the like). */
export function roomIconName(icon: string | null | undefined): IconName | null {
  return icon && (ROOM_ICONS as readonly string[]).includes(icon) ? (icon as IconName) : null;
}

/** A spoken name for an icon choice ("Lamp", "Water heater"). */
export function roomIconLabel(icon: IconName): string {
  const text = LABELS[icon] ?? icon;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
