import { spawnSync } from "node:child_process";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// The MQTT explorer page (/settings/mqtt/explorer). The phone and desktop projects share one hub, so every
// topic carries the project's name.

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

let request: APIRequestContext;
let device: MqttClient | undefined;
let deviceId = "";
let credentials = { username: "", password: "" };
let base = "";
let subscriberCount = 0;
const subscribers: MqttClient[] = [];

test.beforeAll(async ({ playwright }, testInfo) => {
  base = `e2e-explorer-ui-${testInfo.project.name}`;
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
  const username = `explorer-ui-${testInfo.project.name}-${Date.now()}`;
  const created = await request.post("/api/mqtt-users", { data: { username, description: "explorer UI e2e" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  deviceId = `${username}-device`;
  credentials = { username, password };
  device = await mqtt.connectAsync(MQTT_URL, { ...credentials, clientId: deviceId, reconnectPeriod: 0 });
});

test.afterAll(async () => {
  // Leave no retained topics behind for later journeys.
  await request?.post("/api/mqtt/clear", { data: { prefix: `${base}/` } });
  await Promise.all(subscribers.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  await device?.endAsync();
  await request?.dispose();
});

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

function connected(): MqttClient {
  if (!device) throw new Error("the device did not connect");
  return device;
}

/** A fresh MQTT client subscribed to `filters`; collects what it receives, retained or not. */
async function subscribe(filters: string[]): Promise<Received[]> {
  const client = await mqtt.connectAsync(MQTT_URL, { ...credentials, clientId: `${deviceId}-sub-${++subscriberCount}`, reconnectPeriod: 0 });
  subscribers.push(client);
  const received: Received[] = [];
  client.on("message", (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(filters, { qos: 1 });
  return received;
}

const retainedTopics = (received: Received[]) => [...new Set(received.filter((m) => m.retain).map((m) => m.topic))].sort();

/** The value next to a label in the selected topic's facts. */
const fact = (detail: Locator, label: string) => detail.locator(`dt:text-is("${label}") + dd`);

function explorer(page: Page) {
  const tree = page.getByRole("tree", { name: "Topics" });
  return {
    tree,
    /** Names repeat across branches (a real "homeassistant" sits beside ours), so rows are found by depth too. */
    item: (name: string, level: number) => tree.getByRole("treeitem", { name, exact: true, level }),
    detail: page.getByRole("region", { name: "Selected topic" }),
    live: page.getByRole("region", { name: "Live messages" }),
    publish: page.getByRole("form", { name: "Publish a message" }),
  };
}

/** Opens tree levels one after another, as a person taps through them. */
async function expandPath(item: (name: string, level: number) => Locator, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await item(name, i + 1).click();
    await expect(item(name, i + 1)).toHaveAttribute("aria-expanded", "true");
  }
}

test("explorer shows and clears a retained topic", async ({ page }) => {
  const topic = `${base}/homeassistant/light/lamp/config`;
  const control = `${base}/still-retained`;
  const config = { name: "Lamp", command_topic: `${base}/lamp/set`, schema: "json" };
  await connected().publishAsync(control, "keep me", { qos: 1, retain: true });
  await connected().publishAsync(topic, JSON.stringify(config), { qos: 1, retain: true });
  // The broker holds both, so the check after clearing can tell a working clear from a broken probe.
  const before = await subscribe([topic, control]);
  await expect.poll(() => retainedTopics(before)).toEqual([topic, control].sort());

  await page.goto("/settings/mqtt");
  await page.getByRole("link", { name: "Open the MQTT explorer" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "MQTT explorer" })).toBeVisible();
  const { item, detail } = explorer(page);

  await expandPath(item, [base, "homeassistant", "light", "lamp"]);
  const row = item("config", 5);
  await expect(row.getByText("Retained", { exact: true })).toBeVisible();
  await expect(row).toContainText('{"name":"Lamp"');
  await expect(row).toContainText(`by ${deviceId}`);

  await row.click();
  await expect(row).toHaveAttribute("aria-selected", "true");
  await expect(detail).toContainText(topic);
  const payload = detail.getByRole("figure", { name: "Payload (JSON)" }).locator("pre");
  await expect(payload).toHaveJSProperty("textContent", JSON.stringify(config, null, 2));
  await expect(fact(detail, "Retained")).toHaveText("Yes");
  await expect(fact(detail, "QoS")).toHaveText("1");
  await expect(fact(detail, "Published by")).toContainText(deviceId);

  await detail.getByRole("button", { name: "Clear retained message" }).click();
  const dialog = page.getByRole("dialog", { name: "Clear the retained message?" });
  await expect(dialog).toContainText(topic);
  await dialog.getByRole("button", { name: "Clear", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(detail.getByRole("status")).toContainText("Cleared 1 retained message");
  await expect(fact(detail, "Retained")).toHaveText("No");
  await expect(fact(detail, "Published by")).toHaveText("Hearth");
  await expect(detail.getByRole("button", { name: "Clear retained message" })).toHaveCount(0);
  await expect(row.getByText("Retained", { exact: true })).toHaveCount(0);

  // A brand-new subscriber gets the control topic's retained message, and none for the cleared topic.
  const after = await subscribe([topic, control]);
  await expect.poll(() => after.map((m) => m.topic)).toContain(control);
  expect(after.filter((m) => m.topic === topic)).toEqual([]);
});

test("clears a discovery branch after confirming, and only that branch", async ({ page }) => {
  const prefix = `${base}/homeassistant/sensor`;
  const doomed = [`${prefix}/xyz/temperature/config`, `${prefix}/xyz/humidity/config`];
  const kept = `${prefix}/xyzzy/config`;
  for (const topic of [...doomed, kept]) await connected().publishAsync(topic, '{"name":"x"}', { qos: 1, retain: true });
  const before = await subscribe([`${prefix}/#`]);
  await expect.poll(() => retainedTopics(before)).toEqual([...doomed, kept].sort());

  await page.goto("/settings/mqtt/explorer");
  const { item, detail } = explorer(page);
  await expandPath(item, [base, "homeassistant", "sensor", "xyz"]);
  await expect(item("xyz", 4)).toHaveAttribute("aria-selected", "true");
  await expect(detail).toContainText("2 topics below, 2 with a retained message");

  await detail.getByRole("button", { name: "Clear retained messages in this branch" }).click();
  const dialog = page.getByRole("dialog", { name: "Clear 2 retained messages?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await detail.getByRole("button", { name: "Clear retained messages in this branch" }).click();
  await dialog.getByRole("button", { name: "Clear branch" }).click();
  await expect(dialog).toBeHidden();
  await expect(detail.getByRole("status")).toContainText("Cleared 2 retained messages");
  await expect(detail.getByRole("button", { name: "Clear retained messages in this branch" })).toHaveCount(0);

  const after = await subscribe([`${prefix}/#`]);
  await expect.poll(() => retainedTopics(after)).toEqual([kept]);
  expect(after.filter((m) => doomed.includes(m.topic))).toEqual([]);
});

test("the live log shows messages as they arrive, filters them and pauses", async ({ page }) => {
  await page.goto("/settings/mqtt/explorer");
  const { live, detail } = explorer(page);
  const status = live.getByRole("status");
  const log = live.getByRole("list", { name: "Live messages" });
  const entry = (topic: string) => log.getByRole("listitem").filter({ has: page.getByRole("button", { name: topic, exact: true }) });
  await expect(status).toHaveText("Live");

  const kitchen = `${base}/live/kitchen`;
  const door = `${base}/other/door`;
  await connected().publishAsync(kitchen, '{"temperature":21.5}', { qos: 1 });
  await connected().publishAsync(door, "open", { qos: 1 });
  await expect(entry(kitchen)).toContainText('{"temperature":21.5}');
  await expect(entry(kitchen)).toContainText(deviceId);
  await expect(entry(door)).toContainText("open");

  await live.getByLabel("Topic filter").fill(`${base}/live/+`);
  await live.getByRole("button", { name: "Apply filter" }).click();
  await expect(entry(door)).toHaveCount(0);
  await expect(entry(kitchen)).toBeVisible();
  await expect(status).toHaveText("Live");

  // Published in this order by one client: had the filter not reached the hub, the window would show first.
  const windowTopic = `${base}/other/window`;
  const bath = `${base}/live/bath`;
  await connected().publishAsync(windowTopic, "closed", { qos: 1 });
  await connected().publishAsync(bath, "19", { qos: 1 });
  await expect(entry(bath)).toBeVisible();
  await expect(entry(windowTopic)).toHaveCount(0);

  await live.getByRole("button", { name: "Pause" }).click();
  await expect(status).toHaveText("Paused");
  const shower = `${base}/live/shower`;
  await connected().publishAsync(shower, "on", { qos: 1 });
  await expect(live.getByText("1 new while paused.")).toBeVisible();
  await expect(entry(shower)).toHaveCount(0);
  await live.getByRole("button", { name: "Resume" }).click();
  await expect(entry(shower)).toContainText("on");
  await expect(status).toHaveText("Live");

  await entry(bath).getByRole("button", { name: bath }).click();
  await expect(detail).toContainText(bath);
  await expect(detail.getByRole("figure", { name: "Payload (text)" })).toContainText("19");
  await expect(fact(detail, "Retained")).toHaveText("No");
});

test("publishing from the explorer reaches an MQTT subscriber", async ({ page }) => {
  const topic = `${base}/cmnd/POWER`;
  const received = await subscribe([`${base}/cmnd/#`]);
  await page.goto("/settings/mqtt/explorer");
  const { publish } = explorer(page);
  const topicField = publish.getByLabel("Topic", { exact: true });

  await topicField.fill(`${base}/cmnd/+`);
  await publish.getByLabel("Payload").fill("ON");
  await publish.getByRole("button", { name: "Publish" }).click();
  await expect(topicField).toHaveAttribute("aria-invalid", "true");
  await expect(topicField).toHaveAccessibleDescription(/Topic must not contain the wildcards \+ or #/);

  await topicField.fill(topic);
  await publish.getByLabel("QoS").selectOption("1");
  await publish.getByRole("button", { name: "Publish" }).click();
  await expect(publish.getByRole("status")).toHaveText(`Published to ${topic}.`);
  await expect(topicField).not.toHaveAttribute("aria-invalid", "true");
  await expect.poll(() => received.map((m) => [m.topic, m.payload, m.retain])).toEqual([[topic, "ON", false]]);
});

test("a plain user is told the explorer is for owners and admins", async ({ page }, testInfo) => {
  const username = `explorer-viewer-${testInfo.project.name}`;
  const password = "a plain user password";
  // The admin CLI works on the data dir while the hub runs (CONTRACT.md).
  const add = spawnSync(process.execPath, ["dist/cli.js", "user", "add", username, "--role", "user", "--password-stdin"], {
    input: password,
    encoding: "utf8",
    env: { ...process.env, HEARTH_DATA_DIR: process.env.HEARTH_E2E_DATA_DIR ?? "" },
    timeout: 30_000,
  });
  expect(add.status, add.stderr).toBe(0);
  expect((await page.request.post("/api/auth/login", { data: { username, password } })).status()).toBe(200);

  await page.goto("/settings/mqtt/explorer");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Only the home’s owner or an admin can use the MQTT explorer");
  await expect(page.getByRole("tree")).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Publish a message" })).toHaveCount(0);
  await page.goto("/settings/mqtt");
  await expect(page.getByRole("link", { name: "Open the MQTT explorer" })).toHaveCount(0);
});
