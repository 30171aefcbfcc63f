import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/hub";

// Settings → Backups: the owner downloads a backup now, plain and with a passphrase, from a phone or a desktop.
test("the owner downloads a backup from Settings → Backups", async ({ page }) => {
  await signIn(page);
  await page.goto("/settings/mqtt");
  await page.getByRole("link", { name: "Backups" }).click();
  await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Automatic backups/ })).toBeVisible();

  const plain = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download a backup now" }).click();
  const file = await plain;
  expect(file.suggestedFilename()).toMatch(/^hearth-backup-.*\.tar\.gz$/);
  const bytes = fs.readFileSync(await file.path());
  expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  await expect(page.getByRole("status").filter({ hasText: "downloaded" })).toBeVisible();

  await page.getByLabel("Passphrase (optional)").fill("a long passphrase");
  const sealed = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download a backup now" }).click();
  expect((await sealed).suggestedFilename()).toMatch(/\.tar\.gz\.enc$/);
});
