import type { Principal } from "@/server/hub-api";

/** Owners and admins manage credentials; a plain user may not. */
export function requireAdmin(principal: Principal): void {
  if (principal.user.role === "user") {
    throw Object.assign(new Error("only an owner or admin may do this"), { isHubError: true as const, code: "forbidden" as const });
  }
}
