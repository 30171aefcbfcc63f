// POST /api/history/purge — purge old history now (owners and admins); answers what was removed
import { authedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

export const POST = authedRoute(async ({ api, principal }) => {
  requireAdmin(principal);
  return api.history.purge();
});
