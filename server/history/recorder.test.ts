import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { AccountService } from "../auth/account-service";
import type { HubApi } from "../hub-api";
import { dataPaths, migrationsFolder } from "../paths";
import { eventually } from "../testing/corpus-replay";
import { authed } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";
import type { HistoryState } from "./history-reader";

// The recorder in a running hub: MQTT.js devices publish, the hub records, the history API reads it back.

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

async function start(dataDir?: string, env: Record<string, string> = {}) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100", ...env }, dataDir);
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `rec-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  return { t, api: t.hub.api, device };
}

async function stop(t: TestHub) {
  for (const c of clients.splice(0)) await c.endAsync();
  await t.stop();
  hubs.splice(hubs.indexOf(t), 1);
}

function sensorConfig(n: number, extra: Record<string, unknown> = {}) {
  return { name: `Probe ${n}`, stat_t: `rec/probe${n}`, uniq_id: `rec_probe_${n}`, unit_of_meas: "°C", dev_cla: "temperature", stat_cla: "measurement", ...extra };
}

async function announce(client: MqttClient, count: number, extra: Record<string, unknown> = {}) {
  for (let n = 0; n < count; n++) {
    await client.publishAsync(`homeassistant/sensor/rec/probe${n}/config`, JSON.stringify(sensorConfig(n, extra)), { retain: true, qos: 1 });
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const left = await eventually(() => Promise.resolve(check() ? [] : [what]), timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
}

const full = (s: HistoryState) => s as Extract<HistoryState, { entity_id: string }>;

function everything(api: HubApi, entityIds: string[], since: number) {
  return api.history.period({
    start: new Date(since).toISOString(),
    end_time: new Date(Date.now() + 60_000).toISOString(),
    filter_entity_id: entityIds.join(","),
    significant_changes_only: "0",
    skip_initial_state: true,
  });
}

describe("recorder", () => {
  it("records thousands of changes across hundreds of entities exactly as they happened, and keeps them across a restart", async () => {
    const { t, api, device } = await start();
    const ENTITIES = 200;
    const ROUNDS = 15;
    await announce(device, ENTITIES);
    const ids = Array.from({ length: ENTITIES }, (_, n) => `sensor.probe_${n}`);
    await until(() => ids.every((id) => api.states.find(id) !== undefined), "200 entities");

    // What the hub showed live, per entity: the state and its timestamps.
    const live = new Map<string, Array<{ state: string; last_updated: string; last_changed: string }>>();
    t.hub.bus.on("stateChanged", ({ entityId, newState }) => {
      if (!newState || newState.state === "unknown") return;
      let list = live.get(entityId);
      if (!list) live.set(entityId, (list = []));
      list.push({ state: newState.state, last_updated: newState.last_updated, last_changed: newState.last_changed });
    });
    const since = Date.now() - 1000;
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(ids.map((_, n) => device.publishAsync(`rec/probe${n}`, String(round * 1000 + n + 0.5), { qos: 1 })));
    }
    await until(() => [...live.values()].reduce((sum, l) => sum + l.length, 0) === ENTITIES * ROUNDS, "every change seen live");
    await until(() => api.history.recorder().pending === 0 && api.history.recorder().recorded >= ENTITIES * ROUNDS, "the recorder's commit");

    const expected = ids.map((id) => live.get(id)!.map((s) => ({ entity_id: id, ...s })));
    const check = (answer: HistoryState[][]) => {
      expect(answer).toHaveLength(ENTITIES);
      for (const [i, states] of answer.entries()) {
        expect(states.map((s) => ({ entity_id: full(s).entity_id, state: s.state, last_updated: full(s).last_updated, last_changed: s.last_changed }))).toEqual(expected[i]);
      }
      expect(full(answer[7]![3]!).attributes).toMatchObject({ unit_of_measurement: "°C", device_class: "temperature", friendly_name: "Probe 7" });
    };
    check(everything(api, ids, since));

    await stop(t);
    const again = await start(t.dataDir);
    await again.t.hub.discovery.settled;
    check(everything(again.api, ids, since));
  });

  it("a restart is not recorded as devices going unavailable, but a device still offline is", async () => {
    const { t, api, device } = await start();
    for (const n of [0, 1]) {
      await device.publishAsync(`homeassistant/sensor/rec/probe${n}/config`, JSON.stringify(sensorConfig(n, { avty_t: `rec/probe${n}/status` })), { retain: true, qos: 1 });
      await device.publishAsync(`rec/probe${n}/status`, "online", { retain: true, qos: 1 });
      await device.publishAsync(`rec/probe${n}`, String(20 + n), { retain: true, qos: 1 });
    }
    const ids = ["sensor.probe_0", "sensor.probe_1"];
    await until(() => api.states.find(ids[0]!)?.state === "20" && api.states.find(ids[1]!)?.state === "21", "both sensors");
    const since = Date.now() - 60_000;
    // Probe 1's device goes offline while the hub is down.
    await device.publishAsync("rec/probe1/status", "offline", { retain: true, qos: 1 });
    await until(() => api.states.find(ids[1]!)?.state === "unavailable", "probe 1 offline");
    await stop(t);

    const again = await start(t.dataDir);
    await again.t.hub.discovery.settled;
    await until(() => again.api.states.find(ids[0]!)?.state === "20", "probe 0 back");
    await stop(again.t);
    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    const states = (id: string) =>
      (
        db.$client
          .prepare("SELECT s.state AS state FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref WHERE e.entity_id = ? AND s.ts >= ? ORDER BY s.ts, s.seq")
          .all(id, since) as Array<{ state: string }>
      ).map((r) => r.state);
    try {
      expect(states(ids[0]!)).toEqual(["20"]);
      // Probe 1: its value, then offline; the restart, still offline, adds nothing.
      expect(states(ids[1]!)).toEqual(["21", "unavailable"]);
    } finally {
      db.$client.close();
    }
  });

  it("answers HA's history shapes: initial state at the start, significant changes, minimal response, no attributes", async () => {
    const { api, device } = await start();
    await device.publishAsync(
      "homeassistant/sensor/rec/probe0/config",
      JSON.stringify(sensorConfig(0, { json_attr_t: "rec/probe0/attrs" })),
      { retain: true, qos: 1 },
    );
    const id = "sensor.probe_0";
    await until(() => api.states.find(id) !== undefined, "the sensor");
    const publish = async (topic: string, payload: string, expect: (api: HubApi) => boolean) => {
      await device.publishAsync(topic, payload, { qos: 1 });
      await until(() => expect(api), `${topic} = ${payload}`);
      // Distinct milliseconds, so every change has its own time.
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await publish("rec/probe0", "20", (a) => a.states.find(id)?.state === "20");
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await publish("rec/probe0", "21", (a) => a.states.find(id)?.state === "21");
    await publish("rec/probe0/attrs", '{"battery": 90}', (a) => a.states.find(id)?.attributes.battery === 90);
    await publish("rec/probe0", "21", () => true);
    await publish("rec/probe0", "22", (a) => a.states.find(id)?.state === "22");
    await until(() => api.history.recorder().pending === 0 && api.history.recorder().recorded >= 4, "the commit");

    const q = { start: new Date(between).toISOString(), filter_entity_id: id };
    const significant = api.history.period(q)[0]!;
    // The state at the start, dated at the start; then state changes only (the attribute change is left out).
    expect(significant.map((s) => s.state)).toEqual(["20", "21", "22"]);
    expect(full(significant[0]!).last_updated).toBe(new Date(between).toISOString().replace("Z", "000+00:00"));
    expect(full(significant[0]!).last_changed).toBe(full(significant[0]!).last_updated);

    const all = api.history.period({ ...q, significant_changes_only: "0" })[0]!;
    expect(all.map((s) => [s.state, full(s).attributes.battery])).toEqual([
      ["20", undefined],
      ["21", undefined],
      ["21", 90],
      ["22", 90],
    ]);
    // An attribute-only change keeps the state's last_changed.
    expect(full(all[2]!).last_changed).toBe(full(all[1]!).last_changed);
    expect(full(all[2]!).last_updated).not.toBe(full(all[2]!).last_changed);

    const minimal = api.history.period({ ...q, minimal_response: true, no_attributes: true, significant_changes_only: "0" })[0]!;
    expect(minimal[0]).toMatchObject({ entity_id: id, state: "20", attributes: {} });
    expect(minimal.slice(1)).toEqual([
      { state: "21", last_changed: full(all[1]!).last_updated },
      { state: "22", last_changed: full(all[3]!).last_updated },
    ]);

    expect(api.history.period({ ...q, skip_initial_state: true })[0]!.map((s) => s.state)).toEqual(["21", "22"]);
    expect(api.history.period({ start: new Date(Date.now() + 60_000).toISOString(), filter_entity_id: id })).toEqual([]);
    expect(api.history.period({ ...q, filter_entity_id: "sensor.nothing_here" })).toEqual([]);
    expect(() => api.history.period({ start: "yesterday", filter_entity_id: id })).toThrow(/Invalid datetime/);
    expect(() => api.history.period({ ...q, end_time: "soon" })).toThrow(/Invalid end_time/);
    expect(() => api.history.period({ start: q.start })).toThrow(/filter_entity_id is missing/);
  });

  it("links a device's confirmation to the person's command, and records the service call", async () => {
    const { t, api, device } = await start();
    await device.publishAsync(
      "homeassistant/switch/rec/relay/config",
      JSON.stringify({ name: "Relay", cmd_t: "rec/relay/set", stat_t: "rec/relay/state", uniq_id: "rec_relay" }),
      { retain: true, qos: 1 },
    );
    await until(() => api.states.find("switch.relay") !== undefined, "the relay");
    await device.publishAsync("rec/relay/state", "OFF", { qos: 1 });
    await until(() => api.states.find("switch.relay")?.state === "off", "relay off");
    device.on("message", (topic, payload) => {
      if (topic === "rec/relay/set") void device.publishAsync("rec/relay/state", payload.toString(), { qos: 1 }).catch(() => undefined); // the client may end with this in flight
    });
    await device.subscribeAsync("rec/relay/set", { qos: 1 });
    await api.services.call({ domain: "switch", service: "turn_on", data: { entity_id: "switch.relay" }, userId: "42" });
    await until(() => api.states.find("switch.relay")?.state === "on", "relay on");
    expect(api.states.find("switch.relay")?.context.user_id).toBe("42");
    // A change the device makes on its own afterwards is the device's.
    await device.publishAsync("rec/relay/state", "OFF", { qos: 1 });
    await until(() => api.states.find("switch.relay")?.state === "off", "relay off again");
    expect(api.states.find("switch.relay")?.context.user_id).toBeNull();
    await until(() => api.history.recorder().pending === 0, "the commit");
    await t.hub.recorder.commit();

    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    const rows = db.$client.prepare(
      "SELECT s.state AS state, c.user_id AS user FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref LEFT JOIN recorder_contexts c ON c.id = s.context_ref WHERE e.entity_id = 'switch.relay' ORDER BY s.ts, s.seq",
    ).all();
    expect(rows).toEqual([
      { state: "off", user: null },
      { state: "on", user: "42" },
      { state: "off", user: null },
    ]);
    const events = db.$client.prepare("SELECT e.event_type AS type, e.data AS data, c.user_id AS user FROM recorder_events e LEFT JOIN recorder_contexts c ON c.id = e.context_ref").all();
    db.$client.close();
    expect(events).toContainEqual({ type: "call_service", data: JSON.stringify({ domain: "switch", service: "turn_on", service_data: { entity_id: ["switch.relay"] } }), user: "42" });
  });
});

describe("recorder crash safety", () => {
  it("kill -9 during heavy ingest: the database passes integrity_check and loses at most the last commit interval", async () => {
    const COMMIT_MS = 250;
    const ENTITIES = 50;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-rec-kill-"));
    // A token to read the hub's live states while it ingests.
    const setup = openDatabase({ file: dataPaths(dataDir).database, migrationsFolder: migrationsFolder() });
    const accounts = new AccountService({ db: setup });
    const { user } = await accounts.onboard({ name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
    const token = accounts.createToken(user.id, "probe").token;
    setup.$client.close();

    const env = { HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: String(COMMIT_MS) };
    const first = await startHubProcess(dataDir, env);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.mqttPort}`, { clientId: "kill-feeder", reconnectPeriod: 0 });
    clients.push(client);
    await announce(client, ENTITIES);
    // The hub's live states over its WebSocket API (the test hub serves no Next routes).
    const socket = await authed({ httpPort: first.httpPort } as TestHub, token);
    let asked = 0;
    const liveValues = async () => {
      const id = ++asked;
      socket.send({ id, type: "get_states" });
      let answer = await socket.message(10_000);
      while (answer.id !== id) answer = await socket.message(10_000);
      const states = answer.result as Array<{ entity_id: string; state: string }>;
      return new Map(states.filter((s) => s.entity_id.startsWith("sensor.probe_")).map((s) => [s.entity_id, Number(s.state)]));
    };
    const deadlineReady = Date.now() + 10_000;
    while ((await liveValues()).size < ENTITIES && Date.now() < deadlineReady) await new Promise((resolve) => setTimeout(resolve, 100));

    // Publish for about 2 s; meanwhile read what the hub's state store holds (what it handed to the recorder).
    const probes: Array<{ at: number; values: Map<string, number> }> = [];
    let value = 0;
    let feeding = true;
    const feeder = (async () => {
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline && value < 500_000) {
        const batch = [];
        for (let n = 0; n < ENTITIES; n++) batch.push(client.publishAsync(`rec/probe${n}`, String(++value), { qos: 1 }));
        await Promise.all(batch);
      }
      feeding = false;
    })();
    while (feeding) {
      const values = await liveValues();
      probes.push({ at: Date.now(), values });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await feeder;
    socket.ws.terminate();
    const killedAt = Date.now();
    await new Promise<void>((resolve) => {
      first.child.once("exit", () => resolve());
      first.child.kill("SIGKILL");
    });
    client.end(true);
    clients.splice(0);

    const db = openDatabase({ file: dataPaths(dataDir).database, migrationsFolder: migrationsFolder() });
    try {
      expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Map<string, Set<number>>();
      const rows = db.$client.prepare("SELECT e.entity_id AS id, s.state AS state FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref").all() as Array<{ id: string; state: string }>;
      for (const r of rows) {
        let set = stored.get(r.id);
        if (!set) stored.set(r.id, (set = new Set()));
        set.add(Number(r.state));
      }
      // The last look at the hub more than a commit interval (and a commit's own time) before the kill: every
      // value it showed, and every earlier value of that entity, must be on disk.
      const settled = probes.filter((p) => p.at < killedAt - COMMIT_MS - 250).at(-1);
      expect(settled, "a probe well before the kill").toBeDefined();
      let checked = 0;
      const missing: string[] = [];
      for (const [id, last] of settled!.values) {
        const n = Number(id.slice("sensor.probe_".length));
        // Values for probe n are n+1, n+1+50, n+1+100, ...
        for (let v = n + 1; v <= last; v += ENTITIES) {
          checked++;
          if (!stored.get(id)?.has(v)) missing.push(`${id}=${v}`);
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(missing.slice(0, 5), `${missing.length} of ${checked} settled changes missing`).toEqual([]);
    } finally {
      db.$client.close();
    }

    // A restart records again, from where it was.
    const second = await startHubProcess(dataDir, env);
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${second.mqttPort}`, { clientId: "kill-feeder-2", reconnectPeriod: 0 });
    clients.push(again);
    const check = openDatabase({ file: dataPaths(dataDir).database });
    try {
      await until(() => {
        void again.publishAsync("rec/probe3", "-1", { qos: 1 }).catch(() => undefined); // the client may end with this in flight
        return check.$client.prepare("SELECT 1 FROM state_history WHERE state = '-1'").get() !== undefined;
      }, "the first change after the restart");
    } finally {
      check.$client.close();
    }
  }, 60_000);
});

async function startHubProcess(dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; mqttPort: number; httpPort: number }> {
  const args = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const child = spawn(process.execPath, ["--import", "tsx", "server/testing/hub-process.ts", dataDir, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await new Promise<{ mqttPort: number; httpPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("hub process did not start in 20 s")), 20_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { mqttPort: number; httpPort: number });
    });
    child.once("exit", (code) => reject(new Error(`hub process exited with ${code}`)));
  });
  return { child, ...ready };
}
