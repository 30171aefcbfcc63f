const WINDOW_SECONDS = 10;

/** Messages per second over a sliding 10 s window: one increment on the hot path, one tick a second. */
export class MessageRate {
  readonly #buckets = new Array<number>(WINDOW_SECONDS).fill(0);
  #current = 0;
  #index = 0;
  #total = 0;
  #filled = 0;

  count(): void {
    this.#current++;
  }

  tick(): void {
    this.#buckets[this.#index] = this.#current;
    this.#total += this.#current;
    this.#current = 0;
    this.#index = (this.#index + 1) % WINDOW_SECONDS;
    this.#filled = Math.min(this.#filled + 1, WINDOW_SECONDS);
  }

  perSecond(): number {
    if (this.#filled === 0) return 0;
    let sum = 0;
    for (const n of this.#buckets) sum += n;
    return sum / this.#filled;
  }

  total(): number {
    return this.#total + this.#current;
  }
}
