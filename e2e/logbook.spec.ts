import { expect, test, type Page } from "@playwright/test";
import { FakeDevice } from "./fixtures/fake-device";
import { OWNER, signIn } from "./fixtures/hub";

// The logbook against the real hub: a person toggles a lamp in the UI and the logbook says so, by name; the
// device's own changes arrive on the open page; filters, days and paging. Phone and desktop share one hub,
// so the project name is in every device and room name.
test.describe.configure({ mode: "serial" });

let device: FakeDevice;
let room: string;

test.beforeAll(async ({ playwright }, testInfo) => {
  const key = `lb-${testInfo.project.name}`;
  room = `E2E Logbook ${testInfo.project.name}`;
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status()).toBe(200);
  const username = `e2e-logbook-${testInfo.project.name}-${Date.now()}`;
  const created = await api.post("/api/mqtt-users", { data: { username, description: "logbook journey" } });
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

const entries = (page: Page) => page.getByRole("listitem").filter({ has: page.locator("time") });

test("a lamp toggled in the UI shows in the room's logbook with the person's name", async ({ page }) => {
  await openRoom(page);
  const lamp = page.getByRole("switch", { name: device.name("Lamp") });
  await expect(lamp).toHaveAttribute("aria-checked", "false");
  await lamp.click();
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  await expect(lamp).not.toHaveAttribute("aria-busy", "true");

  await page.getByRole("link", { name: "Logbook", exact: true }).click();
  await expect(page).toHaveURL(/\/logbook\?room=/);
  await expect(page.getByRole("heading", { level: 1, name: "Logbook" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Room" })).toHaveValue(/e2e_logbook/);
  const today = page.getByRole("region", { name: "Today" });
  await expect(today.getByRole("listitem").first()).toContainText(`${device.name("Lamp")} turned on by ${OWNER.name}`);
  await expect(today).toContainText(`${device.deviceName} was added`);
  // The first values the device reported are not news; the reading is not in the logbook at all.
  await expect(today).not.toContainText("Temperature");
  await expect(today.getByRole("listitem").first().locator("time")).toHaveText(/^\d\d:\d\d$/);
});

test("the device's own changes appear at the top of the open logbook", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  await page.getByRole("link", { name: "Logbook", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Logbook" })).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(entries(page).filter({ hasText: `${device.name("Lamp")} turned on by ${OWNER.name}` })).toHaveCount(1);
  await device.publish("lamp/state", "OFF");
  await expect(entries(page).first()).toContainText(`${device.name("Lamp")} turned off by the device`, { timeout: 10_000 });
  await device.publish("door/state", "UNLOCKED");
  await expect(entries(page).first()).toContainText(`${device.name("Door")} unlocked by the device`, { timeout: 10_000 });
  await expect(entries(page).filter({ hasText: `${device.name("Lamp")} turned off by the device` })).toHaveCount(1);
});

test("filters by device and day, and pages back with Load earlier", async ({ page }) => {
  // Sixty more changes than a page holds, from the device itself.
  for (let i = 0; i < 30; i++) {
    await device.publish("door/state", "LOCKED");
    await device.publish("door/state", "UNLOCKED");
  }
  await signIn(page);
  await page.goto("/logbook");
  await page.getByRole("combobox", { name: "Room" }).selectOption({ label: room });
  await expect(page).toHaveURL(/room=/);
  await page.getByRole("combobox", { name: "Device" }).selectOption({ label: device.deviceName });
  await expect(page).toHaveURL(/device=/);
  await expect(page.getByRole("combobox", { name: "Device" })).toHaveValue(/.+/);
  // A page is 50 entries (more only when several share the last millisecond).
  await expect(entries(page).nth(49)).toBeVisible();
  expect(await entries(page).count()).toBeLessThan(64);
  const more = page.getByRole("button", { name: "Load earlier" });
  const box = await more.boundingBox();
  expect(box?.height ?? 0, "touch target").toBeGreaterThanOrEqual(44);
  await more.click();
  await expect(entries(page).filter({ hasText: `${device.name("Lamp")} turned on by ${OWNER.name}` })).toHaveCount(1);
  await expect(entries(page).filter({ hasText: `${device.deviceName} was added` })).toHaveCount(1);
  await expect(more).toBeHidden();

  // A day before the device existed (in any time zone): nothing; "Latest" goes back.
  const day = page.getByLabel("Day", { exact: true });
  const before = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  await day.fill(before);
  await expect(page).toHaveURL(new RegExp(`day=${before}`));
  await expect(page.getByText("Nothing happened here on this day.")).toBeVisible();
  await page.getByRole("button", { name: "Latest" }).click();
  await expect(page).not.toHaveURL(/day=/);
  await expect(entries(page).first()).toBeVisible();
});

test("Home Assistant's logbook API answers the same, oldest first, with the person's user id", async ({ page }) => {
  await signIn(page);
  const list = (await (await page.request.get("/api/entities")).json()) as Array<{ entity_id: string; name: string }>;
  const lampId = list.find((e) => e.name === device.name("Lamp"))!.entity_id;
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const res = await page.request.get(`/api/logbook/${since}?entity=${lampId}&end_time=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as Array<Record<string, unknown>>;
  expect(body.map((e) => e.message)).toEqual(["turned on", "turned off"]);
  expect(body[0]).toMatchObject({ name: device.name("Lamp"), entity_id: lampId, state: "on", domain: "light", context_event_type: "call_service", context_domain: "light", context_service: "turn_on" });
  expect(typeof body[0]!.context_user_id).toBe("string");
  expect(body[1]!.context_user_id).toBeUndefined();
  const bad = await page.request.get(`/api/logbook/not-a-time`);
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toBe("Invalid datetime");
  const ours = await page.request.get(`/api/logbook?entity_id=${lampId}&limit=1`);
  expect(ours.status()).toBe(200);
  const page1 = (await ours.json()) as { entries: Array<{ sentence: string; cause: { kind: string } }>; next: number | null };
  expect(page1.entries[0]).toMatchObject({ sentence: `${device.name("Lamp")} turned off by the device`, cause: { kind: "device" } });
  expect(page1.next).not.toBeNull();
});
