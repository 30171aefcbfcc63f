import { createHash } from "node:crypto";

/** A small seeded PRNG (mulberry32): reproducible runs with --seed, no allocation per draw. */
export class Random {
  #state: number;
  #spare: number | undefined;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Standard normal draw (Box–Muller, caching the second value). */
  gaussian(): number {
    if (this.#spare !== undefined) {
      const spare = this.#spare;
      this.#spare = undefined;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * One step of a mean-reverting random walk (Ornstein–Uhlenbeck): a sensor wanders with noise but stays near
 * `mean`. `pull` is the fraction of the gap closed per second, `noise` the standard deviation per √second.
 */
export function drift(value: number, mean: number, pull: number, noise: number, dtS: number, rng: Random): number {
  return value + (mean - value) * Math.min(1, pull * dtS) + noise * Math.sqrt(dtS) * rng.gaussian();
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Lower-case hex digits derived from a name: device ids (IEEE, MAC) stay the same across runs. */
export function stableHex(name: string, digits: number): string {
  return createHash("sha256").update(name).digest("hex").slice(0, digits);
}

/** A 32-bit seed for one device's random stream. */
export function seedFor(name: string, seed: number): number {
  return (Number.parseInt(stableHex(name, 8), 16) ^ seed) >>> 0;
}
