import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { HubApi, Principal } from "@/server/hub-api";
import { hub } from "./hub";
import { SESSION_COOKIE } from "./session-cookie";

/** For pages: the signed-in person, or a redirect to onboarding (no owner yet) or the login page. */
export async function requireUser(returnTo = "/"): Promise<{ api: HubApi; principal: Principal }> {
  const api = await hub();
  if (api.auth.needsOnboarding()) redirect("/onboarding");
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const principal = token ? api.auth.authenticate({ sessionToken: token }) : undefined;
  if (!principal) redirect(returnTo === "/" ? "/login" : `/login?next=${encodeURIComponent(returnTo)}`);
  return { api, principal };
}
