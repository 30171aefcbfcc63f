import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// The visual rule editor on a phone and a desktop: a rule made with the forms and pickers (no YAML typed),
// a condition tested on the hub's live state, the YAML view still holding the template's comment, and a
// trigger fired with a sample MQTT message that runs the saved rule. Each project has its own device and ids.
test.describe.configure({ mode: "serial" });

let key: string;
let client: MqttClient;
let mqttUser: string;
const created: string[] = [];

test.beforeAll(async ({ playwright }, testInfo) => {
  key = testInfo.project.name;
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  expect((await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } })).status()).toBe(200);
  mqttUser = `e2e-editor-${key}-${Date.now()}`;
  const res = await api.post("/api/mqtt-users", { data: { username: mqttUser, description: "rule editor journey" } });
  expect(res.status()).toBe(201);
  const { password } = (await res.json()) as { password: string };
  client = await mqtt.connectAsync(MQTT_URL, { username: mqttUser, password, clientId: `e2e-editor-${key}`, reconnectPeriod: 0 });
  // A door sensor, discovered the Zigbee2MQTT way, closed.
  const node = `editor_door_${key}`;
  await client.publishAsync(
    `homeassistant/binary_sensor/${node}/contact/config`,
    JSON.stringify({ name: "Contact", unique_id: `${node}_contact`, device_class: "door", state_topic: `zigbee2mqtt/${node}`, value_template: "{{ 'OFF' if value_json.contact else 'ON' }}", device: { identifiers: [node], name: `Editor door ${key}` } }),
    { retain: true, qos: 1 },
  );
  await client.publishAsync(`zigbee2mqtt/${node}`, JSON.stringify({ contact: true }), { retain: true, qos: 1 });
  await expect
    .poll(async () => ((await (await api.get(`/api/states/binary_sensor.editor_door_${key}_contact`)).json()) as { state?: string }).state, { timeout: 10_000 })
    .toBe("off");
  await api.dispose();
});

test.afterAll(async ({ playwright }, testInfo) => {
  const node = `editor_door_${key}`;
  await client?.publishAsync(`homeassistant/binary_sensor/${node}/contact/config`, "", { retain: true, qos: 1 }).catch(() => undefined);
  await client?.endAsync(true).catch(() => undefined);
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  await api.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  for (const id of created) await api.delete(`/api/automations/${id}`).catch(() => undefined);
  if (mqttUser) await api.delete(`/api/mqtt-users/${encodeURIComponent(mqttUser)}`).catch(() => undefined);
  await api.dispose();
});

async function shot(page: Page, name: string): Promise<void> {
  // Screenshots for reviewing the layout by eye, into the folder HEARTH_E2E_SCREENSHOTS names; off by default.
  const dir = process.env.HEARTH_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `editor-${key}-${name}.png`), fullPage: true });
}

test("a rule made with the forms runs when its trigger is fired with a sample message", async ({ page }) => {
  const entity = `binary_sensor.editor_door_${key}_contact`;
  const alias = `Editor door light ${key}`;
  const lightTopic = `e2e/editor/${key}/hall/set`;
  await signIn(page);
  await page.goto("/automations/new");
  await expect(page.getByRole("button", { name: "Visual", pressed: true })).toBeVisible();

  await page.getByRole("textbox", { name: "Name" }).fill(alias);
  const triggers = page.getByRole("region", { name: /^When/ });
  const topic = triggers.getByLabel("Topic", { exact: true });
  await topic.fill("zigbee2mqtt/");
  // The topic picker offers what the broker has seen at that level.
  await expect(triggers.locator(`datalist option[value="zigbee2mqtt/editor_door_${key}"]`)).toHaveCount(1);
  await topic.fill(`zigbee2mqtt/+/${key}/action`);
  await triggers.getByRole("textbox", { name: "Payload (empty: any)" }).fill("single");

  // The template's sun condition goes; a state condition on the door comes, picked by entity.
  const conditions = page.getByRole("region", { name: /^Only if/ });
  await conditions.getByRole("button", { name: "Remove condition 1" }).click();
  await expect(conditions).toContainText("No conditions");
  await conditions.getByRole("combobox", { name: "Add a condition" }).selectOption({ label: "Entity is in a state" });
  await conditions.getByLabel("Entity", { exact: true }).fill(entity);
  await expect(conditions).toContainText(`Editor door ${key} Contact`);
  await conditions.getByRole("textbox", { name: "State", exact: true }).fill("on");
  await conditions.getByRole("button", { name: "Test" }).click();
  await expect(conditions.getByRole("status").first()).toContainText("Fails now");
  await conditions.getByRole("textbox", { name: "State", exact: true }).fill("off");
  await conditions.getByRole("button", { name: "Test" }).click();
  await expect(conditions.getByRole("status").first()).toContainText("Passes now");

  // Actions: the first publish goes to this project's light; the rest of the template goes.
  const actions = page.getByRole("region", { name: /^Then do/ });
  await actions.getByRole("button", { name: "Remove action 3" }).click();
  await actions.getByRole("button", { name: "Remove action 2" }).click();
  await actions.getByLabel("Topic", { exact: true }).fill(lightTopic);

  await shot(page, "1-visual");
  // The YAML view is the same rule, and the template's comment is still there.
  await page.getByRole("button", { name: "YAML", exact: true }).click();
  const yaml = page.getByRole("textbox", { name: "YAML" });
  await expect(yaml).toHaveValue(/^# Hall light when a door opens after dark/);
  await expect(yaml).toHaveValue(new RegExp(`entity_id: ${entity}`));
  await expect(yaml).toHaveValue(new RegExp(`topic: ${lightTopic}`));
  await page.getByRole("button", { name: "Visual", exact: true }).click();

  await page.getByRole("button", { name: "Save automation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  created.push(id);

  // Fire the trigger with a sample: a topic that does not match is refused with the reason, then one that does runs.
  const saved = page.getByRole("region", { name: /^When/ });
  // (A tap before the page is interactive does nothing: tap again until the form shows.)
  await expect(async () => {
    await saved.getByRole("button", { name: /Fire with a sample/ }).click();
    await expect(saved.getByRole("group", { name: "Fire with a sample" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  await saved.getByLabel(/^Topic \(matching/).fill(`zigbee2mqtt/kitchen/other/action`);
  await saved.getByRole("textbox", { name: "Payload", exact: true }).fill("single");
  await saved.getByRole("button", { name: "Fire", exact: true }).click();
  await expect(saved.getByRole("status")).toContainText("does not match");

  await client.subscribeAsync(lightTopic, { qos: 1 });
  const published = new Promise<string>((resolve) => client.on("message", (t, p) => (t === lightTopic ? resolve(p.toString()) : undefined)));
  await saved.getByLabel(/^Topic \(matching/).fill(`zigbee2mqtt/kitchen/${key}/action`);
  await saved.getByRole("button", { name: "Fire", exact: true }).click();
  await expect(saved.getByRole("status")).toContainText("Fired: it runs");
  expect(await published).toBe("ON");
  await shot(page, "2-fired");
  const runs = page.getByRole("list", { name: "Runs, newest first" });
  await expect(runs.getByRole("listitem").first()).toContainText(`message on zigbee2mqtt/kitchen/${key}/action (a sample, fired by hand)`);
});
