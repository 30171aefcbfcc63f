// POST /api/discovery/announce — publish the birth message again so devices re-announce
import { authedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

export const POST = authedRoute(async ({ api, principal }) => {
  requireAdmin(principal);
  await api.discovery.announce();
  return { ok: true };
});
