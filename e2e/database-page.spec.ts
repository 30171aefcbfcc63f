import { expect, test, type APIRequestContext } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// The "database" page against the real hub: an MQTT.js sensor writes a burst of changes, shows up among the
// top writers, gets a recording policy from the page, and the hub records accordingly.
test.describe.configure({ mode: "serial" });

let client: MqttClient;
let api: APIRequestContext;
let key: string;
const probes = (k: string) => ({
  busy: { name: `DB Probe ${k}`, object: `db_probe_${k}`, topic: `e2e/db/${k}/busy` },
  quiet: { name: `DB Quiet ${k}`, object: `db_quiet_${k}`, topic: `e2e/db/${k}/quiet` },
});

async function announce(p: { name: string; object: string; topic: string }) {
  await client.publishAsync(`homeassistant/sensor/e2e_db/${p.object}/config`, JSON.stringify({ name: p.name, state_topic: p.topic, unique_id: `e2e_${p.object}` }), {
    retain: true,
    qos: 1,
  });
}

async function stateOf(entityId: string): Promise<string | undefined> {
  const res = await api.get(`/api/states/${entityId}`);
  return res.ok() ? ((await res.json()) as { state: string }).state : undefined;
}

async function publish(topic: string, value: string, entityId: string) {
  await client.publishAsync(topic, value, { qos: 1 });
  await expect.poll(() => stateOf(entityId), { timeout: 10_000 }).toBe(value);
}

