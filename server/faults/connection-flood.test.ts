import net from "node:net";
import mqtt from "mqtt";
import { generate } from "mqtt-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";

// A flood of MQTT connections that do nothing: 500 TCP connects that never send CONNECT and 200 clients that
// connect and then idle. The broker's own limits are tested in server/mqtt (broker-flood, broker-limits); this
// only shows that while the flood holds its sockets open, everyone else is still served.

const SILENT = 500;
const IDLE = 200;

let t: TestHub;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await t?.stop();
});

function open(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
    sockets.push(socket);
  });
}

/** A raw MQTT 3.1.1 client that sends CONNECT, waits for its CONNACK and then never says anything again. */
async function idleClient(port: number, n: number): Promise<net.Socket> {
  const socket = await open(port);
  const connack = new Promise<Buffer>((resolve, reject) => {
    socket.once("data", resolve);
    socket.once("close", () => reject(new Error(`idle client ${n} was closed before its CONNACK`)));
  });
  socket.write(generate({ cmd: "connect", protocolVersion: 4, clientId: `flood-idle-${n}`, clean: true, keepalive: 600 }));
  const reply = await connack;
  // CONNACK (0x20), remaining length 2, session present 0, return code 0 (accepted).
  expect([...reply.subarray(0, 4)]).toEqual([0x20, 2, 0, 0]);
  return socket;
}

describe("a flood of idle connections", () => {
  it("leaves the broker serving a normal client while 500 silent sockets and 200 idle clients stay open", async () => {
    // In waves, as a misbehaving fleet or a scanner would open them (and within the listen backlog).
    for (let i = 0; i < SILENT; i += 100) await Promise.all(Array.from({ length: 100 }, () => open(t.mqttPort)));
    for (let i = 0; i < IDLE; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => idleClient(t.mqttPort, i + k)));
    expect(t.broker.stats().clients).toBeGreaterThanOrEqual(IDLE);

    // A normal client connects and round-trips a QoS 1 message through the broker, with the flood still open.
    const client = await mqtt.connectAsync(t.mqttUrl, { clientId: "flood-normal", reconnectPeriod: 0, connectTimeout: 10_000 });
    try {
      await client.subscribeAsync("flood/echo", { qos: 1 });
      const got = new Promise<string>((resolve) => client.once("message", (_topic, payload) => resolve(payload.toString())));
      await client.publishAsync("flood/echo", "still here", { qos: 1 });
      expect(await got).toBe("still here");
      // The hub's own subscriptions still work too: a discovery config becomes an entity.
      const config = { name: "Flood", uniq_id: "flood_probe", stat_t: "flood/probe", dev: { ids: ["flood-dev"], name: "Flood" } };
      await client.publishAsync("homeassistant/sensor/flood/probe/config", JSON.stringify(config), { qos: 1 });
      await until(() => t.hub.api.states.find("sensor.flood_flood"), "the flood probe entity", 10_000);
      await client.publishAsync("flood/probe", "42", { qos: 1 });
      await until(() => (t.hub.api.states.find("sensor.flood_flood")?.state === "42" ? true : undefined), "its state", 10_000);
    } finally {
      await client.endAsync();
    }
    // The flood was still there the whole time (nothing above passed because the sockets had been dropped).
    expect(sockets.filter((s) => !s.destroyed).length).toBe(SILENT + IDLE);
  }, 60_000);
});
