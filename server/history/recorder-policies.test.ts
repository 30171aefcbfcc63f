import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type HubDatabase } from "@/db/open-database";
import type { HubApi } from "../hub-api";
import { dataPaths } from "../paths";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { isSmallChange, numericState } from "./recorder-policies-gate";

// Per-entity recording policies in a running hub: MQTT.js devices publish, the policy decides, SQLite shows
// what was kept.

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

async function start(dataDir?: string, opts: { now?: () => number } = {}) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100" }, dataDir, opts);
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `pol-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  return { t, api: t.hub.api, device };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const left = await eventually(() => Promise.resolve(check() ? [] : [what]), timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
}

async function announce(device: MqttClient, api: HubApi, object: string, extra: Record<string, unknown> = {}) {
  await device.publishAsync(`homeassistant/sensor/pol/${object}/config`, JSON.stringify({ name: object.replace("_", " "), stat_t: `pol/${object}`, uniq_id: `pol_${object}`, ...extra }), {
    retain: true,
    qos: 1,
  });
  await until(() => api.states.find(`sensor.${object}`) !== undefined, `sensor.${object}`);
}

/** Publishes and waits until the hub shows it (so every value is its own change). */
async function send(device: MqttClient, api: HubApi, object: string, value: string, subtopic = "") {
  await device.publishAsync(`pol/${object}${subtopic}`, value, { qos: 1 });
  if (subtopic === "") await until(() => api.states.find(`sensor.${object}`)?.state === value, `${object} = ${value}`);
}

async function committed(t: TestHub) {
  await until(() => t.hub.api.history.recorder().pending === 0, "the recorder's commit");
  await t.hub.recorder.commit();
}

function recorded(db: HubDatabase, entityId: string): Array<{ ts: number; state: string }> {
  return db.$client
    .prepare("SELECT s.ts, s.state FROM state_history s JOIN recorder_entities e ON e.id = s.entity_ref WHERE e.entity_id = ? ORDER BY s.ts, s.seq")
    .all(entityId) as Array<{ ts: number; state: string }>;
}

function reader(t: TestHub): HubDatabase {
  return openDatabase({ file: dataPaths(t.dataDir).database });
}

describe("recorder policies", () => {
  it("validates policies, keeps them across a restart, and allows them before the entity exists", async () => {
    const { t, api } = await start();
    expect(api.history.policies.list()).toEqual([]);
    const set = api.history.policies.set("sensor.future_thing", { keep_days: 30, min_change: 0.5 });
    expect(set).toMatchObject({ entity_id: "sensor.future_thing", exclude: false, keep_days: 30, min_change: 0.5, debounce_ms: null });
    // A patch merges: left-out fields stay, null goes back to the default.
    expect(api.history.policies.set("sensor.future_thing", { debounce_ms: 5000, min_change: null })).toMatchObject({ keep_days: 30, min_change: null, debounce_ms: 5000 });

    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
      ["sensor.x", { keep_days: 0 }, /^keep_days: must be at least 1 day$/],
      ["sensor.x", { keep_days: 3651 }, /^keep_days: must be at most 3650 days/],
      ["sensor.x", { keep_days: 1.5 }, /^keep_days: must be a whole number of days$/],
      ["sensor.x", { keep_days: "10" }, /^keep_days: must be a number of days/],
      ["sensor.x", { min_change: -1 }, /^min_change: must be 0 or more$/],
      ["sensor.x", { debounce_ms: 86_400_001 }, /^debounce_ms: must be at most 86400000 ms/],
      ["sensor.x", { exclude: "yes" }, /^exclude: must be true or false$/],
      ["sensor.x", { colour: "red" }, /Unrecognized key: "colour"/],
      ["Sensor.Kitchen", { exclude: true }, /^entity_id: "Sensor.Kitchen" is not an entity id/],
      ["kitchen", { exclude: true }, /^entity_id: "kitchen" is not an entity id/],
    ];
    for (const [entityId, patch, message] of bad) {
      let caught: unknown;
      try {
        api.history.policies.set(entityId, patch);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(patch)).toMatchObject({ code: "invalid_input", message: expect.stringMatching(message) as unknown });
    }
    expect(() => api.history.policies.remove("sensor.nothing")).toThrow(/has no recording policy/);
    expect(() => api.history.policies.get("sensor.nothing")).toThrow(/has no recording policy/);

    // A policy that says nothing is no policy.
    api.history.policies.set("sensor.plain", { exclude: true });
    api.history.policies.set("sensor.plain", { exclude: false });
    expect(api.history.policies.list().map((p) => p.entity_id)).toEqual(["sensor.future_thing"]);

    const dataDir = t.dataDir;
    await t.stop();
    hubs.splice(0);
    const again = await start(dataDir);
    expect(again.api.history.policies.list()).toEqual([expect.objectContaining({ entity_id: "sensor.future_thing", keep_days: 30, debounce_ms: 5000 })]);
    again.api.history.policies.remove("sensor.future_thing");
    expect(again.api.history.policies.list()).toEqual([]);
  });

  it("exclude: records nothing of the entity while the others go on; removing the policy records again", async () => {
    const { t, api, device } = await start();
    await announce(device, api, "kept_probe");
    await announce(device, api, "hidden_probe");
    api.history.policies.set("sensor.hidden_probe", { exclude: true });
    for (const v of ["1", "2", "3"]) {
      await send(device, api, "kept_probe", v);
      await send(device, api, "hidden_probe", v);
    }
    await committed(t);
    const db = reader(t);
    try {
      expect(recorded(db, "sensor.kept_probe").map((r) => r.state)).toEqual(["1", "2", "3"]);
      expect(recorded(db, "sensor.hidden_probe")).toEqual([]);
      api.history.policies.remove("sensor.hidden_probe");
      await send(device, api, "hidden_probe", "4");
      await committed(t);
      expect(recorded(db, "sensor.hidden_probe").map((r) => r.state)).toEqual(["4"]);
    } finally {
      db.$client.close();
    }
  });

  it("min_change: skips numeric changes smaller than the minimum from the last recorded value; other states always count", async () => {
    const { t, api, device } = await start();
    api.history.policies.set("sensor.power_probe", { min_change: 0.5 });
    await announce(device, api, "power_probe", { avty_t: "pol/power_probe/status" });
    await device.publishAsync("pol/power_probe/status", "online", { qos: 1 });
    await until(() => api.states.find("sensor.power_probe")?.state === "unknown", "available");
    // 20.2 and 20.4 are within 0.5 of 20 (the last recorded), 20.6 is not; 20.9 is within 0.5 of 20.6.
    for (const v of ["20", "20.2", "20.4", "20.6", "20.9", "idle", "20.95", "21.1", "22"]) await send(device, api, "power_probe", v);
    // Going unavailable and back are always recorded, and the first change after counts from "unavailable".
    await device.publishAsync("pol/power_probe/status", "offline", { qos: 1 });
    await until(() => api.states.find("sensor.power_probe")?.state === "unavailable", "unavailable");
    await device.publishAsync("pol/power_probe/status", "online", { qos: 1 });
    await until(() => api.states.find("sensor.power_probe")?.state === "22", "available again");
    await send(device, api, "power_probe", "22.3");
    await send(device, api, "power_probe", "-22.3");
    await committed(t);
    const db = reader(t);
    try {
      expect(recorded(db, "sensor.power_probe").map((r) => r.state)).toEqual(["20", "20.6", "idle", "20.95", "22", "unavailable", "22", "-22.3"]);
    } finally {
      db.$client.close();
    }
  });

  it("debounce: one change per window, and the window's last value is recorded (with its own time) when it ends", async () => {
    const WINDOW = 1500;
    const { t, api, device } = await start();
    await announce(device, api, "busy_probe");
    api.history.policies.set("sensor.busy_probe", { debounce_ms: WINDOW });
    const live = new Map<string, string>();
    t.hub.bus.on("stateChanged", (c) => {
      if (c.entityId === "sensor.busy_probe" && c.newState) live.set(c.newState.state, c.newState.last_updated);
    });
    const windowStart = Date.now();
    for (const v of ["1", "2", "3", "4"]) await send(device, api, "busy_probe", v);
    await committed(t);
    const db = reader(t);
    try {
      // Within the window: only the first change is stored; "4" waits for the window's end.
      expect(Date.now() - windowStart, "the test ran within the window").toBeLessThan(WINDOW);
      expect(recorded(db, "sensor.busy_probe").map((r) => r.state)).toEqual(["1"]);
      await until(() => recorded(db, "sensor.busy_probe").length === 2, "the trailing edge", 10_000);
      const rows = recorded(db, "sensor.busy_probe");
      expect(rows.map((r) => r.state)).toEqual(["1", "4"]);
      expect(Date.now() - windowStart).toBeGreaterThanOrEqual(WINDOW - 50);
      // The trailing value keeps the time it really happened, as the hub showed it live.
      const history = api.history.period({ start: new Date(windowStart - 1000).toISOString(), filter_entity_id: "sensor.busy_probe", significant_changes_only: "0", skip_initial_state: true })[0]!;
      expect(history.map((s) => [s.state, (s as { last_updated: string }).last_updated])).toEqual([
        ["1", live.get("1")],
        ["4", live.get("4")],
      ]);

      // The trailing record opened the next window: "5" now waits for it, and stopping the hub records it anyway.
      await send(device, api, "busy_probe", "5");
      await committed(t);
      expect(recorded(db, "sensor.busy_probe").map((r) => r.state)).toEqual(["1", "4"]);
    } finally {
      db.$client.close();
    }
    const dataDir = t.dataDir;
    for (const c of clients.splice(0)) await c.endAsync();
    await t.stop();
    hubs.splice(0);
    const after = openDatabase({ file: dataPaths(dataDir).database });
    try {
      expect(recorded(after, "sensor.busy_probe").map((r) => r.state)).toEqual(["1", "4", "5"]);
    } finally {
      after.$client.close();
    }
  });

  it("debounce and min_change together: the held value is compared, and a window's end drops a value back within the minimum", async () => {
    // A test clock: the window is measured on the hub's clock, the trailing edge comes with the next change.
    const clock = { at: Date.UTC(2026, 0, 20, 12), now: () => clock.at };
    const { t, api, device } = await start(undefined, { now: clock.now });
    await announce(device, api, "mixed_probe");
    api.history.policies.set("sensor.mixed_probe", { debounce_ms: 60_000, min_change: 1 });
    const at = (seconds: number) => (clock.at = Date.UTC(2026, 0, 20, 12) + seconds * 1000);
    at(0);
    await send(device, api, "mixed_probe", "10"); // recorded, window to 60 s
    at(10);
    await send(device, api, "mixed_probe", "12"); // held
    at(20);
    await send(device, api, "mixed_probe", "11.5"); // within 1 of the held 12: skipped
    at(30);
    await send(device, api, "mixed_probe", "10.2"); // 1.8 from the held 12: replaces it
    at(70);
    // The window ended at 60 s: its held 10.2 is within 1 of the recorded 10, so it is dropped; 15 opens a window.
    await send(device, api, "mixed_probe", "15");
    at(80);
    await send(device, api, "mixed_probe", "17"); // held
    at(200);
    await send(device, api, "mixed_probe", "16.5"); // the held 17 is recorded first (its window ended at 130 s); 16.5 is within 1
    await committed(t);
    const db = reader(t);
    try {
      expect(recorded(db, "sensor.mixed_probe").map((r) => [(r.ts - Date.UTC(2026, 0, 20, 12)) / 1000, r.state])).toEqual([
        [0, "10"],
        [70, "15"],
        [80, "17"],
      ]);
    } finally {
      db.$client.close();
    }
  });
});

describe("numeric states", () => {
  it("tells numbers from other states", () => {
    expect(["1", "-2.5", "+3", "1e3", ".5", "0"].map(numericState)).toEqual([1, -2.5, 3, 1000, 0.5, 0]);
    expect(["", " ", "on", "unavailable", "unknown", "12 W", "0x10", "NaN", "Infinity"].map(numericState)).toEqual(Array(9).fill(undefined));
    expect(isSmallChange("20", "20.4", 0.5)).toBe(true);
    expect(isSmallChange("20", "20.5", 0.5)).toBe(false);
    expect(isSmallChange("20", "unavailable", 100)).toBe(false);
    expect(isSmallChange("unknown", "20", 100)).toBe(false);
  });
});
