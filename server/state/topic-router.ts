import type { Logger } from "../logger";
import type { MqttBus, MqttMessage } from "../mqtt/mqtt-bus";

interface Route<L> {
  listeners: Set<L>;
  /** Resolves to the bus unsubscribe once the subscription is in place. */
  subscribed: Promise<(() => Promise<void>) | undefined>;
}

/**
 * One bus subscription per distinct topic filter, shared by every listener on it: a Z2M state topic
 * feeds five entities and its bridge's availability topic feeds hundreds, but each message crosses
 * from the broker once and is handed to `dispatch` once with all its listeners (so it is decoded
 * once). A listener that joins an existing filter gets the retained messages for it, as a fresh MQTT
 * subscription would.
 */
export class TopicRouter<L> {
  readonly #bus: MqttBus;
  readonly #log: Logger;
  readonly #dispatch: (listeners: Iterable<L>, message: MqttMessage) => void;
  readonly #routes = new Map<string, Route<L>>();

  constructor(bus: MqttBus, log: Logger, dispatch: (listeners: Iterable<L>, message: MqttMessage) => void) {
    this.#bus = bus;
    this.#log = log;
    this.#dispatch = dispatch;
  }

  /** Routes messages matching `filter` to `listener`; the returned function removes it. */
  add(filter: string, listener: L): () => void {
    let route = this.#routes.get(filter);
    if (route) {
      route.listeners.add(listener);
      const current = route;
      void current.subscribed
        .then(() => this.#bus.readRetained(filter))
        .then((messages) => {
          for (const message of messages) if (current.listeners.has(listener)) this.#deliver([listener], message);
        })
        .catch((err: unknown) => this.#log.warn({ err, filter }, "reading retained messages failed"));
    } else {
      const listeners = new Set<L>([listener]);
      const subscribed = this.#bus.subscribe(filter, (message) => this.#deliver(listeners, message), { retained: true }).catch((err: unknown) => {
        this.#log.warn({ err, filter }, "subscribing failed");
        return undefined;
      });
      route = { listeners, subscribed };
      this.#routes.set(filter, route);
    }
    const owner = route;
    return () => {
      owner.listeners.delete(listener);
      if (owner.listeners.size > 0 || this.#routes.get(filter) !== owner) return;
      this.#routes.delete(filter);
      void owner.subscribed.then((unsubscribe) => unsubscribe?.()).catch(() => undefined);
    };
  }

  /** Distinct filters currently subscribed. */
  get size(): number {
    return this.#routes.size;
  }

  #deliver(listeners: Iterable<L>, message: MqttMessage): void {
    try {
      this.#dispatch(listeners, message);
    } catch (err) {
      this.#log.error({ err, topic: message.topic }, "state handler failed");
    }
  }
}
