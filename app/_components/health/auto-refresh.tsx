"use client";
import { useRouter } from "next/navigation";
import { usePolling } from "../use-polling";

/** Re-renders the server page every `everyMs` while the tab is visible (health is computed on the hub). */
export function AutoRefresh({ everyMs }: { everyMs: number }) {
  const router = useRouter();
  usePolling(() => {
    router.refresh();
    return Promise.resolve();
  }, everyMs);
  return null;
}
