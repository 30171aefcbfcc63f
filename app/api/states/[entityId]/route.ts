// GET /api/states/:entityId — one state object, 404 if unknown (HA-compatible)
import { authedRoute, errorResponse } from "../../../_lib/route";

export const GET = authedRoute<{ entityId: string }>(({ api, params }) => {
  const entityId = decodeURIComponent(params.entityId);
  return api.states.find(entityId) ?? errorResponse("not_found", `Entity not found: ${entityId}`);
});
