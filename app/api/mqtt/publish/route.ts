// POST /api/mqtt/publish — publish one message as the hub ($hub); 204 when the broker took it; admins only
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

// Room for a 64 KiB payload as base64 or escaped JSON text, so an oversized payload is a 422, not a 413.
const MAX_BODY_BYTES = 512 * 1024;

const body = z
  .object({
    topic: z.string(),
    payload: z.string().optional(),
    payload_base64: z.base64().optional(),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    retain: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.payload === undefined || b.payload_base64 === undefined, { message: "give payload or payload_base64, not both" });

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  await api.mqtt.publish(await readJson(req, body, MAX_BODY_BYTES));
  return undefined;
});
