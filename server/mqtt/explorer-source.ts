import type { TapEvent } from "./live-taps";
import type { TopicMessage, TopicNode } from "./topic-index";

/** Receives a live log: messages, and once a second how many the rate limit dropped. Must not throw. */
export interface TapListener {
  event(event: TapEvent): void;
  skipped(count: number): void;
}

/**
 * Where the MQTT explorer's data comes from: the embedded broker's thread (WorkerBroker), or an index the hub
 * builds from a `#` subscription to an external broker while the explorer is in use (ExternalExplorer).
 */
export interface ExplorerSource {
  /** The direct children of a level of the topic tree; `null` = the top level. */
  topics(level: string | null): Promise<TopicNode[]>;
  message(topic: string): Promise<TopicMessage | undefined>;
  /** Empty retained publishes to one topic or a whole branch (`level` null = every retained topic); how many. */
  clearRetained(target: { topic: string } | { level: string | null }): Promise<number>;
  /** Opens a rate-limited live log; resolves to the function that closes it. */
  tap(filter: string, listener: TapListener): Promise<() => Promise<void>>;
}
