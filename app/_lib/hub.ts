import "server-only";
import { connection } from "next/server";
import type { HubApi } from "@/server/hub-api";
import { HubError } from "@/server/errors";
import { readHub } from "@/server/hub-slot";

/** The running hub. Awaiting connection() keeps `next build` from prerendering pages that read it. */
export async function hub(): Promise<HubApi> {
  await connection();
  const api = readHub();
  if (!api) {
    throw new HubError("hub_unavailable", "Hub is not running. Start with `npm start` or `npm run dev` (custom server), not `next dev`.");
  }
  return api;
}
