// GET/PATCH/DELETE /api/devices/:deviceId — one device; rename it or move it to a room (null: the inbox); forget it and clear its retained discovery
import { z } from "zod";
import { authedRoute, errorResponse, readJson, scopedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

export const GET = scopedRoute<{ deviceId: string }>(({ api, params, principal }) => {
  const scope = api.access(principal.user);
  if (!scope.limited) return api.devices.get(params.deviceId);
  if (!scope.seesDevice(params.deviceId)) return errorResponse("not_found", `no device ${params.deviceId}`);
  const device = api.devices.get(params.deviceId);
  return { ...device, entities: device.entities.filter((e) => scope.seesEntity(e.entity_id)) };
});

const patchSchema = z.strictObject({
  name: z.union([z.string().max(120, "name is longer than 120 characters"), z.null()]).optional(),
  room_id: z.union([z.string(), z.null()]).optional(),
});

export const PATCH = authedRoute<{ deviceId: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const patch = await readJson(req, patchSchema);
  return api.devices.update(params.deviceId, patch);
});

export const DELETE = authedRoute<{ deviceId: string }>(async ({ api, params, principal }) => {
  requireAdmin(principal);
  await api.devices.remove(params.deviceId);
  return undefined;
});
