import { ReportingInterval } from "@/devices/health/reporting-interval";

interface Activity {
  interval: ReportingInterval;
  /** Epoch ms of the last message, or of the stored time before this run (0: never). */
  lastSeen: number;
  /** What the store holds for the device (0: nothing). */
  stored: number;
}

/** Where last-seen times live between runs (db/queries/device-last-seen.ts). */
export interface LastSeenStore {
  load(): Map<string, number>;
  save(batch: ReadonlyArray<readonly [string, number]>): void;
}

/**
 * How often each device reports and when it last did, learned from the state store's `onSeen` calls.
 * `seen` runs for every slot a message reaches, so it does one map lookup and allocates only for a device's
 * first message. Last-seen times are saved in batches (`save`) and loaded at start, so "last seen" survives
 * a restart; the learned rhythm starts over.
 */
export class DeviceActivity {
  readonly #byDevice = new Map<string, Activity>();
  readonly #store: LastSeenStore | undefined;

  constructor(store?: LastSeenStore) {
    this.#store = store;
    for (const [deviceId, at] of store?.load() ?? []) this.#byDevice.set(deviceId, { interval: new ReportingInterval(), lastSeen: at, stored: at });
  }

  /** A message for `deviceId` at `at` (epoch ms). */
  seen(deviceId: string, at: number): void {
    let activity = this.#byDevice.get(deviceId);
    if (activity === undefined) {
      activity = { interval: new ReportingInterval(), lastSeen: 0, stored: 0 };
      this.#byDevice.set(deviceId, activity);
    }
    activity.interval.record(at);
    if (at > activity.lastSeen) activity.lastSeen = at;
  }

  find(deviceId: string): ReportingInterval | undefined {
    return this.#byDevice.get(deviceId)?.interval;
  }

  /** When the device last spoke, this run or before it; null when never. */
  lastSeen(deviceId: string): number | null {
    const at = this.#byDevice.get(deviceId)?.lastSeen ?? 0;
    return at === 0 ? null : at;
  }

  forget(deviceId: string): void {
    this.#byDevice.delete(deviceId);
  }

  /** Writes the times that changed since the last save. */
  save(): void {
    if (!this.#store) return;
    const batch: Array<readonly [string, number]> = [];
    for (const [deviceId, activity] of this.#byDevice) if (activity.lastSeen > activity.stored) batch.push([deviceId, activity.lastSeen]);
    if (batch.length === 0) return;
    this.#store.save(batch);
    for (const [deviceId, at] of batch) {
      const activity = this.#byDevice.get(deviceId);
      if (activity) activity.stored = at;
    }
  }
}
