import fs from "node:fs";
import { expect, test, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceView, RoomView } from "../server/hub-api";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// Charts and sparklines on the shipped server: an MQTT.js device with a thermometer, a setpoint (same unit,
// overlaid) and a door contact publishes a few values; the room's cards draw sparklines, the device page
// draws the history, the card opens it in a dialog. Both browser projects run this file against one hub,
// so every name carries the project's name. HEARTH_E2E_SHOTS=<dir> saves screenshots.

test.describe.configure({ mode: "serial" });

let request: APIRequestContext;
let client: MqttClient | undefined;
let key = "";
let mqttUser = "";
let device = "";
let room = "";
const shotsDir = process.env.HEARTH_E2E_SHOTS;
const base = () => `e2e-hist/${key}`;
const name = (entity: "Temperature" | "Setpoint" | "Door") => `${device} ${entity}`;

async function call(send: () => Promise<APIResponse>): Promise<APIResponse> {
  try {
    return await send();
  } catch (err) {
    // An idle keep-alive socket closed by the server as it was reused: once more.
    if (!/ECONNRESET|socket hang up/.test(String(err))) throw err;
    return send();
  }
}

async function shot(page: Page, label: string): Promise<void> {
  if (!shotsDir) return;
  fs.mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: `${shotsDir}/history-${key}-${label}.png`, fullPage: true });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publish(topic: string, payload: string): Promise<void> {
  await client?.publishAsync(`${base()}/${topic}`, payload, { retain: true, qos: 1 });
  // Distinct change times (the recorder keeps the newest of two states in one millisecond anyway).
  await pause(60);
}

test.beforeAll(async ({ playwright }, testInfo) => {
  key = testInfo.project.name;
  device = `E2E Meter ${key}`;
  room = `E2E History ${key}`;
  request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const login = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(login.status(), "owner login (does the onboarding project run first?)").toBe(200);
  mqttUser = `e2e-hist-${key}-${Date.now()}`;
  const created = await request.post("/api/mqtt-users", { data: { username: mqttUser, description: "history journey" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  client = await mqtt.connectAsync(MQTT_URL, { username: mqttUser, password, clientId: `e2e-hist-${key}`, reconnectPeriod: 0 });
  const dev = { identifiers: [`e2e-hist-${key}`], name: device, manufacturer: "Hearth tests", model: "Fake meter", suggested_area: room };
  const configs: Array<[string, Record<string, unknown>]> = [
    [`sensor/e2e_hist_${key}/temperature`, { unique_id: `e2e_hist_${key}_t`, name: "Temperature", state_topic: `${base()}/t`, device_class: "temperature", unit_of_measurement: "°C", state_class: "measurement", device: dev }],
    [`sensor/e2e_hist_${key}/setpoint`, { unique_id: `e2e_hist_${key}_sp`, name: "Setpoint", state_topic: `${base()}/sp`, unit_of_measurement: "°C", device: dev }],
    [`binary_sensor/e2e_hist_${key}/door`, { unique_id: `e2e_hist_${key}_door`, name: "Door", state_topic: `${base()}/door`, device_class: "door", device: dev }],
  ];
  for (const [topic, config] of configs) await client.publishAsync(`homeassistant/${topic}/config`, JSON.stringify(config), { retain: true, qos: 1 });
  // Let discovery register the entities before their first states.
  await expect.poll(async () => ((await (await call(() => request.get("/api/entities"))).json()) as Array<{ entity_id: string; device_id: string | null }>).filter((e) => e.entity_id.includes(`e2e_meter_${key}`)).length, { timeout: 10_000 }).toBe(3);
  for (const v of ["19.5", "23.25", "21"]) await publish("t", v);
  await publish("sp", "21");
  await publish("sp", "22");
  // The door stays open or closed a moment each time: zoomed in, each is a bar of its own.
  for (const v of ["ON", "OFF", "ON", "OFF"]) {
    await publish("door", v);
    await pause(1200);
  }
});

test.afterAll(async () => {
  const devices = (await (await call(() => request.get("/api/devices"))).json()) as DeviceView[];
  for (const d of devices.filter((d) => d.identifiers.includes(`e2e-hist-${key}`))) await call(() => request.delete(`/api/devices/${encodeURIComponent(d.id)}`));
  const rooms = (await (await call(() => request.get("/api/rooms"))).json()) as RoomView[];
  for (const r of rooms.filter((r) => r.name === room)) await call(() => request.delete(`/api/rooms/${encodeURIComponent(r.room_id)}`));
  if (client) {
    for (const t of ["t", "sp", "door"]) await client.publishAsync(`${base()}/${t}`, "", { retain: true, qos: 1 });
    await client.endAsync();
  }
  if (mqttUser) await call(() => request.delete(`/api/mqtt-users/${encodeURIComponent(mqttUser)}`));
  await request.dispose();
});

async function openRoom(page: Page): Promise<void> {
  await signIn(page);
  await page.goto("/");
  const link = page.getByRole("link", { name: room, exact: true });
  await expect(link).toBeVisible({ timeout: 15_000 });
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: room })).toBeVisible();
}

