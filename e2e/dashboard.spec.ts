import { expect, test, type Page, type WebSocket } from "@playwright/test";
import { FakeDevice } from "./fixtures/fake-device";
import { signIn } from "./fixtures/hub";

// Rooms and controls against the real hub: an MQTT.js device announces itself with a suggested area,
// answers commands by publishing its state, and drops off the network without DISCONNECT.
test.describe.configure({ mode: "serial" });

let device: FakeDevice;
let room: string;

test.beforeAll(async ({ playwright }, testInfo) => {
  const key = testInfo.project.name;
  room = `E2E Lab ${key}`;
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await api.post("/api/auth/login", { data: { username: "ada", password: "correct horse battery" } });
  expect(login.status()).toBe(200);
  const username = `e2e-desk-${key}-${Date.now()}`;
  const created = await api.post("/api/mqtt-users", { data: { username, description: "dashboard journey" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  await api.dispose();
  device = new FakeDevice({ key, username, password, room });
  await device.start();
});

test.afterAll(async () => {
  await device?.remove();
});

async function openRoom(page: Page): Promise<void> {
  await signIn(page);
  await page.goto("/");
  const link = page.getByRole("link", { name: room, exact: true });
  await expect(link).toBeVisible({ timeout: 15_000 });
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: room })).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 15_000 });
}

test("the home view shows the device's room; toggling the light waits for the device's confirmation", async ({ page }) => {
  await openRoom(page);
  const lamp = page.getByRole("switch", { name: device.name("Lamp") });
  await expect(lamp).toHaveAttribute("aria-checked", "false");

  device.delayMs = 1200;
  await lamp.click();
  // Pending: the switch shows the request and the card says it waits; then the device's state.
  await expect(page.getByRole("status").filter({ hasText: `Waiting for ${device.name("Lamp")}` })).toBeVisible();
  await expect(lamp).toHaveAttribute("aria-busy", "true");
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("status").filter({ hasText: "Waiting for" })).toHaveCount(0, { timeout: 5000 });
  await expect(lamp).not.toHaveAttribute("aria-busy", "true");
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  expect(device.commands.at(-1)).toMatchObject({ payload: "ON" });
  await expect(page.getByRole("article", { name: device.name("Lamp") })).toContainText("On");
  device.delayMs = 0;
});

test("no confirmation within a few seconds turns into a clear message", async ({ page }) => {
  await openRoom(page);
  const lamp = page.getByRole("switch", { name: device.name("Lamp") });
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  device.answer = "ignore";
  await lamp.click();
  await expect(page.getByRole("article", { name: device.name("Lamp") }).getByRole("alert")).toContainText(`${device.name("Lamp")} did not confirm`, { timeout: 9000 });
  // The card falls back to what the device last reported.
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  device.answer = "confirm";
});

test("a state published over MQTT appears on the open page", async ({ page }) => {
  await openRoom(page);
  const sensor = page.getByRole("article", { name: device.name("Temperature") });
  await expect(sensor).toContainText("21.5 °C");
  await device.publish("temperature", "23.4");
  await expect(sensor).toContainText("23.4 °C");
  await expect(page.getByRole("list", { name: `${room} summary` })).toContainText("23.4 °C");
});

test("the live page and the bell share one WebSocket, also across a client-side navigation", async ({ page }, testInfo) => {
  const key = `${testInfo.project.name}-${Date.now().toString(36)}`;
  const sockets: WebSocket[] = [];
  page.on("websocket", (ws) => {
    if (new URL(ws.url()).pathname === "/api/websocket") sockets.push(ws);
  });
  const bell = (n: number) => page.getByRole("banner").getByRole("link", { name: n === 0 ? "Notifications, none active" : `Notifications, ${n} active` });
  // The bell polls every 20 s without its socket: a count that moves within the 8 s expect timeout came over the socket.
  const notify = async (id: string) => {
    const res = await page.request.post("/api/notifications", { data: { title: `Socket check ${id}`, message: "One socket per tab.", notification_id: id } });
    expect(res.status()).toBe(201);
  };
  await signIn(page);
  const list = await page.request.get("/api/notifications");
  const before = ((await list.json()) as { dismissed_at: number | null }[]).filter((n) => n.dismissed_at === null).length;

  await page.goto("/");
  await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bell(before)).toBeVisible();
  await notify(`socket-a-${key}`);
  await expect(bell(before + 1)).toBeVisible();
  expect(sockets, "the live states and the bell use one WebSocket").toHaveLength(1);

  await page.getByRole("link", { name: room, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: room })).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 15_000 });
  const sensor = page.getByRole("article", { name: device.name("Temperature") });
  await device.publish("temperature", "22.1");
  await expect(sensor).toContainText("22.1 °C");
  await notify(`socket-b-${key}`);
  await expect(bell(before + 2)).toBeVisible();
  expect(sockets, "a client-side navigation keeps the tab's WebSocket").toHaveLength(1);
  expect(sockets[0]?.isClosed()).toBe(false);

  for (const id of [`socket-a-${key}`, `socket-b-${key}`]) expect((await page.request.delete(`/api/notifications/${id}`)).status()).toBe(204);
});

test("unlocking asks for confirmation first", async ({ page }) => {
  await openRoom(page);
  const door = page.getByRole("article", { name: device.name("Door") });
  await expect(door).toContainText("Locked");
  const before = device.commands.length;
  await page.getByRole("button", { name: `Unlock ${device.name("Door")}` }).click();
  const dialog = page.getByRole("dialog", { name: `Unlock ${device.name("Door")}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  expect(device.commands.length, "cancel sends nothing").toBe(before);

  await page.getByRole("button", { name: `Unlock ${device.name("Door")}` }).click();
  await dialog.getByRole("button", { name: "Unlock", exact: true }).click();
  await expect(door).toContainText("Unlocked");
  expect(device.commands.at(-1)).toMatchObject({ payload: "UNLOCK" });
});

test("the device page shows what the device announced", async ({ page }) => {
  await openRoom(page);
  await page.getByRole("link", { name: device.deviceName, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: device.deviceName })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("Hearth tests");
  await expect(page.getByRole("main")).toContainText("1.2.3");
  await expect(page.getByRole("combobox", { name: `Room for ${device.deviceName}` })).toHaveValue(/e2e_lab/);
  await page.getByText(/Discovery payloads/).click();
  await expect(page.getByRole("main")).toContainText(`homeassistant/light/e2e_`);
  await expect(page.getByRole("switch", { name: device.name("Lamp") })).toBeVisible();
});

test("a device that drops off without DISCONNECT shows offline and cannot be commanded", async ({ page }) => {
  await openRoom(page);
  const lamp = page.getByRole("switch", { name: device.name("Lamp") });
  await expect(lamp).toBeEnabled();
  device.dropConnection();
  const card = page.getByRole("article", { name: device.name("Lamp") });
  await expect(card).toContainText(/Offline since \d\d:\d\d/, { timeout: 20_000 });
  await expect(lamp).toBeDisabled();
  await expect(page.getByRole("button", { name: `Unlock ${device.name("Door")}` }).or(page.getByRole("button", { name: `Lock ${device.name("Door")}` })).first()).toBeDisabled();
  await expect(page.getByRole("list", { name: `${room} summary` })).toContainText("1 offline");
});
