import http from "node:http";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import mqtt from "mqtt";
import { MQTT_URL, OWNER, signIn } from "./fixtures/hub";

// The web edge on the shipped server: security headers, the pages' nonce CSP (no violations while the live
// WebSocket, the service worker, uPlot and the explorer's stream run), cross-site refusal, body limits and
// the profile's sessions. Both browser projects run it against one hub; names carry the project's name.

test.describe.configure({ mode: "serial" });

const FOREIGN = "http://evil.example";
let key = "";
let device = "";

async function login(request: APIRequestContext): Promise<void> {
  const res = await request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  expect(res.status()).toBe(200);
}

/** Collects CSP violations on every page the test opens (the DOM event and Chromium's console report). */
async function watchCsp(page: Page): Promise<() => string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  await page.exposeFunction("__cspReport", (v: string) => seen.push(v));
  await page.addInitScript(() => {
    const report = (window as unknown as { __cspReport: (v: string) => void }).__cspReport;
    document.addEventListener("securitypolicyviolation", (e) => report(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return () => [...seen];
}

test.beforeAll(async ({ playwright }, testInfo) => {
  key = testInfo.project.name;
  device = `E2E Edge ${key}`;
  const request = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  await login(request);
  const user = `e2e-edge-${key}-${Date.now()}`;
  const created = await request.post("/api/mqtt-users", { data: { username: user, description: "web edge journey" } });
  expect(created.status()).toBe(201);
  const { password } = (await created.json()) as { password: string };
  const client = await mqtt.connectAsync(MQTT_URL, { username: user, password, reconnectPeriod: 0 });
  const dev = { identifiers: [`e2e-edge-${key}`], name: device, manufacturer: "Hearth tests", model: "Edge meter" };
  const config = { unique_id: `e2e_edge_${key}_t`, name: "Temperature", state_topic: `e2e-edge/${key}/t`, device_class: "temperature", unit_of_measurement: "°C", state_class: "measurement", device: dev };
  await client.publishAsync(`homeassistant/sensor/e2e_edge_${key}/t/config`, JSON.stringify(config), { retain: true, qos: 1 });
  await expect.poll(async () => ((await (await request.get("/api/entities")).json()) as Array<{ entity_id: string }>).some((e) => e.entity_id.includes(`e2e_edge_${key}`)), { timeout: 10_000 }).toBe(true);
  for (const v of ["19.5", "21", "20.25"]) {
    await client.publishAsync(`e2e-edge/${key}/t`, v, { retain: true, qos: 1 });
    await new Promise((r) => setTimeout(r, 80));
  }
  await client.endAsync();
  await request.dispose();
});

test("pages and API answers carry the security headers; pages a per-request nonce CSP", async ({ page }) => {
  await signIn(page);
  const a = await page.request.get("/");
  const b = await page.request.get("/");
  for (const res of [a, b]) {
    const h = res.headers();
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["permissions-policy"]).toContain("camera=()");
    expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic';.*frame-ancestors 'none'/);
    expect(h["strict-transport-security"]).toBeUndefined();
  }
  const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
  expect(nonceOf(a.headers()["content-security-policy"])).not.toBe(nonceOf(b.headers()["content-security-policy"]));
  expect(await a.text()).toContain(`nonce="${nonceOf(a.headers()["content-security-policy"])}"`);

  const api = await page.request.get("/api/states");
  expect(api.status()).toBe(200);
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["x-frame-options"]).toBe("DENY");
});

test("home, devices, automation editor, a history chart and the MQTT explorer load with no CSP violation", async ({ page }) => {
  const violations = await watchCsp(page);
  await signIn(page);
  const authOk = new Promise<void>((resolve) => {
    page.on("websocket", (ws) => {
      if (ws.url().endsWith("/api/websocket")) ws.on("framereceived", (f) => String(f.payload).includes("auth_ok") && resolve());
    });
  });
  await page.goto("/");
  await authOk;
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? "")).toContain("/sw.js");

  await page.goto("/devices");
  const link = page.getByRole("link", { name: device, exact: true });
  await expect(link).toBeVisible({ timeout: 15_000 });
  await page.goto((await link.getAttribute("href")) ?? "/devices");
  await expect(page.getByRole("region", { name: "History" }).getByRole("img", { name: /Chart of .*Temperature/ })).toBeVisible();
  await expect(page.locator(".u-over").first()).toBeAttached();

  await page.goto("/automations/new");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.goto("/settings/mqtt/explorer");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle").catch(() => undefined);
  expect(violations()).toEqual([]);
  // The watcher itself works: an image from another origin is refused and reported.
  await page.evaluate(() => {
    const img = document.createElement("img");
    img.src = "http://evil.example/pixel.png";
    document.body.append(img);
  });
  await expect.poll(() => violations().some((v) => v.startsWith("img-src"))).toBe(true);
});

