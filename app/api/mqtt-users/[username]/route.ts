// DELETE /api/mqtt-users/:username — revoke: delete the credentials and close their connections now
import { authedRoute } from "../../../_lib/route";
import { requireAdmin } from "../../../_lib/roles";

export const DELETE = authedRoute<{ username: string }>(({ api, params, principal }) => {
  requireAdmin(principal);
  api.mqttUsers.revoke(params.username);
  return undefined;
});
