"use client";
import { useMemo } from "react";
import { summarizeRoom, summaryPhrases } from "@/devices/presentation/room-summary";
import type { DeviceItem } from "../../_lib/home-snapshot";
import { useAllStates, useLinkStatus } from "../../_lib/use-live-states";

/**
 * A room's (or the home's) summary, live: temperatures, lights on, open doors and windows, offline devices, low batteries.
 * `withHealth={false}` leaves out offline and low batteries (the home view shows them in its device-health line).
 */
export function SummaryLine({ entityIds, devices, label, withHealth = true }: { entityIds: readonly string[]; devices: readonly DeviceItem[]; label: string; withHealth?: boolean }) {
  const all = useAllStates();
  const phrases = useMemo(() => {
    const wanted = new Set(entityIds);
    const byId = new Map(all.map((s) => [s.entity_id, s]));
    const states = all.filter((s) => wanted.has(s.entity_id));
    const health = devices.map((d) => ({ available: !d.entity_ids.some((id) => byId.get(id)?.state === "unavailable") }));
    const summary = summarizeRoom(states, health);
    return summaryPhrases(withHealth ? summary : { ...summary, offlineDevices: 0, lowBatteries: 0 });
  }, [all, entityIds, devices, withHealth]);
  if (phrases.length === 0) return null;
  return (
    <ul className="summary-line" aria-label={label}>
      {phrases.map((p) => (
        <li key={p} className={/offline|low|open/.test(p) ? "chip chip-warn" : "chip"}>
          {p}
        </li>
      ))}
    </ul>
  );
}

const LINK_TEXT = { live: "Live", polling: "Live (polling)", connecting: "Connecting…", offline: "Hub unreachable" } as const;

/** Whether what the page shows is current. */
export function LinkIndicator() {
  const status = useLinkStatus();
  const ok = status === "live" || status === "polling";
  return (
    <span className={`live ${ok ? "live-live" : "live-retrying"}`} role="status" aria-live="polite">
      <span className="live-dot" aria-hidden="true" />
      {LINK_TEXT[status]}
    </span>
  );
}