test("a signed-in change from another origin is refused; same-origin and Bearer-token calls work", async ({ page }) => {
  await signIn(page);
  const foreign = await page.request.post("/api/auth/websocket-token", { headers: { Origin: FOREIGN } });
  expect(foreign.status()).toBe(403);
  expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("cross_origin");
  const viaSite = await page.request.post("/api/auth/websocket-token", { headers: { "Sec-Fetch-Site": "cross-site" } });
  expect(viaSite.status()).toBe(403);

  const own = await page.request.post("/api/auth/tokens", { headers: { Origin: "http://127.0.0.1:3391" }, data: { name: `Edge ${key}` } });
  expect(own.status()).toBeLessThan(300);
  const { token, info } = (await own.json()) as { token: string; info: { id: number } };
  // A tool with a token is not a browser riding a cookie: Origin does not matter.
  const tool = await page.request.post("/api/auth/websocket-token", { headers: { Authorization: `Bearer ${token}`, Origin: FOREIGN } });
  expect(tool.status()).toBe(200);
  expect((await page.request.delete(`/api/auth/tokens/${info.id}`)).status()).toBe(204);
});

test("a 10 MB body is refused with 413, whether it declares its length or streams it", async ({ page }) => {
  const big = "x".repeat(10 * 1024 * 1024);
  const declared = await page.request.post("/api/auth/login", { headers: { "Content-Type": "application/json" }, data: big });
  expect(declared.status()).toBe(413);
  const malformed = await page.request.post("/api/auth/login", { headers: { "Content-Type": "application/json" }, data: "{not json" });
  expect(malformed.status()).toBe(400);
  // Chunked, no Content-Length: the route stops reading after its limit.
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request("http://127.0.0.1:3391/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(256 * 1024, 0x78);
    let sent = 0;
    const pump = () => {
      while (sent < 40) {
        sent++;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
  expect(status).toBe(413);
});

test("sessions are listed and revocable: a revoked session's cookie gets 401", async ({ page, playwright }, testInfo) => {
  await signIn(page);
  const other = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, userAgent: `Other device ${key}` });
  await login(other);
  expect((await other.get("/api/states")).status()).toBe(200);
  const list = (await (await page.request.get("/api/auth/sessions")).json()) as { sessions: Array<{ id: number; current: boolean; user_agent: string | null }> };
  expect(list.sessions.filter((s) => s.current)).toHaveLength(1);
  const target = list.sessions.find((s) => s.user_agent === `Other device ${key}`);
  expect(target).toBeDefined();

  await page.goto("/profile");
  const row = page.getByRole("list", { name: "Sessions" }).getByRole("listitem").filter({ hasText: "This device" });
  await expect(row).toHaveCount(1);
  await page.getByRole("button", { name: `Sign out Browser (session ${target?.id})` }).click();
  await expect(page.getByRole("button", { name: `Sign out Browser (session ${target?.id})` })).toHaveCount(0);
  expect((await other.get("/api/states")).status()).toBe(401);
  await other.dispose();
});

test("changing the password needs the current one, refuses the old one afterwards and ends other sessions", async ({ page, playwright }, testInfo) => {
  await signIn(page);
  const other = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  await login(other);
  const temporary = `temporary ${key} password`;
  const wrong = await page.request.post("/api/auth/password", { data: { current_password: "not it", new_password: temporary } });
  expect(wrong.status()).toBe(403);
  const changed = await page.request.post("/api/auth/password", { data: { current_password: OWNER.password, new_password: temporary } });
  try {
    expect(changed.status()).toBe(204);
    expect((await other.get("/api/states")).status()).toBe(401);
    expect((await page.request.get("/api/states")).status()).toBe(200);
    const old = await other.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
    expect(old.status()).toBe(401);
  } finally {
    // The other journeys sign in with the owner's usual password.
    const back = await page.request.post("/api/auth/password", { data: { current_password: temporary, new_password: OWNER.password } });
    expect(back.status()).toBe(204);
    await other.dispose();
  }
});

test("owners see usernames locked out by failed logins", async ({ page, playwright }, testInfo) => {
  await signIn(page);
  const guesser = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const username = `nobody-${key}-${Date.now()}`;
  for (let i = 0; i < 10; i++) expect((await guesser.post("/api/auth/login", { data: { username, password: `guess ${i}` } })).status()).toBe(401);
  expect((await guesser.post("/api/auth/login", { data: { username, password: "guess" } })).status()).toBe(429);
  const res = await page.request.get("/api/auth/lockouts");
  expect(res.status()).toBe(200);
  expect(((await res.json()) as { lockouts: Array<{ username: string; failures: number }> }).lockouts).toContainEqual(expect.objectContaining({ username, failures: 10 }));
  await guesser.dispose();
});
