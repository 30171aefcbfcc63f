import type { Metadata } from "next";
import Link from "next/link";
import { HEALTH_PROBLEMS, countProblems } from "@/devices/health/device-health";
import { HEALTH_THRESHOLDS } from "@/devices/health/thresholds";
import { requireUser } from "../_lib/current-user";
import { AppShell } from "../_components/app-shell";
import { AutoRefresh } from "../_components/health/auto-refresh";
import { HealthGroup } from "../_components/health/health-group";
import "./health.css";

export const metadata: Metadata = { title: "Device health" };

const hours = (ms: number) => Math.round(ms / 3_600_000);
const minutes = (ms: number) => Math.round(ms / 60_000);

/** Devices that need attention, grouped: offline, not reporting (stale), low battery, weak signal. */
export default async function HealthPage() {
  const { api } = await requireUser("/health");
  const home = api.home();
  const devices = api.deviceHealth.list();
  const counts = countProblems(devices);
  const roomNames = new Map(api.rooms.list().map((r) => [r.room_id, r.name]));
  const now = Date.now();
  const timeZone = home?.timeZone ?? "UTC";
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <AutoRefresh everyMs={60_000} />
      <h1 className="page-title">Device health</h1>
      <p className="muted lead">
        {counts.devices === 0
          ? "No devices yet."
          : counts.with_problems === 0
            ? `All ${counts.devices} ${counts.devices === 1 ? "device is" : "devices are"} healthy.`
            : `${counts.with_problems} of ${counts.devices} ${counts.devices === 1 ? "device needs" : "devices need"} attention.`}
      </p>
      {HEALTH_PROBLEMS.map((problem) => {
        const group = devices.filter((d) => d.problems.includes(problem));
        return group.length === 0 ? null : <HealthGroup key={problem} problem={problem} devices={group} roomNames={roomNames} now={now} timeZone={timeZone} />;
      })}
      {counts.devices === 0 && (
        <section className="card empty">
          <p className="muted">
            Devices appear when they announce themselves with MQTT discovery. <Link href="/devices">See devices</Link>.
          </p>
        </section>
      )}
      <details className="card health-rules">
        <summary>How health is judged</summary>
        <ul>
          <li>
            <strong>Offline:</strong> the device&apos;s availability topic says it is unavailable (for example its last will after a power cut).
          </li>
          <li>
            <strong>Not reporting:</strong> silent for longer than {HEALTH_THRESHOLDS.staleFactor} × its usual gap between messages, learned from its last {HEALTH_THRESHOLDS.gapsKept}{" "}
            reports, and never sooner than {minutes(HEALTH_THRESHOLDS.staleFloorMs)} min. Until it has reported {HEALTH_THRESHOLDS.minGaps + 1} times, {hours(HEALTH_THRESHOLDS.unlearnedStaleMs)} h, like
            Zigbee2MQTT&apos;s timeout for battery devices.
          </li>
          <li>
            <strong>Low battery:</strong> a battery sensor below {HEALTH_THRESHOLDS.lowBatteryPercent} %, or a battery-low sensor that is on.
          </li>
          <li>
            <strong>Weak signal:</strong> Zigbee link quality below {HEALTH_THRESHOLDS.weakLinkQuality} of 255, or Wi-Fi signal below {HEALTH_THRESHOLDS.weakRssiDbm} dBm.
          </li>
        </ul>
      </details>
    </AppShell>
  );
}
