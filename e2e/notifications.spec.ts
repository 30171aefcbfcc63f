import { createECDH, randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/hub";

// Something sends a notification; the bell in the top bar counts it; the inbox shows it, follows new ones live,
// and dismissing one brings the count down. Both browser projects run this against one hub, so every
// notification carries the project's name and the counts are taken relative to what was there before.
// Push subscriptions are checked over REST only: a headless browser has no push service to reach.

interface Notification {
  notification_id: string;
  title: string | null;
  message: string;
  dismissed_at: number | null;
}

async function activeCount(page: Page): Promise<number> {
  const res = await page.request.get("/api/notifications");
  expect(res.status()).toBe(200);
  return ((await res.json()) as Notification[]).filter((n) => n.dismissed_at === null).length;
}

const bellName = (n: number) => (n === 0 ? "Notifications, none active" : `Notifications, ${n} active`);

test("a notification shows on the bell and in the inbox, live, and dismissing it lowers the count", async ({ page }, testInfo) => {
  const key = `${testInfo.project.name}-${Date.now().toString(36)}`;
  await signIn(page);

  const bad = await page.request.post("/api/notifications", { data: { title: "No message" } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("message is required");
  expect((await page.request.delete(`/api/notifications/never-${key}`)).status()).toBe(404);

  const before = await activeCount(page);
  const created = await page.request.post("/api/notifications", {
    data: { title: `Laundry ${key}`, message: "The washer has finished.", notification_id: `washer-${key}`, data: { url: "/devices" } },
  });
  expect(created.status()).toBe(201);

  await page.goto("/");
  const bell = page.getByRole("banner").getByRole("link", { name: bellName(before + 1) });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();

  const active = page.getByRole("list", { name: "Active notifications" });
  const washer = active.getByRole("article", { name: `Laundry ${key}` });
  await expect(washer).toContainText("The washer has finished.");
  await expect(washer.getByRole("link", { name: "Open" })).toHaveAttribute("href", "/devices");
  await expect(page.getByRole("heading", { name: "Phone notifications" })).toBeVisible();

  // A notification sent while the inbox is open appears without a reload (persistent_notification/subscribe).
  const live = await page.request.post("/api/services/persistent_notification/create", {
    data: { title: `Dryer ${key}`, message: "The dryer has finished.", notification_id: `dryer-${key}` },
  });
  expect(live.status()).toBe(200);
  await expect(active.getByRole("article", { name: `Dryer ${key}` })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: bellName(before + 2) })).toBeVisible();

  await active.getByRole("button", { name: `Dismiss “Laundry ${key}”` }).click();
  await expect(washer).toHaveCount(0);
  await expect(page.getByRole("banner").getByRole("link", { name: bellName(before + 1) })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: `“Laundry ${key}” dismissed.` })).toBeAttached();
  // It moved to "Recently dismissed".
  await page.getByText("Recently dismissed").click();
  await expect(page.getByRole("list", { name: "Recently dismissed notifications" }).getByRole("article", { name: `Laundry ${key}` })).toBeVisible();

  await active.getByRole("button", { name: `Dismiss “Dryer ${key}”` }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: bellName(before) })).toBeVisible();
  expect(await activeCount(page)).toBe(before);

  // The count is right after a reload too (the server render's count).
  await page.reload();
  await expect(page.getByRole("banner").getByRole("link", { name: bellName(before) })).toBeVisible();
});

test("push subscriptions over REST: the public key, subscribe with a name, clear errors, unsubscribe", async ({ page }, testInfo) => {
  await signIn(page);
  const key = await page.request.get("/api/push/public-key");
  expect(key.status()).toBe(200);
  const { public_key } = (await key.json()) as { public_key: string };
  // An uncompressed P-256 point, base64url: 65 bytes.
  expect(Buffer.from(public_key, "base64url")).toHaveLength(65);
  expect(((await (await page.request.get("/api/push/public-key")).json()) as { public_key: string }).public_key).toBe(public_key);

  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const keys = { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
  const endpoint = `https://push.invalid/e2e/${testInfo.project.name}-${Date.now().toString(36)}`;
  const insecure = await page.request.post("/api/push/subscriptions", { data: { endpoint: endpoint.replace("https:", "http:"), keys, name: "Test phone" } });
  expect(insecure.status()).toBe(400);
  expect(((await insecure.json()) as { error: { message: string } }).error.message).toContain("https URL");
  expect((await page.request.post("/api/push/subscriptions", { data: { endpoint, keys: { ...keys, auth: "abc" }, name: "Test phone" } })).status()).toBe(400);

  const name = `Test phone ${testInfo.project.name}`;
  const created = await page.request.post("/api/push/subscriptions", { data: { endpoint, expirationTime: null, keys, name } });
  expect(created.status()).toBe(201);
  const phone = (await created.json()) as { id: string; name: string; service: string };
  expect(phone).toMatchObject({ name, service: `notify.mobile_app_test_phone_${testInfo.project.name}` });
  const services = (await (await page.request.get("/api/services")).json()) as Array<{ domain: string; services: Record<string, unknown> }>;
  expect(Object.keys(services.find((d) => d.domain === "notify")?.services ?? {})).toContain(phone.service.slice("notify.".length));

  expect((await page.request.delete("/api/push/subscriptions", { data: { endpoint } })).status()).toBe(204);
  expect((await page.request.delete("/api/push/subscriptions", { data: { id: phone.id } })).status()).toBe(404);
  const left = (await (await page.request.get("/api/push/subscriptions")).json()) as Array<{ id: string }>;
  expect(left.some((p) => p.id === phone.id)).toBe(false);
});
