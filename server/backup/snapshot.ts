import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import type { Config } from "../config";
import { type BackupManifest, packBackup } from "./archive";

/** Part names inside a backup. */
export const PART = { database: "hearth.db", broker: "broker.store", settings: "settings.json" } as const;

export interface SnapshotDeps {
  /** A connection to the hub's database (the hub's own, or the CLI's). */
  sqlite: Database.Database;
  /** The broker store as a dump (broker-store.ts), or undefined in external-broker mode. */
  brokerDump: () => Promise<Buffer | undefined>;
  config: Config;
  version: string;
  now: () => number;
}

/**
 * One consistent backup: SQLite through its online backup API (100 pages per step, the event loop runs
 * between steps), the broker store from a LevelDB snapshot, and the environment's settings for reference.
 */
export async function createSnapshot(deps: SnapshotDeps, passphrase?: string): Promise<{ data: Buffer; manifest: BackupManifest }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-backup-"));
  try {
    const dbCopy = path.join(tmp, PART.database);
    await deps.sqlite.backup(dbCopy);
    const database = await fs.promises.readFile(dbCopy);
    const broker = await deps.brokerDump();
    const parts = new Map<string, Buffer>([[PART.database, database]]);
    if (broker) parts.set(PART.broker, broker);
    parts.set(PART.settings, Buffer.from(JSON.stringify(settingsOf(deps.config), null, 2)));
    return await packBackup(
      {
        format: "hearth-backup",
        version: 1,
        created_at: new Date(deps.now()).toISOString(),
        hub_version: deps.version,
        schema: migrationLevel(deps.sqlite),
      },
      parts,
      passphrase,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The migration level: how many drizzle migrations the database has, and the newest one's timestamp. */
export function migrationLevel(sqlite: Database.Database): BackupManifest["schema"] {
  try {
    const row = sqlite.prepare("SELECT count(*) AS n, max(created_at) AS last FROM __drizzle_migrations").get() as { n: number; last: number | null };
    return { migrations: row.n, last_migration_at: row.last === null ? null : Number(row.last) };
  } catch {
    return { migrations: 0, last_migration_at: null };
  }
}

/** The environment's settings (no secrets live there: TLS is named by file path). Not applied on restore. */
function settingsOf(config: Config): Record<string, unknown> {
  const { dataDir: _dataDir, ...rest } = config;
  return rest;
}

/** A file name for a backup made at `at`: hearth-backup-2026-11-23T03-30-00Z.tar.gz(.enc). */
export function backupFileName(at: number, encrypted: boolean): string {
  return `hearth-backup-${fileStamp(at)}.tar.gz${encrypted ? ".enc" : ""}`;
}

/** An instant as a file-name-safe UTC stamp: 2026-11-23T02-10-00Z. */
export function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}
