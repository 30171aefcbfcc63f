import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { backupCommand, restoreCommand } from "../cli/backup-commands";
import { loadConfig } from "../config";
import { dataPaths } from "../paths";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";

// Backup → wipe → restore through the CLI's own functions against a real hub (real aedes, SQLite, LevelDB).

const hubs: TestHub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const MQTT_PASSWORD = "plug-password-1";
const TABLES = ["devices", "rooms", "automations", "automation_revisions", "state_history", "mqtt_users", "users"] as const;

function counts(dataDir: string): Record<string, number> {
  const db = new Database(dataPaths(dataDir).database, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, what: string) {
  expect(await eventually(() => Promise.resolve(check() ? [] : [what]), 10_000)).toEqual([]);
}

/** A hub with a person, an MQTT user, a device with history, a room, an automation saved twice and a retained message. */
async function populatedHub(dataDir: string): Promise<TestHub> {
  const t = await startTestHub({ HEARTH_HISTORY_COMMIT_MS: "100" }, dataDir);
  hubs.push(t);
  await t.hub.accounts.onboard({ name: "Ana", username: "ana", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
  await t.hub.accounts.addMqttUser({ username: "plug", password: MQTT_PASSWORD });
  const api = t.hub.api;
  api.rooms.create({ name: "Hall" });
  const rule = { alias: "Night light", triggers: [{ trigger: "state", entity_id: "sensor.bk_temp" }], actions: [] };
  const saved = await api.automations.create({ source: JSON.stringify(rule), format: "json", by: null });
  await api.automations.update(saved.id, { source: JSON.stringify({ ...rule, alias: "Night light v2" }), format: "json", by: null });

  const device = await mqtt.connectAsync(t.mqttUrl, { username: "plug", password: MQTT_PASSWORD, reconnectPeriod: 0 });
  const config = { name: "Temperature", uniq_id: "bk_temp", stat_t: "bk/temp", dev: { identifiers: ["bk-probe"], name: "Probe" } };
  await device.publishAsync("homeassistant/sensor/bk/temp/config", JSON.stringify(config), { qos: 1, retain: true });
  await device.publishAsync("site/note", "kept across restore", { qos: 1, retain: true });
  await until(() => api.entities.list().some((e) => e.unique_id === "bk_temp"), "the probe is discovered");
  for (const v of ["20.5", "21", "21.5"]) {
    await device.publishAsync("bk/temp", v, { qos: 1 });
    await until(() => api.states.find("sensor.probe_temperature")?.state === v, `temperature ${v}`);
  }
  await device.endAsync();
  await until(() => (counts(dataDir).state_history ?? 0) >= 3, "history rows are written");
  return t;
}

describe("backup and restore", () => {
  it("restores the same hub: devices, rooms, automations with revisions, history, MQTT users and retained messages", { timeout: 60_000 }, async () => {
    const dataDir = path.join(tmp("hearth-bk-"), "data");
    const t = await populatedHub(dataDir);
    const before = counts(dataDir);
    const automationId = t.hub.api.automations.list()[0]!.id;

    // The hub runs: the CLI asks it for the backup over loopback HTTP with a one-use token.
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_HOST: "127.0.0.1", HEARTH_HTTP_PORT: String(t.httpPort) });
    const file = await backupCommand({ config, out: path.join(tmp("hearth-bk-out-"), "hub.tar.gz") });
    expect(t.hub.accounts.listTokens(1)).toEqual([]);

    // Restoring onto a running hub's data dir is refused, and nothing moves.
    await expect(restoreCommand({ dataDir, file, yes: true })).rejects.toThrow(/a hub is running/);
    expect(fs.readdirSync(path.dirname(dataDir))).toEqual(["data"]);

    await t.stop();
    hubs.splice(0);
    fs.rmSync(dataDir, { recursive: true });
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, "left-behind.txt"), "old");
    // The machine's certificate (HEARTH_TLS_CERT points here) is not in a backup: it stays with the data dir.
    fs.mkdirSync(path.join(dataDir, "tls"));
    fs.writeFileSync(path.join(dataDir, "tls", "server.crt"), "machine certificate");

    const done = await restoreCommand({ dataDir, file, yes: true });
    expect(done.brokerRecords).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(done.previous!, "left-behind.txt"), "utf8")).toBe("old");
    expect(fs.readFileSync(path.join(dataDir, "tls", "server.crt"), "utf8")).toBe("machine certificate");
    expect(counts(dataDir)).toEqual(before);

    const again = await startTestHub({}, dataDir);
    hubs.push(again);
    const api = again.hub.api;
    expect(api.devices.list().map((d) => d.name)).toContain("Probe");
    expect(api.rooms.list().map((r) => r.name)).toContain("Hall");
    expect(api.automations.revisions(automationId)).toHaveLength(2);
    // The MQTT user's password hash came back: the same password still connects.
    const client = await mqtt.connectAsync(again.mqttUrl, { username: "plug", password: MQTT_PASSWORD, reconnectPeriod: 0 });
    const retained = new Promise<string>((resolve) => client.on("message", (topic, payload) => topic === "site/note" && resolve(payload.toString())));
    await client.subscribeAsync("site/note", { qos: 1 });
    expect(await retained).toBe("kept across restore");
    await client.endAsync();
  });

  it("refuses a wrong passphrase and a damaged file, changing nothing", { timeout: 60_000 }, async () => {
    const parent = tmp("hearth-bk-");
    const dataDir = path.join(parent, "data");
    const t = await startTestHub({}, dataDir);
    await t.hub.mqtt.publish("site/note", "secret note", { qos: 1, retain: true });
    await t.stop();
    const config = loadConfig({ HEARTH_DATA_DIR: dataDir });
    const out = tmp("hearth-bk-out-");

    // With the hub stopped the CLI reads the data dir itself.
    const sealed = await backupCommand({ config, out: path.join(out, "sealed.enc"), passphrase: "correct horse" });
    expect(fs.readFileSync(sealed).includes(Buffer.from("secret note"))).toBe(false);
    const listing = () => fs.readdirSync(parent).sort();
    const dbBytes = () => fs.readFileSync(dataPaths(dataDir).database);
    const beforeDb = dbBytes();

    await expect(restoreCommand({ dataDir, file: sealed, passphrase: "wrong horse", yes: true })).rejects.toThrow(/wrong passphrase/);
    await expect(restoreCommand({ dataDir, file: sealed, yes: true })).rejects.toThrow(/encrypted/);
    const plain = await backupCommand({ config, out: path.join(out, "plain.tar.gz") });
    for (const file of [sealed, plain]) {
      const bytes = fs.readFileSync(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      const damaged = `${file}.damaged`;
      fs.writeFileSync(damaged, bytes);
      await expect(restoreCommand({ dataDir, file: damaged, passphrase: "correct horse", yes: true })).rejects.toThrow(/damaged|wrong passphrase/);
    }
    expect(listing()).toEqual(["data"]);
    expect(dbBytes().equals(beforeDb)).toBe(true);

    const done = await restoreCommand({ dataDir, file: sealed, passphrase: "correct horse", yes: true });
    expect(done.previous).toMatch(/data\.before-restore-/);
    expect(done.manifest.contents.map((p) => p.name)).toEqual(["hearth.db", "broker.store", "settings.json"]);
  });

  it("serves POST /api/backup to the owner only, and keeps the newest HEARTH_BACKUP_KEEP automatic backups", { timeout: 30_000 }, async () => {
    const clock = { now: Date.parse("2026-11-20T03:30:00Z") };
    const t = await startTestHub({ HEARTH_BACKUP_KEEP: "2" }, undefined, { now: () => clock.now });
    hubs.push(t);
    const { user } = await t.hub.accounts.onboard({ name: "Ana", username: "ana", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
    const admin = await t.hub.accounts.addUser({ username: "bo", password: "password-456", role: "admin" });
    const ownerToken = t.hub.accounts.createToken(user.id, "test").token;
    const adminToken = t.hub.accounts.createToken(admin.id, "test").token;
    const base = `http://127.0.0.1:${t.httpPort}`;
    const post = (token: string) => fetch(`${base}/api/backup`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}" });

    expect((await post(adminToken)).status).toBe(403);
    expect((await fetch(`${base}/api/backup`, { method: "POST" })).status).toBe(401);
    const res = await post(ownerToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="hearth-backup-2026-11-20T03-30-00Z.tar.gz"');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    for (let i = 0; i < 3; i++) {
      clock.now += 86_400_000;
      await t.hub.backups.runAutomatic();
    }
    const list = await fetch(`${base}/api/backups`, { headers: { Authorization: `Bearer ${ownerToken}` } });
    const body = (await list.json()) as { backups: Array<{ name: string }> };
    expect(body.backups.map((b) => b.name)).toEqual(["hearth-backup-2026-11-23T03-30-00Z.tar.gz", "hearth-backup-2026-11-22T03-30-00Z.tar.gz"]);
    const one = await fetch(`${base}/api/backups?name=${body.backups[0]!.name}`, { headers: { Authorization: `Bearer ${ownerToken}` } });
    expect(one.status).toBe(200);
    expect((await fetch(`${base}/api/backups?name=../hearth.db`, { headers: { Authorization: `Bearer ${ownerToken}` } })).status).toBe(404);
  });
});
