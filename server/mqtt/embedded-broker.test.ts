import type { IClientOptions, MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { connectClient } from "../testing/mqtt-test-client";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop();
});

async function hubWith(env: Record<string, string> = {}) {
  const t = await startTestHub(env);
  hubs.push(t);
  return t;
}

const connect = (url: string, opts: IClientOptions = {}): Promise<MqttClient> => connectClient(clients, url, opts);

function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() > until) reject(new Error("timed out"));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe("embedded broker authentication", () => {
  it("refuses anonymous clients unless HEARTH_MQTT_ANONYMOUS is true", async () => {
    const t = await hubWith();
    await expect(connect(t.mqttUrl)).rejects.toMatchObject({ code: 5 });
    const open = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const c = await connect(open.mqttUrl);
    expect(c.connected).toBe(true);
  });

  it("refuses a wrong password and an unknown user, accepts the right one", async () => {
    const t = await hubWith();
    const { password } = await t.hub.api.mqttUsers.add({ username: "plug-1" });
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    await expect(connect(t.mqttUrl, { username: "plug-1", password: "wrong-password" })).rejects.toMatchObject({ code: 4 });
    await expect(connect(t.mqttUrl, { username: "nobody", password })).rejects.toMatchObject({ code: 4 });
    const c = await connect(t.mqttUrl, { username: "plug-1", password, clientId: "tasmota-plug-1" });
    expect(c.connected).toBe(true);
    await waitFor(() => t.broker.clients().some((x) => x.clientId === "tasmota-plug-1"));
    const info = t.broker.clients().find((x) => x.clientId === "tasmota-plug-1");
    expect(info).toMatchObject({ username: "plug-1", address: expect.stringContaining("127.0.0.1") as string, transport: "tcp" });
    expect(t.hub.api.mqttUsers.list()[0]).toMatchObject({ username: "plug-1", connections: 1 });
  });

  it("closes a revoked user's connections at once and refuses it afterwards", async () => {
    const t = await hubWith();
    const { password } = await t.hub.api.mqttUsers.add({ username: "esp-kitchen" });
    const c = await connect(t.mqttUrl, { username: "esp-kitchen", password });
    const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
    t.hub.api.mqttUsers.revoke("esp-kitchen");
    await closed;
    await expect(connect(t.mqttUrl, { username: "esp-kitchen", password })).rejects.toMatchObject({ code: 4 });
  });

  it("a regenerated password closes old connections and only the new one works", async () => {
    const t = await hubWith();
    const { password: old } = await t.hub.api.mqttUsers.add({ username: "z2m" });
    const c = await connect(t.mqttUrl, { username: "z2m", password: old });
    const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
    const { password } = await t.hub.api.mqttUsers.regeneratePassword("z2m");
    await closed;
    expect(password).not.toBe(old);
    await expect(connect(t.mqttUrl, { username: "z2m", password: old })).rejects.toMatchObject({ code: 4 });
    expect((await connect(t.mqttUrl, { username: "z2m", password })).connected).toBe(true);
  });
});

