// PUT/DELETE /api/home/location — where the home is ({"latitude", "longitude"}), for sun triggers and conditions
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const body = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

export const PUT = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  return api.setHomeLocation(await readJson(req, body));
});

export const DELETE = authedRoute(async ({ api, principal }) => {
  requireAdmin(principal);
  return api.setHomeLocation(null);
});
