import { HubError } from "@/server/errors";
import type { Principal } from "@/server/hub-api";

/** Owners and admins manage credentials; a plain user may not. */
export function requireAdmin(principal: Principal): void {
  if (principal.user.role === "user") {
    throw new HubError("forbidden", "only an owner or admin may do this");
  }
}
