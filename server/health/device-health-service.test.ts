import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import type { DeviceHealthView, HubApi } from "../hub-api";
import { eventually } from "../testing/corpus-replay";
import { startTestHub, type TestHub } from "../testing/test-hub";

// Device health in a running hub: Zigbee2MQTT-style devices (one JSON state topic per device, a
// linkquality and a battery sensor, per-device availability) published with MQTT.js; the hub's clock is
// moved by the test instead of sleeping.

const HOUR = 3_600_000;
const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync();
  for (const h of hubs.splice(0)) await h.stop();
});

async function start(dataDir?: string, clock = { now: Date.UTC(2026, 5, 1, 8) }) {
  const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir, { now: () => clock.now });
  hubs.push(t);
  const client = await mqtt.connectAsync(t.mqttUrl, { clientId: `health-${Date.now()}`, reconnectPeriod: 0 });
  clients.push(client);
  return { t, api: t.hub.api, client, clock };
}

function z2mSensor(client: MqttClient, node: string, key: string, extra: Record<string, unknown>) {
  const config = {
    name: key,
    uniq_id: `${node}_${key}`,
    stat_t: `zigbee2mqtt/${node}`,
    val_tpl: `{{ value_json.${key} }}`,
    avty_t: `zigbee2mqtt/${node}/availability`,
    dev: { ids: [`zigbee2mqtt_${node}`], name: node, mf: "Test", mdl: "Z" },
    ...extra,
  };
  return client.publishAsync(`homeassistant/sensor/${node}/${key}/config`, JSON.stringify(config), { retain: true, qos: 1 });
}

async function until(api: HubApi, node: string, ok: (v: DeviceHealthView) => boolean, what: string): Promise<DeviceHealthView> {
  let found: DeviceHealthView | undefined;
  const left = await eventually(() => {
    found = api.deviceHealth.list().find((d) => d.name === node);
    return Promise.resolve(found && ok(found) ? [] : [what]);
  }, 5000);
  expect(left, `waiting for ${what}: ${JSON.stringify(found)}`).toEqual([]);
  return found!;
}

