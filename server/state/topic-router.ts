import type { Logger } from "../logger";
import type { MqttBus, MqttMessage } from "../mqtt/mqtt-bus";

export type RoutedHandler = (message: MqttMessage) => void;

interface Route {
  handlers: Set<RoutedHandler>;
  /** Resolves to the bus unsubscribe once the subscription is in place. */
  subscribed: Promise<(() => Promise<void>) | undefined>;
}

/**
 * One bus subscription per distinct topic filter, shared by every entity that listens to it: a Z2M
 * state topic feeds five entities and its bridge's availability topic feeds hundreds, but each
 * message crosses from the broker once. A handler that joins an existing filter gets the retained
 * messages for it, as a fresh MQTT subscription would.
 */
export class TopicRouter {
  readonly #bus: MqttBus;
  readonly #log: Logger;
  readonly #routes = new Map<string, Route>();

  constructor(bus: MqttBus, log: Logger) {
    this.#bus = bus;
    this.#log = log;
  }

  /** Routes messages matching `filter` to `handler`; the returned function removes it. */
  add(filter: string, handler: RoutedHandler): () => void {
    let route = this.#routes.get(filter);
    if (route) {
      route.handlers.add(handler);
      const current = route;
      void current.subscribed
        .then(() => this.#bus.readRetained(filter))
        .then((messages) => {
          for (const message of messages) if (current.handlers.has(handler)) this.#deliver(handler, message);
        })
        .catch((err: unknown) => this.#log.warn({ err, filter }, "reading retained messages failed"));
    } else {
      const handlers = new Set<RoutedHandler>([handler]);
      const subscribed = this.#bus
        .subscribe(
          filter,
          (message) => {
            for (const h of handlers) this.#deliver(h, message);
          },
          { retained: true },
        )
        .catch((err: unknown) => {
          this.#log.warn({ err, filter }, "subscribing failed");
          return undefined;
        });
      route = { handlers, subscribed };
      this.#routes.set(filter, route);
    }
    const owner = route;
    return () => {
      owner.handlers.delete(handler);
      if (owner.handlers.size > 0 || this.#routes.get(filter) !== owner) return;
      this.#routes.delete(filter);
      void owner.subscribed.then((unsubscribe) => unsubscribe?.()).catch(() => undefined);
    };
  }

  /** Distinct filters currently subscribed. */
  get size(): number {
    return this.#routes.size;
  }

  #deliver(handler: RoutedHandler, message: MqttMessage): void {
    try {
      handler(message);
    } catch (err) {
      this.#log.error({ err, topic: message.topic }, "state handler failed");
    }
  }
}
