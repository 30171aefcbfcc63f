// The browser side of the ui scenario: headless Chromium (Debian's; Playwright's download is not available) with a
// Pixel 7-like phone context and what runs inside the page (the cold-load figures are in ui-load.mjs).
//
// In the page (installed before any of the page's own scripts):
//   __uiBench.hydrated  when the first light's on/off switch (and the Edit button) got React's props: from then on
//                       a tap runs its handler. Polled every 5 ms from document start, so never earlier than a
//                       task boundary, as a real tap would be.
//   __uiBench.frames    every /api/websocket frame as the page's JavaScript receives it (before the app's handler).
//   __uiBench.records   with startRecording(): each entity card's state text whenever it changes in the DOM, with
//                       the MutationObserver callback's time and the time the main thread finished rendering the
//                       frame that shows it (a task posted from that frame's first requestAnimationFrame callback).
// Times are performance.timeOrigin + performance.now(), the clock the publisher in the bench uses.
import { performance } from "node:perf_hooks";
import { chromium, devices } from "playwright";
import { OWNER } from "./ui-hub.mjs";

const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  timeout: 60_000,
};
// The e2e suite's phone (playwright.config.ts): Pixel 7 emulation, 390 x 844 CSS px at DPR 2, touch.
const PHONE = { ...devices["Pixel 7"], viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const NAV_TIMEOUT_MS = 30_000;

// BENCH_UI_CPU_THROTTLE=4: Chromium's CPU throttling (DevTools' "4x slowdown") on every measured page, for a
// phone-class CPU; the default 1 = this machine's speed.
export const CPU_THROTTLE = Number(process.env.BENCH_UI_CPU_THROTTLE ?? 1) || 1;

export const launchBrowser = () => chromium.launch(LAUNCH);

/** A page in `context`, CPU-throttled when BENCH_UI_CPU_THROTTLE asks for it. */
export async function newPage(context) {
  const page = await context.newPage();
  if (CPU_THROTTLE !== 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_THROTTLE });
  }
  return page;
}

function pageInit() {
  if (window.top !== window || window.__uiBench) return;
  const now = () => performance.timeOrigin + performance.now();
  const B = { frames: [], tap: false, records: [], max: 400_000, hydrated: {}, longTasks: [], lcp: null };
  window.__uiBench = B;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).includes("/api/websocket")) {
        this.addEventListener("message", (ev) => {
          if (B.tap && B.frames.length < B.max) B.frames.push([now(), ev.data]);
        });
      }
    }
  };
  // Frames: the first requestAnimationFrame callback of a frame opens it; a task posted then runs once the
  // frame's rendering (style, layout, paint) is done on the main thread and stamps what changed in it.
  B.afterFrame = [];
  let frameOpen = false;
  let frameWanted = false;
  const closeFrame = () => {
    const t = now();
    for (const record of B.afterFrame) record[3] = t;
    B.afterFrame = [];
    frameOpen = false;
    frameWanted = false;
  };
  const nativeRaf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    nativeRaf((ts) => {
      if (!frameOpen) {
        frameOpen = true;
        setTimeout(closeFrame, 0);
      }
      callback(ts);
    });
  B.stampAfterFrame = (records) => {
    B.afterFrame.push(...records);
    if (frameOpen || frameWanted) return;
    frameWanted = true;
    window.requestAnimationFrame(() => undefined);
  };
  const probes = { control: '[data-entity-id] [role="switch"]', edit: ".page-head-actions button" };
  const hydrated = (el) => el !== null && Object.keys(el).some((k) => k.startsWith("__reactProps$"));
  const poll = setInterval(() => {
    for (const [name, selector] of Object.entries(probes)) {
      if (B.hydrated[name] === undefined && hydrated(document.querySelector(selector))) B.hydrated[name] = performance.now();
    }
    if (Object.keys(B.hydrated).length === 2 || performance.now() > 30_000) clearInterval(poll);
  }, 5);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
    new PerformanceObserver((list) => {
      const last = list.getEntries().at(-1);
      if (last) B.lcp = last.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
  } catch {
    // an engine without these entry types: the figures stay empty
  }
}

