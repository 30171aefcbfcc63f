import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { isLimited } from "@/devices/auth/access";
import type { HubApi, Principal } from "@/server/hub-api";
import { hub } from "./hub";
import { requestClientAddress } from "./route";
import { SESSION_COOKIE } from "./session-cookie";

/**
 * Who a page may serve beyond the whole-home people: "limited" adds room-limited members and wall tablets (the
 * page filters by `api.access`), "member" adds room-limited members but not wall tablets.
 */
export type PageAudience = "full" | "member" | "limited";

/** The signed-in person of this request, if any (the client address counts for a home-network-only person). */
export async function currentPrincipal(api: HubApi): Promise<Principal | undefined> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return undefined;
  return api.auth.authenticate({ sessionToken: token, clientAddress: requestClientAddress(await headers()) });
}

/**
 * For pages: the signed-in person, or a redirect to onboarding (no owner yet) or the login page. A room-limited
 * person or wall tablet on a page not written for them goes to their dashboard instead.
 */
export async function requireUser(returnTo = "/", audience: PageAudience = "full"): Promise<{ api: HubApi; principal: Principal }> {
  const api = await hub();
  if (api.auth.needsOnboarding()) redirect("/onboarding");
  const principal = await currentPrincipal(api);
  if (!principal) redirect(returnTo === "/" ? "/login" : `/login?next=${encodeURIComponent(returnTo)}`);
  const { user } = principal;
  if (isLimited(user) && (audience === "full" || (audience === "member" && user.role === "kiosk"))) redirect("/");
  return { api, principal };
}
