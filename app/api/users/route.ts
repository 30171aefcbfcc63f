// GET/POST /api/users — the household: who signs in, with which role, rooms and home-network flag (owners and admins)
import { NextResponse } from "next/server";
import { z } from "zod";
import { ROLES } from "@/devices/auth/access";
import { authedRoute, readJson } from "../../_lib/route";
import { requireAdmin } from "../../_lib/roles";

export const personFields = {
  name: z.string().max(100).optional(),
  role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }).optional(),
  rooms: z.union([z.array(z.string().max(100)).max(500), z.null()], { error: "rooms must be a list of room ids, or null for every room" }).optional(),
  local_only: z.boolean({ error: "local_only must be true or false" }).optional(),
};

const createSchema = z.strictObject({ username: z.string().max(200), password: z.string().max(1024), ...personFields });

export const GET = authedRoute(({ api, principal }) => {
  requireAdmin(principal);
  return { users: api.people.list() };
});

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const { local_only, ...input } = await readJson(req, createSchema);
  const user = await api.people.add(principal.user, { ...input, localOnly: local_only });
  return NextResponse.json({ user }, { status: 201, headers: { "Cache-Control": "no-store" } });
});
