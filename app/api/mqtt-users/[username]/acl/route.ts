// GET/PUT /api/mqtt-users/:username/acl — the user's access rules; PUT replaces the whole list (empty = full access)
import { z } from "zod";
import { authedRoute, readJson } from "../../../../_lib/route";
import { requireAdmin } from "../../../../_lib/roles";

// The shape only (400); each rule is checked by the hub, which answers 422 with `issues` naming the bad field.
const body = z.object({ rules: z.array(z.unknown()) });

export const GET = authedRoute<{ username: string }>(({ api, params, principal }) => {
  requireAdmin(principal);
  return api.mqttUsers.acl(params.username);
});

export const PUT = authedRoute<{ username: string }>(async ({ api, req, params, principal }) => {
  requireAdmin(principal);
  const input = await readJson(req, body);
  return api.mqttUsers.setAcl(params.username, input.rules);
});
