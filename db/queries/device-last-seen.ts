import type { HubDatabase } from "../open-database";

/** Stored last-seen times per device (schema/health.ts). */
export class DeviceLastSeenStore {
  readonly #db: HubDatabase;
  readonly #write: (batch: ReadonlyArray<readonly [string, number]>) => void;

  constructor(db: HubDatabase) {
    this.#db = db;
    const client = db.$client;
    // A device removed since it was seen has no row to refer to: skip it rather than fail the batch.
    const upsert = client.prepare(
      "INSERT INTO device_last_seen (device_id, seen_at) SELECT @id, @at WHERE EXISTS (SELECT 1 FROM devices WHERE id = @id) " +
        "ON CONFLICT (device_id) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)",
    );
    this.#write = client.transaction((batch: ReadonlyArray<readonly [string, number]>) => {
      for (const [id, at] of batch) upsert.run({ id, at });
    });
  }

  /** Every stored time, by device id. */
  load(): Map<string, number> {
    const rows = this.#db.$client.prepare("SELECT device_id, seen_at FROM device_last_seen").all() as Array<{ device_id: string; seen_at: number }>;
    return new Map(rows.map((r) => [r.device_id, r.seen_at]));
  }

  /** Stores the given times in one transaction; a stored time never moves backwards. */
  save(batch: ReadonlyArray<readonly [string, number]>): void {
    if (batch.length > 0) this.#write(batch);
  }
}
