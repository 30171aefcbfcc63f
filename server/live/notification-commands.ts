import type { HubApi } from "../hub-api";
import type { NotificationView } from "../notifications/notification-views";
import { haTimestamp } from "../state/context";
import type { CommandHandler } from "./connection";

/** HA's notification object (`created_at` as its timestamp text), plus Hearth's `data`, `source` and epoch ms. */
function haNotification(n: NotificationView): Record<string, unknown> {
  return {
    notification_id: n.notification_id,
    title: n.title,
    message: n.message,
    created_at: haTimestamp(n.created_at),
    data: n.data,
    source: n.source,
    created_at_ms: n.created_at,
  };
}

const byId = (list: NotificationView[]) => Object.fromEntries(list.map((n) => [n.notification_id, haNotification(n)]));

/** HA's persistent_notification/subscribe: `current` (every active one) first, then added/updated/removed. */
export function notificationCommands(api: HubApi): Record<string, CommandHandler> {
  return {
    "persistent_notification/subscribe": (conn, msg) => {
      const id = msg.id;
      // Listen before reading the snapshot, with nothing in between, so no change falls in a gap.
      conn.addSubscription(
        id,
        api.notifications.onChange((change) => conn.event(id, JSON.stringify({ type: change.type, notifications: byId(change.notifications) }))),
      );
      const current = api.notifications.list().filter((n) => n.dismissed_at === null);
      conn.result(id);
      conn.event(id, JSON.stringify({ type: "current", notifications: byId(current) }));
    },
  };
}
