// The room page's cold-load figures for the ui scenario: bytes by type (JS split into the framework's chunks and
// ours), paint and navigation timing, hydration of the first control, and the Lighthouse-style quiet point.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { NAV_TIMEOUT_MS, newPage, openContext } from "./ui-page.mjs";

const QUIET_MS = 5000; // Lighthouse's TTI window: this long without a long task (> 50 ms)
const QUIET_MAX_MS = 20_000;

/** The chunks every app-router page loads (Next's and React's runtime), from the build's manifest. */
export function frameworkChunks(root) {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next", "build-manifest.json"), "utf8"));
    return new Set([...(manifest.rootMainFiles ?? []), ...(manifest.polyfillFiles ?? [])].map((f) => `/_next/${f}`));
  } catch {
    return new Set();
  }
}

const gzipSize = (buf) => zlib.gzipSync(buf).length; // level 6, as Node's (and Next's) compression default

/**
 * One cold load of `roomPath` in a fresh context (empty cache): bytes by type, paint and navigation timing,
 * hydration of the first control, and the Lighthouse-style quiet point (end of the last long task before
 * QUIET_MS without one).
 */
export async function measureLoad(browser, hub, roomPath, framework) {
  const context = await openContext(browser, hub);
  try {
    const page = await newPage(context);
    const pending = [];
    page.on("requestfinished", (request) => {
      pending.push(
        (async () => {
          const response = await request.response();
          const sizes = await request.sizes();
          const type = request.resourceType();
          const body = ["script", "document", "stylesheet"].includes(type) ? await response?.body().catch(() => null) : null;
          return {
            url: new URL(request.url()).pathname,
            type,
            status: response?.status() ?? 0,
            encoding: response?.headers()["content-encoding"] ?? null,
            transfer: sizes.responseBodySize + sizes.responseHeadersSize,
            encodedBody: sizes.responseBodySize,
            raw: body?.length ?? null,
            gzip: body ? gzipSize(body) : null,
          };
        })().catch(() => null),
      );
    });
    await page.goto(roomPath, { waitUntil: "load", timeout: NAV_TIMEOUT_MS });
    await page.waitForFunction(() => window.__uiBench.hydrated.control !== undefined, null, { timeout: NAV_TIMEOUT_MS, polling: 50 });
    const quietSince = Date.now();
    let timing;
    for (;;) {
      timing = await page.evaluate(() => {
        const B = window.__uiBench;
        const nav = performance.getEntriesByType("navigation")[0];
        const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
        const lastLong = B.longTasks.reduce((m, [s, d]) => Math.max(m, s + d), 0);
        return {
          now: performance.now(),
          ttfb: nav?.responseStart ?? null,
          dcl: nav?.domContentLoadedEventEnd ?? null,
          load: nav?.loadEventEnd ?? null,
          fp: paint["first-paint"] ?? null,
          fcp: paint["first-contentful-paint"] ?? null,
          lcp: B.lcp,
          hydrated: B.hydrated.control ?? null,
          editHydrated: B.hydrated.edit ?? null,
          lastLongTaskEnd: lastLong,
          longTasks: B.longTasks.length,
          longTaskMs: B.longTasks.reduce((m, [, d]) => m + d, 0),
        };
      });
      if (timing.now - Math.max(timing.lastLongTaskEnd, timing.hydrated ?? 0) >= QUIET_MS || Date.now() - quietSince > QUIET_MAX_MS) break;
      await page.waitForTimeout(250);
    }
    const quiet = timing.now - Math.max(timing.lastLongTaskEnd, timing.hydrated ?? 0) >= QUIET_MS;
    const resources = (await Promise.all(pending)).filter(Boolean);
    const js = resources.filter((r) => r.type === "script");
    const sum = (list, key) => list.reduce((n, r) => n + (r[key] ?? 0), 0);
    const fw = js.filter((r) => framework.has(r.url));
    const doc = resources.find((r) => r.type === "document");
    return {
      ttfb_ms: timing.ttfb,
      fp_ms: timing.fp,
      fcp_ms: timing.fcp,
      lcp_ms: timing.lcp,
      dcl_ms: timing.dcl,
      load_ms: timing.load,
      hydrated_ms: timing.hydrated,
      edit_hydrated_ms: timing.editHydrated,
      quiet_tti_ms: quiet ? Math.max(timing.fcp ?? 0, timing.lastLongTaskEnd) : null,
      long_tasks: timing.longTasks,
      long_task_ms: timing.longTaskMs,
      js_files: js.length,
      js_transfer: sum(js, "transfer"),
      js_encoded: sum(js, "encodedBody"),
      js_raw: sum(js, "raw"),
      js_gzip: sum(js, "gzip"),
      js_framework_gzip: sum(fw, "gzip"),
      js_app_gzip: sum(js, "gzip") - sum(fw, "gzip"),
      js_encodings: [...new Set(js.map((r) => r.encoding ?? "identity"))].join(","),
      css_gzip: sum(resources.filter((r) => r.type === "stylesheet"), "gzip"),
      html_gzip: doc?.gzip ?? null,
      html_encoding: doc?.encoding ?? "identity",
      requests: resources.length,
      transfer_total: sum(resources, "transfer"),
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}
