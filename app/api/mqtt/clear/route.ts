// POST /api/mqtt/clear — delete one retained topic ({topic}) or a branch ({prefix}; everything needs confirm); admins only
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const body = z.union([
  z.object({ topic: z.string() }).strict(),
  z.object({ prefix: z.string(), confirm: z.boolean().optional() }).strict(),
]);

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  return api.mqtt.clear(await readJson(req, body));
});
