import type { Clock } from "../automations/clock";

/**
 * A clock tests move by hand: `advance` runs every timer that falls due, in time order, with `now()` at the
 * timer's instant, and lets promises settle between them (an automation run awaits between its steps).
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  #seq = 0;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  at(atMs: number, fn: () => void): () => void {
    const timer = { at: atMs, seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing due timers on the way; bounded to 100,000 timers. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (let n = 0; n < 100_000; n++) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = end;
    await settle();
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#timers.length;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
