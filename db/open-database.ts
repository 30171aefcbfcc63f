import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type HubDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The database or a transaction on it: what query functions take. */
export type Queryable = BaseSQLiteDatabase<"sync", Database.RunResult, typeof schema>;

export interface OpenDatabaseOptions {
  /** A file path, or ":memory:". */
  file: string;
  /** Apply the committed migrations from here; left out by a second connection to a migrated file. */
  migrationsFolder?: string | undefined;
}

/** Opens SQLite in WAL mode with foreign keys on, applies the committed migrations if asked, and returns drizzle. */
export function openDatabase({ file, migrationsFolder }: OpenDatabaseOptions): HubDatabase {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    // The owner (the connection that migrates) makes sure deleted history gives its space back a little at a
    // time (PRAGMA incremental_vacuum) instead of needing a full VACUUM that locks the database.
    if (migrationsFolder) useIncrementalVacuum(sqlite);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    // After a checkpoint the WAL file is cut back to this size: a big purge or ingest burst does not keep its WAL.
    sqlite.pragma("journal_size_limit = 8388608");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = drizzle(sqlite, { schema });
    if (migrationsFolder) migrate(db, { migrationsFolder });
    return db;
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

/**
 * auto_vacuum = INCREMENTAL. A new database takes it at once; one made before it needs one VACUUM to switch,
 * done here while the file is still small (history came with this setting).
 */
function useIncrementalVacuum(sqlite: Database.Database): void {
  const INCREMENTAL = 2;
  if (sqlite.pragma("auto_vacuum", { simple: true }) === INCREMENTAL) return;
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  if ((sqlite.pragma("page_count", { simple: true }) as number) > 0) sqlite.exec("VACUUM");
}

/** Size of the database file plus its WAL, in bytes. */
export function databaseSize(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      total += fs.statSync(f).size;
    } catch {
      // the WAL and shm files come and go
    }
  }
  return total;
}
