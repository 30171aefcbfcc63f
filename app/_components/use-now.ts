"use client";
import { useEffect, useState } from "react";

/**
 * The current time for relative labels. Starts at the server's render time so hydration matches,
 * then ticks on this device's clock.
 */
export function useNow(renderedAt: number, everyMs = 15_000): number {
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
