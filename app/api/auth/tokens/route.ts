// GET/POST /api/auth/tokens — list and create the signed-in person's long-lived API tokens
import { NextResponse } from "next/server";
import { z } from "zod";
import { scopedRoute, readJson } from "../../../_lib/route";

export const GET = scopedRoute(({ api, principal }) => ({ tokens: api.tokens.list(principal.user.id) }));

export const POST = scopedRoute(async ({ api, req, principal }) => {
  const { name } = await readJson(req, z.object({ name: z.string() }));
  const created = api.tokens.create(principal.user.id, name);
  return NextResponse.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});
