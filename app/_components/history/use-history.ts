"use client";
import { useEffect, useRef, useState } from "react";
import type { ChartEntity } from "@/devices/history/chart-data";
import { covers, loadHistory, type LoadedHistory, type TimeWindow } from "./history-load";

/** The visible window; `padded` asks for some history either side (after a zoom or pan, so the next one is ready). */
export interface HistoryView extends TimeWindow {
  padded: boolean;
}

export interface HistoryData {
  loaded: LoadedHistory | undefined;
  loading: boolean;
  error: string | undefined;
}

interface Options {
  temperatureUnit: string;
  buckets: number;
  current: (entityId: string) => string | undefined;
}

/**
 * History for the entities over the view: reuses what is loaded when it covers the view with the right
 * sources (zooming inside a day, say), else loads; an older answer never replaces a newer one.
 */
export function useHistory(entities: readonly ChartEntity[], entitiesKey: string, view: HistoryView, o: Options): HistoryData {
  const [state, setState] = useState<HistoryData>({ loaded: undefined, loading: true, error: undefined });
  const loadedRef = useRef<LoadedHistory | undefined>(undefined);
  const seq = useRef(0);
  const opts = useRef(o);
  const list = useRef(entities);
  useEffect(() => {
    opts.current = o;
    list.current = entities;
  });

  useEffect(() => {
    const now = Date.now();
    const entitiesNow = list.current;
    const id = ++seq.current;
    if (entitiesNow.length === 0) {
      setState({ loaded: undefined, loading: false, error: undefined });
      return;
    }
    // What is loaded answers for this view too; a load still on its way is for an older view.
    if (covers(loadedRef.current, entitiesNow, view, now)) {
      setState((s) => (s.loading ? { ...s, loading: false } : s));
      return;
    }
    const span = view.end - view.start;
    const pad = view.padded ? span / 2 : 0;
    const fetchWindow = { start: view.start - pad, end: Math.min(now, view.end + pad) };
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    loadHistory(entitiesNow, fetchWindow, { now, temperatureUnit: opts.current.temperatureUnit, buckets: opts.current.buckets * (view.padded ? 2 : 1), current: opts.current.current })
      .then((loaded) => {
        if (id !== seq.current) return;
        performance.mark("hearth:history:data");
        loadedRef.current = loaded;
        setState({ loaded, loading: false, error: undefined });
      })
      .catch((err: unknown) => {
        if (id !== seq.current) return;
        setState((s) => ({ ...s, loading: false, error: err instanceof Error ? err.message : "Could not load the history." }));
      });
  }, [entitiesKey, view]);

  return state;
}
