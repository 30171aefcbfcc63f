import type { RecentMessageView } from "../hub-api";
import type { MqttMessage } from "../mqtt/mqtt-bus";
import { topicMatches } from "../mqtt/topic-match";

const PER_TOPIC = 10;
const PAYLOAD_CHARS = 2048;

/** The last PER_TOPIC messages of a topic, newest at `next - 1` (entries are reused). */
interface Ring {
  entries: RecentMessageView[];
  next: number;
}

/** The last messages per topic, for device diagnostics. After a topic's first PER_TOPIC messages, remembering allocates nothing. */
export class RecentMessages {
  readonly #rings = new Map<string, Ring>();

  remember(message: MqttMessage, text: string, at: number): void {
    let ring = this.#rings.get(message.topic);
    if (!ring) {
      ring = { entries: [], next: 0 };
      this.#rings.set(message.topic, ring);
    }
    const payload = text.length > PAYLOAD_CHARS ? `${text.slice(0, PAYLOAD_CHARS)}…` : text;
    const slot = ring.entries[ring.next];
    if (slot) {
      slot.payload = payload;
      slot.retained = message.retain;
      slot.at = at;
    } else {
      ring.entries.push({ topic: message.topic, payload, retained: message.retain, at });
    }
    ring.next = (ring.next + 1) % PER_TOPIC;
  }

  /** Copies of the newest `limit` messages on topics matching any of the filters (or equal to them). */
  on(filters: Set<string>, limit: number): RecentMessageView[] {
    const out: RecentMessageView[] = [];
    const list = [...filters];
    for (const [topic, ring] of this.#rings) {
      if (filters.has(topic) || list.some((f) => topicMatches(f, topic))) for (const m of ring.entries) out.push({ ...m });
    }
    return out.sort((a, b) => b.at - a.at).slice(0, limit);
  }
}
