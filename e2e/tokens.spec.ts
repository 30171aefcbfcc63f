import { expect, test } from "@playwright/test";
import { HOME_NAME, signIn } from "./fixtures/hub";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a long-lived token works for the API until it is revoked in the UI", async ({ page, request }, testInfo) => {
  const tokenName = `Script on ${testInfo.project.name}`;
  await page.goto("/profile");
  await page.getByLabel("Token name").fill(tokenName);
  await page.getByRole("button", { name: "Create token" }).click();

  const secretField = page.getByLabel("New API token");
  await expect(secretField).toBeVisible();
  await expect(page.getByText("It won’t be shown again.")).toBeVisible();
  const token = await secretField.inputValue();
  expect(token.length).toBeGreaterThan(20);
  const auth = { Authorization: `Bearer ${token}` };

  const api = await request.get("/api/", { headers: auth });
  expect(api.status()).toBe(200);
  expect(await api.json()).toEqual({ message: "API running." });

  const config = await request.get("/api/config", { headers: auth });
  expect(config.status()).toBe(200);
  expect(await config.json()).toMatchObject({ location_name: HOME_NAME });

  // Shown once: gone after Done, and not there after a reload either.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(secretField).toBeHidden();
  await page.reload();
  await expect(page.getByLabel("New API token")).toHaveCount(0);
  const row = page.getByRole("list", { name: "API tokens" }).getByRole("listitem").filter({ hasText: tokenName });
  await expect(row).toContainText("last used");

  await row.getByRole("button", { name: `Revoke ${tokenName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke “${tokenName}”?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);

  const after = await request.get("/api/", { headers: auth });
  expect(after.status()).toBe(401);
});

test("cancelling the revoke keeps the token", async ({ page, request }, testInfo) => {
  const tokenName = `Kept on ${testInfo.project.name}`;
  await page.goto("/profile");
  await page.getByLabel("Token name").fill(tokenName);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New API token").inputValue();
  await page.getByRole("button", { name: "Done" }).click();

  const row = page.getByRole("list", { name: "API tokens" }).getByRole("listitem").filter({ hasText: tokenName });
  await row.getByRole("button", { name: `Revoke ${tokenName}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(row).toBeVisible();
  expect((await request.get("/api/", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(200);
});

test("an empty token name shows the API's error", async ({ page }) => {
  await page.goto("/profile");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByLabel("Token name")).toHaveAccessibleDescription(/token name is required/i);
  await expect(page.getByLabel("New API token")).toHaveCount(0);
});
