"use client";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import uPlot from "uplot";
import { formatChartValue, type LineSeries } from "@/devices/history/chart-data";
import { formatNumber } from "@/devices/presentation/value-format";
import { alignLines, valueAt } from "@/devices/history/chart-data-plot";
import type { TimeWindow } from "./history-load";
import { makeTimeFormat } from "./time-format";

// The uPlot chart: loaded only where a chart is shown (next/dynamic in the history panel), never by cards.

export interface LineChartProps {
  lines: LineSeries[];
  view: TimeWindow;
  timeZone: string;
  /** Names the chart for screen readers; the summary that describes it is `describedBy`. */
  label: string;
  describedBy: string;
  onZoom: (w: TimeWindow) => void;
  onReset: () => void;
}

const PALETTE = ["--chart-1", "--chart-2", "--chart-3", "--chart-4", "--chart-5", "--chart-6"];
const IDLE_READOUT = "Tap or point at the chart to read a value.";

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** A colour with some transparency, for the canvas (which may not parse color-mix()). */
function withAlpha(color: string, alpha: number): string {
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}${Math.round(alpha * 255).toString(16).padStart(2, "0")}`;
  const rgb = /^rgb\((\d+)[ ,]+(\d+)[ ,]+(\d+)\)$/.exec(color);
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

function heightFor(width: number): number {
  return Math.round(Math.min(280, Math.max(180, width * 0.45)));
}

/** Numbers over time for lines of one unit: drag to zoom, double-click to reset, tap or arrow keys to read. */
export function LineChart({ lines, view, timeZone, label, describedBy, onZoom, onReset }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLSpanElement>(null);
  const spoken = useRef<HTMLSpanElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const viewRef = useRef(view);
  const handlers = useRef({ onZoom, onReset });
  useEffect(() => {
    handlers.current = { onZoom, onReset };
  });

  // Colours come from CSS variables: a switch between dark and light redraws with the new ones.
  const [scheme, setScheme] = useState(0);
  useEffect(() => {
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => setScheme((n) => n + 1);
    dark.addEventListener("change", onChange);
    return () => dark.removeEventListener("change", onChange);
  }, []);

  // The chart is rebuilt when its data changes (cheap with uPlot); a view change inside the data only rescales.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(200, Math.floor(el.clientWidth));
    const time = makeTimeFormat(timeZone);
    const aligned = alignLines(lines);
    const data: uPlot.AlignedData = [aligned.xs];
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    const colors = PALETTE.map((v, i) => cssVar(el, v, ["#b3461a", "#1d5fd6", "#1d7348", "#7d5200", "#8a3ffc", "#b42318"][i] ?? "#888"));
    lines.forEach((line, i) => {
      const color = colors[i % colors.length] ?? "#888";
      const col = aligned.lines[i];
      if (!col) return;
      const paths = line.step ? uPlot.paths.stepped?.({ align: 1 }) : undefined;
      data.push(col.ys);
      series.push({ label: line.name, stroke: color, width: 2, spanGaps: false, points: { show: false }, ...(paths ? { paths } : {}) });
      if (col.min && col.max) {
        const maxIdx = data.length;
        data.push(col.max);
        series.push({ label: `${line.name} max`, stroke: "transparent", width: 0, points: { show: false } });
        data.push(col.min);
        series.push({ label: `${line.name} min`, stroke: "transparent", width: 0, points: { show: false } });
        bands.push({ series: [maxIdx, maxIdx + 1], fill: withAlpha(color, 0.18) });
      }
    });
    const muted = cssVar(el, "--muted", "#666");
    const grid = cssVar(el, "--border", "#ddd");
    const font = `12px ${getComputedStyle(el).fontFamily}`;
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
    const opts: uPlot.Options = {
      width,
      height: heightFor(width),
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), timeZone),
      legend: { show: false },
      scales: { x: { time: true, auto: false, range: () => [viewRef.current.start, viewRef.current.end] } },
      axes: [
        { ...axis, values: (_u, splits, _a, _space, incr) => splits.map((s) => time.tick(s, incr)) },
        { ...axis, size: 52, values: (_u, splits) => splits.map((v) => formatNumber(v)) },
      ],
      series,
      bands,
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { size: 8 },
        bind: {
          dblclick: () => () => {
            handlers.current.onReset();
            return null;
          },
        },
      },
      hooks: {
        setSelect: [
          (u) => {
            const { left, width: w } = u.select;
            if (w > 8) handlers.current.onZoom({ start: u.posToVal(left, "x"), end: u.posToVal(left + w, "x") });
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
        setCursor: [
          (u) => {
            const left = u.cursor.left;
            const out = readout.current;
            if (!out) return;
            if (left === undefined || left < 0) {
              out.textContent = IDLE_READOUT;
              return;
            }
            const at = u.posToVal(left, "x");
            const values = lines.map((line) => {
              const v = valueAt(line, at);
              // Between two points of a linear line the value is interpolated: rounded like a mean.
              return `${line.name} ${v === undefined || v === null ? "no value" : formatChartValue(v, line, line.fromStatistics || !line.step)}`;
            });
            out.textContent = `${time.full(at)} · ${values.join(" · ")}`;
          },
        ],
        ready: [() => performance.mark("hearth:history:drawn")],
      },
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    // Touch: a tap or a sideways slide reads values; vertical slides still scroll the page (touch-action).
    const touch = (e: PointerEvent) => {
      if (e.pointerType === "mouse") return;
      const rect = u.over.getBoundingClientRect();
      u.setCursor({ left: e.clientX - rect.left, top: e.clientY - rect.top });
    };
    const speak = () => {
      if (spoken.current && readout.current) spoken.current.textContent = readout.current.textContent;
    };
    u.over.addEventListener("pointerdown", touch);
    u.over.addEventListener("pointermove", touch);
    u.over.addEventListener("pointerup", speak);
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(el.clientWidth));
      if (w !== u.width) u.setSize({ width: w, height: heightFor(w) });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = undefined;
    };
  }, [lines, timeZone, scheme]);

  useEffect(() => {
    viewRef.current = view;
    plot.current?.setScale("x", { min: view.start, max: view.end });
  }, [view]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const u = plot.current;
    if (!u || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    e.preventDefault();
    const w = u.over.clientWidth;
    const left = u.cursor.left === undefined || u.cursor.left < 0 ? w - 1 : u.cursor.left;
    const step = Math.max(1, w / 48);
    u.setCursor({ left: Math.min(w - 1, Math.max(0, left + (e.key === "ArrowLeft" ? -step : step))), top: u.over.clientHeight / 2 });
    if (spoken.current && readout.current) spoken.current.textContent = readout.current.textContent;
  };

  return (
    <div className="history-chart">
      {lines.length > 1 && (
        <ul className="history-legend" aria-hidden="true">
          {lines.map((line, i) => (
            <li key={line.key}>
              <span className="history-swatch" style={{ background: `var(${PALETTE[i % PALETTE.length] ?? "--accent"})` }} />
              {line.name}
            </li>
          ))}
        </ul>
      )}
      <div ref={box} className="history-plot" role="img" aria-label={label} aria-describedby={describedBy} tabIndex={0} onKeyDown={onKey} />
      <p className="history-readout">
        <span ref={readout} aria-hidden="true">
          {IDLE_READOUT}
        </span>
        <span ref={spoken} className="visually-hidden" aria-live="polite" />
      </p>
    </div>
  );
}
