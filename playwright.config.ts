import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// The journeys run against the built server (`npm test` builds first) on ports of their own.
const HTTP_PORT = 3391;
const MQTT_PORT = 18391;

// Playwright loads this file in the runner and in every worker: make the data dir once, share it
// through the environment, and remove it when the runner (which also stops the server) exits.
const DATA_DIR_VAR = "HEARTH_E2E_DATA_DIR";
if (!process.env[DATA_DIR_VAR]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-e2e-"));
  process.env[DATA_DIR_VAR] = dir;
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
}
const dataDir = process.env[DATA_DIR_VAR] ?? "";

// Playwright's own browser download is not available here; Debian's Chromium is.
const launchOptions = {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
};

const phone = {
  ...devices["Pixel 7"],
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  launchOptions,
};

const desktop = { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions };

export default defineConfig({
  testDir: "e2e",
  // One hub for every journey: onboarding must come first, so run one test at a time, in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 8_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: `http://127.0.0.1:${HTTP_PORT}`,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "onboarding", testMatch: /onboarding-login\.spec\.ts/, use: phone },
    // Protocol-level suites (no page) run once, in the desktop project.
    { name: "phone", testIgnore: [/onboarding-login\.spec\.ts/, /discovery-corpus\.spec\.ts/], dependencies: ["onboarding"], use: phone },
    { name: "desktop", testIgnore: /onboarding-login\.spec\.ts/, dependencies: ["onboarding"], use: desktop },
  ],
  webServer: {
    command: "node dist/server.js",
    url: `http://127.0.0.1:${HTTP_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5000 },
    env: {
      NODE_ENV: "production",
      HEARTH_DATA_DIR: dataDir,
      HEARTH_HOST: "127.0.0.1",
      HEARTH_HTTP_PORT: String(HTTP_PORT),
      HEARTH_MQTT_PORT: String(MQTT_PORT),
      HEARTH_MQTT_ANONYMOUS: "false",
      HEARTH_MDNS: "false",
      HEARTH_LOG_LEVEL: "warn",
    },
  },
});
