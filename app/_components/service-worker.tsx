"use client";
import { useEffect } from "react";

/** Registers /sw.js (the app shell cache) in production builds, so Hearth installs as an app. */
export function ServiceWorker() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  }, []);
  return null;
}
