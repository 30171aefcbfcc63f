import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { RecorderStore, type StateRow } from "@/db/queries/history";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { createLogger } from "@/server/logger";
import { dataPaths, migrationsFolder } from "@/server/paths";
import { WalKeeper } from "./wal-checkpointer";

const MIB = 1024 * 1024;

describe("WAL checkpoint thread", () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  function tempDb(): { db: HubDatabase; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-wal-"));
    const file = dataPaths(dir).database;
    const db = openDatabase({ file, migrationsFolder: migrationsFolder() });
    cleanup.push(() => {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { db, file };
  }

  /** Row times continue from call to call: every row is new. */
  let ts = Date.UTC(2026, 0, 1);

  /** Writes `batches` commits of 5,000 rows with the event loop free in between, as the recorder does. */
  async function ingest(db: HubDatabase, batches: number): Promise<void> {
    const store = new RecorderStore(db);
    for (let b = 0; b < batches; b++) {
      const states: StateRow[] = [];
      for (let i = 0; i < 5000; i++) states.push({ entityRef: 1 + (i % 50), ts: ts++, seq: 0, state: `${b}.${i}`, attributesRef: null, changedTs: null, contextRef: null });
      store.write({ entities: b === 0 ? Array.from({ length: 50 }, (_, i) => [i + 1, `sensor.s${i}`] as [number, string]) : [], attributes: [], contexts: [], states, events: [] });
      await sleep(15);
    }
  }

  const walBytes = (db: HubDatabase) => {
    try {
      return fs.statSync(`${db.$client.name}-wal`).size;
    } catch {
      return 0;
    }
  };

  it("checkpoints on its own thread with SQLite's in-commit checkpoints off, and the WAL stays short", async () => {
    const { db, file } = tempDb();
    const keeper = await WalKeeper.start({ db, file, log: createLogger("silent"), everyMs: 40 });
    expect(keeper).toBeDefined();
    expect(db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    await ingest(db, 120);
    // The first may be one that began before the last commit: the second starts after it.
    await keeper!.checkpoint();
    await keeper!.checkpoint();
    expect(keeper!.checkpoints).toBeGreaterThan(2);
    // 120 commits write well over 30 MiB of WAL frames. Once the thread has copied them in, the next write starts
    // the WAL over and journal_size_limit cuts the file back (how far it grows meanwhile depends on the box's load).
    await ingest(db, 1);
    expect(walBytes(db)).toBeLessThanOrEqual(9 * MIB);
    await keeper!.stop();
    expect(keeper!.alive).toBe(false);
    expect(db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.$client.prepare("SELECT count(*) FROM state_history").pluck().get()).toBe(605_000);
  });

  it("with no thread and SQLite's checkpoints off, the same writes leave the WAL long (the test above can fail)", async () => {
    const { db } = tempDb();
    db.$client.pragma("wal_autocheckpoint = 0");
    await ingest(db, 120);
    await ingest(db, 1);
    expect(walBytes(db)).toBeGreaterThan(24 * MIB);
  });
});
