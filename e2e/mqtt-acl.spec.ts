import { expect, test } from "@playwright/test";
import type { MqttClient } from "mqtt";
import { signIn, tryConnect } from "./fixtures/hub";

const clients: MqttClient[] = [];

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test.afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
});

/** The SUBACK's granted QoS for one filter; 128 = refused. */
async function granted(client: MqttClient, filter: string): Promise<number> {
  return client.subscribeAsync(filter, { qos: 1 }).then(
    (g) => g[0]?.qos ?? -1,
    (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0] ?? -1,
  );
}

test("the Access editor saves rules the broker enforces, and shows a bad pattern's error next to it (360 px)", async ({ page }, testInfo) => {
  const username = `acl-${testInfo.project.name}-${Date.now()}`;
  const created = await page.request.post("/api/mqtt-users", { data: { username } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };

  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto("/settings/mqtt");
  const row = page.getByRole("list", { name: "MQTT users" }).getByRole("listitem").filter({ hasText: username });
  await row.getByRole("button", { name: `Access rules for ${username}` }).click();
  const editor = page.getByRole("form", { name: `Access rules for ${username}` });
  await expect(editor.getByText("No rules: this user may publish and subscribe anywhere.")).toBeVisible();

  await editor.getByRole("button", { name: "Add rule" }).click();
  await editor.getByLabel("Access, rule 1").selectOption("read");
  const pattern = editor.getByLabel("Topic pattern, rule 1");
  await pattern.fill("sensors/#/x");
  await editor.getByRole("button", { name: "Save rules" }).click();
  await expect(pattern).toHaveAttribute("aria-invalid", "true");
  await expect(pattern).toHaveAccessibleDescription(/'#' must be a whole level and the last one/);

  await pattern.fill("sensors/%u/#");
  await editor.getByRole("button", { name: "Save rules" }).click();
  await expect(editor.getByRole("status")).toContainText("Saved");
  await expect(pattern).not.toHaveAttribute("aria-invalid", "true");
  expect(await page.evaluate(() => document.documentElement.scrollWidth), "no sideways scrolling at 360 px").toBeLessThanOrEqual(360);

  const api = await page.request.get(`/api/mqtt-users/${username}/acl`);
  expect(await api.json()).toEqual({ rules: [{ access: "read", pattern: "sensors/%u/#" }] });
  const bad = await page.request.put(`/api/mqtt-users/${username}/acl`, { data: { rules: [{ access: "all", pattern: "x" }] } });
  expect(bad.status()).toBe(422);

  const device = await tryConnect({ clientId: `${username}-c`, username, password });
  clients.push(device.client);
  expect(device.outcome).toBe("connected");
  expect(await granted(device.client, `sensors/${username}/#`)).toBe(1);
  expect(await granted(device.client, "#")).toBe(128);
});