describe("embedded broker transport", () => {
  it("speaks MQTT over WebSocket at /mqtt, sharing messages with TCP clients", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const ws = await connect(t.wsUrl, { clientId: "browser-1" });
    const tcp = await connect(t.mqttUrl);
    const got = new Promise<string>((resolve) => ws.on("message", (_topic, payload) => resolve(payload.toString())));
    await ws.subscribeAsync("living/+/state");
    await tcp.publishAsync("living/lamp/state", "ON");
    expect(await got).toBe("ON");
    expect(t.broker.clients().find((x) => x.clientId === "browser-1")?.transport).toBe("ws");
  });

  it("counts client messages and taps topics server-side, with retained replay on request", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const c = await connect(t.mqttUrl);
    await c.publishAsync("homeassistant/sensor/x/config", '{"state_topic":"x"}', { retain: true, qos: 1 });
    // aedes acks a QoS 1 publish before its retained copy is stored.
    let retained = 0;
    await waitFor(() => {
      void t.broker.readRetained("homeassistant/#").then((r) => (retained = r.length));
      return retained === 1;
    });
    const seen: string[] = [];
    const unsubscribe = await t.broker.subscribe("homeassistant/+/+/config", (m) => seen.push(`${m.topic}|${m.retain}`), {
      retained: true,
    });
    expect(seen).toEqual(["homeassistant/sensor/x/config|true"]);
    await c.publishAsync("homeassistant/light/y/config", "{}", { qos: 1 });
    await waitFor(() => seen.length === 2);
    await unsubscribe();
    await c.publishAsync("homeassistant/light/z/config", "{}", { qos: 1 });
    // the broker thread reports its counters once a second
    await expect.poll(() => t.broker.stats().messagesTotal, { timeout: 3000 }).toBe(3);
    expect(seen).toHaveLength(2);
  });

  it("publishes the birth message on start and offline on a clean stop", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const c = await connect(t.mqttUrl);
    const messages: string[] = [];
    c.on("message", (topic, payload) => messages.push(`${topic}=${payload.toString()}`));
    await c.subscribeAsync("homeassistant/status", { qos: 1 });
    await t.broker.publish("homeassistant/status", "online");
    await waitFor(() => messages.length === 1);
    hubs.splice(hubs.indexOf(t), 1);
    await t.stop();
    expect(messages).toEqual(["homeassistant/status=online", "homeassistant/status=offline"]);
  });

  it("drops a client that sends garbage instead of MQTT, and keeps serving others", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const net = await import("node:net");
    const sock = net.connect(t.mqttPort, "127.0.0.1");
    await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
    const closed = new Promise<void>((resolve) => sock.once("close", () => resolve()));
    sock.on("error", () => undefined);
    sock.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02]));
    await closed;
    expect((await connect(t.mqttUrl)).connected).toBe(true);
  });
});

describe("embedded broker shutdown", () => {
  it("stops cleanly while a new subscription is still receiving many retained messages", async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    const pub = await connect(t.mqttUrl);
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => pub.publishAsync(`retained/${i}`, "x".repeat(2000), { qos: 0, retain: true })),
    );
    await pub.publishAsync("retained/last", "x", { qos: 1, retain: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sub = await connect(t.mqttUrl);
    sub.subscribe("retained/#");
    await new Promise<void>((resolve) => sub.once("message", () => resolve()));
    await t.stop(); // an unhandled stream error here fails the run as an uncaught exception
    expect(t.broker.stats().connected).toBe(false);
  });
});

describe("broker thread to hub", () => {
  it("hands a burst of messages over in order, a few milliseconds of handling per event-loop turn", async () => {
    const t = await hubWith({ HEARTH_MQTT_ANONYMOUS: "true" });
    const got: number[] = [];
    // Event-loop turns, counted by a setImmediate chain: how many messages one turn handled says whether the
    // hub paces the broker's batches (a few per turn) or takes a whole batch in one go (hundreds). Counting,
    // not timing, holds on a loaded machine: a slower CPU handles fewer 1 ms messages per 3 ms slice, not more.
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const perTurn = new Map<number, number>();
    // A slow subscriber: 1 ms of work per message.
    await t.broker.subscribe("burst/#", (m) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
      got.push(Number(m.payload.toString()));
    });
    try {
      const c = await connect(t.mqttUrl);
      const N = 400;
      for (let i = 0; i < N; i++) c.publish(`burst/${i % 7}`, String(i));
      await waitFor(() => got.length === N, 15_000);
      expect(got).toEqual(Array.from({ length: N }, (_, i) => i));
    } finally {
      counting = false;
    }
    // Paced at 3 ms a turn, a turn handles about 3 of these; unpaced, one turn takes the whole batch.
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(20);
  });
});
