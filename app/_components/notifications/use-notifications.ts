"use client";
import { useState, useSyncExternalStore } from "react";
import { sharedFeed, type FeedSnapshot, type NotificationFeed } from "./notification-feed";

const noop = () => () => undefined;

/**
 * The tab's live notifications. `activeCount` is the server render's count: what the server render and
 * hydration show, and the start until the list arrives. `feed` is undefined only during the server render.
 */
export function useNotifications(activeCount: number): { feed: NotificationFeed | undefined; snapshot: FeedSnapshot } {
  const [feed] = useState(() => (typeof window === "undefined" ? undefined : sharedFeed(activeCount)));
  const [serverSnapshot] = useState<FeedSnapshot>(() => ({ items: [], activeCount, loaded: false, mode: "connecting" }));
  const snapshot = useSyncExternalStore(
    feed ? feed.subscribe : noop,
    feed ? feed.snapshot : () => serverSnapshot,
    () => serverSnapshot,
  );
  return { feed, snapshot };
}
