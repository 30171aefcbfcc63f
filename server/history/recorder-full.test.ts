import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { EventBus } from "../event-bus";
import type { HaState } from "../hub-api";
import { createLogger } from "../logger";
import { migrationsFolder } from "../paths";
import { Recorder } from "./recorder";

// The recorder when writes fail, with the failure put exactly where it hurts instead of waiting for a disk to fill
// (server/faults/disk-full.test.ts does that end to end): PRAGMA max_page_count gives a real SQLITE_FULL at whatever
// page the limit falls on, and TEMP triggers fail a chosen slice in each of the ways SQLite can end a transaction.
// Every change kept must be in history once, in order, with its attributes, after the database can be written again.

const dirs: string[] = [];
const dbs: HubDatabase[] = [];
const recorders: Recorder[] = [];

afterEach(async () => {
  for (const r of recorders.splice(0)) await r.stop();
  for (const db of dbs.splice(0)) db.$client.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDatabase(): HubDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-recorder-full-"));
  dirs.push(dir);
  const db = openDatabase({ file: path.join(dir, "hearth.db"), migrationsFolder: migrationsFolder() });
  dbs.push(db);
  return db;
}

const UNLIMITED_PAGES = 1_073_741_823;

/** A recorder on `db` driven by hand: no commit happens unless the test asks for one. */
function harness(db: HubDatabase, opts: { maxPending?: number } = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger("warn", { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const bus = new EventBus(log);
  let now = 1_700_000_000_000;
  // A tiny sliceMs halves the slice after each one (1000, 500, 250, ... 64 rows): a commit of a few thousand rows
  // is several transactions, so a failure can land after some of them were written.
  const recorder = new Recorder({ bus, db, log, commitMs: 3_600_000, sliceMs: 0.001, now: () => now, ...opts });
  recorder.start();
  recorders.push(recorder);
  const last = new Map<string, HaState>();
  /** What history must hold at the end, per entity in order: state and attribute text. */
  const expected: Array<{ entityId: string; state: string; attributes: string }> = [];
  const change = (entityId: string, state: string, attributes: Record<string, unknown>, o: { sameMs?: boolean; user?: string; kept?: boolean } = {}) => {
    if (!o.sameMs) now++;
    const at = new Date(now).toISOString();
    const newState: HaState = { entity_id: entityId, state, attributes, last_changed: at, last_reported: at, last_updated: at, context: { id: `ctx-${now}-${entityId}`, parent_id: null, user_id: o.user ?? null } };
    bus.emit("stateChanged", { entityId, oldState: last.get(entityId) ?? null, newState, at: now, changedAt: now });
    last.set(entityId, newState);
    if (o.kept !== false) expected.push({ entityId, state, attributes: JSON.stringify(attributes) });
  };
  return { recorder, logs, change, expected };
}

/** Changes over `entities` entities; every third one brings a new attribute set, every 30th one that needs overflow pages. */
function burst(change: ReturnType<typeof harness>["change"], round: string, count: number, entities: number) {
  for (let i = 0; i < count; i++) {
    const attributes = i % 3 === 0 ? { round, i, pad: "x".repeat(i % 30 === 0 ? 6000 : 200 + (i % 7) * 50) } : { unit: "W" };
    change(`sensor.e${i % entities}`, `${round}${i}`, attributes, { sameMs: i % 5 === 1, user: i % 11 === 0 ? "u1" : undefined });
  }
}

function stored(db: HubDatabase): Array<{ entityId: string; state: string; attributes: string }> {
  return db.$client
    .prepare(
      "SELECT e.entity_id AS entityId, s.state, a.attributes FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref LEFT JOIN state_attributes a ON a.id = s.attributes_ref ORDER BY e.entity_id, s.ts, s.seq",
    )
    .all() as Array<{ entityId: string; state: string; attributes: string }>;
}

const byEntity = (rows: Array<{ entityId: string; state: string; attributes: string }>) => [...rows].sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));

const messages = (logs: Array<Record<string, unknown>>) => logs.map((l) => l.msg);

describe("recorder when the database cannot be written", () => {
  it("loses nothing when SQLITE_FULL strikes at any page of a commit, with changes arriving meanwhile and a restart's replay before it", async () => {
    // How many pages the whole run needs, measured once without a limit: the limits below fall all across it.
    const probe = tempDatabase();
    const probeRun = harness(probe);
    const before = probe.$client.pragma("page_count", { simple: true }) as number;
    burst(probeRun.change, "a", 2000, 30);
    burst(probeRun.change, "b", 300, 30);
    await probeRun.recorder.flush();
    const needed = (probe.$client.pragma("page_count", { simple: true }) as number) - before;
    expect(needed).toBeGreaterThan(50);

    let failed = 0;
    let clean = 0;
    for (let headroom = 0; headroom <= needed + 10; headroom += Math.ceil(needed / 12)) {
      const db = tempDatabase();
      // A previous run left a state per entity; the new run's replay of it is not recorded again (by design).
      const previous = harness(db);
      for (let e = 0; e < 30; e++) previous.change(`sensor.e${e}`, "before", { unit: "W" });
      await previous.recorder.stop();
      const run = harness(db);
      for (let e = 0; e < 30; e++) run.change(`sensor.e${e}`, "before", { unit: "W" }, { kept: false });

      burst(run.change, "a", 2000, 30);
      db.$client.pragma(`max_page_count = ${(db.$client.pragma("page_count", { simple: true }) as number) + headroom}`);
      const commit = run.recorder.commit();
      // The first slice has run; these arrive while the rest of the commit is under way.
      burst(run.change, "b", 300, 30);
      await commit;
      await run.recorder.commit(); // a retry while the disk is still full
      expect(db.$client.inTransaction, "no transaction is left open").toBe(false);
      const status = run.recorder.status();
      if (status.lastError !== null) {
        expect(status.lastError).toMatch(/full/);
        expect(status.pending).toBeGreaterThan(0);
      }

      db.$client.pragma(`max_page_count = ${UNLIMITED_PAGES}`);
      await run.recorder.flush();
      expect(run.recorder.status(), `headroom ${headroom}`).toMatchObject({ pending: 0, lastError: null, dropped: 0 });
      expect(byEntity(stored(db)), `headroom ${headroom}`).toEqual(byEntity([...previous.expected, ...run.expected]));
      // Logged once, not once per retry; and the recovery too.
      const failures = messages(run.logs).filter((m) => m === "recording history failed; will retry").length;
      expect(failures).toBe(status.lastError === null ? failures : 1);
      expect(failures).toBeLessThanOrEqual(1);
      if (failures > 0) {
        failed++;
        expect(messages(run.logs)).toContain("recording history resumed");
      } else {
        clean++;
      }
    }
    // The sweep did hit the failure path (and, at the top, a run with room enough).
    expect(failed).toBeGreaterThan(5);
    expect(clean).toBeGreaterThan(0);
  }, 60_000);

  // Each way a transaction can end badly, in the slice that holds sensor.e25's rows (earlier slices are committed):
  // - commit: every statement succeeds and COMMIT fails (a deferred foreign key; SQLITE_FULL or SQLITE_BUSY at COMMIT
  //   behave alike), which leaves the transaction open until someone rolls it back;
  // - rollback: a statement fails and SQLite rolls the whole transaction back itself (as SQLITE_FULL and IOERR may);
  // - abort: a statement fails and only it is undone, the transaction stays open.
  it.each(["commit", "rollback", "abort"])("loses nothing when a slice's transaction fails at %s, and no transaction is left open", async (mode) => {
    const db = tempDatabase();
    const c = db.$client;
    c.exec(`
      CREATE TEMP TABLE fault (mode TEXT, entity_ref INTEGER);
      CREATE TEMP TABLE fault_parent (id INTEGER PRIMARY KEY);
      CREATE TEMP TABLE fault_orphan (parent INTEGER REFERENCES fault_parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TEMP TRIGGER fault_commit AFTER INSERT ON main.state_history
        WHEN (SELECT mode = 'commit' AND entity_ref = NEW.entity_ref FROM fault) BEGIN INSERT INTO fault_orphan VALUES (-1); END;
      CREATE TEMP TRIGGER fault_rollback AFTER INSERT ON main.state_history
        WHEN (SELECT mode = 'rollback' AND entity_ref = NEW.entity_ref FROM fault) BEGIN SELECT RAISE(ROLLBACK, 'injected'); END;
      CREATE TEMP TRIGGER fault_abort AFTER INSERT ON main.state_history
        WHEN (SELECT mode = 'abort' AND entity_ref = NEW.entity_ref FROM fault) BEGIN SELECT RAISE(ABORT, 'injected'); END;
    `);
    const run = harness(db);
    burst(run.change, "a", 2000, 30);
    const target = c.prepare("SELECT id FROM recorder_entities WHERE entity_id = 'sensor.e25'").pluck().get() as number | undefined;
    // Not stored yet: keys are handed out in memory, in order of first sight (sensor.e0 got the first new one).
    const ref = target ?? ((c.prepare("SELECT coalesce(max(id), 0) FROM recorder_entities").pluck().get() as number) + 26);
    c.prepare("INSERT INTO temp.fault VALUES (?, ?)").run(mode, ref);

    const commit = run.recorder.commit();
    burst(run.change, "b", 300, 30);
    await commit;
    expect(c.inTransaction).toBe(false);
    expect(run.recorder.status().lastError).toMatch(/FOREIGN KEY|injected/);
    // Some slices were committed before the failing one, and none of the failing slice's rows.
    const partial = stored(db);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.some((r) => r.entityId === "sensor.e25")).toBe(false);
    await run.recorder.commit();
    expect(run.recorder.status().lastError).not.toBeNull();

    c.exec("DELETE FROM temp.fault");
    await run.recorder.flush();
    expect(run.recorder.status()).toMatchObject({ pending: 0, lastError: null, dropped: 0 });
    expect(byEntity(stored(db))).toEqual(byEntity(run.expected));
    expect(messages(run.logs).filter((m) => m === "recording history failed; will retry")).toHaveLength(1);
    expect(messages(run.logs)).toContain("recording history resumed");
  });

  it("at maxPending keeps what it holds, drops and counts new changes, and logs the run of drops when it starts and ends", async () => {
    const db = tempDatabase();
    const run = harness(db, { maxPending: 50 });
    db.$client.pragma(`max_page_count = ${db.$client.pragma("page_count", { simple: true }) as number}`);
    for (let i = 0; i < 80; i++) run.change("sensor.busy", `v${i}`, { i, pad: "x".repeat(2000) }, { kept: i < 50 });
    await run.recorder.commit();
    expect(run.recorder.status()).toMatchObject({ pending: 50, dropped: 30 });
    expect(messages(run.logs).filter((m) => typeof m === "string" && m.startsWith("history buffer full"))).toHaveLength(1);

    db.$client.pragma(`max_page_count = ${UNLIMITED_PAGES}`);
    await run.recorder.flush();
    run.change("sensor.busy", "after", { i: -1 });
    await run.recorder.flush();
    expect(run.logs.find((l) => typeof l.msg === "string" && l.msg.startsWith("history buffer has room again"))).toMatchObject({ dropped: 30 });
    expect(run.recorder.status()).toMatchObject({ pending: 0, dropped: 30, lastError: null });
    expect(stored(db)).toEqual(run.expected);
  });

  it("counts the rows of a commit under way as pending (and against maxPending) until they are written", async () => {
    const db = tempDatabase();
    const run = harness(db, { maxPending: 1500 });
    for (let i = 0; i < 1500; i++) run.change(`sensor.e${i % 10}`, `v${i}`, { unit: "W" });
    const commit = run.recorder.commit();
    // The first slice (1000 rows) is written; 500 wait for the next slices, so the cap leaves room for 1000 more.
    expect(run.recorder.status().pending).toBe(500);
    for (let i = 0; i < 1100; i++) run.change("sensor.late", `l${i}`, { unit: "W" }, { kept: i < 1000 });
    expect(run.recorder.status()).toMatchObject({ pending: 1500, dropped: 100 });
    await commit;
    await run.recorder.flush();
    expect(run.recorder.status()).toMatchObject({ pending: 0, dropped: 100 });
    expect(byEntity(stored(db))).toEqual(byEntity(run.expected));
  });
});
