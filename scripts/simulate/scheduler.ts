import type { SimulationCounters } from "./device-connection";
import type { Outbox, Reporter, SimulatedDevice } from "./simulated-device";

/** What the scheduler needs of a connection. */
export interface ScheduledConnection {
  readonly device: SimulatedDevice;
  readonly outbox: Outbox;
  canReport(): boolean;
}

export interface SchedulerDeps {
  connections: readonly ScheduledConnection[];
  /** Total rate-driven messages per second across all devices. */
  ratePerSecond: number;
  tickMs: number;
  physicsIntervalMs: number;
  counters: SimulationCounters;
}

interface Slot {
  connection: ScheduledConnection;
  report: Reporter;
}

/**
 * Two timers drive every device, whatever their number: a token bucket spends `ratePerSecond` on reporters in
 * round-robin order, and a physics interval advances motion, heating and metering.
 */
export class Scheduler {
  readonly #deps: SchedulerDeps;
  readonly #slots: Slot[];
  readonly #maxBurst: number;
  #cursor = 0;
  #tokens = 0;
  #lastTick = 0;
  #lastPhysics = 0;
  #tickTimer: NodeJS.Timeout | undefined;
  #physicsTimer: NodeJS.Timeout | undefined;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
    this.#slots = interleave(deps.connections);
    // Catch up at most half a second after a stalled event loop, rather than bursting.
    this.#maxBurst = Math.max(1, deps.ratePerSecond / 2);
  }

  start(): void {
    this.#lastTick = performance.now();
    this.#lastPhysics = this.#lastTick;
    this.#tickTimer = setInterval(() => this.#tick(), this.#deps.tickMs);
    this.#physicsTimer = setInterval(() => this.#advance(), this.#deps.physicsIntervalMs);
  }

  stop(): void {
    clearInterval(this.#tickTimer);
    clearInterval(this.#physicsTimer);
    this.#tickTimer = undefined;
    this.#physicsTimer = undefined;
  }

  #tick(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.#tokens + (this.#deps.ratePerSecond * (now - this.#lastTick)) / 1000, this.#maxBurst);
    this.#lastTick = now;
    const slots = this.#slots;
    if (slots.length === 0) return;
    // Stop after a full round of slots that could not report (all offline or backed up).
    let misses = 0;
    while (this.#tokens >= 1 && misses < slots.length) {
      const slot = slots[this.#cursor];
      this.#cursor = (this.#cursor + 1) % slots.length;
      if (!slot?.connection.canReport()) {
        misses++;
        continue;
      }
      misses = 0;
      this.#tokens -= Math.max(1, slot.report(slot.connection.outbox));
    }
    if (misses >= slots.length) {
      const skipped = Math.floor(this.#tokens);
      this.#deps.counters.dropped += skipped;
      this.#tokens -= skipped;
    }
  }

  #advance(): void {
    const now = performance.now();
    const dtMs = now - this.#lastPhysics;
    this.#lastPhysics = now;
    for (const connection of this.#deps.connections) connection.device.advance(dtMs, connection.outbox);
  }
}

/** Round-robin order that alternates devices: the first reporter of each device, then the second, and so on. */
function interleave(connections: readonly ScheduledConnection[]): Slot[] {
  const slots: Slot[] = [];
  const depth = Math.max(0, ...connections.map((c) => c.device.reporters.length));
  for (let i = 0; i < depth; i++) {
    for (const connection of connections) {
      const report = connection.device.reporters[i];
      if (report) slots.push({ connection, report });
    }
  }
  return slots;
}
