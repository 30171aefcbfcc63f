/** Time as the automation engine sees it: the wall clock, and timers at an instant (tests drive a manual one). */
export interface Clock {
  now(): number;
  /** Calls `fn` at `atMs` (at once if that has passed); answers a cancel function. */
  at(atMs: number, fn: () => void): () => void;
}

/** setTimeout caps delays at about 24.8 days: longer ones wait in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(atMs, fn) {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const wait = atMs - Date.now();
      if (wait > MAX_TIMEOUT_MS) timer = setTimeout(arm, MAX_TIMEOUT_MS);
      else timer = setTimeout(fn, Math.max(0, wait));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  },
};
