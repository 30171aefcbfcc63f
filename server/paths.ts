import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project root: the nearest folder above this module (or the dist bundle) holding package.json. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** Where the hub keeps each thing under HEARTH_DATA_DIR. */
export function dataPaths(dataDir: string) {
  return {
    database: path.join(dataDir, "hearth.db"),
    broker: path.join(dataDir, "broker"),
    backups: path.join(dataDir, "backups"),
    /** `hearth tls self-signed` writes its CA and server certificate here by default. */
    tls: path.join(dataDir, "tls"),
  };
}

export const migrationsFolder = (): string => path.join(projectRoot(), "db", "migrations");
