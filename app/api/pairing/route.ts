// POST /api/pairing — start the "Add device" wizard: fresh MQTT credentials, addresses and a snippet
import { NextResponse } from "next/server";
import { z } from "zod";
import { PAIRING_KINDS } from "@/devices/onboarding/firmware-snippets";
import { requireAdmin } from "../../_lib/roles";
import { authedRoute, readJson } from "../../_lib/route";
import { requestHost } from "../../_components/request-host";

const body = z.object({
  kind: z.enum(PAIRING_KINDS),
  name: z.string().max(80).optional(),
  base_topic: z.string().max(128).optional(),
});

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const input = await readJson(req, body);
  const preferred = requestHost(req.headers.get("host")).hostname;
  const started = await api.pairing.start({ ...input, preferred_host: preferred });
  return NextResponse.json(started, { status: 201, headers: { "Cache-Control": "no-store" } });
});
