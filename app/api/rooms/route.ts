// GET/POST /api/rooms — every room by position; create one (201)
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson, scopedRoute } from "../../_lib/route";
import { requireAdmin } from "../../_lib/roles";

// Trimming, length (1–64) and uniqueness are the hub's rules (422 / 409); this checks the shape.
const createSchema = z.strictObject({
  name: z.string(),
  icon: z.union([z.string(), z.null()]).optional(),
});

export const GET = scopedRoute(({ api, principal }) => {
  const scope = api.access(principal.user);
  return api.rooms.list().filter((r) => scope.seesRoom(r.room_id));
});

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const input = await readJson(req, createSchema);
  return NextResponse.json(api.rooms.create(input), { status: 201, headers: { "Cache-Control": "no-store" } });
});
