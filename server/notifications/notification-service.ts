import type { HubDatabase } from "@/db/open-database";
import {
  countActiveNotifications,
  dismissNotifications,
  findNotification,
  listActiveNotifications,
  listNotifications,
  pruneNotifications,
  upsertNotification,
  type StoredNotification,
} from "@/db/queries/notifications";
import { HubError } from "../errors";
import type { EventBus } from "../event-bus";
import type { Logger } from "../logger";
import { ulid } from "../state/context";
import { parseNotificationInput } from "./notification-input";
import type { NotificationChange, NotificationInput, NotificationView, NotificationsApi } from "./notification-views";

const DAY_MS = 86_400_000;

export interface NotificationServiceDeps {
  db: HubDatabase;
  bus: EventBus;
  log: Logger;
  now: () => number;
  /** Dismissed notifications are kept (and listed) this long (default 30 days). */
  keepDismissedMs?: number;
  /** The table never holds more rows than this; the oldest go first, dismissed ones before active ones (default 500). */
  maxRows?: number;
}

function toView(row: StoredNotification): NotificationView {
  let data: Record<string, unknown> | null = null;
  if (row.data !== null) {
    try {
      data = JSON.parse(row.data) as Record<string, unknown>;
    } catch {
      data = null;
    }
  }
  return { notification_id: row.id, title: row.title, message: row.message, data, created_at: row.createdAt, dismissed_at: row.dismissedAt, source: row.source };
}

/**
 * In-app notifications (HA's persistent_notification): owns the notifications table, keeps it bounded and
 * emits `notificationsChanged` so live clients follow.
 */
export class NotificationService {
  readonly #deps: NotificationServiceDeps;
  readonly #keepDismissedMs: number;
  readonly #maxRows: number;

  constructor(deps: NotificationServiceDeps) {
    this.#deps = deps;
    this.#keepDismissedMs = deps.keepDismissedMs ?? 30 * DAY_MS;
    this.#maxRows = deps.maxRows ?? 500;
  }

  start(): void {
    this.#prune();
  }

  /** Creates or replaces (same id: active again, with the new text and time) a notification. */
  create(input: NotificationInput, origin: { source: string; contextId?: string | null }): NotificationView {
    // Input from code paths other than a parsed service call (the REST route) gets the same checks.
    const checked = parseNotificationInput({ ...input }, "notification");
    const now = this.#deps.now();
    const id = checked.notification_id ?? ulid(now);
    const before = findNotification(this.#deps.db, id);
    const row: StoredNotification = {
      id,
      title: checked.title ?? null,
      message: checked.message,
      data: checked.data ? JSON.stringify(checked.data) : null,
      createdAt: now,
      dismissedAt: null,
      source: origin.source,
      contextId: origin.contextId ?? null,
    };
    upsertNotification(this.#deps.db, row);
    const view = toView(row);
    // HA: "updated" when an active notification with this id was replaced; a dismissed one comes back as new.
    this.#changed(before && before.dismissedAt === null ? "updated" : "added", [view]);
    this.#deps.log.info({ notificationId: id, source: origin.source }, before ? "notification replaced" : "notification created");
    this.#prune();
    return view;
  }

  /** HA's persistent_notification.dismiss: an unknown or already dismissed id changes nothing. Answers whether it existed. */
  dismiss(id: string): boolean {
    const at = this.#deps.now();
    const dismissed = dismissNotifications(this.#deps.db, at, id);
    if (dismissed.length > 0) this.#changed("removed", dismissed.map((row) => toView({ ...row, dismissedAt: at })));
    return dismissed.length > 0 || findNotification(this.#deps.db, id) !== undefined;
  }

  dismissAll(): number {
    const at = this.#deps.now();
    const dismissed = dismissNotifications(this.#deps.db, at);
    if (dismissed.length > 0) this.#changed("removed", dismissed.map((row) => toView({ ...row, dismissedAt: at })));
    return dismissed.length;
  }

  list(): NotificationView[] {
    return listNotifications(this.#deps.db, this.#deps.now() - this.#keepDismissedMs, this.#maxRows).map(toView);
  }

  active(): NotificationView[] {
    return listActiveNotifications(this.#deps.db).map(toView);
  }

  activeCount(): number {
    return countActiveNotifications(this.#deps.db);
  }

  /** The façade part (HubApi.notifications). */
  api(): NotificationsApi {
    return {
      list: () => this.list(),
      activeCount: () => this.activeCount(),
      create: (input, source) => this.create(input, { source }),
      dismiss: (id) => {
        if (!this.dismiss(id)) throw new HubError("not_found", `no notification ${id}`);
      },
      dismissAll: () => this.dismissAll(),
      onChange: (listener) => this.#deps.bus.on("notificationsChanged", (change) => listener({ type: change.type, notifications: change.notifications })),
    };
  }

  #changed(type: NotificationChange["type"], notifications: NotificationView[]): void {
    this.#deps.bus.emit("notificationsChanged", { type, notifications, at: this.#deps.now() });
  }

  #prune(): void {
    const removedActive = pruneNotifications(this.#deps.db, this.#deps.now() - this.#keepDismissedMs, this.#maxRows);
    if (removedActive.length === 0) return;
    this.#deps.log.warn({ removed: removedActive.length, maxRows: this.#maxRows }, "too many notifications: the oldest active ones were dropped");
    this.#changed("removed", removedActive.map(toView));
  }
}
