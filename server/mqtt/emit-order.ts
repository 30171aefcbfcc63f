import type { Aedes } from "aedes";

/** Topics remembered with the counter of their last message: far more than one reordering window holds. */
const RECENT_TOPICS = 4096;

interface BrokerInternals {
  id: string;
  /** aedes numbers every message it publishes (aedes-packet: brokerCounter = ++broker.counter). */
  counter: number;
  mq: { emit(packet: EmittedPacket, callback?: () => void): unknown };
}

interface EmittedPacket {
  topic: string;
  qos: number;
  brokerId?: string;
  brokerCounter?: number;
}

/**
 * aedes numbers a message when it is published and hands it to its emitter only after a retained message is
 * stored (a promise), while a plain one goes at once. A client that sends a retained message and another right
 * behind it (one TCP read: Tasmota's retained LWT "Online" and its first state, a Zigbee2MQTT burst) gets the
 * second emitted first; each subscriber then takes the retained one, with its lower number, for a duplicate of
 * one already delivered (lib/client.js dedupe: counter must grow) and never gets it. Subscribers still connected
 * lost it; only the retained store had it, for the next SUBSCRIBE.
 *
 * So a QoS 0 message that reaches the emitter behind a higher number is numbered again there, and is delivered.
 * Not when a newer message on the same topic went first: then it is stale, and it goes to nobody (clients dropped
 * it already; the hub's own subscribers, which aedes does not dedupe, would have ended on the older value). The
 * retained store keeps it, as the last retained message of its topic. QoS 1/2 numbers are keys in the sessions'
 * stored queues and stay as they are.
 */
export function keepEmitOrder(aedes: Aedes): void {
  const broker = aedes as unknown as BrokerInternals;
  const mq = broker.mq;
  if (typeof mq?.emit !== "function" || typeof broker.counter !== "number") {
    throw new Error("aedes is not the version Hearth expects (no mq.emit or counter): check server/mqtt/emit-order.ts");
  }
  const emit = mq.emit.bind(mq);
  let highest = 0;
  const lastByTopic = new Map<string, number>();
  mq.emit = (packet: EmittedPacket, callback?: () => void) => {
    const counter = packet.brokerCounter;
    if (packet.brokerId === broker.id && typeof counter === "number") {
      const topicLast = lastByTopic.get(packet.topic) ?? 0;
      if (counter < highest && packet.qos === 0) {
        // A newer message on its topic went first: this one is stale for every subscriber, the hub's own too.
        if (topicLast > counter) {
          if (callback) queueMicrotask(callback);
          return mq;
        }
        packet.brokerCounter = ++broker.counter;
      }
      const now = packet.brokerCounter!;
      if (now > highest) highest = now;
      // Most recent last, so the oldest goes first when the map is full.
      lastByTopic.delete(packet.topic);
      lastByTopic.set(packet.topic, Math.max(now, topicLast));
      if (lastByTopic.size > RECENT_TOPICS) lastByTopic.delete(lastByTopic.keys().next().value!);
    }
    return emit(packet, callback);
  };
}
