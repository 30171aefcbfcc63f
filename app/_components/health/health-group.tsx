import Link from "next/link";
import type { HealthProblem } from "@/devices/health/device-health";
import type { DeviceHealthView } from "@/server/hub-api";
import { formatDuration, formatRelative } from "../format";

export const GROUP_TITLE: Record<HealthProblem, string> = {
  offline: "Offline",
  stale: "Not reporting",
  low_battery: "Low battery",
  weak_link: "Weak signal",
};

const GROUP_HINT: Record<HealthProblem, string> = {
  offline: "Their availability topic says they are unavailable. Check power and, for Zigbee, that the bridge is running.",
  stale: "No message for much longer than they usually take. They may have lost power or dropped off the network without saying so.",
  low_battery: "Battery below 20 %, or the device reports its battery as low. Replace it soon.",
  weak_link: "Zigbee link quality below 30 of 255, or Wi-Fi signal below −80 dBm. A router or access point nearer the device helps.",
};

function lastSeenText(d: DeviceHealthView, now: number, timeZone: string): string {
  return d.last_seen === null ? "no message since the hub started" : `last seen ${formatRelative(d.last_seen, now, timeZone)}`;
}

function detail(problem: HealthProblem, d: DeviceHealthView, now: number, timeZone: string): string {
  switch (problem) {
    case "offline":
      return `Offline · ${lastSeenText(d, now, timeZone)}`;
    case "stale": {
      const usual = d.usual_interval_ms === null ? "its reporting rhythm is still being learned" : `usually reports every ${formatDuration(d.usual_interval_ms / 1000)}`;
      return `Silent for ${formatDuration(d.silent_for_ms / 1000)} · ${usual}`;
    }
    case "low_battery":
      return d.battery?.percent != null ? `Battery ${Math.round(d.battery.percent)} %` : "Battery low";
    case "weak_link":
      if (!d.link) return "Weak signal";
      return d.link.kind === "lqi" ? `Link quality ${Math.round(d.link.value)} of 255` : `Signal ${Math.round(d.link.value)} dBm`;
  }
}

/** One group of the health page: the devices with `problem`, each linking to its device page. */
export function HealthGroup({ problem, devices, roomNames, now, timeZone }: { problem: HealthProblem; devices: readonly DeviceHealthView[]; roomNames: ReadonlyMap<string, string>; now: number; timeZone: string }) {
  const headingId = `health-${problem}`;
  return (
    <section className={`card health-group health-${problem}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        {GROUP_TITLE[problem]} <span className="count">{devices.length}</span>
      </h2>
      <p className="muted small">{GROUP_HINT[problem]}</p>
      <ul className="items">
        {devices.map((d) => (
          <li key={d.device_id} className="item health-item">
            <span className="item-title">
              <Link href={`/devices/${encodeURIComponent(d.device_id)}`}>{d.name}</Link>
            </span>
            <span className="item-meta">
              {detail(problem, d, now, timeZone)}
              {d.room_id !== null && roomNames.has(d.room_id) ? ` · ${roomNames.get(d.room_id)}` : ""}
              {problem !== "offline" && problem !== "stale" ? ` · ${lastSeenText(d, now, timeZone)}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
