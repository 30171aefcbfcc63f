// GET /api/auth/lockouts — usernames locked out by failed logins right now (owners and admins)
import { requireAdmin } from "../../../_lib/roles";
import { authedRoute } from "../../../_lib/route";

export const GET = authedRoute(({ api, principal }) => {
  requireAdmin(principal);
  return { lockouts: api.auth.lockouts() };
});
