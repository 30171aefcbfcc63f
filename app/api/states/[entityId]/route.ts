// GET /api/states/:entityId — one state object, 404 if unknown (HA-compatible)
import { scopedRoute, errorResponse } from "../../../_lib/route";

export const GET = scopedRoute<{ entityId: string }>(({ api, params, principal }) => {
  const entityId = decodeURIComponent(params.entityId);
  // Outside a limited person's rooms is the same answer as not there at all.
  if (!api.access(principal.user).seesEntity(entityId)) return errorResponse("not_found", `Entity not found: ${entityId}`);
  return api.states.find(entityId) ?? errorResponse("not_found", `Entity not found: ${entityId}`);
});
