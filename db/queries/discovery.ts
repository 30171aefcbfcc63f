import type { HubDatabase } from "../open-database";

/**
 * Fingerprints of applied retained discovery payloads (schema/discovery.ts). Changes wait in memory until
 * `flush()`, which the discovery service calls after the registry's own flush, so a stored fingerprint
 * never describes a config the registry has not stored.
 */
export class DiscoveryFingerprints {
  readonly #known = new Map<string, string>();
  /** Topic → fingerprint to store, or null to delete. */
  readonly #pending = new Map<string, string | null>();
  readonly #write: (batch: Array<[string, string | null]>, at: number) => void;

  constructor(db: HubDatabase) {
    const client = db.$client;
    for (const row of client.prepare("SELECT topic, fingerprint FROM discovery_payloads").all() as Array<{ topic: string; fingerprint: string }>) {
      this.#known.set(row.topic, row.fingerprint);
    }
    const upsert = client.prepare(
      "INSERT INTO discovery_payloads (topic, fingerprint, updated_at) VALUES (?, ?, ?) ON CONFLICT (topic) DO UPDATE SET fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
    );
    const remove = client.prepare("DELETE FROM discovery_payloads WHERE topic = ?");
    this.#write = client.transaction((batch: Array<[string, string | null]>, at: number) => {
      for (const [topic, fingerprint] of batch) {
        if (fingerprint === null) remove.run(topic);
        else upsert.run(topic, fingerprint, at);
      }
    });
  }

  get(topic: string): string | undefined {
    return this.#known.get(topic);
  }

  set(topic: string, fingerprint: string): void {
    if (this.#known.get(topic) === fingerprint) return;
    this.#known.set(topic, fingerprint);
    this.#queue(topic, fingerprint);
  }

  delete(topic: string): void {
    if (!this.#known.delete(topic)) return;
    this.#queue(topic, null);
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Writes what is pending in one transaction. */
  flush(): void {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending];
    this.#pending.clear();
    this.#write(batch, Date.now());
  }

  #queue(topic: string, fingerprint: string | null): void {
    this.#pending.set(topic, fingerprint);
  }
}
