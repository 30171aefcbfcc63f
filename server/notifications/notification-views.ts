/** One in-app notification (GET /api/notifications). Timestamps are epoch ms. */
export interface NotificationView {
  notification_id: string;
  title: string | null;
  message: string;
  /** What the sender added: `url` to open, `tag`, anything else it passed. */
  data: Record<string, unknown> | null;
  created_at: number;
  /** Null while active. */
  dismissed_at: number | null;
  /** Who sent it: "automation:<id>", "automation", "user:<id>" or "api". */
  source: string | null;
}

/** What creating a notification takes: HA's persistent_notification.create service data, plus `data`. */
export interface NotificationInput {
  message: string;
  title?: string | null | undefined;
  notification_id?: string | undefined;
  data?: Record<string, unknown> | null | undefined;
}

/** A phone (browser) that gets Web Push, as the inbox lists it. No keys, no endpoint. */
export interface PushSubscriptionView {
  /** A stable short id (a hash of the endpoint), for removing it. */
  id: string;
  name: string;
  /** The service that reaches only this phone: `notify.mobile_app_<slug>`. */
  service: string;
  /** The push service's host (fcm.googleapis.com, web.push.apple.com, ...). */
  push_service: string;
  user_id: string;
  created_at: number;
  last_success_at: number | null;
  last_error: string | null;
  failures: number;
}

/** POST /api/push/subscriptions: the browser's PushSubscription JSON plus a name for the phone. */
export interface PushSubscribeInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  name: string;
}

/** The notifications part of the hub's façade (HubApi.notifications). */
export interface NotificationsApi {
  /** Active ones and those dismissed in the last 30 days, newest first. */
  list(): NotificationView[];
  /** How many are active (the bell's count). */
  activeCount(): number;
  /** Creates or replaces (same notification_id) an in-app notification; no push (that is notify.notify). */
  create(input: NotificationInput, source: string): NotificationView;
  /** Dismisses one; not_found when the id was never there (or is long gone). */
  dismiss(notificationId: string): void;
  /** Dismisses every active one; answers how many. */
  dismissAll(): number;
  /** Calls `listener` on every change (HA's persistent_notification/subscribe); returns the unsubscribe function. */
  onChange(listener: (change: NotificationChange) => void): () => void;
}

/** HA's persistent notification update types. */
export interface NotificationChange {
  type: "added" | "updated" | "removed";
  notifications: NotificationView[];
}

/** Web Push for phones (HubApi.push). */
export interface PushApi {
  /** The VAPID public key (base64url) browsers subscribe with; made once and kept in the database. */
  publicKey(): string;
  /** Every subscribed phone, oldest first, with the notify service that reaches it alone. */
  list(): PushSubscriptionView[];
  /** Adds this phone, or renews it when the endpoint is known. */
  subscribe(input: PushSubscribeInput, userId: string): PushSubscriptionView;
  /** Removes a phone by endpoint or by id; a person may remove their own, an admin any. */
  unsubscribe(target: { endpoint: string } | { id: string }, by: { userId: string; isAdmin: boolean }): void;
}
