import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { HubError } from "../errors";
import { dataPaths, migrationsFolder } from "../paths";
import { type BackupManifest, unpackBackup } from "./archive";
import { loadStoreDir, storeIsLocked } from "./broker-store";
import { fileStamp, PART } from "./snapshot";

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the data dir that was replaced now lives (undefined when there was none). */
  previous: string | undefined;
  brokerRecords: number;
}


/** How many migrations this checkout ships (drizzle's journal); a backup with more came from a newer Hearth. */
export function knownMigrations(): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;
  } catch {
    return undefined;
  }
}

/**
 * Opens a backup (passphrase, checksums) and checks that this Hearth can take it; throws a clear HubError
 * otherwise. Nothing is written.
 */
export async function openBackup(file: Buffer, passphrase: string | undefined, known: number | undefined = knownMigrations()): Promise<{ manifest: BackupManifest; parts: Map<string, Buffer> }> {
  const opened = await unpackBackup(file, passphrase);
  const { manifest } = opened;
  if (known !== undefined && manifest.schema.migrations > known) {
    throw new HubError("invalid_input", `this backup was made by a newer Hearth (${manifest.hub_version}, ${manifest.schema.migrations} migrations; this one knows ${known}): update Hearth first`);
  }
  if (!opened.parts.has(PART.database)) throw new HubError("invalid_input", "the backup has no database");
  return opened;
}

/**
 * Restores a backup file into `dataDir`, all or nothing: refuses while a hub runs on it, checks the whole file
 * (passphrase, checksums) before writing anything, builds the new data dir next to the old one, checks that
 * SQLite opens and passes `PRAGMA integrity_check`, then swaps the folders by rename. The old data dir is kept
 * as `<dataDir>.before-restore-<time>`; automatic backups and the TLS folder move over to the new one.
 */
export async function restoreBackup(opts: {
  dataDir: string;
  file: Buffer;
  passphrase?: string | undefined;
  now?: () => number;
  /** Migrations this code has (default: this checkout's journal): a backup with more is refused. */
  knownMigrations?: number | undefined;
}): Promise<RestoreResult> {
  const now = opts.now ?? Date.now;
  const dataDir = path.resolve(opts.dataDir);
  const paths = dataPaths(dataDir);
  if (await storeIsLocked(paths.broker)) throw new HubError("conflict", `a hub is running on ${dataDir}: stop it before restoring`);
  const { manifest, parts } = await openBackup(opts.file, opts.passphrase, opts.knownMigrations);
  const database = parts.get(PART.database)!;

  const staging = `${dataDir}.restore-${fileStamp(now())}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
  let brokerRecords = 0;
  try {
    const target = dataPaths(staging);
    fs.writeFileSync(target.database, database, { mode: 0o600 });
    checkDatabase(target.database);
    const broker = parts.get(PART.broker);
    if (broker) brokerRecords = await loadStoreDir(target.broker, broker);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }

  // The swap: two renames on one file system. Checked again, in case a hub started meanwhile.
  if (await storeIsLocked(paths.broker)) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new HubError("conflict", `a hub is running on ${dataDir}: stop it before restoring`);
  }
  let previous: string | undefined;
  if (fs.existsSync(dataDir)) {
    previous = `${dataDir}.before-restore-${fileStamp(now())}`;
    for (let n = 2; fs.existsSync(previous); n++) previous = `${dataDir}.before-restore-${fileStamp(now())}-${n}`;
    try {
      fs.renameSync(dataDir, previous);
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw new HubError("conflict", `cannot move ${dataDir} aside (${(err as NodeJS.ErrnoException).code ?? "error"}); nothing was changed`, { cause: err });
    }
  }
  fs.renameSync(staging, dataDir);
  // What a backup does not hold stays with the machine: its automatic backups, and its TLS certificate and CA
  // (HEARTH_TLS_CERT points there; phones trust that CA), so the restored hub starts as it was configured.
  if (previous) {
    const before = dataPaths(previous);
    if (fs.existsSync(before.backups)) fs.renameSync(before.backups, paths.backups);
    if (fs.existsSync(before.tls)) fs.renameSync(before.tls, paths.tls);
  }
  return { manifest, previous, brokerRecords };
}

function checkDatabase(file: string): void {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { fileMustExist: true });
    const result = sqlite.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new HubError("invalid_input", `the backup's database fails PRAGMA integrity_check: ${String(result)}`);
  } catch (err) {
    if (err instanceof HubError) throw err;
    throw new HubError("invalid_input", `the backup's database does not open: ${(err as Error).message}`, { cause: err });
  } finally {
    sqlite?.close();
  }
}
