import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { HubError } from "../errors";
import { dataPaths } from "../paths";
import { type BackupManifest, unpackBackup } from "./archive";
import { loadStoreDir, storeIsLocked } from "./broker-store";
import { fileStamp, PART } from "./snapshot";

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the data dir that was replaced now lives (undefined when there was none). */
  previous: string | undefined;
  brokerRecords: number;
}


/**
 * Restores a backup file into `dataDir`, all or nothing: refuses while a hub runs on it, checks the whole file
 * (passphrase, checksums) before writing anything, builds the new data dir next to the old one, checks that
 * SQLite opens and passes `PRAGMA integrity_check`, then swaps the folders by rename. The old data dir is kept
 * as `<dataDir>.before-restore-<time>`; automatic backups move over to the new one.
 */
export async function restoreBackup(opts: {
  dataDir: string;
  file: Buffer;
  passphrase?: string | undefined;
  now?: () => number;
  /** Migrations this code has: a backup with more came from a newer Hearth and is refused. */
  knownMigrations?: number | undefined;
}): Promise<RestoreResult> {
  const now = opts.now ?? Date.now;
  const dataDir = path.resolve(opts.dataDir);
  const paths = dataPaths(dataDir);
  if (await storeIsLocked(paths.broker)) throw new HubError("conflict", `a hub is running on ${dataDir}: stop it before restoring`);
  const { manifest, parts } = await unpackBackup(opts.file, opts.passphrase);
  if (opts.knownMigrations !== undefined && manifest.schema.migrations > opts.knownMigrations) {
    throw new HubError("invalid_input", `this backup was made by a newer Hearth (${manifest.hub_version}, ${manifest.schema.migrations} migrations; this one knows ${opts.knownMigrations}): update Hearth first`);
  }
  const database = parts.get(PART.database);
  if (!database) throw new HubError("invalid_input", "the backup has no database");

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
  if (previous && fs.existsSync(dataPaths(previous).backups)) fs.renameSync(dataPaths(previous).backups, paths.backups);
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
