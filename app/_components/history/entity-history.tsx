"use client";
import dynamic from "next/dynamic";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { fetchHistory, fetchHistoryWithAttributes } from "./history-api";
import type { TimeWindow } from "./history-load";
import { loadHistoryPanel, loadLineChart } from "./lazy-chunks";

// A card's way into an entity's history: a small button (and the sparkline) open a dialog with the panel.
// The panel and uPlot never load with the page: once it is idle (or when the pointer comes near the button, or
// the dialog opens, whichever is first), so the first tap finds them there.

const HistoryPanel = dynamic(() => loadHistoryPanel().then((m) => m.HistoryPanel), {
  ssr: false,
  loading: () => <p className="muted history-loading-panel">Loading history…</p>,
});

const DAY_MS = 86_400_000;

function preload(): void {
  void loadHistoryPanel();
  void loadLineChart();
}

let idlePreload = false;
/** Once per page load: the history code once the page has loaded and the browser has nothing else to do. */
function preloadWhenIdle(): void {
  if (idlePreload || typeof window === "undefined") return;
  idlePreload = true;
  // After the page's own load, never in it: the page stays as light as before, the first tap finds the code.
  const whenIdle = () => {
    if ("requestIdleCallback" in window) window.requestIdleCallback(preload, { timeout: 4000 });
    else setTimeout(preload, 2000);
  };
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}

interface EntityHistoryProps {
  entityId: string;
  name: string;
  timeZone: string;
  temperatureUnit: string;
}

function HistoryDialog({ entityId, name, timeZone, temperatureUnit, view, onClose }: EntityHistoryProps & { view: TimeWindow; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog history-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <div className="history-dialog-head">
        <h2 id={`${id}-title`} className="dialog-title">
          {name}
        </h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => ref.current?.close()} autoFocus>
          Close
        </button>
      </div>
      <HistoryPanel entities={[{ entityId, name }]} timeZone={timeZone} temperatureUnit={temperatureUnit} initialView={view} />
    </dialog>
  );
}

/** Opens an entity's history: `open` for anything tappable, `button` for the card, `dialog` to render once. */
export function useEntityHistory(p: EntityHistoryProps): { open: () => void; button: ReactNode; dialog: ReactNode } {
  const [view, setView] = useState<TimeWindow | undefined>();
  useEffect(preloadWhenIdle, []);
  const open = () => {
    performance.mark("hearth:history:open");
    // The panel's first window (24 h) is asked for now, while its code loads: it finds the answer waiting.
    const end = Date.now();
    const first = { start: end - DAY_MS, end };
    const domain = p.entityId.slice(0, p.entityId.indexOf("."));
    const ask = domain === "climate" || domain === "water_heater" ? fetchHistoryWithAttributes : fetchHistory;
    ask([p.entityId], first.start, first.end).catch(() => undefined);
    preload();
    setView(first);
  };
  const button = (
    <button type="button" className="btn btn-ghost btn-small history-open" aria-label={`${p.name} history`} onPointerEnter={preload} onFocus={preload} onTouchStart={preload} onClick={open}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M3 3v18h18" />
        <path d="M7 15l4-5 3 3 5-7" />
      </svg>
    </button>
  );
  const dialog = view && typeof document !== "undefined" ? createPortal(<HistoryDialog {...p} view={view} onClose={() => setView(undefined)} />, document.body) : null;
  return { open, button, dialog };
}
