import path from "node:path";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";

// Restart replay: a retained config whose payload fingerprint matches the one applied before is known already
// and skips parsing; anything else (changed payload, slot missing from the registry) goes through the pipeline.

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

const TOPIC = "homeassistant/sensor/node6/temperature/config";
const config = (name: string) =>
  JSON.stringify({ name, stat_t: "diy/node6/temperature", unit_of_meas: "°C", dev_cla: "temperature", uniq_id: "node6_t", dev: { ids: ["node6"], name: "Node 6" } });

async function start(dataDir?: string) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir);
  hubs.push(t);
  const device = await mqtt.connectAsync(t.mqttUrl, { clientId: `fp-${hubs.length}-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(device);
  return { t, device };
}

async function stop(t: TestHub): Promise<void> {
  for (const c of clients.splice(0)) await c.endAsync();
  await t.stop();
  hubs.splice(hubs.indexOf(t), 1);
}

async function until(check: () => boolean, what: string): Promise<void> {
  expect(await eventually(() => Promise.resolve(check() ? [] : [what]), 4000)).toEqual([]);
}

function stored(dataDir: string, sql: string): unknown[] {
  const db = new Database(path.join(dataDir, "hearth.db"));
  try {
    return sql.startsWith("SELECT") ? db.prepare(sql).all() : [db.prepare(sql).run()];
  } finally {
    db.close();
  }
}

const friendlyName = (t: TestHub) => t.hub.api.states.find("sensor.node_6_temperature")?.attributes.friendly_name;

describe("retained config replay after a restart", () => {
  it("skips a known payload, applies a changed one, and re-parses when the registry lacks the slot", async () => {
    const first = await start();
    const dir = first.t.dataDir;
    await first.device.publishAsync(TOPIC, config("Temperature"), { retain: true, qos: 1 });
    await until(() => friendlyName(first.t) === "Node 6 Temperature", "entity");
    await stop(first.t);
    expect(stored(dir, "SELECT topic FROM discovery_payloads")).toEqual([{ topic: TOPIC }]);

    // Same payload replayed: known, entity restored from SQLite and still decoding.
    const second = await start(dir);
    await second.t.hub.discovery.settled;
    expect(second.t.hub.discovery.records([TOPIC])[0]).toMatchObject({ outcome: "unchanged", count: 1 });
    expect(second.t.hub.api.discovery.status().known).toBe(1);
    await second.device.publishAsync("diy/node6/temperature", "20.5");
    await until(() => second.t.hub.api.states.find("sensor.node_6_temperature")?.state === "20.5", "state decoded");

    // A changed payload is applied.
    await second.device.publishAsync(TOPIC, config("Probe"), { retain: true, qos: 1 });
    await until(() => friendlyName(second.t) === "Node 6 Probe", "renamed by the new config");
    await stop(second.t);

    // The registry lost the slot (but the fingerprint is there): the replay must go through the pipeline again.
    stored(dir, "DELETE FROM discovered_entities");
    const third = await start(dir);
    await third.t.hub.discovery.settled;
    expect(third.t.hub.discovery.records([TOPIC])[0]).toMatchObject({ outcome: "accepted" });
    expect(third.t.hub.api.discovery.status().known).toBe(0);
    expect(friendlyName(third.t)).toBe("Node 6 Probe");

    // Removal forgets the fingerprint.
    await third.device.publishAsync(TOPIC, "", { retain: true, qos: 1 });
    await until(() => third.t.hub.api.states.find("sensor.node_6_temperature") === undefined, "removed");
    await stop(third.t);
    expect(stored(dir, "SELECT topic FROM discovery_payloads")).toEqual([]);
  });
});
