"use client";
import dynamic from "next/dynamic";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { HISTORY_RANGES, rangeMs, type ChartEntity, type HistoryRange, type LineSeries } from "@/devices/history/chart-data";
import { shortName } from "@/devices/presentation/entity-kind";
import { describeLine, describeTimeline, summarizeLine } from "@/devices/history/chart-data-summary";
import { useAllStates } from "../../_lib/use-live-states";
import type { TimeWindow } from "./history-load";
import { loadLineChart } from "./lazy-chunks";
import { RangeControls, type ZoomAction } from "./range-controls";
import { makeTimeFormat } from "./time-format";
import { TimelineView } from "./timeline-view";
import { useHistory, type HistoryView } from "./use-history";
import "../../history.css";

// uPlot arrives with the first chart, not with the page.
const LineChart = dynamic(() => loadLineChart().then((m) => m.LineChart), { ssr: false, loading: () => <div className="history-plot-placeholder" /> });

export interface HistoryPanelProps {
  entities: ReadonlyArray<{ entityId: string; name: string }>;
  timeZone: string;
  temperatureUnit: string;
  initialRange?: HistoryRange;
  /** The window to show first (the opener may have asked for it already). */
  initialView?: TimeWindow | undefined;
  /** On a device's page its name is left out of the entities' names ("Desk Temperature" → "Temperature"). */
  deviceName?: string | undefined;
}

const MIN_SPAN_MS = 5 * 60_000;
const MAX_SPAN_MS = 366 * 86_400_000;
const CHART_ATTRIBUTES = ["unit_of_measurement", "state_class", "device_class", "display_precision", "suggested_display_precision"] as const;

function rangeView(range: HistoryRange, now: number): HistoryView {
  return { start: now - rangeMs(range), end: now, padded: false };
}

function sourceNote(lines: readonly LineSeries[]): string | undefined {
  if (lines.length === 0) return undefined;
  return lines.some((l) => l.fromStatistics) ? "From long-term statistics: the line is the mean, the band spans min to max." : "From recorded states.";
}

