import { ReportingInterval } from "@/devices/health/reporting-interval";

/**
 * How often each device reports, learned from the state store's `onSeen` calls. `seen` runs for every
 * slot a message reaches, so it does one map lookup and allocates only for a device's first message.
 */
export class DeviceActivity {
  readonly #byDevice = new Map<string, ReportingInterval>();

  /** A message for `deviceId` at `at` (epoch ms). */
  seen(deviceId: string, at: number): void {
    let interval = this.#byDevice.get(deviceId);
    if (interval === undefined) {
      interval = new ReportingInterval();
      this.#byDevice.set(deviceId, interval);
    }
    interval.record(at);
  }

  find(deviceId: string): ReportingInterval | undefined {
    return this.#byDevice.get(deviceId);
  }

  forget(deviceId: string): void {
    this.#byDevice.delete(deviceId);
  }
}
