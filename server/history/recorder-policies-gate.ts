import type { HubEvents } from "../event-bus";

/** A state change the recorder is about to store (its new state is never null here). */
export type RecordedChange = HubEvents["stateChanged"];

/** What one entity's policy does to its changes, in numbers the gate can use without parsing. */
export interface GateRules {
  /** Numeric changes smaller than this (from the value history ends on) are skipped; 0 = off. */
  minChange: number;
  /** At most one change per this many ms is recorded; the last one of a window at the window's end; 0 = off. */
  debounceMs: number;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A state as a number, or undefined for anything else (on, unavailable, unknown, "12 W"). */
export function numericState(state: string): number | undefined {
  return NUMBER.test(state) ? Number(state) : undefined;
}

/** True when both states are numbers closer than `min`; a change to or from anything else is never small. */
export function isSmallChange(from: string, to: string, min: number): boolean {
  const a = numericState(from);
  const b = numericState(to);
  return a !== undefined && b !== undefined && Math.abs(b - a) < min;
}

/**
 * The recorder's per-entity filter for an entity with a min_change or debounce policy (an excluded entity never
 * gets this far). Windows are measured on the hub's clock (`change.at`); a timer records a held change when its
 * window ends, and a change that arrives after the end records the held one first (a clock that ran ahead).
 */
export class RecordingGate {
  readonly rules: GateRules;
  readonly #now: () => number;
  /** The state of the last change recorded through this gate. */
  #lastRecorded: string | undefined;
  /** The newest change of the open window, waiting for its end. */
  #held: RecordedChange | undefined;
  #record: ((change: RecordedChange) => void) | undefined;
  #windowEnd = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(rules: GateRules, now: () => number) {
    this.rules = rules;
    this.#now = now;
  }

  /**
   * True: record `change` now. False: skipped (too small), or held until its debounce window ends, when
   * `record` is called with it (or with a later change of the same window, which replaces it).
   */
  admit(change: RecordedChange, record: (change: RecordedChange) => void): boolean {
    const state = (change.newState as NonNullable<RecordedChange["newState"]>).state;
    this.#record = record;
    if (this.#held !== undefined && change.at >= this.#windowEnd) this.flush();
    const { minChange, debounceMs } = this.rules;
    if (minChange > 0) {
      // Compared with the value history will end on: the held one, if a window is open.
      const reference = this.#held === undefined ? this.#lastRecorded : stateOf(this.#held);
      if (reference !== undefined && isSmallChange(reference, state, minChange)) return false;
    }
    if (debounceMs > 0) {
      if (change.at < this.#windowEnd) {
        this.#held = change;
        this.#timer ??= setTimeout(() => this.flush(), Math.max(0, this.#windowEnd - this.#now())).unref();
        return false;
      }
      this.#windowEnd = change.at + debounceMs;
    }
    this.#lastRecorded = state;
    return true;
  }

  /**
   * The window's trailing edge: records the held change (with its own time), unless it ended up within
   * min_change of what was recorded. A recorded trailing change opens the next window.
   */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    const state = stateOf(held);
    const { minChange, debounceMs } = this.rules;
    if (minChange > 0 && this.#lastRecorded !== undefined && isSmallChange(this.#lastRecorded, state, minChange)) return;
    this.#lastRecorded = state;
    this.#windowEnd += debounceMs;
    this.#record?.(held);
  }

  /** Forgets the held change without recording it (the entity is now excluded). */
  drop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = undefined;
  }

  get holding(): boolean {
    return this.#held !== undefined;
  }
}

function stateOf(change: RecordedChange): string {
  return (change.newState as NonNullable<RecordedChange["newState"]>).state;
}
