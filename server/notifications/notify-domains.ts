import { HubError } from "../errors";
import type { EventBus } from "../event-bus";
import type { Logger } from "../logger";
import type { DomainCall, ServiceDomain } from "../state/service-caller";
import { parseNotificationInput } from "./notification-input";
import type { NotificationService } from "./notification-service";
import { pushPayload, type WebPush } from "./web-push";

export interface NotifyServicesDeps {
  notifications: NotificationService;
  push: WebPush;
  bus: EventBus;
  log: Logger;
  /** How long a notify call waits for the push services' answers before it returns (default 3 s). */
  pushWaitMs?: number;
}

const PERSISTENT_SERVICES = ["create", "dismiss", "dismiss_all"];
const NOTIFY_SERVICES = ["notify", "persistent_notification", "send_message"];
// Automation runs remembered for naming the source; a run's notify call comes right after its trigger.
const REMEMBERED_RUNS = 256;

/**
 * The hub-provided service domains `persistent_notification` (create, dismiss, dismiss_all) and `notify`
 * (notify, persistent_notification, send_message, mobile_app_<phone>), as Home Assistant has them.
 */
export class NotifyServices {
  readonly #deps: NotifyServicesDeps;
  /** Context id of an automation run → the automation's id (from automationTriggered). */
  readonly #runs = new Map<string, string>();
  #disposers: Array<() => void> = [];

  constructor(deps: NotifyServicesDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#disposers.push(
      this.#deps.bus.on("automationTriggered", ({ automationId, context }) => {
        this.#runs.set(context.id, automationId);
        if (this.#runs.size > REMEMBERED_RUNS) this.#runs.delete(this.#runs.keys().next().value!);
      }),
    );
  }

  stop(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  /** HA's persistent_notification domain. */
  persistentNotification(): ServiceDomain {
    return {
      services: () => PERSISTENT_SERVICES,
      call: (call) => {
        const { notifications } = this.#deps;
        const what = `persistent_notification.${call.service}`;
        switch (call.service) {
          case "create":
            notifications.create(parseNotificationInput(call.data, what), this.#origin(call));
            break;
          case "dismiss": {
            const id = call.data.notification_id;
            if (typeof id !== "string" || id === "") throw new HubError("invalid_input", `${what}: notification_id is required`);
            // HA: dismissing an unknown id does nothing.
            notifications.dismiss(id);
            break;
          }
          case "dismiss_all":
            notifications.dismissAll();
            break;
          default:
            throw new HubError("invalid_input", `service ${what} not found`);
        }
        return Promise.resolve([]);
      },
    };
  }

  /** HA's notify domain: everyone, in-app only, the entity-based send_message, and one service per phone. */
  notify(): ServiceDomain {
    return {
      services: () => [...NOTIFY_SERVICES, ...this.#deps.push.phones().map((p) => p.service)],
      call: async (call, next) => {
        // notify.send_message aimed at entities is for MQTT notify entities (an LCD, a speaker).
        if (call.service === "send_message" && call.entityIds.length > 0) return next();
        const phones = this.#deps.push.phones();
        const targets =
          call.service === "notify" || call.service === "send_message"
            ? phones
            : call.service === "persistent_notification"
              ? []
              : phones.filter((p) => p.service === call.service);
        if (!NOTIFY_SERVICES.includes(call.service) && targets.length === 0) throw new HubError("invalid_input", `service notify.${call.service} not found`);
        await this.#send(call, targets.map((p) => p.sub));
        return [];
      },
    };
  }

  async #send(call: DomainCall, subs: Parameters<WebPush["send"]>[0]): Promise<void> {
    const what = `notify.${call.service}`;
    const input = parseNotificationInput(call.data, what);
    // HA's notify.persistent_notification takes the id inside data.
    const idInData = input.data?.notification_id;
    if (input.notification_id === undefined && typeof idInData === "string" && idInData !== "") input.notification_id = idInData;
    const notification = this.#deps.notifications.create(input, this.#origin(call));
    if (subs.length === 0) return;
    const report = await this.#deps.push.send(subs, pushPayload(notification), { waitMs: this.#deps.pushWaitMs ?? 3000, urgency: input.data?.urgency });
    this.#deps.log.info({ service: what, notificationId: notification.notification_id, ...report }, "push notification sent");
  }

  #origin(call: DomainCall): { source: string; contextId: string | null } {
    const context = call.context;
    const automation = context ? (this.#runs.get(context.id) ?? (context.parent_id ? this.#runs.get(context.parent_id) : undefined)) : undefined;
    // Only automation runs pass a context; without a remembered run it is still an automation's call.
    const source = automation ? `automation:${automation}` : context ? "automation" : call.userId ? `user:${call.userId}` : "api";
    return { source, contextId: context?.id ?? null };
  }
}
