// DELETE /api/notifications/:notificationId — dismiss one notification (404 if it never existed)
import { authedRoute } from "../../../_lib/route";

export const DELETE = authedRoute<{ notificationId: string }>(({ api, params }) => {
  api.notifications.dismiss(params.notificationId);
  return undefined;
});
