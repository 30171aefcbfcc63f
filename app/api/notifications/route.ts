// GET/POST/DELETE /api/notifications — active and recently dismissed notifications; create one (201); dismiss all
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson } from "../../_lib/route";

// Lengths and the `data` fields (url, tag) are the hub's rules (422 / 400); this checks the shape.
const createSchema = z.strictObject({
  message: z.string({ error: "message is required (the text to show)" }),
  title: z.union([z.string(), z.null()]).optional(),
  notification_id: z.string().optional(),
  data: z.union([z.record(z.string(), z.unknown()), z.null()]).optional(),
});

export const GET = authedRoute(({ api }) => api.notifications.list());

export const POST = authedRoute(async ({ api, req, principal }) => {
  const input = await readJson(req, createSchema);
  return NextResponse.json(api.notifications.create(input, `user:${principal.user.id}`), { status: 201, headers: { "Cache-Control": "no-store" } });
});

export const DELETE = authedRoute(({ api }) => ({ dismissed: api.notifications.dismissAll() }));
