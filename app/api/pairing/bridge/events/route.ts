// GET /api/pairing/bridge/events?base_topic=zigbee2mqtt — recent join and interview events of a Zigbee2MQTT bridge
import { HubError } from "@/server/errors";
import { requireAdmin } from "../../../../_lib/roles";
import { authedRoute } from "../../../../_lib/route";

export const GET = authedRoute(({ api, req, principal }) => {
  requireAdmin(principal);
  const base = req.nextUrl.searchParams.get("base_topic");
  if (!base) throw new HubError("invalid_input", "base_topic is required");
  return api.pairing.bridgeEvents(base);
});
