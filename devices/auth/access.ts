// Who may see and do what: household roles, room limits and "home network only". Pure rules, no I/O;
// the hub applies them in its routes, pages, WebSocket and service layer.

export const ROLES = ["owner", "admin", "user", "kiosk"] as const;
export type Role = (typeof ROLES)[number];

/** What access depends on, as a person's record carries it. */
export interface AccessSubject {
  role: Role;
  /** Room ids the person sees and controls; null: every room. Owners and admins always see every room. */
  rooms: readonly string[] | null;
}

export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", user: "Member", kiosk: "Wall tablet" };

export const ROLE_HINT: Record<Role, string> = {
  owner: "Everything, including the other admins.",
  admin: "Everything: devices, automations, settings and people.",
  user: "Sees and controls the rooms chosen; no settings.",
  kiosk: "One dashboard of the chosen rooms on a wall tablet; no navigation, no settings.",
};

/** Owners and admins manage the hub: devices, automations, settings, MQTT, people. */
export const canManage = (s: Pick<AccessSubject, "role">): boolean => s.role === "owner" || s.role === "admin";

/**
 * Limited: sees only some rooms, or is a kiosk. Such a person reaches only what was written to honour the limit
 * (routes and pages opt in); anything else is refused rather than shown whole.
 */
export const isLimited = (s: AccessSubject): boolean => s.role === "kiosk" || s.rooms !== null;

/** Whether a person may see (and so control) something placed in `roomId` (null: in no room). */
export function seesRoom(s: AccessSubject, roomId: string | null): boolean {
  if (s.rooms === null) return true;
  return roomId !== null && s.rooms.includes(roomId);
}

/** The answer given to a limited person who reaches something outside their rights. */
export const LIMITED_MESSAGE = "your account sees only its own rooms; ask an admin";
