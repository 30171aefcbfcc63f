import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import { requireUser } from "../_lib/current-user";
import { AppShell } from "../_components/app-shell";
import { NotificationInbox } from "../_components/notifications/notification-inbox";
import { PhonePush } from "../_components/notifications/phone-push";
import "../notifications.css";

export const metadata: Metadata = { title: "Notifications" };

/** The notifications inbox (what automations sent, live) and push to this phone. */
export default async function NotificationsPage() {
  const { api, principal } = await requireUser("/notifications");
  const home = api.home();
  const timeZone = home?.timeZone ?? "UTC";
  const renderedAt = Date.now();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <div className="page-head">
        <div>
          <h1 className="page-title">Notifications</h1>
          <p className="muted">What your automations and scripts want you to know, newest first. Times are in {timeZone}.</p>
        </div>
      </div>
      <div className="stack">
        <NotificationInbox initial={api.notifications.list()} timeZone={timeZone} renderedAt={renderedAt} />
        <PhonePush phones={api.push.list()} userId={String(principal.user.id)} isAdmin={canManage(principal.user)} timeZone={timeZone} renderedAt={renderedAt} />
      </div>
    </AppShell>
  );
}