/** Whether any script the page loaded contains `needle` (uPlot's code names its overlay class "u-over"). */
/** Whether a script the page fetched (`pageLoadOnly`: before its load event) contains `needle`. */
async function loadedScriptsContain(page: Page, needle: string, pageLoadOnly = false): Promise<boolean> {
  await page.waitForFunction(() => document.readyState === "complete");
  const urls = await page.evaluate((onlyLoad) => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const cutoff = onlyLoad && nav ? nav.loadEventStart : Number.POSITIVE_INFINITY;
    return performance
      .getEntriesByType("resource")
      .filter((r) => r.startTime < cutoff)
      .map((r) => r.name)
      .filter((n) => n.endsWith(".js"));
  }, pageLoadOnly);
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) if ((await (await page.request.get(url)).text()).includes(needle)) return true;
  return false;
}

/** Milliseconds between two performance marks of the page (the last of each). */
async function between(page: Page, from: string, to: string): Promise<number> {
  return page.evaluate(
    ([a, b]) => {
      const last = (n: string) => performance.getEntriesByName(n).at(-1)?.startTime ?? NaN;
      return last(b) - last(a);
    },
    [from, to] as const,
  );
}

test("a numeric sensor's card draws its last day as a sparkline that follows live values", async ({ page }) => {
  const sparkRequests: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/history/")) sparkRequests.push(r.url());
  });
  await openRoom(page);
  const card = page.getByRole("article", { name: name("Temperature") });
  await expect(card).toContainText("21 °C");
  const spark = card.getByRole("img", { name: /last 24 hours/ });
  await expect(spark).toHaveAccessibleName(`${name("Temperature")}, last 24 hours: 19.5 °C to 23.25 °C`);
  // The path spans the box: the lowest value at the bottom, the highest at the top (32 px tall, 2 px padding).
  const ys = [...((await spark.locator("path").getAttribute("d")) ?? "").matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
  expect(Math.min(...ys)).toBeLessThanOrEqual(2.5);
  expect(Math.max(...ys)).toBeGreaterThanOrEqual(29.5);
  // The door has no sparkline, only its history button.
  await expect(page.getByRole("article", { name: name("Door") }).getByRole("img")).toHaveCount(0);
  await expect(page.getByRole("article", { name: name("Door") }).getByRole("button", { name: `${name("Door")} history` })).toBeVisible();
  // uPlot comes after the page's load, when the browser is idle (the first history tap finds it), never in it.
  expect(await loadedScriptsContain(page, "u-over", true), "uPlot is not loaded with the room page").toBe(false);
  // Both sparklines of the room came in one request per source.
  const before = sparkRequests.length;
  expect(before).toBeGreaterThanOrEqual(1);
  expect(before).toBeLessThanOrEqual(2);
  expect(sparkRequests.filter((u) => u.includes("/period/")).every((u) => u.includes("minimal_response") && u.includes("no_attributes"))).toBe(true);

  await publish("t", "25.5");
  await expect(card).toContainText("25.5 °C");
  await expect(spark).toHaveAccessibleName(`${name("Temperature")}, last 24 hours: 19.5 °C to 25.5 °C`);
  expect(sparkRequests.length, "a live value moves the sparkline without asking the hub").toBe(before);
  await shot(page, "room");
});

