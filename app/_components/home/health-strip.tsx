"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { healthPhrases } from "@/devices/health/device-health";
import type { DeviceHealthSummary } from "@/server/hub-api";
import { useAllStates } from "../../_lib/use-live-states";
import { callApi } from "../api-client";
import { usePolling } from "../use-polling";
import "./health-strip.css";

// Health is judged on the hub (staleness needs its clock and each device's rhythm): ask again a moment after
// states change (at most this often), and every minute for devices going quiet.
const AFTER_CHANGE_MS = 3_000;
const POLL_MS = 60_000;

/** The home view's device-health line: problem counts (offline, not reporting, low battery, weak signal) linking to /health. */
export function HealthStrip({ initial }: { initial: DeviceHealthSummary }) {
  const [summary, setSummary] = useState(initial);
  const states = useAllStates();
  const first = useRef(true);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = async (signal?: AbortSignal) => {
    const res = await callApi<{ summary: DeviceHealthSummary }>("/api/devices/health?summary=1", signal ? { signal } : {});
    if (res.ok) setSummary(res.data.summary);
  };
  usePolling(load, POLL_MS);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    pending.current ??= setTimeout(() => {
      pending.current = undefined;
      void load();
    }, AFTER_CHANGE_MS);
  }, [states]);
  useEffect(() => () => clearTimeout(pending.current), []);

  if (summary.devices === 0) return null;
  const phrases = healthPhrases(summary);
  const ok = phrases.length === 0;
  return (
    <Link href="/health" className={ok ? "health-strip health-strip-ok" : "health-strip"} aria-label={ok ? "Device health: all devices healthy" : `Device health: ${phrases.join(", ")}`}>
      <span className="health-strip-title">Device health</span>
      {ok ? (
        <span className="muted small">All {summary.devices} healthy</span>
      ) : (
        <ul className="summary-line" aria-hidden="true">
          {phrases.map((p) => (
            <li key={p} className="chip chip-warn">
              {p}
            </li>
          ))}
        </ul>
      )}
      <span className="health-strip-go" aria-hidden="true">
        ›
      </span>
    </Link>
  );
}
