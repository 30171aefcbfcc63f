import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import { unpackBackup } from "../backup/archive";
import { PART } from "../backup/snapshot";
import { HistoryReader } from "../history/history-reader";
import { dataPaths, migrationsFolder, projectRoot } from "../paths";
import { startHubProcess } from "../testing/hub-process-launcher";

// kill -9 of real processes: a hub while it records a steady stream of sensor states, and the admin CLI while it
// writes a backup. What was acknowledged before the kill is still there after it, and the data dir works.

const children: ChildProcess[] = [];
const clients: MqttClient[] = [];
const dbs: HubDatabase[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.end(true);
  for (const d of dbs.splice(0)) d.$client.close();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SENSOR = "sensor.kill_probe";

/** What the history API answers for the probe (HistoryReader is what GET /api/history/period runs). */
function historyValues(db: HubDatabase): Set<string> {
  const [states = []] = new HistoryReader({ db }).period({
    start: new Date(Date.now() - 3_600_000).toISOString(),
    end_time: new Date(Date.now() + 60_000).toISOString(),
    filter_entity_id: SENSOR,
    significant_changes_only: "0",
    skip_initial_state: true,
  });
  return new Set(states.map((s) => s.state));
}

describe("kill -9 of a hub during ingest", () => {
  it("restarts on the same data dir with an intact database holding every state the history API had shown", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kill-ingest-"));
    const env = { HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100" };
    const first = await startHubProcess(children, dataDir, env);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.mqttPort}`, { clientId: "kill-probe", reconnectPeriod: 0 });
    clients.push(device);
    const config = { name: "Probe", uniq_id: "kill_probe", stat_t: "kill/probe", dev: { ids: ["kill-dev"], name: "Kill" } };
    await device.publishAsync("homeassistant/sensor/kill/probe/config", JSON.stringify(config), { retain: true, qos: 1 });

    // A second connection to the hub's database, as the history route reads it (committed rows only).
    const reader = openDatabase({ file: dataPaths(dataDir).database });
    dbs.push(reader);
    // A steady stream: one new value every 5 ms, QoS 1, until the kill.
    let value = 0;
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        await device.publishAsync("kill/probe", String(++value), { qos: 1 }).catch(() => undefined);
        await sleep(5);
      }
    })();
    // "Acknowledged": a value the history API has answered with. Read until enough is committed, then a bit more.
    const acknowledged = new Set<string>();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && acknowledged.size < 150) {
      for (const v of historyValues(reader)) acknowledged.add(v);
      await sleep(40);
    }
    for (const v of historyValues(reader)) acknowledged.add(v);
    await killHard(first.child);
    publishing = false;
    // A publish in flight to the dead hub never completes; the loop ends on its own otherwise.
    device.end(true);
    await Promise.race([publisher, sleep(1000)]);
    expect(acknowledged.size, "values the history API showed before the kill").toBeGreaterThanOrEqual(150);
    // Still being written when killed: the stream ran past what was acknowledged.
    expect(value).toBeGreaterThan(Math.max(...[...acknowledged].map(Number)));

    const second = await startHubProcess(children, dataDir, env);
    expect(reader.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    const after = historyValues(reader);
    expect([...acknowledged].filter((v) => !after.has(v))).toEqual([]);

    // And it records again.
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${second.mqttPort}`, { clientId: "kill-probe-2", reconnectPeriod: 0 });
    clients.push(again);
    await again.publishAsync("kill/probe", "after-restart", { qos: 1 });
    const until = Date.now() + 10_000;
    while (!historyValues(reader).has("after-restart") && Date.now() < until) await sleep(50);
    expect(historyValues(reader).has("after-restart")).toBe(true);
  }, 60_000);
});

describe("kill -9 of `hearth backup`", () => {
  /** Runs the CLI's backup; `killWhen` is polled and, once true, the process is killed with SIGKILL. */
  async function backup(dataDir: string, out: string, tmp: string, killWhen?: () => boolean): Promise<{ killed: boolean; code: number | null }> {
    const child = spawn(process.execPath, ["--import", "tsx", "server/cli/main.ts", "backup", "--out", out], {
      cwd: projectRoot(),
      env: { ...process.env, HEARTH_DATA_DIR: dataDir, TMPDIR: tmp, HEARTH_LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let killed = false;
    let watcher: fs.FSWatcher | undefined;
    if (killWhen) {
      // Both a directory watch (reacts within the write) and polling (the snapshot's temp dir in TMPDIR).
      const check = () => {
        if (!killed && killWhen()) {
          killed = true;
          child.kill("SIGKILL");
        }
      };
      watcher = fs.watch(path.dirname(out), check);
      const poll = setInterval(check, 2);
      void exited.then(() => clearInterval(poll));
    }
    const code = await exited;
    watcher?.close();
    if (!killWhen && code !== 0) throw new Error(`backup failed: ${stderr}`);
    return { killed, code };
  }

  it("leaves no half-written file that looks like a backup, the data intact, and a following backup works", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kill-backup-"));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kill-backup-tmp-"));
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kill-backup-out-"));
    // A database of some 24 MB that does not compress, so the snapshot and the file write take a while.
    const db = openDatabase({ file: dataPaths(dataDir).database, migrationsFolder: migrationsFolder() });
    const insert = db.$client.prepare("INSERT INTO state_attributes (hash, attributes) VALUES (?, ?)");
    db.$client.transaction(() => {
      for (let i = 0; i < 12_000; i++) insert.run(i, crypto.randomBytes(1000).toString("hex"));
    })();
    const rows = (db.$client.prepare("SELECT count(*) AS n FROM state_attributes").get() as { n: number }).n;
    db.$client.close();

    const out = path.join(outDir, "hearth-backup.tar.gz");
    const snapshotting = () => fs.readdirSync(tmp).some((n) => n.startsWith("hearth-backup-"));
    const writing = () => fs.readdirSync(outDir).length > 0;
    const phases: Array<[string, () => boolean]> = [
      ["while it snapshots the database", snapshotting],
      ["while it writes the file", writing],
    ];
    for (const [phase, when] of phases) {
      const { killed } = await backup(dataDir, out, tmp, when);
      expect(killed, `killed ${phase}`).toBe(true);
      // Whatever is left is either not named as the backup, or is a whole, valid backup.
      for (const name of fs.readdirSync(outDir)) {
        const file = path.join(outDir, name);
        if (name === path.basename(out)) await expect(unpackBackup(fs.readFileSync(file)), `${phase}: ${name}`).resolves.toBeDefined();
        else expect(name, `${phase}: a leftover must not look like a backup`).toMatch(/\.partial$/);
      }
      for (const name of fs.readdirSync(outDir)) fs.rmSync(path.join(outDir, name));
    }

    // The data dir is intact, and a backup runs to the end and holds all of it.
    const check = openDatabase({ file: dataPaths(dataDir).database });
    expect(check.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    check.$client.close();
    await backup(dataDir, out, tmp);
    const { parts } = await unpackBackup(fs.readFileSync(out));
    const restoredFile = path.join(tmp, "restored.db");
    fs.writeFileSync(restoredFile, parts.get(PART.database)!);
    const restored = openDatabase({ file: restoredFile });
    expect((restored.$client.prepare("SELECT count(*) AS n FROM state_attributes").get() as { n: number }).n).toBe(rows);
    expect(restored.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    restored.$client.close();
    for (const dir of [dataDir, tmp, outDir]) fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
