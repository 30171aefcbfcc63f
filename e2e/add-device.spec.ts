import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { signIn } from "./fixtures/hub";

// The "Add device" wizard end to end: the credentials it shows let a new MQTT.js device connect; the device
// announces itself with discovery, the wizard finds it, and it lands in the room picked in the last step.

let device: MqttClient | undefined;
let deviceId: string | undefined;
let username: string | undefined;

test.afterEach(async ({ page }) => {
  await device?.endAsync(true).catch(() => undefined);
  device = undefined;
  if (deviceId) await page.request.delete(`/api/devices/${encodeURIComponent(deviceId)}`).catch(() => undefined);
  if (username) await page.request.delete(`/api/mqtt-users/${encodeURIComponent(username)}`).catch(() => undefined);
  deviceId = undefined;
  username = undefined;
});

async function setting(page: Page, label: string): Promise<string> {
  const text = await page.locator(`[data-setting="${label}"]`).textContent();
  expect(text, `the wizard shows the ${label}`).toBeTruthy();
  return (text ?? "").trim();
}

async function shot(page: Page, name: string): Promise<void> {
  // Screenshots for reviewing the layout by eye, into the folder HEARTH_E2E_SCREENSHOTS names; off by default.
  const dir = process.env.HEARTH_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${test.info().project.name}-${name}.png`), fullPage: true });
}

test("pairing with the wizard: the new device connects, lands in the chosen room, is controlled, goes offline and comes back, live", async ({ page }, testInfo) => {
  const key = `${testInfo.project.name}-${Date.now().toString(36)}`;
  const deviceName = `Wizard Lamp ${key}`;
  const newName = `Porch light ${key}`;
  const roomName = `Porch ${key}`;

  await signIn(page);
  await page.goto("/devices");
  await page.getByRole("link", { name: "Add device" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add device" })).toBeVisible();
  await shot(page, "1-kind");

  await page.getByRole("radio", { name: /Generic MQTT/ }).check();
  await page.getByRole("button", { name: "Get connection settings" }).click();

  await expect(page.getByRole("heading", { name: "Settings for your Generic MQTT" })).toBeVisible();
  username = await setting(page, "Username");
  const password = await setting(page, "Password");
  const host = await setting(page, "Broker address");
  const port = Number(await setting(page, "Port"));
  expect(username).toMatch(/^pair-generic-[0-9a-f]{6}$/);
  expect(host).toBe("127.0.0.1");
  await expect(page.locator("pre.snippet")).toContainText(`Password: ${password}`);
  await expect(page.getByRole("img", { name: /QR code of the settings/ })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: `Waiting for ${username} to connect` })).toBeVisible();
  await shot(page, "2-settings");

  const base = `wizard/${key}`;
  // A lamp as firmware makes one: a last will of "offline", "online" once connected, and it answers commands.
  const connectLamp = async () => {
    const client = await mqtt.connectAsync(`mqtt://${host}:${port}`, {
      username,
      password,
      clientId: `wizard-${key}`,
      reconnectPeriod: 0,
      connectTimeout: 8000,
      will: { topic: `${base}/status`, payload: Buffer.from("offline"), retain: true, qos: 1 },
    });
    client.on("message", (topic, payload) => {
      if (topic === `${base}/set`) void client.publishAsync(`${base}/state`, payload.toString(), { retain: true, qos: 1 }).catch(() => undefined); // the client may end with this in flight
    });
    await client.subscribeAsync(`${base}/set`, { qos: 1 });
    await client.publishAsync(`${base}/status`, "online", { retain: true, qos: 1 });
    return client;
  };
  device = await connectLamp();
  await expect(page.getByRole("status").filter({ hasText: "Connected, waiting for it to announce itself" })).toBeVisible({ timeout: 10_000 });

  const config = {
    name: "Lamp",
    unique_id: `wizard_${key}_lamp`,
    command_topic: `${base}/set`,
    state_topic: `${base}/state`,
    availability_topic: `${base}/status`,
    device: { identifiers: [`wizard-${key}`], name: deviceName, manufacturer: "Hearth tests", model: "Wizard lamp" },
  };
  await device.publishAsync(`homeassistant/light/wizard_${key.replace(/-/g, "_")}/lamp/config`, JSON.stringify(config), { retain: true, qos: 1 });
  await device.publishAsync(`${base}/state`, "ON", { retain: true, qos: 1 });

  const found = page.getByRole("list", { name: "Found devices" });
  await expect(found).toContainText(deviceName, { timeout: 10_000 });
  await expect(found).toContainText("Hearth tests · Wizard lamp");
  await shot(page, "3-found");
  await page.getByRole("button", { name: `Name and place ${deviceName}` }).click();

  await page.getByLabel("Device name").fill(newName);
  await page.getByLabel("Room", { exact: true }).selectOption({ label: "New room…" });
  await page.getByLabel("New room name").fill(roomName);
  await shot(page, "4-place");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: `${newName} is in ${roomName}` })).toBeVisible();

  const devices = (await (await page.request.get("/api/devices")).json()) as Array<{ id: string; name: string; room_id: string | null }>;
  const placed = devices.find((d) => d.name === newName);
  expect(placed, "the renamed device").toBeDefined();
  deviceId = placed?.id;

  await page.getByRole("link", { name: `Open ${roomName}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
  const lamp = page.getByRole("switch", { name: /Lamp/ });
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  await shot(page, "5-room");

  // Control it: the lamp confirms over MQTT and the page shows the confirmed state.
  await lamp.click();
  await expect(lamp).toHaveAttribute("aria-checked", "false");
  await expect(lamp).not.toHaveAttribute("aria-busy", "true");
  const card = page.getByRole("article", { name: /Lamp/ });
  await expect(card).toContainText("Off");

  // Power cut: the connection drops without DISCONNECT, the broker publishes the will, the page says so.
  device.stream.destroy();
  await expect(card).toContainText(/Offline since \d\d:\d\d/, { timeout: 20_000 });
  await expect(lamp).toBeDisabled();
  await shot(page, "6-offline");

  // Power back: it reconnects and says "online"; the same open page comes back to life and takes commands.
  device = await connectLamp();
  await expect(lamp).toBeEnabled({ timeout: 10_000 });
  await expect(card).not.toContainText("Offline");
  await lamp.click();
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  await expect(card).toContainText("On");
  // Leave no retained topics behind for later journeys.
  await page.request.post("/api/mqtt/clear", { data: { prefix: base } }).catch(() => undefined);
});

test("Zigbee2MQTT: permit join opens the bridge's network with a countdown and shows joining devices", async ({ page }, testInfo) => {
  const base = `z2m-${testInfo.project.name}-${Date.now().toString(36)}`;
  await signIn(page);
  await page.goto("/devices/add");
  await page.getByRole("radio", { name: /Zigbee2MQTT bridge/ }).check();
  await page.getByLabel("Zigbee2MQTT base topic").fill(base);
  await page.getByRole("button", { name: "Get connection settings" }).click();
  await expect(page.locator("pre.snippet")).toContainText(`base_topic: "${base}"`);
  username = await setting(page, "Username");
  const password = await setting(page, "Password");
  device = await mqtt.connectAsync(`mqtt://${await setting(page, "Broker address")}:${await setting(page, "Port")}`, { username, password, reconnectPeriod: 0, connectTimeout: 8000 });
  const requests: string[] = [];
  device.on("message", (_topic, payload) => requests.push(payload.toString()));
  await device.subscribeAsync(`${base}/bridge/request/permit_join`, { qos: 1 });

  await page.getByRole("button", { name: /Permit join/ }).click();
  await expect(page.getByRole("timer")).toContainText(/Open for [23]:\d\d/);
  await expect.poll(() => requests).toEqual(['{"value":true,"time":180}']);

  await device.publishAsync(`${base}/bridge/event`, JSON.stringify({ type: "device_joined", data: { friendly_name: "0xbeef", ieee_address: "0xbeef" } }));
  await device.publishAsync(`${base}/bridge/event`, JSON.stringify({ type: "device_interview", data: { friendly_name: "0xbeef", ieee_address: "0xbeef", status: "successful", supported: true, definition: { vendor: "IKEA", model: "LED1624G9" } } }));
  const joined = page.getByRole("list", { name: "Joining devices" });
  await expect(joined).toContainText("0xbeef joined");
  await expect(joined).toContainText("0xbeef is ready: IKEA LED1624G9");
  await shot(page, "7-z2m");

  await page.getByRole("button", { name: "Stop joining" }).click();
  await expect(page.getByRole("button", { name: /Permit join/ })).toBeVisible();
  await expect.poll(() => requests.at(-1)).toBe('{"value":false,"time":0}');
});

test("the status page has a card to open the dashboard on a phone", async ({ page }) => {
  await signIn(page);
  await page.goto("/status");
  const card = page.getByRole("region", { name: "Open on your phone" });
  await expect(card).toBeVisible();
  // The e2e hub listens on loopback only, so the card says how to let phones in instead of a QR code.
  await expect(card).toContainText("HEARTH_HOST=0.0.0.0");
  await shot(page, "6-status");
});
