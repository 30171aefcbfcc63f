// GET/PUT/DELETE /api/history/policies/<entity_id> — one entity's recording policy (changing it: owners and admins)
import { z } from "zod";
import { authedRoute, readJson } from "../../../../_lib/route";
import { requireAdmin } from "../../../../_lib/roles";

// The fields and their ranges are the hub's rules (400 with the field named); this only checks it is an object.
const patchSchema = z.record(z.string(), z.unknown(), { error: "body must be a JSON object: {exclude?, keep_days?, min_change?, debounce_ms?}" });

export const GET = authedRoute<{ entityId: string }>(({ api, params }) => api.history.policies.get(params.entityId));

export const PUT = authedRoute<{ entityId: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const patch = await readJson(req, patchSchema);
  return api.history.policies.set(params.entityId, patch);
});

export const DELETE = authedRoute<{ entityId: string }>(({ api, params, principal }) => {
  requireAdmin(principal);
  api.history.policies.remove(params.entityId);
  return undefined;
});
