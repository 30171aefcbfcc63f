"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { MqttLiveMessageView } from "@/server/hub-api";
import type { ApiError } from "../api-client";
import { streamUrl, topicMatches } from "./explorer-api";

export interface LiveEntry extends MqttLiveMessageView {
  id: number;
}

export type LiveStatus = "connecting" | "live" | "retrying" | "stopped";

export interface LiveLog {
  /** Newest first, at most `max`; frozen while paused. */
  entries: LiveEntry[];
  status: LiveStatus;
  paused: boolean;
  /** Messages that arrived while paused. */
  waiting: number;
  /** Messages the hub's rate limit dropped (it sends at most 100 a second per stream). */
  skipped: number;
  setPaused: (paused: boolean) => void;
  clear: () => void;
}

// Renders at most four times a second however fast messages come, so a busy broker does not grind a phone.
const FLUSH_MS = 250;
const RETRY_MS = 5000;

/**
 * The explorer's live log over server-sent events from GET /api/mqtt/stream?filter=. The stream closes while
 * the tab is hidden (STYLE §4 P6). `onRefused` hears why the hub refused the stream (401, 403, 422 bad filter).
 */
export function useLiveLog(filter: string, max: number, onRefused: (error: ApiError) => void): LiveLog {
  const [entries, setEntries] = useState<LiveEntry[]>([]);
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [paused, setPausedState] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const [skipped, setSkipped] = useState(0);
  const buffer = useRef<LiveEntry[]>([]);
  const counts = useRef({ nextId: 1, waiting: 0, skipped: 0 });
  const pausedRef = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const onRefusedRef = useRef(onRefused);
  useEffect(() => {
    onRefusedRef.current = onRefused;
  });

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    setSkipped(counts.current.skipped);
    setWaiting(counts.current.waiting);
    if (!pausedRef.current) setEntries(buffer.current.slice());
  }, []);

  useEffect(() => {
    // What is already in the log follows the new filter at once; the stream is then asked for it.
    buffer.current = buffer.current.filter((e) => topicMatches(filter, e.topic));
    setEntries((shown) => shown.filter((e) => topicMatches(filter, e.topic)));

    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const url = streamUrl(filter);

    const onMessage = (event: MessageEvent<string>) => {
      let data: MqttLiveMessageView | { skipped: number };
      try {
        data = JSON.parse(event.data) as MqttLiveMessageView | { skipped: number };
      } catch {
        return;
      }
      if ("skipped" in data) counts.current.skipped += data.skipped;
      else {
        buffer.current.unshift({ ...data, id: counts.current.nextId++ });
        if (buffer.current.length > max) buffer.current.length = max;
        if (pausedRef.current) counts.current.waiting++;
      }
      timer.current ??= setTimeout(flush, FLUSH_MS);
    };

    const open = () => {
      clearTimeout(retry);
      source?.close();
      setStatus("connecting");
      const es = new EventSource(url);
      source = es;
      es.onopen = () => setStatus("live");
      es.onmessage = onMessage;
      es.onerror = () => {
        // A network error reconnects by itself; a refusal (any status but 200) closes the source for good.
        if (es.readyState !== EventSource.CLOSED) {
          setStatus("retrying");
          return;
        }
        setStatus("stopped");
        void refusal(url).then((error) => {
          if (ended || source !== es) return;
          if (error) onRefusedRef.current(error);
          else {
            setStatus("retrying");
            retry = setTimeout(open, RETRY_MS);
          }
        });
      };
    };

    const onVisibility = () => {
      if (!document.hidden) open();
      else {
        clearTimeout(retry);
        source?.close();
        source = undefined;
      }
    };
    if (!document.hidden) open();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      ended = true;
      clearTimeout(retry);
      source?.close();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [filter, max, flush]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const setPaused = useCallback(
    (next: boolean) => {
      pausedRef.current = next;
      setPausedState(next);
      if (!next) {
        counts.current.waiting = 0;
        flush();
      }
    },
    [flush],
  );

  const clear = useCallback(() => {
    buffer.current = [];
    counts.current.waiting = 0;
    counts.current.skipped = 0;
    flush();
    setEntries([]);
  }, [flush]);

  return { entries, status, paused, waiting, skipped, setPaused, clear };
}

/** EventSource does not say why a stream was refused: ask once more with fetch and read the API's error. */
async function refusal(url: string): Promise<ApiError | undefined> {
  const controller = new AbortController();
  try {
    const res = await fetch(url, { cache: "no-store", credentials: "same-origin", signal: controller.signal });
    if (res.ok) return undefined;
    const body = (await res.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown } } | undefined;
    return {
      status: res.status,
      code: typeof body?.error?.code === "string" ? body.error.code : `http_${res.status}`,
      message: typeof body?.error?.message === "string" ? body.error.message : `The hub answered ${res.status}`,
    };
  } catch {
    return undefined;
  } finally {
    // A stream that opened this time is not read: the EventSource is opened again instead.
    controller.abort();
  }
}
