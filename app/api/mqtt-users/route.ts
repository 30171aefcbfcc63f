// GET/POST /api/mqtt-users — MQTT credentials for devices and bridges
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson } from "../../_lib/route";
import { requireAdmin } from "../../_lib/roles";

const body = z.object({ username: z.string(), password: z.string().optional(), description: z.string().max(200).optional() });

export const GET = authedRoute(({ api, principal }) => {
  requireAdmin(principal);
  return { users: api.mqttUsers.list() };
});

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const input = await readJson(req, body);
  const created = await api.mqttUsers.add(input);
  return NextResponse.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});
