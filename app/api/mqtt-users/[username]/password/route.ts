// POST /api/mqtt-users/:username/password — generate a new password; old connections are closed
import { authedRoute } from "../../../../_lib/route";
import { requireAdmin } from "../../../../_lib/roles";

export const POST = authedRoute<{ username: string }>(async ({ api, params, principal }) => {
  requireAdmin(principal);
  return api.mqttUsers.regeneratePassword(params.username);
});