/** History of some entities: range buttons, a line chart per unit, timelines for on/off and modes, and the numbers in words. */
export function HistoryPanel({ entities, timeZone, temperatureUnit, initialRange = "24h", initialView, deviceName }: HistoryPanelProps) {
  const id = useId();
  const all = useAllStates();
  const [range, setRange] = useState<HistoryRange>(initialRange);
  const [view, setView] = useState<HistoryView>(() => (initialView ? { ...initialView, padded: false } : rangeView(initialRange, Date.now())));
  const [zoomed, setZoomed] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const [buckets, setBuckets] = useState(600);
  useEffect(() => {
    performance.mark("hearth:history:mount");
    // uPlot loads while the data is on its way, not after.
    void loadLineChart();
    if (box.current) setBuckets(Math.max(200, Math.round(box.current.clientWidth)));
  }, []);

  // Only what a chart reads from the states re-keys the data: a new value does not reload the range.
  const byId = new Map(all.map((s) => [s.entity_id, s]));
  const chartKey = JSON.stringify(
    entities.map((e) => {
      const a = byId.get(e.entityId)?.attributes ?? {};
      const name = (typeof a.friendly_name === "string" ? a.friendly_name : undefined) ?? e.name;
      return [e.entityId, deviceName ? shortName(name, deviceName) : name, CHART_ATTRIBUTES.map((k) => a[k] ?? null)];
    }),
  );
  const chartEntities = useMemo<ChartEntity[]>(() => {
    const parsed = JSON.parse(chartKey) as Array<[string, string, unknown[]]>;
    return parsed.map(([entityId, name, values]) => {
      const attributes: Record<string, unknown> = {};
      CHART_ATTRIBUTES.forEach((k, i) => {
        if (values[i] !== null && values[i] !== undefined) attributes[k] = values[i];
      });
      return { entityId, name, attributes };
    });
  }, [chartKey]);
  const current = (entityId: string) => byId.get(entityId)?.state;
  const data = useHistory(chartEntities, chartKey, view, { temperatureUnit, buckets, current });

  const time = useMemo(() => makeTimeFormat(timeZone), [timeZone]);
  const rangeText = zoomed ? time.span(view.start, view.end) : (HISTORY_RANGES.find((r) => r.key === range)?.long ?? "").toLowerCase();
  const loaded = data.loaded;
  const groups = useMemo(() => {
    const by = new Map<string, LineSeries[]>();
    for (const line of loaded?.lines ?? []) by.set(line.unit ?? "", [...(by.get(line.unit ?? "") ?? []), line]);
    return [...by.entries()];
  }, [loaded]);

  const pickRange = (r: HistoryRange) => {
    setRange(r);
    setZoomed(false);
    setView(rangeView(r, Date.now()));
  };
  const zoomTo = (w: TimeWindow) => {
    const now = Date.now();
    let span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, w.end - w.start));
    const mid = (w.start + w.end) / 2;
    let end = Math.min(now, mid + span / 2);
    let start = end - span;
    if (start < now - MAX_SPAN_MS) {
      start = now - MAX_SPAN_MS;
      span = Math.min(span, MAX_SPAN_MS);
      end = start + span;
    }
    setZoomed(true);
    setView({ start, end, padded: true });
  };
  const zoom = (action: ZoomAction) => {
    const span = view.end - view.start;
    const mid = (view.start + view.end) / 2;
    if (action === "reset") return pickRange(range);
    // Zooming in on a window that ends now keeps now in view: the latest is what people look for.
    const atNow = view.end >= Date.now() - 60_000;
    if (action === "in") return zoomTo(atNow ? { start: view.end - span / 2, end: view.end } : { start: mid - span / 4, end: mid + span / 4 });
    if (action === "out") return zoomTo({ start: mid - span, end: mid + span });
    const shift = (action === "earlier" ? -span : span) / 2;
    zoomTo({ start: view.start + shift, end: view.end + shift });
  };

  const empty = loaded !== undefined && loaded.lines.length === 0 && loaded.timelines.length === 0;
  const summary = (key: string, texts: string[]) => (
    <ul className="history-summary" id={key}>
      {texts.map((text, i) => (
        <li key={i}>{text}</li>
      ))}
    </ul>
  );

  return (
    <div className="history-panel" ref={box} aria-busy={data.loading}>
      <RangeControls range={zoomed ? undefined : range} onRange={pickRange} onZoom={zoom} zoomed={zoomed} atNow={view.end >= Date.now() - 60_000} />
      <p className="history-window muted small">
        {zoomed ? time.span(view.start, view.end) : HISTORY_RANGES.find((r) => r.key === range)?.long}
        {data.loading && (
          <span role="status" className="history-loading">
            {" "}
            · Loading…
          </span>
        )}
      </p>
      {data.error && (
        <p className="alert alert-error" role="alert">
          {data.error}
        </p>
      )}
      {groups.map(([unit, lines], i) => (
        <section key={unit || `n${i}`} className="history-group" aria-label={unit ? `In ${unit}` : "Numbers"}>
          <LineChart
            lines={lines}
            view={view}
            timeZone={timeZone}
            label={`Chart of ${lines.map((l) => l.name).join(" and ")}${unit ? ` in ${unit}` : ""}, ${rangeText}`}
            describedBy={`${id}-s${i}`}
            onZoom={zoomTo}
            onReset={() => pickRange(range)}
          />
          {summary(`${id}-s${i}`, lines.map((line) => describeLine(line, summarizeLine(line, view))))}
        </section>
      ))}
      {loaded && loaded.timelines.length > 0 && (
        <section className="history-group" aria-label="States">
          <TimelineView timelines={loaded.timelines} view={view} timeZone={timeZone} />
          {summary(`${id}-t`, loaded.timelines.map((t) => describeTimeline(t, view)))}
        </section>
      )}
      {empty && <p className="muted">Nothing recorded for these entities yet.</p>}
      {loaded && <p className="muted small">{sourceNote(loaded.lines)}</p>}
    </div>
  );
}
