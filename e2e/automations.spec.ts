import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// Automations end to end: a rule pasted as YAML in the editor runs on a real MQTT message and leaves a trace;
// an invalid edit is refused with its path; the switch keeps the rule off; a failing condition is a visible
// near miss. Phone and desktop share one hub, so ids, aliases and topics carry the project name.
test.describe.configure({ mode: "serial" });

let key: string;
let client: MqttClient;
let mqttUser: string;
const created: string[] = [];
let announcedDevice: string | undefined;

const doorYaml = (k: string) => `# Hall light when a door opens after dark
id: door_after_sunset_${k}
alias: Door after sunset ${k}
mode: restart
triggers:
  - trigger: mqtt
    topic: zigbee2mqtt/+/contact
    payload: "false"
actions:
  - action: mqtt.publish
    data: { topic: hall/light/set, payload: "ON" }
  - delay: "00:05:00"
  - action: mqtt.publish
    data: { topic: hall/light/set, payload: "OFF" }
`;

const nearMissYaml = (k: string) => `id: near_miss_${k}
alias: Near miss ${k}
triggers:
  - trigger: mqtt
    topic: e2e/automations/${k}/button
conditions:
  - condition: template
    value_template: "{{ false }}"
actions:
  - action: mqtt.publish
    data: { topic: e2e/automations/${k}/never, payload: "x" }
`;

test.beforeAll(async ({ playwright }, testInfo) => {
  key = testInfo.project.name;
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } })).status()).toBe(200);
  mqttUser = `e2e-automations-${key}-${Date.now()}`;
  const res = await api.post("/api/mqtt-users", { data: { username: mqttUser, description: "automations journey" } });
  expect(res.status()).toBe(201);
  const { password } = (await res.json()) as { password: string };
  await api.dispose();
  client = await mqtt.connectAsync(MQTT_URL, { username: mqttUser, password, clientId: `e2e-automations-${key}`, reconnectPeriod: 0 });
});

test.afterAll(async ({ playwright }, testInfo) => {
  await client?.endAsync(true).catch(() => undefined);
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  for (const id of created) await api.delete(`/api/automations/${id}`).catch(() => undefined);
  // Forgetting the device also clears its retained discovery config.
  if (announcedDevice) await api.delete(`/api/devices/${encodeURIComponent(announcedDevice)}`).catch(() => undefined);
  if (mqttUser) await api.delete(`/api/mqtt-users/${encodeURIComponent(mqttUser)}`).catch(() => undefined);
  await api.dispose();
});

