"use client";
import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { hasStatistics, numericValue } from "@/devices/history/chart-data-wire";
import { sparklinePath } from "@/devices/history/chart-data-sparkline";
import { formatNumber, withUnit } from "@/devices/presentation/value-format";
import type { LiveState } from "../../_lib/live-store";
import { useEntityHistory } from "./entity-history";
import { sparklineFeed } from "./sparkline-feed";
import "../../history.css";

const DAY_MS = 86_400_000;
const W = 100;
const H = 32;

interface SensorTrendProps {
  entityId: string;
  name: string;
  state: LiveState;
  now: number;
  timeZone: string;
  temperatureUnit: string;
}

/**
 * A numeric sensor's last day as a sparkline (one SVG path, no chart library) and the button to its history.
 * The points come from the page's sparkline feed; the live value is drawn at "now" so the line moves with it.
 */
export function SensorTrend({ entityId, name, state, now, timeZone, temperatureUnit }: SensorTrendProps) {
  const history = useEntityHistory({ entityId, name, timeZone, temperatureUnit });
  const stats = hasStatistics({ entityId, attributes: state.attributes });
  const subscribe = useCallback((listener: () => void) => sparklineFeed().subscribe(entityId, stats, listener), [entityId, stats]);
  const data = useSyncExternalStore(
    subscribe,
    () => sparklineFeed().get(entityId),
    () => undefined,
  );
  const value = numericValue(state.state);
  const changedAt = Date.parse(state.last_changed);
  useEffect(() => {
    sparklineFeed().appendLive(entityId, changedAt, value);
  }, [entityId, changedAt, value]);

  const stateClass = state.attributes.state_class;
  const step = stateClass !== "measurement" && stateClass !== "measurement_angle";
  const spark = useMemo(() => {
    if (!data) return undefined;
    const end = Math.max(now, changedAt);
    // A sensor younger than a day spreads what it has over the width instead of a spike at the right edge.
    const start = Math.max(end - DAY_MS, Math.min(data.xs[0] ?? end, end - 60_000));
    return sparklinePath({ xs: [...data.xs, end], ys: [...data.ys, value] }, { start, end, width: W, height: H, step });
  }, [data, now, changedAt, value, step]);

  const unit = typeof state.attributes.unit_of_measurement === "string" ? state.attributes.unit_of_measurement : null;
  const precision = typeof state.attributes.display_precision === "number" ? state.attributes.display_precision : undefined;
  // Hourly means have many decimals: two at most unless the sensor says otherwise.
  const fmt = (v: number) => withUnit(precision !== undefined ? formatNumber(v, precision) : formatNumber(Math.round(v * 100) / 100), unit);
  return (
    <div className="trend">
      {spark ? (
        <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${name}, last 24 hours: ${spark.min === spark.max ? fmt(spark.min) : `${fmt(spark.min)} to ${fmt(spark.max)}`}`} onClick={history.open}>
          <path d={spark.d} vectorEffect="non-scaling-stroke" />
        </svg>
      ) : (
        <span className="sparkline sparkline-empty" aria-hidden="true" />
      )}
      {history.button}
      {history.dialog}
    </div>
  );
}

/** The history button alone, for entities without a sparkline (binary sensors, words). */
export function HistoryButton(p: Omit<SensorTrendProps, "state" | "now">) {
  const history = useEntityHistory(p);
  return (
    <>
      {history.button}
      {history.dialog}
    </>
  );
}
