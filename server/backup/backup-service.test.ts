import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { loadConfig } from "../config";
import { createLogger } from "../logger";
import { dataPaths, migrationsFolder } from "../paths";
import { unpackBackup } from "./archive";
import { BackupService } from "./backup-service";

const open: HubDatabase[] = [];
const services: BackupService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const db of open.splice(0)) db.$client.close();
});

describe("nightly backups", () => {
  it("runs at HEARTH_BACKUP_AT in the home's time zone and keeps the newest HEARTH_BACKUP_KEEP", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-nightly-"));
    const db = openDatabase({ file: dataPaths(dir).database, migrationsFolder: migrationsFolder() });
    open.push(db);
    // 03:29 in Berlin (UTC+1 in November) is 02:29Z.
    const clock = { now: Date.parse("2026-11-20T02:29:00Z") };
    const service = new BackupService({
      sqlite: db.$client,
      brokerDump: () => Promise.resolve(undefined),
      config: loadConfig({ HEARTH_DATA_DIR: dir }),
      version: "test",
      now: () => clock.now,
      log: createLogger("silent"),
      dir: dataPaths(dir).backups,
      keep: 2,
      at: { hour: 3, minute: 30 },
      timeZone: () => "Europe/Berlin",
      checkMs: 10,
    });
    services.push(service);
    service.start();
    expect(service.nextAt).toBe(Date.parse("2026-11-20T02:30:00Z"));
    await new Promise((r) => setTimeout(r, 50));
    expect(service.list()).toEqual([]);

    for (let night = 0; night < 3; night++) {
      clock.now = Date.parse("2026-11-20T02:30:05Z") + night * 86_400_000;
      await expect.poll(() => service.list().length, { timeout: 5000 }).toBe(Math.min(night + 1, 2));
      await expect.poll(() => service.nextAt).toBe(Date.parse("2026-11-21T02:30:00Z") + night * 86_400_000);
    }
    const names = service.list().map((b) => b.name);
    expect(names).toEqual(["hearth-backup-2026-11-22T02-30-05Z.tar.gz", "hearth-backup-2026-11-21T02-30-05Z.tar.gz"]);
    const { manifest } = await unpackBackup(service.read(names[0]!));
    expect(manifest.schema.migrations).toBeGreaterThan(0);
  });
});
