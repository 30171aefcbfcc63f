import fs from "node:fs";
import { expect, test, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceView, RoomView } from "../server/hub-api";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// Rooms settings and device health through the UI, on the shipped server. Both browser projects run this
// file against one hub, so every name carries the project's name. HEARTH_E2E_SHOTS=<dir> saves screenshots.

test.describe.configure({ mode: "serial" });

let request: APIRequestContext;
let client: MqttClient | undefined;
let key = "";
let mqttUser = "";
const shotsDir = process.env.HEARTH_E2E_SHOTS;

test.beforeAll(async ({ playwright }, testInfo) => {
  key = testInfo.project.name;
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
});

/**
 * One retry when an idle keep-alive socket was closed by the server just as it was reused (ECONNRESET after the
 * server's 5 s keep-alive timeout): the request context sits idle while a page test runs.
 */
async function call(send: () => Promise<APIResponse>): Promise<APIResponse> {
  try {
    return await send();
  } catch (err) {
    if (!/ECONNRESET|socket hang up/.test(String(err))) throw err;
    return send();
  }
}

test.afterAll(async () => {
  // Leave the hub as we found it: our rooms, our device (and its retained topics), our MQTT user.
  const rooms = (await (await call(() => request.get("/api/rooms"))).json()) as RoomView[];
  for (const r of rooms.filter((r) => r.name.endsWith(`RH ${key}`))) await call(() => request.delete(`/api/rooms/${encodeURIComponent(r.room_id)}`));
  const devices = (await (await call(() => request.get("/api/devices"))).json()) as DeviceView[];
  for (const d of devices.filter((d) => d.identifiers.includes(`rh-sensor-${key}`))) await call(() => request.delete(`/api/devices/${encodeURIComponent(d.id)}`));
  if (client) {
    for (const t of ["battery", "linkquality"]) await client.publishAsync(`e2e-rh/${key}/${t}`, "", { retain: true, qos: 1 });
    await client.endAsync();
  }
  if (mqttUser) await call(() => request.delete(`/api/mqtt-users/${encodeURIComponent(mqttUser)}`));
  await request.dispose();
});

async function shot(page: Page, name: string): Promise<void> {
  if (!shotsDir) return;
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: `${shotsDir}/${key}-${name}.png`, fullPage: true });
}

/** Room headings on the home view, in order. */
async function homeRooms(page: Page): Promise<string[]> {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  return (await page.locator(".room-section .room-title").allTextContents()).map((t) => t.trim());
}

