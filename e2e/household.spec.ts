import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { FakeDevice } from "./fixtures/fake-device";
import { OWNER, signIn } from "./fixtures/hub";

// Household roles against the real hub: a guest limited to the living room sees and controls only that room
// (pages, REST, WebSocket through the dashboard), a wall tablet gets one dashboard, and "home network only"
// refuses a sign-in from outside. Two fake devices, one per room, announce themselves with suggested areas.
test.describe.configure({ mode: "serial" });

let living: FakeDevice;
let kitchen: FakeDevice;
let livingRoom: string;
let kitchenRoom: string;
let rooms: { living: string; kitchen: string };
const PASSWORD = "guest password 1";

async function ownerApi(playwright: { request: { newContext(o: { baseURL?: string | undefined }): Promise<APIRequestContext> } }, baseURL: string | undefined): Promise<APIRequestContext> {
  const api = await playwright.request.newContext({ baseURL });
  const login = await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status()).toBe(200);
  return api;
}

async function deviceWithLogin(api: APIRequestContext, key: string, room: string): Promise<FakeDevice> {
  const username = `e2e-house-${key}-${Date.now()}`;
  const created = await api.post("/api/mqtt-users", { data: { username, description: "household journey" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  const device = new FakeDevice({ key, username, password, room });
  await device.start();
  return device;
}

test.beforeAll(async ({ playwright }, testInfo) => {
  const key = testInfo.project.name;
  livingRoom = `Guest Living ${key}`;
  kitchenRoom = `Guest Kitchen ${key}`;
  const api = await ownerApi(playwright, testInfo.project.use.baseURL);
  living = await deviceWithLogin(api, `${key}-hl`, livingRoom);
  kitchen = await deviceWithLogin(api, `${key}-hk`, kitchenRoom);
  // suggested_area makes the rooms; wait until both are there.
  await expect(async () => {
    const list = (await (await api.get("/api/rooms")).json()) as Array<{ room_id: string; name: string }>;
    const l = list.find((r) => r.name === livingRoom);
    const k = list.find((r) => r.name === kitchenRoom);
    expect(l && k).toBeTruthy();
    rooms = { living: l!.room_id, kitchen: k!.room_id };
  }).toPass({ timeout: 15_000 });
  await api.dispose();
});

test.afterAll(async () => {
  await living?.remove();
  await kitchen?.remove();
});

async function signInAs(browser: Browser, baseURL: string | undefined, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const res = await page.request.post("/api/auth/login", { data: { username, password: PASSWORD } });
  expect(res.status(), `login as ${username}`).toBe(200);
  return page;
}

const entityOf = async (api: APIRequestContext, friendlyName: string): Promise<string> => {
  const states = (await (await api.get("/api/states")).json()) as Array<{ entity_id: string; attributes: { friendly_name?: string } }>;
  const found = states.find((s) => s.attributes.friendly_name === friendlyName);
  expect(found, friendlyName).toBeTruthy();
  return found!.entity_id;
};

test("a guest added on the People page sees and controls only the living room, everywhere", async ({ page, browser }, testInfo) => {
  const guest = `guest-${testInfo.project.name}-${Date.now()}`;
  await signIn(page);
  const livingLamp = await entityOf(page.request, living.name("Lamp"));
  const kitchenLamp = await entityOf(page.request, kitchen.name("Lamp"));

  await page.goto("/settings/people");
  const add = page.getByRole("region", { name: "Add a person" });
  await add.getByLabel("Username").fill(guest);
  await add.getByLabel("Name", { exact: true }).fill("Guest");
  await add.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await add.getByLabel("Role").selectOption("user");
  await add.getByRole("checkbox", { name: livingRoom }).check();
  await add.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByRole("status")).toContainText(`can sign in now as ${guest}`);
  await expect(page.getByRole("region", { name: "People" }).getByRole("listitem").filter({ hasText: guest })).toContainText(`Member · ${livingRoom}`);

  const guestPage = await signInAs(browser, testInfo.project.use.baseURL, guest);
  await guestPage.goto("/");
  await expect(guestPage.getByRole("link", { name: livingRoom, exact: true })).toBeVisible();
  await expect(guestPage.getByText(kitchenRoom)).toHaveCount(0);
  await expect(guestPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" })).toHaveCount(0);
  // The living room's lamp works from the dashboard, live (WebSocket) and through the device's answer.
  await expect(guestPage.getByText("Live", { exact: true })).toBeVisible({ timeout: 15_000 });
  const lamp = guestPage.getByRole("switch", { name: living.name("Lamp") });
  await lamp.click();
  await expect(lamp).toHaveAttribute("aria-checked", "true");
  expect(living.commands.at(-1)).toMatchObject({ payload: "ON" });

  // Pages outside their rights lead back home; a room outside is not there.
  for (const path of ["/devices", "/automations", "/settings/people", "/logbook"]) {
    await guestPage.goto(path);
    await expect(guestPage).toHaveURL(/\/$/);
  }
  expect((await guestPage.goto(`/rooms/${encodeURIComponent(rooms.kitchen)}`))?.status()).toBe(404);
  // Nothing in that answer names a room the guest does not see: not the title, not the streamed payload.
  expect(await (await guestPage.request.get(`/rooms/${encodeURIComponent(rooms.kitchen)}`)).text()).not.toContain(kitchenRoom);

  // REST: lists filtered, the kitchen is "not found", and its lamp refuses commands.
  const r = guestPage.request;
  const ids = ((await (await r.get("/api/states")).json()) as Array<{ entity_id: string }>).map((s) => s.entity_id);
  expect(ids).toContain(livingLamp);
  expect(ids).not.toContain(kitchenLamp);
  expect((await r.get(`/api/states/${kitchenLamp}`)).status()).toBe(404);
  expect(((await (await r.get("/api/rooms")).json()) as Array<{ room_id: string }>).map((x) => x.room_id)).toEqual([rooms.living]);
  const refused = await r.post("/api/services/light/turn_on", { data: { entity_id: kitchenLamp } });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(kitchenLamp);
  expect((await r.post("/api/services/light/turn_on", { data: { area_id: rooms.kitchen } })).status()).toBe(403);
  expect((await r.post("/api/services/mqtt/publish", { data: { topic: "x/y", payload: "1" } })).status()).toBe(403);
  expect((await r.get(`/api/history/period?filter_entity_id=${kitchenLamp}`)).status()).toBe(404);
  const mine = (await (await r.get("/api/history/period")).json()) as Array<Array<{ entity_id: string }>>;
  expect(mine.map((series) => series[0]?.entity_id)).not.toContain(kitchenLamp);
  expect((await r.get(`/api/history/statistics?statistic_ids=${kitchenLamp}&start_time=${new Date(Date.now() - 3_600_000).toISOString()}`)).status()).toBe(404);
  expect((await r.get("/api/automations")).status()).toBe(403);
  expect((await r.get("/api/mqtt-users")).status()).toBe(403);
  expect(kitchen.commands.filter((c) => c.topic.endsWith("/lamp/set"))).toHaveLength(0);

  // A token the guest makes carries the guest's rights, not more.
  const token = (await (await r.post("/api/auth/tokens", { data: { name: "guest script" } })).json()) as { token: string };
  const withToken = await r.get("/api/states", { headers: { Authorization: `Bearer ${token.token}` } });
  expect(((await withToken.json()) as Array<{ entity_id: string }>).map((s) => s.entity_id)).not.toContain(kitchenLamp);

  // The owner widens the guest to every room: the change holds at once.
  const people = (await (await page.request.get("/api/users")).json()) as { users: Array<{ id: number; username: string }> };
  const id = people.users.find((u) => u.username === guest)!.id;
  expect((await page.request.patch(`/api/users/${id}`, { data: { rooms: [rooms.living, rooms.kitchen] } })).status()).toBe(200);
  expect(((await (await r.get("/api/states")).json()) as Array<{ entity_id: string }>).map((s) => s.entity_id)).toContain(kitchenLamp);
  expect((await page.request.delete(`/api/users/${id}`)).status()).toBe(204);
  expect((await r.get("/api/states")).status()).toBe(401);
  await guestPage.context().close();
});

test("a wall tablet shows its rooms' dashboard and nothing to navigate to", async ({ page, browser }, testInfo) => {
  const tablet = `tablet-${testInfo.project.name}-${Date.now()}`;
  await signIn(page);
  const created = await page.request.post("/api/users", { data: { username: tablet, name: "Hall tablet", password: PASSWORD, role: "kiosk", rooms: [rooms.living] } });
  expect(created.status()).toBe(201);
  const kiosk = await signInAs(browser, testInfo.project.use.baseURL, tablet);
  await kiosk.goto("/");
  await expect(kiosk.getByRole("link", { name: livingRoom, exact: true })).toBeVisible();
  await expect(kiosk.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await expect(kiosk.getByRole("switch", { name: living.name("Lamp") })).toBeVisible();
  await kiosk.goto("/profile");
  await expect(kiosk).toHaveURL(/\/$/);
  // Kiosks cannot make or manage anything.
  expect((await kiosk.request.post("/api/rooms", { data: { name: "Nope" } })).status()).toBe(403);
  expect((await kiosk.request.patch(`/api/devices/x`, { data: { name: "y" } })).status()).toBe(403);
  await kiosk.context().close();
});

test("home network only: signing in through a proxy for an outside address is refused; from the LAN it works", async ({ page, playwright }, testInfo) => {
  const username = `lan-${testInfo.project.name}-${Date.now()}`;
  await signIn(page);
  expect((await page.request.post("/api/users", { data: { username, password: PASSWORD, local_only: true } })).status()).toBe(201);
  const outside = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.7" } });
  const refused = await outside.post("/api/auth/login", { data: { username, password: PASSWORD } });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("home network");
  await outside.dispose();
  const lan = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { "X-Forwarded-For": "192.168.1.23" } });
  expect((await lan.post("/api/auth/login", { data: { username, password: PASSWORD } })).status()).toBe(200);
  expect((await lan.get("/api/states")).status()).toBe(200);
  const sessions = (await (await lan.get("/api/auth/sessions")).json()) as { sessions: Array<{ current: boolean; client_address: string | null }> };
  expect(sessions.sessions.find((x) => x.current)?.client_address, "the session remembers where it signed in from").toBe("192.168.1.23");
  // The same session from outside does nothing.
  const cookies = await lan.storageState();
  const moved = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, storageState: cookies, extraHTTPHeaders: { "X-Forwarded-For": "198.51.100.4" } });
  expect((await moved.get("/api/states")).status()).toBe(401);
  await moved.dispose();
  await lan.dispose();
  // The profile says where the hub sees this device connect from, as the home-network check does.
  await page.goto("/profile");
  await expect(page.getByTestId("client-address")).toContainText("on the home network");
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": "203.0.113.7" });
  await page.reload();
  await expect(page.getByTestId("client-address")).toHaveText(/203\.0\.113\.7 · outside the home network/);
});
