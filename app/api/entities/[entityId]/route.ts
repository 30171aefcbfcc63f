// PATCH /api/entities/:entityId — a person's settings for one entity: own room (null follows the device), hidden, pinned, position
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const patchSchema = z.strictObject({
  room_id: z.union([z.string(), z.null()]).optional(),
  hidden: z.boolean().optional(),
  pinned: z.boolean().optional(),
  position: z.union([z.number(), z.null()]).optional(),
});

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const PATCH = authedRoute<{ entityId: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const patch = await readJson(req, patchSchema);
  return api.entities.update(decoded(params.entityId), patch);
});
