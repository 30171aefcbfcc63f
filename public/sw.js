// Hearth's service worker: caches the app shell only (build assets, icons, the offline page).
// Pages and /api/* always go to the hub: they carry live data and must never be served stale.
const VERSION = "hearth-shell-v1";
const PRECACHE = ["/offline.html", "/icons/icon.svg", "/icons/icon-192.png", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const isShellAsset = (url) => url.pathname.startsWith("/_next/static/") || url.pathname.startsWith("/icons/") || url.pathname === "/manifest.webmanifest";

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;

  if (isShellAsset(url)) {
    // Build assets are content-hashed: cache first, fill on miss.
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              void caches.open(VERSION).then((cache) => cache.put(request, copy));
            }
            return res;
          }),
      ),
    );
    return;
  }

  if (request.mode === "navigate") {
    // Pages are rendered with live data: network only; the offline page when the hub cannot be reached.
    event.respondWith(fetch(request).catch(() => caches.match("/offline.html")));
  }
});

// Web Push (server/notifications/web-push.ts sends {title, body, tag, url, notification_id}): show it.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : "" };
  }
  const title = typeof message.title === "string" && message.title ? message.title : "Hearth";
  const url = typeof message.url === "string" && message.url ? message.url : "/notifications";
  const options = {
    body: typeof message.body === "string" ? message.body : "",
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: { url, notification_id: message.notification_id },
  };
  // A tag makes a newer notification with the same id replace the older one instead of stacking.
  if (typeof message.tag === "string" && message.tag) options.tag = message.tag;
  event.waitUntil(self.registration.showNotification(title, options));
});

// A tap opens the notification's URL (default the inbox): an open Hearth window is reused when there is one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const wanted = (event.notification.data && event.notification.data.url) || "/notifications";
  const target = new URL(wanted, self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      const exact = windows.find((w) => w.url === target.href);
      if (exact) return exact.focus();
      const ours = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (ours && target.origin === self.location.origin) {
        await ours.focus();
        return ours.navigate(target.href);
      }
      return self.clients.openWindow(target.href);
    }),
  );
});
