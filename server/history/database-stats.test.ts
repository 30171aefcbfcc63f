import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/open-database";
import { dataPaths } from "../paths";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";

// The "database" page's figures from a running hub: rows per entity, top writers, table sizes, policies.

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const left = await eventually(() => Promise.resolve(check() ? [] : [what]), timeoutMs);
  expect(left, `waiting for ${what}`).toEqual([]);
}

describe("database stats", () => {
  it("counts rows per entity, ranks the top writers, sizes the tables and shows each entity's policy", async () => {
    const DAY = 86_400_000;
    const clock = { at: Date.now() - 3 * DAY, now: () => clock.at };
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100", HEARTH_HISTORY_KEEP_DAYS: "10" }, undefined, { now: clock.now });
    hubs.push(t);
    const api = t.hub.api;
    const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `stats-${Date.now()}`, reconnectPeriod: 0 });
    clients.push(device);
    // Three sensors that write 30, 12 and 3 changes; the busiest writes mostly in the last day.
    const plan = { chatty: [20, 10], steady: [2, 10], quiet: [2, 1] } as const;
    for (const name of Object.keys(plan)) {
      await device.publishAsync(`homeassistant/sensor/stats/${name}/config`, JSON.stringify({ name: `Stats ${name}`, stat_t: `stats/${name}`, uniq_id: `stats_${name}` }), { retain: true, qos: 1 });
    }
    await until(() => Object.keys(plan).every((n) => api.states.find(`sensor.stats_${n}`) !== undefined), "the sensors");
    let value = 0;
    for (const [phase, at] of [[0, Date.now() - 3 * DAY], [1, Date.now() - 1000]] as const) {
      clock.at = at;
      for (const [name, counts] of Object.entries(plan)) {
        for (let i = 0; i < counts[phase === 0 ? 1 : 0]; i++) {
          const v = String(++value);
          await device.publishAsync(`stats/${name}`, v, { qos: 1 });
          await until(() => api.states.find(`sensor.stats_${name}`)?.state === v, `${name} = ${v}`);
          clock.at += 1000;
        }
      }
    }
    await until(() => api.history.recorder().pending === 0, "the commit");
    await t.hub.recorder.commit();
    api.history.policies.set("sensor.stats_quiet", { keep_days: 400, min_change: 2 });
    api.history.policies.set("sensor.stats_someday", { exclude: true });

    const stats = await api.history.database({ fresh: true });
    expect(stats.measure_error).toBeNull();
    expect(stats.measured_at).toBe(clock.at);
    const row = (id: string) => stats.entities.find((e) => e.entity_id === id);
    expect(row("sensor.stats_chatty")).toMatchObject({ rows: 30, rows_24h: 20, name: "Stats chatty", keep_days: 10, policy: null });
    expect(row("sensor.stats_steady")).toMatchObject({ rows: 12, rows_24h: 2, keep_days: 10 });
    expect(row("sensor.stats_quiet")).toMatchObject({ rows: 3, rows_24h: 2, keep_days: 400, policy: expect.objectContaining({ min_change: 2, keep_days: 400 }) as unknown });
    // A policy for an entity the hub has not seen shows too, with nothing recorded.
    expect(row("sensor.stats_someday")).toMatchObject({ rows: 0, bytes: 0, name: null, policy: expect.objectContaining({ exclude: true }) as unknown });
    expect(stats.top_writers.last_24h.slice(0, 3)).toEqual(["sensor.stats_chatty", "sensor.stats_quiet", "sensor.stats_steady"]);
    expect(stats.top_writers.overall.slice(0, 3)).toEqual(["sensor.stats_chatty", "sensor.stats_steady", "sensor.stats_quiet"]);
    expect(stats.top_writers.overall).not.toContain("sensor.stats_someday");

    // Counts match the table; bytes add up to state_history's measured size.
    const db = openDatabase({ file: dataPaths(t.dataDir).database });
    try {
      const total = Number(db.$client.prepare("SELECT count(*) FROM state_history").pluck().get());
      expect(stats.history.rows).toBe(total);
      expect(stats.entities.reduce((sum, e) => sum + e.rows, 0)).toBe(total);
      const history = stats.tables.find((tb) => tb.name === "state_history")!;
      expect(history.rows).toBe(total);
      expect(history.bytes).toBeGreaterThanOrEqual(4096);
      expect(Math.abs(stats.entities.reduce((sum, e) => sum + e.bytes, 0) - history.bytes)).toBeLessThan(stats.entities.length + 1);
      expect(stats.tables.find((tb) => tb.name === "state_attributes")).toMatchObject({ rows: Number(db.$client.prepare("SELECT count(*) FROM state_attributes").pluck().get()) });
      expect(stats.tables.find((tb) => tb.name === "recorder_entities")!.index_bytes).toBeGreaterThan(0);
      expect(stats.file.page_size).toBe(4096);
      expect(stats.file.total_bytes).toBe(stats.file.db_bytes + stats.file.wal_bytes);
      expect(stats.file.db_bytes).toBeGreaterThan(0);
      expect(stats.history.oldest).toBe(Number(db.$client.prepare("SELECT min(ts) FROM state_history").pluck().get()));
      expect(stats.history.newest).toBe(Number(db.$client.prepare("SELECT max(ts) FROM state_history").pluck().get()));
    } finally {
      db.$client.close();
    }
    expect(stats.history.rows_24h).toBe(24 + stats.entities.filter((e) => !e.entity_id.startsWith("sensor.stats_")).reduce((s, e) => s + e.rows_24h, 0));
    expect(stats.history.bytes_per_day).toBeGreaterThan(0);
    expect(stats.history.projected_bytes).toBeGreaterThan(stats.history.bytes_per_day);
    expect(stats.recorder).toMatchObject({ pending: 0, dropped: 0 });
    expect(stats.recorder.lastCommitAt).not.toBeNull();
    expect(stats.retention).toMatchObject({ default_keep_days: 10, running: false, last_purge: null });

    // Cached for a minute; a purge measures again, and shows what it did.
    await device.publishAsync("stats/chatty", "999", { qos: 1 });
    await until(() => api.states.find("sensor.stats_chatty")?.state === "999", "one more change");
    await until(() => api.history.recorder().pending === 0, "the commit");
    await t.hub.recorder.commit();
    expect((await api.history.database()).entities.find((e) => e.entity_id === "sensor.stats_chatty")!.rows).toBe(30);
    const report = await api.history.purge();
    const after = await api.history.database();
    expect(after.entities.find((e) => e.entity_id === "sensor.stats_chatty")!.rows).toBe(31);
    expect(after.retention.last_purge).toEqual(report);
  });
});
