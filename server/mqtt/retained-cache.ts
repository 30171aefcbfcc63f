import { Readable } from "node:stream";
import { topicMatches } from "./topic-match";

interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
}

interface RetainedStore {
  storeRetained(packet: RetainedPacket): Promise<unknown>;
  createRetainedStream(pattern: string): NodeJS.ReadableStream;
  createRetainedStreamCombi(patterns: string[]): NodeJS.ReadableStream;
}

/**
 * Retained messages kept in memory in front of the LevelDB store (written through, read from memory).
 * aedes reads the store on every SUBSCRIBE; with LevelDB that is a native iterator over every retained
 * message for each new client, which made connecting devices the broker's slowest path. A home holds
 * thousands of retained messages at most (discovery configs, states), so memory is the right place.
 */
export async function cacheRetained(persistence: unknown): Promise<unknown> {
  const store = persistence as RetainedStore;
  const retained = new Map<string, RetainedPacket>();
  for await (const packet of store.createRetainedStream("#") as AsyncIterable<RetainedPacket>) retained.set(packet.topic, packet);
  // `#` does not match `$SYS/...` [MQTT-4.7.2-1]; those are not retained by aedes anyway.

  const storeRetained = store.storeRetained.bind(store);
  store.storeRetained = (packet) => {
    // MQTT: an empty retained payload deletes the retained message [MQTT-3.3.1-10].
    if (packet.payload.length === 0) retained.delete(packet.topic);
    else retained.set(packet.topic, packet);
    return storeRetained(packet);
  };
  const matching = (patterns: string[]): RetainedPacket[] => {
    const out = new Map<string, RetainedPacket>();
    for (const pattern of patterns) {
      if (!pattern.includes("+") && !pattern.includes("#")) {
        const exact = retained.get(pattern);
        if (exact) out.set(pattern, exact);
        continue;
      }
      for (const [topic, packet] of retained) if (topicMatches(pattern, topic)) out.set(topic, packet);
    }
    return [...out.values()];
  };
  store.createRetainedStream = (pattern) => Readable.from(matching([pattern]));
  store.createRetainedStreamCombi = (patterns) => Readable.from(matching(patterns));
  return persistence;
}
