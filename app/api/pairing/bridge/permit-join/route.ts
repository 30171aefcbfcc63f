// POST /api/pairing/bridge/permit-join — open (or close, seconds 0) a Zigbee2MQTT network for joining
import { z } from "zod";
import { MAX_PERMIT_JOIN_SECONDS } from "@/devices/onboarding/z2m-bridge";
import { requireAdmin } from "../../../../_lib/roles";
import { authedRoute, readJson } from "../../../../_lib/route";

const body = z.object({ base_topic: z.string().min(1).max(128), seconds: z.number().int().min(0).max(MAX_PERMIT_JOIN_SECONDS) });

export const POST = authedRoute(async ({ api, req, principal }) => {
  requireAdmin(principal);
  const input = await readJson(req, body);
  return api.pairing.permitJoin(input);
});
