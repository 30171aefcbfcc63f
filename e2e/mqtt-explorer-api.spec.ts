import { spawnSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import type { MqttLiveMessageView, MqttTopicMessageView, MqttTopicNodeView } from "../server/hub-api";
import { MQTT_URL, OWNER } from "./fixtures/hub";

// The MQTT explorer's REST API and live log on the shipped server (the UI comes later).
// Both browser projects run this file against one hub, so every topic carries the project's name.

test.describe.configure({ mode: "serial" });

let request: APIRequestContext;
let device: MqttClient | undefined;
let deviceId = "";
let credentials = { username: "", password: "" };
let base = "";

test.beforeAll(async ({ playwright }, testInfo) => {
  base = `e2e-explorer-${testInfo.project.name}`;
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
  const username = `explorer-${testInfo.project.name}-${Date.now()}`;
  const created = await request.post("/api/mqtt-users", { data: { username, description: "explorer e2e" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  deviceId = `${username}-device`;
  credentials = { username, password };
  device = await mqtt.connectAsync(MQTT_URL, { ...credentials, clientId: deviceId, reconnectPeriod: 0 });
});

test.afterAll(async () => {
  await device?.endAsync();
  await request?.dispose();
});

async function json<T>(res: { status(): number; json(): Promise<unknown>; text(): Promise<string> }, status = 200): Promise<T> {
  expect(res.status(), await res.text()).toBe(status);
  return (await res.json()) as T;
}

async function errorOf(res: { status(): number; json(): Promise<unknown> }): Promise<[number, string]> {
  const body = (await res.json()) as { error: { code: string } };
  return [res.status(), body.error.code];
}

const q = (v: string) => encodeURIComponent(v);

/** What a brand-new MQTT subscriber to `filter` receives as retained messages. */
async function retainedFor(filter: string): Promise<string[]> {
  const probe = await mqtt.connectAsync(MQTT_URL, { ...credentials, clientId: `${deviceId}-probe`, reconnectPeriod: 0 });
  const got: string[] = [];
  probe.on("message", (topic, _payload, packet) => packet.retain && got.push(topic));
  await probe.subscribeAsync(filter, { qos: 1 });
  await new Promise((resolve) => setTimeout(resolve, 400));
  await probe.endAsync();
  return got.sort();
}

test("explorer shows and clears a retained topic", async () => {
  const topic = `${base}/homeassistant/light/lamp/config`;
  await device?.publishAsync(topic, '{"name":"Lamp","command_topic":"x/set"}', { qos: 1, retain: true });

  await expect
    .poll(async () => (await json<MqttTopicNodeView[]>(await request.get(`/api/mqtt/topics?prefix=${q(`${base}/homeassistant/light/lamp/`)}`))).map((n) => n.name))
    .toEqual(["config"]);
  const [node] = await json<MqttTopicNodeView[]>(await request.get(`/api/mqtt/topics?prefix=${q(`${base}/homeassistant/light/lamp`)}`));
  expect(node).toMatchObject({ topic, has_message: true, retained: true, children: 0, messages: 1 });
  const top = (await json<MqttTopicNodeView[]>(await request.get("/api/mqtt/topics?prefix="))).find((n) => n.name === base);
  expect(top).toMatchObject({ has_message: false, retained_below: 1 });

  const message = await json<MqttTopicMessageView>(await request.get(`/api/mqtt/message?topic=${q(topic)}`));
  expect(message).toMatchObject({ topic, payload: '{"name":"Lamp","command_topic":"x/set"}', retained: true, retained_stored: true, qos: 1, client_id: deviceId });

  expect(await json(await request.post("/api/mqtt/clear", { data: { topic } }))).toEqual({ cleared: 1 });
  expect(await retainedFor(`${base}/#`)).toEqual([]);
  expect(await json<MqttTopicMessageView>(await request.get(`/api/mqtt/message?topic=${q(topic)}`))).toMatchObject({
    retained_stored: false,
    client_id: "$hub",
  });
});

test("clears a discovery branch, publishes as the hub, refuses bad input", async () => {
  for (const id of ["a", "b"]) await device?.publishAsync(`${base}/homeassistant/sensor/foo/${id}/config`, "{}", { qos: 1, retain: true });
  await device?.publishAsync(`${base}/homeassistant/sensor/foobar/config`, "{}", { qos: 1, retain: true });
  await expect.poll(async () => (await retainedFor(`${base}/homeassistant/#`)).length).toBe(3);
  expect(await json(await request.post("/api/mqtt/clear", { data: { prefix: `${base}/homeassistant/sensor/foo` } }))).toEqual({ cleared: 2 });
  expect(await retainedFor(`${base}/homeassistant/#`)).toEqual([`${base}/homeassistant/sensor/foobar/config`]);

  const res = await request.post("/api/mqtt/publish", { data: { topic: `${base}/cmnd/POWER`, payload: "ON", qos: 1 } });
  expect(res.status(), await res.text()).toBe(204);
  await expect
    .poll(async () => (await request.get(`/api/mqtt/message?topic=${q(`${base}/cmnd/POWER`)}`)).status())
    .toBe(200);
  expect(await json<MqttTopicMessageView>(await request.get(`/api/mqtt/message?topic=${q(`${base}/cmnd/POWER`)}`))).toMatchObject({
    payload: "ON",
    client_id: "$hub",
  });

  expect(await errorOf(await request.post("/api/mqtt/publish", { data: { topic: "a/+/b", payload: "x" } }))).toEqual([422, "unprocessable"]);
  expect(await errorOf(await request.post("/api/mqtt/publish", { data: { topic: "", payload: "x" } }))).toEqual([422, "unprocessable"]);
  expect(await errorOf(await request.post("/api/mqtt/publish", { data: { topic: "a", payload: "x".repeat(65_537) } }))).toEqual([422, "unprocessable"]);
  expect(await errorOf(await request.post("/api/mqtt/publish", { data: { payload: "x" } }))).toEqual([400, "invalid_input"]);
  expect(await errorOf(await request.post("/api/mqtt/publish", { data: { topic: "a", qos: 3 } }))).toEqual([400, "invalid_input"]);
  expect(await errorOf(await request.post("/api/mqtt/clear", { data: { prefix: "" } }))).toEqual([422, "unprocessable"]);
  expect(await errorOf(await request.post("/api/mqtt/clear", { data: { prefix: "#" } }))).toEqual([422, "unprocessable"]);
  expect(await errorOf(await request.post("/api/mqtt/clear", { data: { topic: "a", prefix: "b" } }))).toEqual([400, "invalid_input"]);
  expect(await errorOf(await request.get(`/api/mqtt/topics?prefix=${q("a/#")}`))).toEqual([422, "unprocessable"]);
  expect(await errorOf(await request.get(`/api/mqtt/message?topic=${q(`${base}/never/seen`)}`))).toEqual([404, "not_found"]);
  expect(await errorOf(await request.get("/api/mqtt/message"))).toEqual([400, "invalid_input"]);
});

test("the live log streams filtered messages as server-sent events", async ({ baseURL }) => {
  const { cookies } = await request.storageState();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const controller = new AbortController();
  const res = await fetch(`${baseURL}/api/mqtt/stream?filter=${q(`${base}/live/+`)}`, { headers: { cookie }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body?.getReader();
  if (!reader) throw new Error("no body");
  const events: Array<MqttLiveMessageView | { skipped: number }> = [];
  let text = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf("\n\n")) >= 0) {
        for (const line of text.slice(0, end).split("\n")) if (line.startsWith("data: ")) events.push(JSON.parse(line.slice(6)) as MqttLiveMessageView);
        text = text.slice(end + 2);
      }
    }
  })().catch(() => undefined);

  await device?.publishAsync(`${base}/live/one`, "1", { qos: 1 });
  await device?.publishAsync(`${base}/other/two`, "2", { qos: 1 });
  await device?.publishAsync(`${base}/live/three`, "3", { qos: 1 });
  await expect.poll(() => events.map((e) => ("topic" in e ? e.topic : "skipped"))).toEqual([`${base}/live/one`, `${base}/live/three`]);
  expect(events[0]).toMatchObject({ payload: "1", client_id: deviceId, retained: false });
  controller.abort();
  await reading;
});

test("only owners and admins may use the explorer", async ({ playwright }, testInfo) => {
  const username = `viewer-${testInfo.project.name}`;
  const password = "a plain user password";
  // The admin CLI works on the data dir while the hub runs (CONTRACT.md).
  const add = spawnSync(process.execPath, ["dist/cli.js", "user", "add", username, "--role", "user", "--password-stdin"], {
    input: password,
    encoding: "utf8",
    env: { ...process.env, HEARTH_DATA_DIR: process.env.HEARTH_E2E_DATA_DIR ?? "" },
    timeout: 30_000,
  });
  expect(add.status, add.stderr).toBe(0);
  const viewer = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await viewer.post("/api/auth/login", { data: { username, password } })).status()).toBe(200);
  expect(await errorOf(await viewer.get("/api/mqtt/topics?prefix="))).toEqual([403, "forbidden"]);
  expect(await errorOf(await viewer.get(`/api/mqtt/message?topic=${q(`${base}/x`)}`))).toEqual([403, "forbidden"]);
  expect(await errorOf(await viewer.post("/api/mqtt/publish", { data: { topic: `${base}/x`, payload: "1" } }))).toEqual([403, "forbidden"]);
  expect(await errorOf(await viewer.post("/api/mqtt/clear", { data: { topic: `${base}/x` } }))).toEqual([403, "forbidden"]);
  expect(await errorOf(await viewer.get("/api/mqtt/stream"))).toEqual([403, "forbidden"]);
  await viewer.dispose();

  const anonymous = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await anonymous.get("/api/mqtt/topics?prefix=")).status()).toBe(401);
  expect((await anonymous.get("/api/mqtt/stream")).status()).toBe(401);
  await anonymous.dispose();
});
