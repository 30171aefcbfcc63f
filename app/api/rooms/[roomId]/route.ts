// GET/PATCH/DELETE /api/rooms/:roomId — one room; rename it or change its icon; delete it (its devices go to the inbox)
import { z } from "zod";
import { authedRoute, errorResponse, readJson, scopedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const patchSchema = z.strictObject({
  name: z.string().optional(),
  icon: z.union([z.string(), z.null()]).optional(),
});

export const GET = scopedRoute<{ roomId: string }>(({ api, params, principal }) => {
  if (!api.access(principal.user).seesRoom(params.roomId)) return errorResponse("not_found", `no room ${params.roomId}`);
  return api.rooms.get(params.roomId);
});

export const PATCH = authedRoute<{ roomId: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const patch = await readJson(req, patchSchema);
  return api.rooms.update(params.roomId, patch);
});

export const DELETE = authedRoute<{ roomId: string }>(({ api, params, principal }) => {
  requireAdmin(principal);
  api.rooms.remove(params.roomId);
  return undefined;
});
