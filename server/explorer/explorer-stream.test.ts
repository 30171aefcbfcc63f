import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { EXPLORER_STREAM_PATH } from "./explorer-stream";

let t: TestHub;
let ownerCookie: string;
let userToken: string;
let adminToken: string;
const clients: MqttClient[] = [];
const streams: http.ClientRequest[] = [];

beforeAll(async () => {
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
  const grant = await t.hub.api.auth.onboard(
    { name: "Ada", username: "ada", password: "correct horse battery", locationName: "Home", timeZone: "UTC", unitSystem: "metric" },
    null,
  );
  ownerCookie = `theme=dark; hearth_session=${encodeURIComponent(grant.sessionToken)}`;
  adminToken = t.hub.accounts.createToken(grant.user.id, "explorer test").token;
  const user = await t.hub.accounts.addUser({ username: "bob", role: "user", password: "another long password" });
  userToken = t.hub.accounts.createToken(user.id, "bob's").token;
});

afterAll(async () => {
  await t.stop();
});

afterEach(async () => {
  for (const s of streams.splice(0)) s.destroy();
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  await expect.poll(() => t.hub.explorerStream.openStreams).toBe(0);
});

interface Stream {
  status: number;
  body: string;
  events: Array<Record<string, unknown>>;
  close(): void;
}

/** Opens GET <path>; resolves once the response headers are in (events keep arriving in `events`). */
function open(pathAndQuery: string, headers: Record<string, string> = {}, method = "GET"): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: t.httpPort, path: pathAndQuery, method, headers }, (res) => {
      const stream: Stream = { status: res.statusCode ?? 0, body: "", events: [], close: () => req.destroy() };
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        stream.body += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split("\n")) if (line.startsWith("data: ")) stream.events.push(JSON.parse(line.slice(6)) as Record<string, unknown>);
        }
      });
      res.on("error", () => undefined);
      resolve(stream);
    });
    req.on("error", reject);
    streams.push(req);
    req.end();
  });
}

async function device(clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(t.mqttUrl, { clientId, reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

const messages = (s: Stream) => s.events.filter((e) => "topic" in e);
const skippedTotal = (s: Stream) => s.events.reduce((n, e) => n + (typeof e.skipped === "number" ? e.skipped : 0), 0);

describe("GET /api/mqtt/stream (explorer live log, SSE)", () => {
  it("refuses anonymous callers, non-admins, other methods and bad filters", async () => {
    expect((await open(EXPLORER_STREAM_PATH)).status).toBe(401);
    expect((await open(EXPLORER_STREAM_PATH, { authorization: "Bearer not-a-token" })).status).toBe(401);
    const user = await open(EXPLORER_STREAM_PATH, { authorization: `Bearer ${userToken}` });
    expect(user.status).toBe(403);
    await expect.poll(() => user.body).toContain('"code":"forbidden"');
    expect((await open(EXPLORER_STREAM_PATH, { authorization: `Bearer ${adminToken}` }, "POST")).status).toBe(405);
    const bad = await open(`${EXPLORER_STREAM_PATH}?filter=${encodeURIComponent("a/#/b")}`, { cookie: ownerCookie });
    expect(bad.status).toBe(422);
    expect((await open(`${EXPLORER_STREAM_PATH}?filter=${encodeURIComponent("a+/b")}`, { cookie: ownerCookie })).status).toBe(422);
  });

  it("streams the messages that match its filter, with publisher, flags and a payload cut at 4 KiB", async () => {
    const s = await open(`${EXPLORER_STREAM_PATH}?filter=${encodeURIComponent("sensors/+/temp")}`, { cookie: ownerCookie });
    expect(s.status).toBe(200);
    await expect.poll(() => s.body).toContain(": connected");
    const dev = await device("thermo-1");
    await dev.publishAsync("sensors/kitchen/temp", "21.5", { qos: 1, retain: true });
    await dev.publishAsync("sensors/kitchen/humidity", "40", { qos: 1 });
    await dev.publishAsync("sensors/hall/temp", "x".repeat(5000), { qos: 0 });
    await t.hub.api.mqtt.publish({ topic: "sensors/hub/temp", payload_base64: Buffer.from([0xff, 0x00]).toString("base64") });

    await expect.poll(() => messages(s).length).toBe(3);
    // Three publishers, three paths: compare by topic, not arrival order.
    const byTopic = new Map(messages(s).map((e) => [e.topic, e]));
    const [kitchen, hall, hub] = ["sensors/kitchen/temp", "sensors/hall/temp", "sensors/hub/temp"].map((topic) => byTopic.get(topic));
    expect(kitchen).toMatchObject({ topic: "sensors/kitchen/temp", payload: "21.5", size: 4, truncated: false, retained: true, qos: 1, client_id: "thermo-1" });
    expect(hall).toMatchObject({ topic: "sensors/hall/temp", size: 5000, truncated: true, retained: false, qos: 0 });
    expect(hall?.payload).toBe("x".repeat(4096));
    expect(hub).toMatchObject({ topic: "sensors/hub/temp", payload: null, payload_base64: "/wA=", client_id: "$hub" });
  });

  it("passes at most 100 messages a second and reports the rest as skipped", async () => {
    const s = await open(`${EXPLORER_STREAM_PATH}?filter=${encodeURIComponent("burst/#")}`, { authorization: `Bearer ${adminToken}` });
    expect(s.status).toBe(200);
    const dev = await device("burster");
    for (let i = 0; i < 300; i++) dev.publish(`burst/${i % 7}`, String(i), { qos: 0 });
    await dev.publishAsync("elsewhere/x", "not in the filter", { qos: 1 });
    // Every message is either delivered or counted as skipped; the count comes with the next one-second report.
    await expect.poll(() => messages(s).length + skippedTotal(s), { timeout: 5000 }).toBe(300);
    expect(messages(s).length).toBeLessThanOrEqual(200);
    expect(skippedTotal(s)).toBeGreaterThanOrEqual(100);
    expect(messages(s).every((e) => String(e.topic).startsWith("burst/"))).toBe(true);
  });

  it("ends the broker-side tap when the client goes away", async () => {
    const s = await open(EXPLORER_STREAM_PATH, { cookie: ownerCookie });
    expect(s.status).toBe(200);
    await expect.poll(() => t.hub.explorerStream.openStreams).toBe(1);
    const dev = await device("chatty");
    await dev.publishAsync("live/one", "1", { qos: 1 });
    await expect.poll(() => messages(s).some((e) => e.topic === "live/one")).toBe(true);
    expect(t.broker.openTaps).toBe(1);
    s.close();
    await expect.poll(() => t.hub.explorerStream.openStreams).toBe(0);
    expect(t.broker.openTaps).toBe(0);
  });

  it("owns its path: no Next route may claim it", () => {
    expect(fs.existsSync(path.join(process.cwd(), "app", ...EXPLORER_STREAM_PATH.split("/").filter(Boolean)))).toBe(false);
  });
});
