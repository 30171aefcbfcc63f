"use client";
import { useEffect, useRef } from "react";

/**
 * Calls `tick` every `everyMs` while the tab is visible; stops when it is hidden and ticks at once
 * when it comes back. Calls never overlap: the next one is scheduled after the previous settles.
 */
export function usePolling(tick: (signal: AbortSignal) => Promise<void>, everyMs: number): void {
  const tickRef = useRef(tick);
  useEffect(() => {
    tickRef.current = tick;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let stopped = false;
    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && !document.hidden) timer = setTimeout(() => void run(), everyMs);
    };
    const run = async () => {
      controller?.abort();
      const current = new AbortController();
      controller = current;
      try {
        await tickRef.current(current.signal);
      } finally {
        if (controller === current) schedule();
      }
    };
    const onVisibility = () => {
      if (document.hidden) {
        clearTimeout(timer);
        controller?.abort();
      } else {
        void run();
      }
    };
    document.addEventListener("visibilitychange", onVisibility);
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [everyMs]);
}
