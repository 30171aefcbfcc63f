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

// Restore from the web UI: the hub checks the file, stops, swaps its data and starts again on the backup.
test("the owner restores a backup from Settings → Backups; a damaged file is refused and nothing stops", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await signIn(page);
  const made = await page.request.post("/api/backup", { data: {} });
  expect(made.status()).toBe(200);
  const backup = Buffer.from(await made.body());
  // Made after the backup: the restore takes it away.
  const probe = `Restore probe ${testInfo.project.name} ${Date.now()}`;
  expect((await page.request.post("/api/rooms", { data: { name: probe } })).status()).toBe(201);

  await page.goto("/settings/backups");
  const restore = page.getByRole("region", { name: "Restore from a backup" });
  const damaged = Buffer.from(backup);
  damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
  await restore.getByLabel("Backup file").setInputFiles({ name: "damaged.tar.gz", mimeType: "application/gzip", buffer: damaged });
  await restore.getByRole("button", { name: "Restore…" }).click();
  const dialog = page.getByRole("dialog", { name: "Replace this hub with the backup?" });
  await dialog.getByRole("button", { name: "Restore" }).click();
  await expect(dialog.getByRole("alert")).toContainText(/damaged|not a Hearth backup/i);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect((await page.request.get("/api/health")).status()).toBe(200);

  await restore.getByLabel("Backup file").setInputFiles({ name: "hearth-backup.tar.gz", mimeType: "application/gzip", buffer: backup });
  await restore.getByRole("button", { name: "Restore…" }).click();
  await dialog.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("status").filter({ hasText: "the hub is restarting" })).toBeVisible();
  // Back on the home page (the owner's session is in the backup), and the room made afterwards is gone.
  await page.waitForURL((url) => url.pathname === "/", { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const rooms = (await (await page.request.get("/api/rooms")).json()) as Array<{ name: string }>;
  expect(rooms.map((r) => r.name)).not.toContain(probe);
  expect(((await (await page.request.get("/api/health")).json()) as { status: string }).status).toBe("ok");
});