function startRecording() {
  const B = window.__uiBench;
  const now = () => performance.timeOrigin + performance.now();
  const last = new Map();
  const text = (card) => card.querySelector(".entity-state")?.textContent ?? "";
  const cards = document.querySelectorAll("[data-entity-id]");
  for (const card of cards) last.set(card.getAttribute("data-entity-id"), text(card));
  new MutationObserver((mutations) => {
    const t = now();
    const changed = new Set();
    for (const m of mutations) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const card = el?.closest("[data-entity-id]");
      if (card) changed.add(card);
    }
    const added = [];
    for (const card of changed) {
      const id = card.getAttribute("data-entity-id");
      const value = text(card);
      if (last.get(id) === value || B.records.length >= B.max) continue;
      last.set(id, value);
      added.push([id, value, t, 0]);
    }
    if (added.length === 0) return;
    B.records.push(...added);
    B.stampAfterFrame(added);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  B.tap = true;
  return cards.length;
}

// After the window: what the page recorded (WebSocket frames as received by its JS, DOM records, long tasks).
function collect() {
  const B = window.__uiBench;
  B.tap = false;
  const out = { records: B.records, frames: B.frames, longTasks: B.longTasks, timeOrigin: performance.timeOrigin };
  B.frames = [];
  return out;
}

/** Entity changes in HA WebSocket frames ([t, text]): [t, entity id, state, brightness] per change; counts. */
export function frameChanges(frames) {
  const changes = [];
  let messages = 0;
  let bytes = 0;
  for (const [t, data] of frames) {
    if (typeof data !== "string") continue;
    bytes += data.length;
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      continue;
    }
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      const ev = m?.type === "event" ? m.event : undefined;
      if (!ev || (!ev.a && !ev.c)) continue;
      messages++;
      for (const [id, st] of Object.entries(ev.a ?? {})) changes.push([t, id, st.s, st.a?.brightness]);
      for (const [id, d] of Object.entries(ev.c ?? {})) if (d["+"]) changes.push([t, id, d["+"].s, d["+"].a?.brightness]);
    }
  }
  return { changes, frames: frames.length, messages, bytes };
}

const nodeNow = () => performance.timeOrigin + performance.now();

/** A fresh phone context, logged in through its own request context (the session cookie lands in its jar). */
export async function openContext(browser, hub) {
  const context = await browser.newContext({ ...PHONE, baseURL: hub.base });
  context.setDefaultTimeout(NAV_TIMEOUT_MS);
  await context.addInitScript(pageInit);
  const res = await context.request.post("/api/auth/login", { data: { username: OWNER.username, password: OWNER.password } });
  if (res.status() !== 200) throw new Error(`POST /api/auth/login: ${res.status()} ${(await res.text()).slice(0, 200)}`);
  return context;
}

/**
 * The page's clock minus ours, from the round trip with the smallest delay (both read performance.timeOrigin +
 * performance.now(), so this is ~0 unless the wall clock was stepped or slewed since either started).
 */
export async function clockOffset(page) {
  let best;
  for (let i = 0; i < 15; i++) {
    const a = nodeNow();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const b = nodeNow();
    if (!best || b - a < best.rtt) best = { rtt: b - a, offset: inPage - (a + b) / 2 };
  }
  return best;
}

/** Opens the room in a new context, waits for "Live", starts recording; returns the page and its card count. */
export async function openLivePage(browser, hub, roomPath) {
  const context = await openContext(browser, hub);
  const page = await newPage(context);
  await page.goto(roomPath, { waitUntil: "load", timeout: NAV_TIMEOUT_MS });
  await page.waitForFunction(() => [...document.querySelectorAll(".live")].some((el) => el.textContent.trim() === "Live"), null, { timeout: NAV_TIMEOUT_MS });
  const cards = await page.evaluate(startRecording);
  return { context, page, cards };
}

export const collectPage = (page) => page.evaluate(collect);

/** Every card's state text now (to see whether the last values arrived). */
export const cardTexts = (page) =>
  page.evaluate(() => [...document.querySelectorAll("[data-entity-id]")].map((c) => [c.getAttribute("data-entity-id"), c.querySelector(".entity-state")?.textContent ?? ""]));
