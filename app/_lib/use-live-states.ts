"use client";
import { useRouter } from "next/navigation";
import { createContext, createElement, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { startLiveLink, type LiveLink } from "./live-connection";
import { LiveStore, type LinkStatus, type LiveState } from "./live-store";

interface Live {
  store: LiveStore;
  link: { current: LiveLink | undefined };
}

const LiveContext = createContext<Live | undefined>(undefined);

const REFRESH_DEBOUNCE_MS = 400;
const CLOCK_MS = 30_000;

/**
 * Live entity states for the page below it: starts from the server render's snapshot, then follows
 * /api/websocket. Registry changes (rooms, devices, entities) re-render the server components.
 */
export function LiveStatesProvider({ initial, renderedAt, children }: { initial: readonly LiveState[]; renderedAt: number; children: ReactNode }) {
  const [live] = useState<Live>(() => ({ store: new LiveStore(initial, renderedAt), link: { current: undefined } }));
  const router = useRouter();
  const routerRef = useRef(router);
  useEffect(() => {
    routerRef.current = router;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => routerRef.current.refresh(), REFRESH_DEBOUNCE_MS);
    };
    const link = startLiveLink(live.store, refresh);
    live.link.current = link;
    live.store.tick(Date.now());
    const clock = setInterval(() => live.store.tick(Date.now()), CLOCK_MS);
    return () => {
      clearInterval(clock);
      clearTimeout(timer);
      link.stop();
      live.link.current = undefined;
    };
  }, [live]);
  return createElement(LiveContext.Provider, { value: live }, children);
}

function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLive needs a <LiveStatesProvider> above it");
  return live;
}

/** One entity's current state; re-renders only when that entity changes. */
export function useEntityState(entityId: string): LiveState | undefined {
  const { store } = useLive();
  return useSyncExternalStore(
    store.subscribe,
    () => store.get(entityId),
    () => store.get(entityId),
  );
}

/** Every state (for summaries); re-renders on any change. */
export function useAllStates(): LiveState[] {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribe, store.all, store.all);
}

/** Whether the page is live, polling or cut off. */
export function useLinkStatus(): LinkStatus {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribe, store.status, () => "connecting" as const);
}

/** The page's clock (server render time until the page runs, then this device's). */
export function useNowTick(): number {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribe, store.now, store.now);
}

/** Runs a Home Assistant service for the page's controls. */
export function useCallService(): LiveLink["callService"] {
  const { link } = useLive();
  return async (domain, service, data) => {
    const current = link.current;
    if (!current) return { ok: false, message: "Still connecting to the hub. Try again in a moment." };
    return current.callService(domain, service, data);
  };
}