test("the card opens the sensor's history in a dialog, drawn within moments", async ({ page }, testInfo) => {
  await openRoom(page);
  const card = page.getByRole("article", { name: name("Temperature") });
  await expect(card.getByRole("img", { name: /last 24 hours/ })).toBeVisible();
  const timings: number[] = [];
  const parts: string[] = [];
  for (let round = 0; round < 3; round++) {
    const button = card.getByRole("button", { name: `${name("Temperature")} history` });
    if (testInfo.project.use.hasTouch) await button.tap();
    else await button.click();
    const dialog = page.getByRole("dialog", { name: name("Temperature") });
    await expect(dialog).toBeVisible();
    const chart = dialog.getByRole("img", { name: /^Chart of .*Temperature in °C, last 24 hours$/ });
    await expect(chart).toBeVisible();
    await expect(chart).toHaveAccessibleDescription(/min 19\.5 °C, max 25\.5 °C/);
    await expect(dialog.getByRole("radio", { name: /last 24 hours/ })).toBeChecked();
    timings.push(await between(page, "hearth:history:open", "hearth:history:drawn"));
    parts.push(`open→mount ${(await between(page, "hearth:history:open", "hearth:history:mount")).toFixed(0)}, mount→data ${(await between(page, "hearth:history:mount", "hearth:history:data")).toFixed(0)}, data→drawn ${(await between(page, "hearth:history:data", "hearth:history:drawn")).toFixed(0)}`);
    if (round === 0) await shot(page, "dialog");
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
  }
  expect(await loadedScriptsContain(page, "u-over"), "uPlot came with the chart").toBe(true);
  testInfo.annotations.push({ type: "open → 24 h chart drawn (ms)", description: timings.map((t) => t.toFixed(0)).join(", ") });
  console.log(`[history] ${key}: card history dialog open → chart drawn: ${timings.map((t, i) => `${t.toFixed(0)} ms (${parts[i]})`).join("; ")}`);
  for (const t of timings) expect(t).toBeGreaterThan(0);
  // The first open also fetches the panel and uPlot: a waterfall of round trips would show here.
  expect(timings[0]).toBeLessThan(3000);
  // Every later open is what a person sees most: instant. The faster of two, as the box is shared.
  expect(Math.min(...timings.slice(1))).toBeLessThan(300);
});