describe("device health", () => {
  it("finds low batteries, weak links and offline devices, and learns when a device has gone quiet", async () => {
    const { api, client, clock } = await start();
    await z2mSensor(client, "plug", "linkquality", { unit_of_meas: "lqi", ent_cat: "diagnostic" });
    await z2mSensor(client, "plug", "power", { unit_of_meas: "W", dev_cla: "power" });
    await z2mSensor(client, "door", "battery", { unit_of_meas: "%", dev_cla: "battery" });
    await z2mSensor(client, "door", "linkquality", { unit_of_meas: "lqi" });
    await until(api, "plug", () => true, "plug discovered");
    await until(api, "door", () => true, "door discovered");

    for (const node of ["plug", "door"]) await client.publishAsync(`zigbee2mqtt/${node}/availability`, "online", { retain: true, qos: 1 });
    await client.publishAsync("zigbee2mqtt/plug", JSON.stringify({ linkquality: 21, power: 5 }), { qos: 1 });
    await client.publishAsync("zigbee2mqtt/door", JSON.stringify({ battery: 12, linkquality: 140 }), { qos: 1 });

    const plug = await until(api, "plug", (v) => v.link?.value === 21, "plug's link quality");
    expect(plug.problems).toEqual(["weak_link"]);
    expect(plug.link).toMatchObject({ kind: "lqi", weak: true });
    expect(plug.last_seen).toBe(clock.now);
    const door = await until(api, "door", (v) => v.battery?.percent === 12, "door's battery");
    expect(door.problems).toEqual(["low_battery"]);
    expect(door.usual_interval_ms).toBeNull();
    expect(door.stale_after_ms).toBe(25 * HOUR);
    expect(api.deviceHealth.summary()).toMatchObject({ devices: 2, offline: 0, stale: 0, low_battery: 1, weak_link: 1, with_problems: 2 });

    // The door reports every hour: after a few reports its limit is 3 × 1 h.
    for (let i = 0; i < 5; i++) {
      clock.now += HOUR;
      await client.publishAsync("zigbee2mqtt/door", JSON.stringify({ battery: 50, linkquality: 140 }), { qos: 1 });
      const at = clock.now;
      await until(api, "door", (v) => v.last_seen === at, `door report ${i}`);
    }
    let learned = await until(api, "door", (v) => v.usual_interval_ms === HOUR, "door's rhythm");
    expect(learned.stale_after_ms).toBe(3 * HOUR);
    expect(learned.problems).toEqual([]);

    // Silence: fine at 3 h, stale just after. The plug, never learned, is judged on 25 h since it was last seen.
    clock.now += 3 * HOUR;
    expect((await until(api, "door", () => true, "door")).problems).toEqual([]);
    clock.now += 1;
    learned = await until(api, "door", () => true, "door");
    expect(learned.problems).toEqual(["stale"]);
    expect(learned.silent_for_ms).toBe(3 * HOUR + 1);
    expect((await until(api, "plug", () => true, "plug")).problems).toEqual(["weak_link"]);

    // The plug's availability says offline: offline, not also stale.
    await client.publishAsync("zigbee2mqtt/plug/availability", "offline", { retain: true, qos: 1 });
    await until(api, "plug", (v) => v.problems.includes("offline"), "plug offline");
    clock.now += 30 * HOUR;
    expect((await until(api, "plug", () => true, "plug")).problems).toEqual(["offline", "weak_link"]);
    expect(api.deviceHealth.summary()).toMatchObject({ devices: 2, offline: 1, stale: 1, low_battery: 0, weak_link: 1 });

    // Devices with problems come first; the hub's own liveness is untouched.
    expect(api.health().status).toBe("ok");
  });

  it("answers for a device that never sent a message, judged from the hub's start", async () => {
    const { api, client, clock } = await start();
    await z2mSensor(client, "quiet", "temperature", { unit_of_meas: "°C", dev_cla: "temperature", avty_t: undefined });
    const quiet = await until(api, "quiet", () => true, "quiet discovered");
    expect(quiet.last_seen).toBeNull();
    expect(quiet.problems).toEqual([]);
    clock.now += 25 * HOUR + 1;
    expect((await until(api, "quiet", () => true, "quiet")).problems).toEqual(["stale"]);
  });

  it("is not fooled by a bridge's shared availability or a restart's retained replay, and remembers last seen across a restart", async () => {
    const { t, api, client, clock } = await start();
    // Two Zigbee2MQTT devices whose availability is the bridge's state (Z2M without per-device availability).
    for (const node of ["hall", "attic"]) {
      await z2mSensor(client, node, "temperature", { unit_of_meas: "°C", dev_cla: "temperature", avty_t: "zigbee2mqtt/bridge/state" });
    }
    await until(api, "hall", () => true, "hall discovered");
    await until(api, "attic", () => true, "attic discovered");
    await client.publishAsync("zigbee2mqtt/bridge/state", "online", { retain: true, qos: 1 });
    await client.publishAsync("zigbee2mqtt/hall", JSON.stringify({ temperature: 21 }), { retain: true, qos: 1 });
    const seenAt = clock.now;
    await until(api, "hall", (v) => v.last_seen === seenAt, "hall seen");
    clock.now += HOUR;
    await client.publishAsync("zigbee2mqtt/bridge/state", "online", { retain: true, qos: 1 });
    // The hall's own message counts; the bridge saying "online" speaks for neither device.
    expect(api.states.find("sensor.attic_temperature")?.state).toBe("unknown");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await until(api, "attic", () => true, "attic")).last_seen).toBeNull();
    expect((await until(api, "hall", () => true, "hall")).last_seen).toBe(seenAt);

    await client.endAsync();
    clients.splice(clients.indexOf(client), 1);
    await t.stop();
    hubs.splice(hubs.indexOf(t), 1);

    // A day later the hub starts again: the broker replays the hall's retained state, which is not the hall speaking.
    clock.now += 24 * HOUR;
    const again = await start(t.dataDir, clock);
    await until(again.api, "hall", () => again.api.states.find("sensor.hall_temperature")?.state === "21", "hall's replayed state");
    const hall = await until(again.api, "hall", () => true, "hall after restart");
    expect(hall.last_seen).toBe(seenAt);
    // Silence counts from the restart, not from before the hub was down.
    expect(hall.silent_for_ms).toBe(0);
    expect(hall.problems).toEqual([]);
    clock.now += 2 * HOUR;
    await again.client.publishAsync("zigbee2mqtt/hall", JSON.stringify({ temperature: 22 }), { qos: 1 });
    await until(again.api, "hall", (v) => v.last_seen === clock.now, "hall speaks after the restart");

    // Once started, a device that publishes its (retained) state before its discovery config was just seen.
    await again.t.hub.discovery.settled;
    await again.client.publishAsync("zigbee2mqtt/porch", JSON.stringify({ temperature: 9 }), { retain: true, qos: 1 });
    await z2mSensor(again.client, "porch", "temperature", { unit_of_meas: "°C", dev_cla: "temperature", avty_t: undefined });
    await until(again.api, "porch", (v) => v.last_seen === clock.now, "porch seen through its retained state");
  });
});