async function recorded(entityId: string, since: number): Promise<string[]> {
  const res = await api.get(`/api/history/period/${new Date(since).toISOString()}?filter_entity_id=${entityId}&significant_changes_only=0&skip_initial_state`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as Array<Array<{ state: string }>>;
  return body[0]?.map((s) => s.state) ?? [];
}

test.beforeAll(async ({ playwright }, testInfo) => {
  key = testInfo.project.name;
  api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } })).status()).toBe(200);
  const username = `e2e-db-${key}-${Date.now()}`;
  const created = await api.post("/api/mqtt-users", { data: { username, description: "database journey" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  client = await mqtt.connectAsync(MQTT_URL, { username, password, clientId: username, reconnectPeriod: 0 });
  const { busy, quiet } = probes(key);
  await announce(busy);
  await announce(quiet);
  await expect.poll(() => stateOf(`sensor.${busy.object}`), { timeout: 15_000 }).toBeDefined();
  await expect.poll(() => stateOf(`sensor.${quiet.object}`), { timeout: 15_000 }).toBeDefined();
  // A burst: enough changes to be among the top writers of the last 24 hours.
  for (let i = 1; i <= 150; i++) await client.publishAsync(busy.topic, String(i), { qos: 1 });
  await expect.poll(() => stateOf(`sensor.${busy.object}`), { timeout: 15_000 }).toBe("150");
  for (const v of ["1", "2", "3"]) await publish(quiet.topic, v, `sensor.${quiet.object}`);
});

test.afterAll(async () => {
  const { busy, quiet } = probes(key);
  for (const p of [busy, quiet]) {
    await api.delete(`/api/history/policies/sensor.${p.object}`);
    await client.publishAsync(`homeassistant/sensor/e2e_db/${p.object}/config`, "", { retain: true, qos: 1 });
  }
  await client.endAsync();
  await api.dispose();
});

test("the page shows the database at a glance with the busy sensor among the top writers; a policy set there is applied", async ({ page }) => {
  const { busy } = probes(key);
  const entityId = `sensor.${busy.object}`;
  await signIn(page);
  await page.goto("/settings/mqtt");
  await page.getByRole("link", { name: "Database and history" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Database" })).toBeVisible();
  await expect(page.getByText("On disk")).toBeVisible();
  // The figures may be a minute old: measure again, so the burst is counted.
  await page.getByRole("button", { name: "Measure again" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Figures measured again." })).toHaveCount(1);

  const top = page.getByRole("list", { name: "Top writers in the last 24 hours" });
  const row = top.getByRole("listitem").filter({ hasText: busy.name });
  await expect(row).toBeVisible();
  await expect(row).toContainText(entityId);
  await expect(row).toContainText(/1[45]\d rows/);
  await page.getByRole("button", { name: /^Show all \d+ tables$/ }).click();
  await expect(page.getByRole("list", { name: "Tables by size" }).getByRole("listitem").filter({ hasText: "state_history" })).toBeVisible();

  const toggle = row.getByRole("button", { name: `Edit recording policy for ${busy.name}` });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const form = page.getByRole("form", { name: `Recording policy for ${busy.name}` });
  // The hub's own error, next to its field.
  await form.getByLabel("Keep days").fill("0");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(form.getByLabel("Keep days")).toHaveAccessibleDescription(/Must be at least 1 day/);
  await form.getByLabel("Keep days").fill("30");
  await form.getByLabel("Minimum change").fill("1");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Recording policy for ${busy.name} saved.` })).toHaveCount(1);
  await expect(form).toHaveCount(0);
  await expect(row).toContainText("Kept 30 days");
  await expect(row).toContainText("Changes of 1 or more");
  await expect(row).toContainText("kept 30 d");

  // Applied: a change smaller than 1 from the last recorded value is not stored; a bigger one is.
  const since = Date.now() - 1000;
  await publish(busy.topic, "200", entityId);
  await publish(busy.topic, "200.4", entityId);
  await publish(busy.topic, "202", entityId);
  await expect.poll(() => recorded(entityId, since), { timeout: 10_000 }).toEqual(["200", "202"]);

  // It survives a reload, and the policy list says the same.
  await page.reload();
  const search = page.getByRole("searchbox", { name: "Find an entity" });
  await search.fill(busy.object);
  const listed = page.getByRole("list", { name: "Entities" }).getByRole("listitem").filter({ hasText: busy.name });
  await expect(listed).toContainText("Kept 30 days");
  const policies = (await (await api.get("/api/history/policies")).json()) as Array<{ entity_id: string; keep_days: number; min_change: number }>;
  expect(policies).toContainEqual(expect.objectContaining({ entity_id: entityId, keep_days: 30, min_change: 1 }));
});

test("“Don’t record” and Purge now delete an entity's recorded history", async ({ page }) => {
  const { quiet } = probes(key);
  const entityId = `sensor.${quiet.object}`;
  expect(await recorded(entityId, Date.now() - 3_600_000)).toEqual(["1", "2", "3"]);
  await signIn(page);
  await page.goto("/settings/database");
  await page.getByRole("searchbox", { name: "Find an entity" }).fill(quiet.name);
  const row = page.getByRole("list", { name: "Entities" }).getByRole("listitem").filter({ hasText: quiet.name });
  await row.getByRole("button", { name: `Edit recording policy for ${quiet.name}` }).click();
  const form = page.getByRole("form", { name: `Recording policy for ${quiet.name}` });
  const exclude = form.getByRole("switch", { name: `Don’t record ${quiet.name}` });
  await expect(exclude).toHaveAttribute("aria-checked", "false");
  await exclude.click();
  await expect(exclude).toHaveAttribute("aria-checked", "true");
  await expect(form.getByLabel("Keep days")).toBeDisabled();
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(row).toContainText("Not recorded");

  // Not recorded any more ...
  await publish(quiet.topic, "4", entityId);
  // ... and what was, goes with the purge.
  await page.getByRole("button", { name: "Purge now" }).click();
  const dialog = page.getByRole("dialog", { name: "Purge old history now?" });
  await dialog.getByRole("button", { name: "Purge now" }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await expect(page.getByRole("status").filter({ hasText: /^Purged\. Removed [\d,]+ state rows?/ })).toHaveCount(1);
  await expect(page.getByTestId("last-purge")).toContainText("Removed");
  expect(await recorded(entityId, Date.now() - 3_600_000)).toEqual([]);
});

test("phone first: nothing overflows at 360 px and every control is a 44 px touch target", async ({ page }) => {
  test.skip(key !== "phone", "the phone project checks the narrow layout");
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page);
  await page.goto("/settings/database");
  const { busy } = probes(key);
  await page.getByRole("searchbox", { name: "Find an entity" }).fill(busy.object);
  await page.getByRole("button", { name: `Edit recording policy for ${busy.name}` }).first().click();
  await expect(page.getByRole("form", { name: `Recording policy for ${busy.name}` })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const small = await page.locator("main button, main input, main a").evaluateAll((els) =>
    els
      .filter((el) => (el as HTMLElement).offsetParent !== null && !el.closest("dialog"))
      .map((el) => ({ el: (el.getAttribute("aria-label") ?? el.textContent ?? el.tagName).trim().slice(0, 40), h: el.getBoundingClientRect().height }))
      .filter((b) => b.h < 44),
  );
  expect(small).toEqual([]);
});
