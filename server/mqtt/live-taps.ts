import { topicMatches } from "./topic-match";

/** One message for a live log: plain data, with at most `keepBytes` of the payload (copied). */
export interface TapEvent {
  topic: string;
  payload: Uint8Array;
  size: number;
  qos: 0 | 1 | 2;
  retain: boolean;
  at: number;
  clientId: string | null;
  username: string | null;
}

export interface LiveTapsOptions {
  /** Messages per second per tap; the rest are counted and reported once a second. */
  perSecond: number;
  keepBytes: number;
  deliver: (tapId: number, event: TapEvent) => void;
  skipped: (tapId: number, count: number) => void;
}

interface Tap {
  readonly matches: (topic: string) => boolean;
  windowStart: number;
  sent: number;
  skipped: number;
}

export const DEFAULT_TAP_RATE = 100;
export const TAP_KEEP_BYTES = 4 * 1024;

/**
 * Live-log subscriptions (the MQTT explorer's stream): a filter and a rate limit each, applied where the
 * messages are, so a 20,000 msg/s broker ships at most `perSecond` events per open log to the hub.
 */
export class LiveTaps {
  readonly #opts: LiveTapsOptions;
  readonly #taps = new Map<number, Tap>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: LiveTapsOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#taps.size;
  }

  open(tapId: number, filter: string): void {
    this.#taps.set(tapId, { matches: matcher(filter), windowStart: 0, sent: 0, skipped: 0 });
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#reportSkipped(), 1000);
      this.#timer.unref();
    }
  }

  close(tapId: number): void {
    this.#taps.delete(tapId);
    if (this.#taps.size === 0) this.stop();
  }

  stop(): void {
    this.#taps.clear();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Call only when `size > 0`: the caller's check keeps the broker's hot path free of this. */
  offer(topic: string, payload: Buffer, qos: 0 | 1 | 2, retain: boolean, clientId: string | null, username: string | null, at: number): void {
    let event: TapEvent | undefined;
    for (const [tapId, tap] of this.#taps) {
      if (!tap.matches(topic)) continue;
      if (at - tap.windowStart >= 1000) {
        tap.windowStart = at;
        tap.sent = 0;
      }
      if (tap.sent >= this.#opts.perSecond) {
        tap.skipped++;
        continue;
      }
      tap.sent++;
      // slice(): an exact copy, so posting it to another thread copies these bytes and not the read they came in.
      event ??= { topic, payload: Uint8Array.prototype.slice.call(payload, 0, this.#opts.keepBytes), size: payload.length, qos, retain, at, clientId, username };
      this.#opts.deliver(tapId, event);
    }
  }

  #reportSkipped(): void {
    for (const [tapId, tap] of this.#taps) {
      if (tap.skipped === 0) continue;
      const count = tap.skipped;
      tap.skipped = 0;
      this.#opts.skipped(tapId, count);
    }
  }
}

/** The common filters without splitting every topic: `#` and exact topics; the rest through topicMatches. */
function matcher(filter: string): (topic: string) => boolean {
  // [MQTT-4.7.2-1]: `#` does not match topics starting with `$`.
  if (filter === "#") return (topic) => topic.charCodeAt(0) !== 36;
  if (!filter.includes("+") && !filter.includes("#")) return (topic) => topic === filter;
  return (topic) => topicMatches(filter, topic);
}
