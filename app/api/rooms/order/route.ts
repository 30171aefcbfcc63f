// PUT /api/rooms/order — put the rooms in this order ({"room_ids": [...]}, every room exactly once, else 422)
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

const orderSchema = z.strictObject({
  room_ids: z.array(z.string().max(200)).max(10_000),
});

export const PUT = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const { room_ids } = await readJson(req, orderSchema);
  return api.rooms.reorder(room_ids);
});
