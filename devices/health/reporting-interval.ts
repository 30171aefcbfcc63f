import { HEALTH_THRESHOLDS } from "./thresholds";

const T = HEALTH_THRESHOLDS;

/**
 * Learns how often one device reports, in bounded memory: the last `gapsKept` gaps between reports (their
 * median is the usual interval) and the longest recent normal gap, decaying with a half-life. `record` is
 * on the MQTT hot path: it allocates nothing.
 */
export class ReportingInterval {
  readonly #gaps = new Float64Array(T.gapsKept);
  #count = 0;
  #next = 0;
  /** Start of the last report (burst), NaN before the first. */
  #lastReport = Number.NaN;
  #longest = 0;
  #longestAt = 0;

  /** A message from the device at `at` (epoch ms). */
  record(at: number): void {
    const last = this.#lastReport;
    if (Number.isNaN(last) || at < last) {
      // First message, or the clock went back: start over from here.
      this.#lastReport = at;
      return;
    }
    const gap = at - last;
    if (gap < T.burstMs) return;
    // An outage: beyond what was learned before this gap and beyond Z2M's passive timeout. Shorter silences
    // (a motion sensor's quiet night) are how the device behaves and must be learned, not flagged for ever.
    const outage = gap > T.unlearnedStaleMs && gap > this.staleAfterMs(last);
    this.#lastReport = at;
    this.#gaps[this.#next] = gap;
    this.#next = (this.#next + 1) % T.gapsKept;
    if (this.#count < T.gapsKept) this.#count++;
    // Outages still move the median (a device may really have slowed down), never the longest normal gap.
    if (!outage && gap >= this.#decayedLongest(at)) {
      this.#longest = gap;
      this.#longestAt = at;
    }
  }

  /** Gaps learned so far (at most `gapsKept`). */
  get samples(): number {
    return this.#count;
  }

  /** The median gap between reports, or null while fewer than `minGaps` gaps are known. */
  usualIntervalMs(): number | null {
    if (this.#count < T.minGaps) return null;
    const sorted = Array.from(this.#gaps.subarray(0, this.#count)).sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /** Silence longer than this (ms) at `now` means the device is stale. */
  staleAfterMs(now: number): number {
    const usual = this.usualIntervalMs();
    if (usual === null) return T.unlearnedStaleMs;
    return Math.max(T.staleFloorMs, T.staleFactor * usual, T.longestGapFactor * this.#decayedLongest(now));
  }

  #decayedLongest(now: number): number {
    if (this.#longest === 0) return 0;
    const age = Math.max(0, now - this.#longestAt);
    return this.#longest * 0.5 ** (age / T.longestGapHalfLifeMs);
  }
}
