// GET /api/pairing/<session id> — has the new client connected, and what has it announced
import { requireAdmin } from "../../../_lib/roles";
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute<{ sessionId: string }>(({ api, params, principal }) => {
  requireAdmin(principal);
  return api.pairing.status(params.sessionId);
});
