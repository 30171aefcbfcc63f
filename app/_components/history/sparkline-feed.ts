import { historyByEntity, numericValue, type StatisticsRow } from "@/devices/history/chart-data-wire";
import { fetchHistory, fetchStatistics } from "./history-api";

// The last day of every sparkline on the page: the cards that mount together are asked for in one request
// (hourly statistics means where the sensor has statistics, else minimal raw history), refreshed every few
// minutes while the page is visible; between refreshes the cards append their live values.

const DAY_MS = 86_400_000;
const REFRESH_MS = 5 * 60_000;
const BATCH_MS = 40;

/** A sparkline's points; a new object (same arrays) each time they change. */
export interface SparkData {
  xs: number[];
  ys: Array<number | null>;
  version: number;
}

interface Entry {
  data: SparkData | undefined;
  fetchedAt: number;
  statistics: boolean;
  listeners: Set<() => void>;
}

class SparklineFeed {
  #entries = new Map<string, Entry>();
  #queued = new Set<string>();
  #batch: ReturnType<typeof setTimeout> | undefined;
  #refresh: ReturnType<typeof setInterval> | undefined;

  subscribe(entityId: string, statistics: boolean, listener: () => void): () => void {
    let entry = this.#entries.get(entityId);
    if (!entry) {
      entry = { data: undefined, fetchedAt: 0, statistics, listeners: new Set() };
      this.#entries.set(entityId, entry);
    }
    entry.statistics = statistics;
    entry.listeners.add(listener);
    if (Date.now() - entry.fetchedAt > REFRESH_MS) this.#queue(entityId);
    this.#refresh ??= setInterval(() => this.#refreshAll(), REFRESH_MS);
    return () => {
      entry.listeners.delete(listener);
      if ([...this.#entries.values()].every((e) => e.listeners.size === 0)) {
        clearInterval(this.#refresh);
        this.#refresh = undefined;
      }
    };
  }

  get(entityId: string): SparkData | undefined {
    return this.#entries.get(entityId)?.data;
  }

  /** A value the card saw live: the line moves without asking the hub. */
  appendLive(entityId: string, at: number, value: number | null): void {
    const entry = this.#entries.get(entityId);
    const data = entry?.data;
    if (!entry || !data || Number.isNaN(at)) return;
    const last = data.xs[data.xs.length - 1];
    if (last !== undefined && at <= last) return;
    data.xs.push(at);
    data.ys.push(value);
    // Keep about a day: drop what slid out, a chunk at a time.
    const cutoff = Date.now() - DAY_MS - 3_600_000;
    if ((data.xs[0] ?? cutoff) < cutoff - 3_600_000) {
      const keep = data.xs.findIndex((x) => x >= cutoff);
      if (keep > 1) {
        data.xs.splice(0, keep - 1);
        data.ys.splice(0, keep - 1);
      }
    }
    this.#set(entry, { xs: data.xs, ys: data.ys, version: data.version + 1 });
  }

  #set(entry: Entry, data: SparkData): void {
    entry.data = data;
    for (const l of [...entry.listeners]) l();
  }

  #queue(entityId: string): void {
    this.#queued.add(entityId);
    this.#batch ??= setTimeout(() => {
      this.#batch = undefined;
      const ids = [...this.#queued];
      this.#queued.clear();
      void this.#load(ids);
    }, BATCH_MS);
  }

  #refreshAll(): void {
    if (typeof document !== "undefined" && document.hidden) return;
    for (const [id, e] of this.#entries) if (e.listeners.size > 0) this.#queue(id);
  }

  async #load(ids: string[]): Promise<void> {
    const end = Date.now();
    const start = end - DAY_MS;
    const withStats = ids.filter((id) => this.#entries.get(id)?.statistics);
    const raw = ids.filter((id) => !withStats.includes(id));
    const fromStats = new Map<string, StatisticsRow[]>();
    if (withStats.length > 0) {
      const answer = await fetchStatistics(withStats, "hour", start, end, ["mean", "state"]).catch(() => undefined);
      for (const id of withStats) {
        const rows = answer?.[id];
        // Statistics that start well inside the day belong to a young sensor: its raw history is small and newer.
        if (rows && rows.length > 0 && (rows[0]?.start ?? end) <= start + 2 * 3_600_000) fromStats.set(id, rows);
        else raw.push(id);
      }
    }
    for (const [id, rows] of fromStats) {
      // Each mean sits in the middle of its hour.
      const xs = rows.map((r) => (r.start + r.end) / 2);
      const ys = rows.map((r) => r.mean ?? r.state ?? null);
      this.#loaded(id, xs, ys, end);
    }
    if (raw.length === 0) return;
    const answer = await fetchHistory(raw, start, end).catch(() => undefined);
    if (!answer) return;
    const by = historyByEntity(answer);
    for (const id of raw) {
      const states = by.get(id) ?? [];
      this.#loaded(
        id,
        states.map((s) => Date.parse(s.last_changed)),
        states.map((s) => numericValue(s.state)),
        end,
      );
    }
  }

  #loaded(id: string, xs: number[], ys: Array<number | null>, at: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.fetchedAt = at;
    this.#set(entry, { xs, ys, version: (entry.data?.version ?? 0) + 1 });
  }
}

let feed: SparklineFeed | undefined;

/** The page's one feed (created in the browser on first use). */
export function sparklineFeed(): SparklineFeed {
  feed ??= new SparklineFeed();
  return feed;
}