/** The next message on `topic`, subscribed before `publish` runs. */
async function nextMessage(topic: string, publish: () => Promise<unknown>): Promise<string> {
  await client.subscribeAsync(topic, { qos: 1 });
  const got = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing on ${topic} within 10 s`)), 10_000);
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      clearTimeout(timer);
      client.off("message", onMessage);
      resolve(payload.toString());
    };
    client.on("message", onMessage);
  });
  await publish();
  return got.finally(() => void client.unsubscribeAsync(topic).catch(() => undefined));
}

async function shot(page: Page, name: string): Promise<void> {
  // Screenshots for reviewing the layout by eye, into the folder HEARTH_E2E_SCREENSHOTS names; off by default.
  const dir = process.env.HEARTH_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `automations-${key}-${name}.png`), fullPage: true });
}

test("a door rule pasted as YAML runs on an MQTT message, leaves a trace, refuses a bad edit and stays off", async ({ page }) => {
  const alias = `Door after sunset ${key}`;
  const id = `door_after_sunset_${key}`;
  await signIn(page);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Automations" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Automations" })).toBeVisible();
  await page.getByRole("link", { name: "New automation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New automation" })).toBeVisible();
  await page.getByRole("button", { name: "YAML", exact: true }).click();
  const yaml = page.getByRole("textbox", { name: "YAML" });
  await expect(yaml).toHaveValue(/trigger: mqtt/);
  await shot(page, "1-new");
  await yaml.fill(doorYaml(key));
  await page.getByRole("button", { name: "Save automation" }).click();
  created.push(id);
  await expect(page).toHaveURL(new RegExp(`/automations/${id}$`));
  await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();
  // The plain-words summary is read from the saved rule.
  const summary = page.getByRole("region", { name: "What this rule does" });
  await expect(summary).toContainText('When a message arrives on zigbee2mqtt/+/contact with payload false');
  await expect(summary).toContainText("Publish ON to hall/light/set");
  await expect(summary).toContainText("Wait 5 minutes");
  // Comments are kept: the editor shows the rule as typed.
  await page.getByRole("button", { name: "YAML", exact: true }).click();
  await expect(page.getByRole("textbox", { name: "YAML" })).toHaveValue(/^# Hall light when a door opens after dark/);

  await page.getByRole("link", { name: "← Automations" }).click();
  await expect(page.getByRole("link", { name: alias })).toBeVisible();
  const toggle = page.getByRole("switch", { name: alias });
  await expect(toggle).toHaveAttribute("aria-checked", "true");

  const light = await nextMessage("hall/light/set", () => client.publishAsync(`zigbee2mqtt/front_door_${key}/contact`, "false", { qos: 1 }));
  expect(light).toBe("ON");

  await page.reload();
  const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: alias }) });
  await expect(row).toContainText("Running");
  await expect(row.locator("time")).toHaveText(/just now|s ago/);
  await shot(page, "2-list");
  await page.getByRole("link", { name: alias }).click();
  const runs = page.getByRole("list", { name: "Runs, newest first" });
  const first = runs.getByRole("listitem").first();
  await expect(first).toContainText("message on zigbee2mqtt/front_door");
  await first.locator("summary").click();
  await expect(first).toContainText(`Message on zigbee2mqtt/front_door_${key}/contact: false`);
  await expect(first.locator(".trace-step").first()).toContainText("actions/0");
  await expect(first.locator(".trace-step").first()).toContainText(`published "ON" to hall/light/set`);
  await expect(first.locator(".trace-step").nth(1)).toContainText("actions/1");
  await shot(page, "3-trace");

  // An invalid edit is refused, with where the problem is.
  await page.getByRole("button", { name: "YAML", exact: true }).click();
  await page.getByRole("textbox", { name: "YAML" }).fill(doorYaml(key).replace("mode: restart", "mode: sometimes"));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const problems = page.getByRole("alert").filter({ hasText: "must be one of" });
  await expect(problems).toBeVisible();
  await expect(problems.locator("code", { hasText: "mode" })).toBeVisible();
  await shot(page, "4-invalid");
  const revisions = page.getByRole("region", { name: /Revisions/ });
  await expect(revisions.getByText("Revision 2")).toHaveCount(0);

  // Off with its switch, and still off after a reload (here and in the list).
  const onPage = page.getByRole("switch", { name: alias });
  await onPage.click();
  await expect(onPage).toHaveAttribute("aria-checked", "false");
  await expect(onPage).not.toHaveAttribute("aria-busy", "true");
  await page.reload();
  await expect(page.getByRole("switch", { name: alias })).toHaveAttribute("aria-checked", "false");
  await page.goto("/automations");
  await expect(page.getByRole("switch", { name: alias })).toHaveAttribute("aria-checked", "false");
});

test("a rule whose condition fails shows as a near miss that says why", async ({ page }) => {
  const alias = `Near miss ${key}`;
  await signIn(page);
  const res = await page.request.post("/api/automations", { headers: { "Content-Type": "application/yaml" }, data: nearMissYaml(key) });
  expect(res.status()).toBe(201);
  created.push(`near_miss_${key}`);
  await client.publishAsync(`e2e/automations/${key}/button`, "press", { qos: 1 });
  await expect
    .poll(async () => ((await (await page.request.get(`/api/automations/near_miss_${key}`)).json()) as { last_outcome: string | null }).last_outcome)
    .toBe("near_miss");

  await page.goto("/automations");
  const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: alias }) });
  await expect(row).toContainText("Didn't run: condition failed");
  await page.getByRole("link", { name: alias }).click();
  const first = page.getByRole("list", { name: "Runs, newest first" }).getByRole("listitem").first();
  await expect(first).toContainText("Didn't run: condition failed");
  await first.locator("summary").click();
  await expect(first.locator(".cond-failed").first()).toContainText("Failed");
  await expect(first).toContainText("No steps ran.");
  await expect(page.getByRole("region", { name: "What this rule does" })).toContainText("If {{ false }} is true");
});

test("the home's location is set on the automations page, and a sun rule then has no problem", async ({ page }) => {
  await signIn(page);
  await page.goto("/automations");
  const form = page.getByRole("form", { name: "Where is the home?" });
  if (!(await form.isVisible())) await page.getByRole("button", { name: "Change location" }).click();
  await form.getByLabel("Latitude").fill("91");
  await form.getByLabel("Longitude").fill("13.405");
  await form.getByRole("button", { name: "Save location" }).click();
  await expect(form.getByRole("alert")).toContainText("Latitude is a number from -90 to 90");
  await form.getByLabel("Latitude").fill("52,52");
  await form.getByRole("button", { name: "Save location" }).click();
  await expect(page.getByText("Sun times for 52.520, 13.405.")).toBeVisible();
  const sunRule = `id: sunset_${key}\nalias: Sunset ${key}\ntriggers:\n  - trigger: sun\n    event: sunset\n    offset: "-00:30:00"\nactions:\n  - action: mqtt.publish\n    data: { topic: e2e/automations/${key}/sunset, payload: "x" }\n`;
  const res = await page.request.post("/api/automations", { data: sunRule, headers: { "Content-Type": "application/yaml" } });
  expect(res.status()).toBe(201);
  created.push(`sunset_${key}`);
  expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([]);
});

test("the Automations tab in the main navigation is current on automation pages and fits a 360 px phone", async ({ page }) => {
  if (key === "phone") await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page);
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  const tab = nav.getByRole("link", { name: "Automations" });
  await expect(nav.getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");
  await expect(tab).not.toHaveAttribute("aria-current", "page");
  await tab.click();
  await expect(page).toHaveURL(/\/automations$/);
  await expect(page.getByRole("heading", { level: 1, name: "Automations" })).toBeVisible();
  await expect(tab).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Home" })).not.toHaveAttribute("aria-current", "page");
  await page.goto(`/automations/near_miss_${key}`);
  await expect(tab).toHaveAttribute("aria-current", "page");

  // Every destination is on screen, whole, and big enough to tap; nothing scrolls sideways.
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  for (const name of ["Home", "Devices", "Automations", "Status", "MQTT", "Profile"]) {
    // The Devices tab's name carries its badge ("3 new Devices") when other journeys left devices unplaced.
    const box = await nav.getByRole("link", { name: new RegExp(`\\b${name}$`) }).boundingBox();
    expect(box, name).not.toBeNull();
    if (!box) continue;
    expect(box.x, name).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, name).toBeLessThanOrEqual(viewport.width);
    expect(Math.min(box.width, box.height), name).toBeGreaterThanOrEqual(44);
  }
  expect(await tab.locator(".tab-label").evaluate((el) => el.scrollWidth <= el.clientWidth), "the label is not cut off").toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  const tabBox = await tab.boundingBox();
  const profileBox = await nav.getByRole("link", { name: "Profile", exact: true }).boundingBox();
  // Phones: the tabs are a bottom bar within thumb reach, the profile button stays in the top bar.
  if (key === "phone") expect(tabBox?.y ?? 0).toBeGreaterThan(viewport.height / 2);
  else expect(tabBox?.y ?? viewport.height).toBeLessThan(100);
  expect(profileBox?.y ?? viewport.height).toBeLessThan(100);
  await shot(page, "5-tabs");
  await nav.getByRole("link", { name: "Profile", exact: true }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(nav.getByRole("link", { name: "Profile", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(tab).not.toHaveAttribute("aria-current", "page");
});

const diffYaml = (k: string, payload: string, note: string) => `id: diff_${k}
alias: Diff ${k}
description: ${note}
mode: single
# kept as written
triggers:
  - trigger: mqtt
    topic: e2e/automations/${k}/diff
actions:
  - action: mqtt.publish
    data:
      topic: e2e/automations/${k}/diff/out
      payload: "${payload}"
`;

test("each revision shows its changes as a line diff with signs, and restoring asks first", async ({ page }) => {
  const id = `diff_${key}`;
  await signIn(page);
  const headers = { "Content-Type": "application/yaml" };
  expect((await page.request.post("/api/automations", { headers, data: diffYaml(key, "one", "Short") })).status()).toBe(201);
  created.push(id);
  const longNote = "A description long enough to scroll sideways inside the diff box on a phone, never the page itself";
  expect((await page.request.put(`/api/automations/${id}`, { headers, data: diffYaml(key, "two", longNote) })).status()).toBe(200);

  await page.goto(`/automations/${id}`);
  const revisions = page.getByRole("region", { name: /Revisions/ });
  // The current revision's changes are open at first.
  await expect(revisions.getByRole("button", { name: "Changes in revision 2" })).toHaveAttribute("aria-expanded", "true");
  const changes = revisions.getByRole("region", { name: "Changes in revision 2" });
  await expect(changes).toBeVisible();
  await expect(revisions).toContainText("Compared with revision 1");
  const removed = changes.locator(".diff-removed");
  const added = changes.locator(".diff-added");
  await expect(removed.filter({ hasText: 'payload: "one"' })).toHaveCount(1);
  await expect(added.filter({ hasText: 'payload: "two"' })).toHaveCount(1);
  await expect(added.filter({ hasText: longNote })).toHaveCount(1);
  // A sign on every changed line, words for screen readers, and colour only on top of them.
  await expect(removed.filter({ hasText: 'payload: "one"' }).locator(".diff-sign")).toHaveText("-");
  await expect(added.filter({ hasText: 'payload: "two"' }).locator(".diff-sign")).toHaveText("+");
  await expect(removed.first()).toContainText("Removed:");
  await expect(added.first()).toContainText("Added:");
  const background = (l: typeof added) => l.first().evaluate((el) => getComputedStyle(el).backgroundColor);
  const same = changes.locator(".diff-same").first();
  expect(await background(added)).not.toBe(await same.evaluate((el) => getComputedStyle(el).backgroundColor));
  expect(await background(removed)).not.toBe(await background(added));
  // The unchanged stretch in between is folded, with a few lines of context around the changes.
  await expect(changes.locator(".diff-folded")).toContainText(/\d+ lines? unchanged/);
  await expect(changes.locator(".diff-same").filter({ hasText: "- action: mqtt.publish" })).toHaveCount(1);
  if (key === "phone") {
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await changes.evaluate((el) => el.scrollWidth > el.clientWidth), "long lines scroll inside the box").toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  }
  await shot(page, "6-diff");

  // Restore is one click and a confirmation; Cancel backs out.
  await revisions.getByRole("button", { name: "Restore revision 1" }).click();
  const dialog = page.getByRole("dialog", { name: "Restore revision 1?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(revisions.getByText("Revision 3")).toHaveCount(0);
  await revisions.getByRole("button", { name: "Restore revision 1" }).click();
  await dialog.getByRole("button", { name: "Restore" }).click();
  await expect(dialog).toBeHidden();
  await expect(revisions.getByText("Revision 3")).toBeVisible();
  const restored = revisions.getByRole("region", { name: "Changes in revision 3" });
  await expect(restored.locator(".diff-removed").filter({ hasText: 'payload: "two"' })).toHaveCount(1);
  await expect(restored.locator(".diff-added").filter({ hasText: 'payload: "one"' })).toHaveCount(1);

  // An older revision's changes load when opened; the first one is all new.
  await revisions.getByRole("button", { name: "Changes in revision 1" }).click();
  const first = revisions.getByRole("region", { name: "Changes in revision 1" });
  await expect(first).toBeVisible();
  await expect(revisions).toContainText("The first version");
  await expect(first.locator(".diff-removed")).toHaveCount(0);
  await expect(first.locator(".diff-added").filter({ hasText: 'payload: "one"' })).toHaveCount(1);
});

test.describe("with the browser in another time zone than the home", () => {
  test.use({ timezoneId: "Pacific/Honolulu" });

  test("rules and runs name entities and devices by their friendly names and show times in the home's zone", async ({ page }) => {
    await signIn(page);
    const deviceName = `Front door ${key}`;
    const friendly = `${deviceName} Contact`;
    const stateTopic = `e2e/automations/${key}/front_door/contact`;
    const config = { unique_id: `e2e_auto_${key}_contact`, name: "Contact", state_topic: stateTopic, device_class: "door", device: { identifiers: [`e2e-auto-door-${key}`], name: deviceName } };
    await client.publishAsync(`homeassistant/binary_sensor/e2e_auto_${key}/contact/config`, JSON.stringify(config), { retain: true, qos: 1 });
    let entityId = "";
    await expect
      .poll(async () => {
        const states = (await (await page.request.get("/api/states")).json()) as Array<{ entity_id: string; attributes: { friendly_name?: string } }>;
        entityId = states.find((s) => s.attributes.friendly_name === friendly)?.entity_id ?? "";
        return entityId;
      })
      .not.toBe("");
    const devices = (await (await page.request.get("/api/devices")).json()) as Array<{ id: string; name: string }>;
    announcedDevice = devices.find((d) => d.name === deviceName)?.id;
    expect(announcedDevice).toBeTruthy();

    const id = `names_${key}`;
    const rule = `id: ${id}\nalias: Names ${key}\ntriggers:\n  - trigger: state\n    entity_id: ${entityId}\n    to: "on"\n  - trigger: availability\n    device_id: "${announcedDevice}"\n    to: offline\nconditions:\n  - condition: state\n    entity_id: ${entityId}\n    state: "on"\nactions:\n  - delay: "00:10:00"\n`;
    const res = await page.request.post("/api/automations", { headers: { "Content-Type": "application/yaml" }, data: rule });
    expect(res.status()).toBe(201);
    created.push(id);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([]);
    await client.publishAsync(stateTopic, "ON", { qos: 1 });
    let startedAt = 0;
    await expect
      .poll(async () => {
        const { traces } = (await (await page.request.get(`/api/automations/${id}/traces`)).json()) as { traces: Array<{ started_at: number }> };
        startedAt = traces[0]?.started_at ?? 0;
        return startedAt;
      })
      .toBeGreaterThan(0);

    await page.goto(`/automations/${id}`);
    // The summary says the name, and keeps the id at hand.
    const summary = page.getByRole("region", { name: "What this rule does" });
    await expect(summary).toContainText(`When ${friendly}`);
    await expect(summary.locator(".named", { hasText: friendly }).first()).toHaveAttribute("title", entityId);
    await expect(summary.locator(".named", { hasText: friendly }).first().locator(".named-id")).toHaveText(`(${entityId})`);
    const device = page.locator(`.named[title="${announcedDevice}"]`);
    await expect(summary.locator(device)).toContainText(deviceName);
    await expect(summary.getByRole("listitem").filter({ has: device })).toHaveText(/^When .* goes offline$/);
    await expect(summary).toContainText(`If ${friendly}`);

    const run = page.getByRole("list", { name: "Runs, newest first" }).getByRole("listitem").first();
    await expect(run.locator(".trace-text")).toContainText(friendly);
    await run.locator("summary").click();
    await expect(run.locator(".trace-trigger")).toContainText(`${friendly} (${entityId}): `);
    await expect(run.locator(".cond").first()).toContainText(friendly);
    // Times are the home's, whatever the browser's zone is: the start to the second, the wait's end too.
    const { time_zone: homeZone } = (await (await page.request.get("/api/config")).json()) as { time_zone: string };
    const inHome = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZone: homeZone });
    expect(homeZone).not.toBe("Pacific/Honolulu");
    await expect(run.locator(".trace-started")).toHaveText(inHome.format(startedAt));
    const step = run.locator(".trace-step").first();
    await expect(step).toContainText(/waiting 10 min, until \w{3} \d+, \d+:\d{2}:\d{2}/);
    await expect(step).not.toContainText(/\d{4}-\d{2}-\d{2}T/);
    const until = await step.locator("p time").getAttribute("datetime");
    await expect(step.locator("p time")).toHaveText(inHome.format(Date.parse(until ?? "")));
    await shot(page, "7-names");
  });
});

test("phone first: no sideways scrolling at 360 px on the list, the editor and the home page", async ({ page }) => {
  test.skip(key !== "phone", "the phone project checks the narrow layout");
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page);
  for (const url of ["/", "/automations", "/automations/new", `/automations/door_after_sunset_${key}`, `/automations/near_miss_${key}`, `/automations/diff_${key}`, `/automations/names_${key}`]) {
    await page.goto(url);
    await expect(page.locator("h1")).toBeVisible();
    const details = page.locator("details.trace");
    if ((await details.count()) > 0) await details.first().locator("summary").click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(360);
    await shot(page, `360${url.replaceAll("/", "-")}`);
  }
});
