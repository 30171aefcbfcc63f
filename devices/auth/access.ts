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

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether an address is on the home network: loopback, RFC 1918 private and link-local; IPv6 loopback,
 * unique-local (fc00::/7) and link-local (fe80::/10); IPv4-mapped IPv6 by its IPv4 part. Anything else, or an
 * address that does not parse, is not.
 */
export function isHomeNetworkAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  let a = address.trim().toLowerCase();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  if (a.startsWith("::ffff:")) a = a.slice("::ffff:".length);
  const v4 = IPV4.exec(a);
  if (v4) {
    const [o1, o2] = [Number(v4[1]), Number(v4[2])];
    if (v4.slice(1).some((o) => Number(o) > 255)) return false;
    return o1 === 127 || o1 === 10 || (o1 === 172 && o2 >= 16 && o2 <= 31) || (o1 === 192 && o2 === 168) || (o1 === 169 && o2 === 254);
  }
  if (!a.includes(":") || !/^[0-9a-f:.]+$/.test(a)) return false;
  if (a === "::1") return true;
  const first = parseInt(a.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

/**
 * The client's address: the TCP peer, or, when the peer is this machine (a reverse proxy on the box, such as
 * Caddy or nginx in front of the hub), the address that proxy appended last to X-Forwarded-For. A client far
 * away cannot pose as local: it can only prepend to the header, and only a proxy on loopback is believed.
 */
export function clientAddress(peer: string | null | undefined, forwardedFor: string | null | undefined): string | null {
  const p = peer?.trim() || null;
  if (p === null) return null;
  const loopback = p === "::1" || p.startsWith("127.") || p.startsWith("::ffff:127.");
  if (!loopback || !forwardedFor) return p;
  const last = forwardedFor.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  return last ?? p;
}
