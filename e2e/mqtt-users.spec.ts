import { expect, test } from "@playwright/test";
import type { MqttClient } from "mqtt";
import { closedWithin, signIn, tryConnect } from "./fixtures/hub";

const clients: MqttClient[] = [];

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test.afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
});

test("an MQTT user connects, shows on the status page, and revoking it disconnects at once", async ({ page }, testInfo) => {
  const username = `sensor-${testInfo.project.name}`;
  const clientId = `e2e-${testInfo.project.name}-${Date.now()}`;

  await page.goto("/settings/mqtt");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Description (optional)").fill("Living-room sensors");
  await page.getByRole("button", { name: "Add MQTT user" }).click();
  const passwordField = page.getByLabel(`Password for ${username}`, { exact: true });
  await expect(passwordField).toBeVisible();
  const password = await passwordField.inputValue();
  expect(password.length).toBeGreaterThanOrEqual(8);

  const anonymous = await tryConnect({ clientId: `${clientId}-anon` });
  clients.push(anonymous.client);
  expect(anonymous.outcome, "anonymous MQTT is off in the e2e hub").toBe("refused");

  const device = await tryConnect({ clientId, username, password });
  clients.push(device.client);
  expect(device.outcome).toBe("connected");

  await page.goto("/status");
  await expect(page.getByText("A username and password are required.")).toBeVisible();
  const entry = page.getByRole("list", { name: "Connected clients" }).getByRole("listitem").filter({ hasText: clientId });
  await expect(entry).toBeVisible({ timeout: 10_000 });
  await expect(entry).toContainText(username);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MQTT" }).click();
  const row = page.getByRole("list", { name: "MQTT users" }).getByRole("listitem").filter({ hasText: username });
  await expect(row).toContainText("1 connection");
  await expect(row).toContainText("Living-room sensors");

  const closed = closedWithin(device.client, 10_000);
  await row.getByRole("button", { name: `Revoke ${username}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke ${username}?` });
  await dialog.getByRole("button", { name: "Revoke MQTT user" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  expect(await closed, "the revoked user's live connection is closed").toBe(true);

  const again = await tryConnect({ clientId: `${clientId}-again`, username, password });
  clients.push(again.client);
  expect(again.outcome).toBe("refused");
});

test("a new password replaces the old one", async ({ page }, testInfo) => {
  const username = `bridge-${testInfo.project.name}`;
  await page.goto("/settings/mqtt");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password (optional)", { exact: true }).fill("my own password 1");
  await page.getByRole("button", { name: "Add MQTT user" }).click();
  await expect(page.getByLabel(`Password for ${username}`, { exact: true })).toHaveValue("my own password 1");
  await page.getByRole("button", { name: "Done" }).click();

  const row = page.getByRole("list", { name: "MQTT users" }).getByRole("listitem").filter({ hasText: username });
  await row.getByRole("button", { name: `New password for ${username}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make new password" }).click();
  const fresh = await page.getByLabel(`Password for ${username}`, { exact: true }).inputValue();
  expect(fresh).not.toBe("my own password 1");

  const old = await tryConnect({ clientId: `${username}-old`, username, password: "my own password 1" });
  clients.push(old.client);
  expect(old.outcome).toBe("refused");
  const current = await tryConnect({ clientId: `${username}-new`, username, password: fresh });
  clients.push(current.client);
  expect(current.outcome).toBe("connected");
});

test("a taken username shows the API's error", async ({ page }, testInfo) => {
  const username = `dup-${testInfo.project.name}`;
  await page.goto("/settings/mqtt");
  await page.getByLabel("Username").fill(username);
  await page.getByRole("button", { name: "Add MQTT user" }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByRole("button", { name: "Add MQTT user" }).click();
  await expect(page.getByLabel("Username")).toHaveAccessibleDescription(/already exists/);
});