test("rooms: create, rename, reorder and delete in the settings page; the home view follows", async ({ page }) => {
  const attic = `Attic RH ${key}`;
  const cellar = `Cellar RH ${key}`;
  const loft = `Loft RH ${key}`;
  await signIn(page);
  await page.goto("/");
  await page.getByRole("link", { name: "Manage rooms" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rooms" })).toBeVisible();

  const newRoom = page.getByRole("region", { name: "New room" });
  for (const [name, icon] of [
    [attic, "Lamp"],
    [cellar, "Door"],
  ] as const) {
    await newRoom.getByLabel("Room name").fill(name);
    await newRoom.getByRole("radio", { name: icon }).check();
    await newRoom.getByRole("button", { name: "Create room" }).click();
    await expect(page.getByRole("list", { name: "Rooms in order" }).getByRole("link", { name, exact: true })).toBeVisible();
    await expect(newRoom.getByLabel("Room name")).toHaveValue("");
  }
  await shot(page, "rooms");

  let order = await homeRooms(page);
  expect(order).toContain(attic);
  expect(order.indexOf(attic)).toBeLessThan(order.indexOf(cellar));

  // Rename and change the icon.
  await page.goto("/rooms");
  await page.getByRole("button", { name: `Edit ${attic}` }).click();
  const editor = page.getByRole("form", { name: `Edit ${attic}` });
  await editor.getByLabel("Room name").fill(loft);
  await editor.getByRole("radio", { name: "Window" }).check();
  await shot(page, "rooms-edit");
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("link", { name: loft, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: attic, exact: true })).toHaveCount(0);

  // Move the cellar above the loft.
  await page.getByRole("button", { name: `Move ${cellar} up` }).click();
  await expect(page.getByRole("status").filter({ hasText: `${cellar} moved to position` })).toBeAttached();
  // The keyboard stays on the room that moved.
  await expect(page.locator(":focus")).toHaveAccessibleName(new RegExp(`^Move ${cellar} (up|down)$`));
  order = await homeRooms(page);
  expect(order).toContain(loft);
  expect(order).not.toContain(attic);
  expect(order.indexOf(cellar)).toBeLessThan(order.indexOf(loft));

  // Delete the loft: the dialog says where its devices go.
  await page.goto("/rooms");
  await page.getByRole("button", { name: `Delete ${loft}` }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${loft}?` });
  await expect(dialog).toContainText("It has no devices.");
  await dialog.getByRole("button", { name: "Delete room" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: loft, exact: true })).toHaveCount(0);
  order = await homeRooms(page);
  expect(order).not.toContain(loft);
  expect(order).toContain(cellar);
});

test("a device with a low battery and a weak link shows on /health and in the home counts", async ({ page }) => {
  mqttUser = `e2e-rh-${key}-${Date.now()}`;
  const created = await call(() => request.post("/api/mqtt-users", { data: { username: mqttUser, description: "rooms-health journey" } }));
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  client = await mqtt.connectAsync(MQTT_URL, { username: mqttUser, password, clientId: mqttUser, reconnectPeriod: 0 });
  const name = `Porch Sensor RH ${key}`;
  const dev = { ids: [`rh-sensor-${key}`], name, mf: "Hearth tests", mdl: "Battery sensor" };
  const configs: Array<[string, Record<string, unknown>]> = [
    [`homeassistant/sensor/rh_${key}/battery/config`, { name: "Battery", uniq_id: `rh_${key}_battery`, stat_t: `e2e-rh/${key}/battery`, dev_cla: "battery", unit_of_meas: "%", dev }],
    [`homeassistant/sensor/rh_${key}/linkquality/config`, { name: "Linkquality", uniq_id: `rh_${key}_linkquality`, stat_t: `e2e-rh/${key}/linkquality`, unit_of_meas: "lqi", ent_cat: "diagnostic", dev }],
  ];
  for (const [topic, config] of configs) await client.publishAsync(topic, JSON.stringify(config), { retain: true, qos: 1 });
  // Retained, so the state is there whenever the hub's subscription lands.
  await client.publishAsync(`e2e-rh/${key}/battery`, "9", { retain: true, qos: 1 });
  await client.publishAsync(`e2e-rh/${key}/linkquality`, "18", { retain: true, qos: 1 });

  await expect
    .poll(async () => {
      const body = (await (await call(() => request.get("/api/devices/health"))).json()) as { devices: Array<{ name: string; problems: string[] }> };
      return body.devices.find((d) => d.name === name)?.problems ?? [];
    })
    .toEqual(["low_battery", "weak_link"]);

  await signIn(page);
  await page.goto("/");
  const strip = page.getByRole("link", { name: /^Device health/ });
  await expect(strip).toHaveAccessibleName(/\d+ low batter(y|ies)/);
  await expect(strip).toHaveAccessibleName(/\d+ weak signals?/);
  await shot(page, "home");
  await strip.click();

  await expect(page.getByRole("heading", { level: 1, name: "Device health" })).toBeVisible();
  const battery = page.getByRole("region", { name: /^Low battery/ });
  const item = battery.getByRole("listitem").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(item).toContainText("Battery 9 %");
  await expect(item).toContainText("last seen");
  const weak = page.getByRole("region", { name: /^Weak signal/ });
  await expect(weak.getByRole("listitem").filter({ hasText: name })).toContainText("Link quality 18 of 255");
  await shot(page, "health");

  // The link goes to the device page.
  await item.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  // A new battery and a better link: the open home view's counts follow (no reload).
  await page.goto("/");
  await expect(strip).toHaveAccessibleName(/weak signal/);
  await client.publishAsync(`e2e-rh/${key}/battery`, "80", { retain: true, qos: 1 });
  await client.publishAsync(`e2e-rh/${key}/linkquality`, "200", { retain: true, qos: 1 });
  await expect(strip).not.toHaveAccessibleName(/weak signal/, { timeout: 10_000 });
  await page.goto("/health");
  await expect(page.getByRole("region", { name: /^Low battery/ }).getByText(name)).toHaveCount(0);
});
