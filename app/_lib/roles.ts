import { canManage } from "@/devices/auth/access";
import { HubError } from "@/server/errors";
import type { Principal } from "@/server/hub-api";

/** Owners and admins manage the hub; members and wall tablets may not. */
export function requireAdmin(principal: Principal): void {
  if (!canManage(principal.user)) {
    throw new HubError("forbidden", "only an owner or admin may do this");
  }
}