test("the device page overlays the two °C sensors, switches ranges and zooms; the door is a timeline", async ({ page }, testInfo) => {
  await openRoom(page);
  // A full page load, so the performance marks count from this page's navigation.
  const href = await page.getByRole("link", { name: device, exact: true }).getAttribute("href");
  await page.goto(href ?? "/");
  await expect(page.getByRole("heading", { level: 1, name: device })).toBeVisible();
  const history = page.getByRole("region", { name: "History" });
  // Entities sort by name on a device's page: the setpoint's line comes first.
  const chart = history.getByRole("img", { name: "Chart of Setpoint and Temperature in °C, last 24 hours" });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAccessibleDescription(/Temperature: min 19\.5 °C, max 25\.5 °C, mean [\d.]+ °C, last 25\.5 °C/);
  await expect(chart).toHaveAccessibleDescription(/Setpoint: min 21 °C, max 22 °C, mean [\d.]+ °C, last 22 °C/);
  const drawnAt = await page.evaluate(() => performance.getEntriesByName("hearth:history:drawn")[0]?.startTime ?? NaN);
  testInfo.annotations.push({ type: "device page: navigation → chart drawn (ms)", description: drawnAt.toFixed(0) });
  console.log(`[history] ${key}: device page navigation start → chart drawn: ${drawnAt.toFixed(0)} ms`);

  // The door's time in each state, in words; its bars come when zoomed in (below).
  await expect(history.getByRole("listitem").filter({ hasText: "Door:" })).toContainText(/Door: Closed .*, Open .*\(2 times\).*; last Closed/);
  await shot(page, "device");

  const statistics: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/history/statistics?")) statistics.push(decodeURIComponent(r.url()));
  });
  for (const [radio, label] of [
    [/last hour/, "last hour"],
    [/last 7 days/, "last 7 days"],
    [/last 30 days/, "last 30 days"],
    [/last year/, "last year"],
    [/last 24 hours/, "last 24 hours"],
  ] as const) {
    await history.getByRole("radio", { name: radio }).check();
    const ranged = history.getByRole("img", { name: `Chart of Setpoint and Temperature in °C, ${label}` });
    await expect(ranged).toBeVisible();
    // Statistics or raw history (a new sensor has no compiled statistics yet): the numbers are the same.
    await expect(ranged).toHaveAccessibleDescription(/Temperature: min 19\.5 °C, max 25\.5 °C/);
    // Hours and a week of a quiet sensor come raw; a month asks for hourly statistics, a year for daily ones.
    const period = { "last 30 days": "hour", "last year": "day" }[label as string];
    const asked = statistics.filter((u) => u.includes(`e2e_meter_${key}_temperature`));
    if (period) expect(asked.at(-1)).toContain(`period=${period}`);
    else if (label !== "last 24 hours") expect(asked).toHaveLength(0);
  }

  // Zoom with the buttons (the phone's way): an hour, then in to the last minutes, where each door state is a bar.
  await history.getByRole("radio", { name: /last hour/ }).check();
  for (let i = 0; i < 3; i++) await history.getByRole("button", { name: "Zoom in" }).click();
  await expect(history.getByRole("radio", { checked: true })).toHaveCount(0);
  const zoomed = history.getByRole("img", { name: /^Chart of Setpoint and Temperature in °C, \d/ });
  await expect(zoomed).toBeVisible();
  const door = history.getByRole("list", { name: "Door" });
  await expect(door.getByRole("listitem").filter({ hasText: "Open" })).toHaveCount(2);
  await expect(door.getByRole("listitem").filter({ hasText: "Closed" })).toHaveCount(2);
  await shot(page, "device-zoomed");

  // Reading a value: tap (phone) or point (desktop) at the chart's right edge, where 25.5 °C holds.
  await expect(history.locator(".history-panel")).toHaveAttribute("aria-busy", "false");
  const readout = history.locator(".history-readout").first();
  await zoomed.scrollIntoViewIfNeeded();
  await expect(async () => {
    const box = await zoomed.locator(".u-over").boundingBox();
    expect(box).not.toBeNull();
    const x = (box?.x ?? 0) + (box?.width ?? 0) - 2;
    const y = (box?.y ?? 0) + (box?.height ?? 0) / 2;
    if (testInfo.project.use.hasTouch) await page.touchscreen.tap(x, y);
    else await page.mouse.move(x, y);
    await expect(readout).toContainText(/Temperature 25\.5 °C/, { timeout: 1000 });
    await expect(readout).toContainText(/Setpoint 22 °C/, { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  if (!testInfo.project.use.hasTouch) {
    // The keyboard moves the reading too, and a screen reader hears it.
    await zoomed.focus();
    await page.keyboard.press("ArrowLeft");
    // A little earlier on a linear line: between 21 and 25.5 °C, rounded like a mean.
    await expect(readout.locator("[aria-live]")).toContainText(/Temperature (2[1-5](\.\d{1,2})?) °C/);
  }

  await history.getByRole("button", { name: "Reset zoom" }).click();
  await expect(history.getByRole("radio", { name: /last hour/ })).toBeChecked();
});
