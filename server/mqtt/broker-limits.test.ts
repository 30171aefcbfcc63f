import net from "node:net";
import type { IClientOptions, MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { connectClient, waitFor } from "../testing/mqtt-test-client";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop();
});

async function hubWith(env: Record<string, string>): Promise<TestHub> {
  const t = await startTestHub(env);
  hubs.push(t);
  return t;
}

const connect = (url: string, opts: IClientOptions = {}): Promise<MqttClient> => connectClient(clients, url, opts);


/** Resolves when the emitter closes; rejects after `ms` (every wait in these tests is bounded). */
function closed(c: { once(event: "close", fn: () => void): unknown }, ms = 10_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("connection not closed in time")), ms);
    c.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe("maximum packet size", () => {
  it("closes a connection that sends a packet over HEARTH_MQTT_MAX_PACKET_BYTES, and only that one", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_MQTT_MAX_PACKET_BYTES: "4096" });
    const watcher = await connect(t.mqttUrl, { clientId: "watcher" });
    await watcher.subscribeAsync("size/#");
    const got: string[] = [];
    watcher.on("message", (topic, payload) => got.push(`${topic}:${payload.length}`));
    const big = await connect(t.mqttUrl, { clientId: "big" });
    const other = await connect(t.mqttUrl, { clientId: "other" });

    // Just under the limit passes (remaining length = 2 + topic + payload).
    big.publish("size/ok", Buffer.alloc(4096 - 2 - "size/ok".length));
    await waitFor(() => got.includes(`size/ok:${4096 - 2 - "size/ok".length}`), 5000, "the largest allowed packet");
    const bigClosed = closed(big);
    big.publish("size/big", Buffer.alloc(64 * 1024));
    await bigClosed;
    // Everyone else carries on; the oversized message went nowhere.
    other.publish("size/after", "x");
    await waitFor(() => got.includes("size/after:1"), 5000, "a message from another client");
    expect(got.some((g) => g.startsWith("size/big"))).toBe(false);
    expect(watcher.connected && other.connected).toBe(true);
    await waitFor(() => (t.broker.stats().connectionsCut ?? 0) >= 1, 3000, "the refusal counted");
  });

  it("refuses the size in the header, before the body arrives", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_MQTT_MAX_PACKET_BYTES: "4096" });
    const socket = net.connect(t.mqttPort, "127.0.0.1");
    sockets.push(socket);
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "liar", keepalive: 60 }));
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    const gone = closed(socket);
    // A PUBLISH header announcing 200 MB, then only a few bytes of it: the broker must not wait for the rest.
    socket.write(Buffer.from([0x30, 0x80, 0xd0, 0xb0, 0x5f, 0x00, 0x01, 0x61]));
    await gone;
    expect(socket.destroyed).toBe(true);
  });
});

describe("connections per MQTT user", () => {
  it("refuses a user's connection past HEARTH_MQTT_MAX_CONNECTIONS_PER_USER with 'server unavailable', and frees the slot on close", async () => {
    const t = await hubWith({ HEARTH_MQTT_MAX_CONNECTIONS_PER_USER: "2" });
    const { password } = await t.hub.api.mqttUsers.add({ username: "plugs" });
    const { password: other } = await t.hub.api.mqttUsers.add({ username: "z2m" });
    const a = await connect(t.mqttUrl, { username: "plugs", password, clientId: "plug-a" });
    await connect(t.mqttUrl, { username: "plugs", password, clientId: "plug-b" });
    await expect(connect(t.mqttUrl, { username: "plugs", password, clientId: "plug-c" })).rejects.toMatchObject({ code: 3 });
    // Another user is not affected.
    const bridge = await connect(t.mqttUrl, { username: "z2m", password: other, clientId: "bridge" });
    expect(bridge.connected).toBe(true);
    // Reconnecting with a connected client id replaces that connection, so it is not refused.
    const aGone = closed(a);
    const a2 = await connect(t.mqttUrl, { username: "plugs", password, clientId: "plug-a" });
    await aGone;
    expect(a2.connected).toBe(true);
    // A slot freed by a closed connection is free again.
    const a2Gone = closed(a2);
    a2.end(true);
    await a2Gone;
    await waitFor(() => !t.broker.clients().some((c) => c.clientId === "plug-a"), 5000, "plug-a gone");
    const c = await connect(t.mqttUrl, { username: "plugs", password, clientId: "plug-c" });
    expect(c.connected).toBe(true);
  });
});

describe("client id takeover", () => {
  it("a second CONNECT with the same client id closes the first, whose will is published", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const watcher = await connect(t.mqttUrl, { clientId: "watcher" });
    await watcher.subscribeAsync("wills/#");
    const wills: string[] = [];
    watcher.on("message", (topic, payload) => wills.push(`${topic}=${payload.toString()}`));
    const first = await connect(t.mqttUrl, { clientId: "shelly-1", will: { topic: "wills/shelly-1", payload: Buffer.from("first gone"), qos: 0, retain: false } });
    const firstClosed = closed(first);
    const second = await connect(t.mqttUrl, { clientId: "shelly-1" });
    await firstClosed;
    // [MQTT-3.1.4-2]: the earlier connection is closed; it did not send DISCONNECT, so its will goes out.
    await waitFor(() => wills.includes("wills/shelly-1=first gone"), 5000, "the first connection's will");
    expect(second.connected).toBe(true);
    await waitFor(() => t.broker.clients().filter((c) => c.clientId === "shelly-1").length === 1, 5000, "one shelly-1");
  });
});

describe("keep-alive", () => {
  it("closes a client that goes silent for 1.5 times its keep-alive [MQTT-3.1.2-24]", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const socket = net.connect(t.mqttPort, "127.0.0.1");
    sockets.push(socket);
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "silent", keepalive: 1 }));
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    await waitFor(() => t.broker.clients().some((c) => c.clientId === "silent"), 3000, "the silent client connected");
    const gone = closed(socket);
    socket.resume(); // never sends PINGREQ
    await gone;
    await waitFor(() => !t.broker.clients().some((c) => c.clientId === "silent"), 3000, "the silent client gone");
  });

  it("keeps a client that pings", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const c = await connect(t.mqttUrl, { clientId: "pinger", keepalive: 1 });
    let closedEarly = false;
    c.once("close", () => (closedEarly = true));
    // Three keep-alive periods: a broker that ignored PINGREQ would have closed it by now.
    await new Promise((r) => setTimeout(r, 3000));
    expect(closedEarly).toBe(false);
    expect(t.broker.clients().some((x) => x.clientId === "pinger")).toBe(true);
  });
});
