// POST /api/automations/<id>/revisions/<n>/restore — saves revision n's source as the newest revision
import { HubError } from "@/server/errors";
import { authedRoute } from "../../../../../../_lib/route";
import { requireAdmin } from "../../../../../../_lib/roles";

export const POST = authedRoute<{ id: string; revision: string }>(async ({ api, params, principal }) => {
  requireAdmin(principal);
  const revision = Number(params.revision);
  if (!Number.isInteger(revision) || revision < 1) throw new HubError("invalid_input", "revision must be a positive whole number");
  return api.automations.restore(params.id, revision, String(principal.user.id));
});
