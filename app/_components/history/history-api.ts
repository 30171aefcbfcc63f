import type { HistoryAnswer, StatisticsAnswer, StatisticsPeriod } from "@/devices/history/chart-data-wire";

// The page's reads of the history API: small answers only (minimal_response, no_attributes, chosen
// statistics types), the same request shared while it is fresh, and one 404 of the statistics route
// remembered so the page falls back to raw history without asking again.

const FRESH_MS = 20_000;
const MAX_CACHED = 24;

const cache = new Map<string, { at: number; answer: Promise<unknown> }>();
let statisticsServed = true;

/** Thrown for answers other than 2xx; `status` 0 when the hub could not be reached. */
export class HistoryRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function getJson(url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new HistoryRequestError(0, "Can't reach the hub.");
  }
  if (!res.ok) {
    let message = `The hub answered ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: unknown } };
      if (typeof body.error?.message === "string") message = body.error.message;
    } catch {
      // Not JSON: keep the status.
    }
    throw new HistoryRequestError(res.status, message);
  }
  return res.json();
}

function shared(url: string): Promise<unknown> {
  const now = Date.now();
  const hit = cache.get(url);
  if (hit && now - hit.at < FRESH_MS) return hit.answer;
  const answer = getJson(url);
  cache.set(url, { at: now, answer });
  // A failed request is not kept: the next caller asks again.
  answer.catch(() => cache.delete(url));
  if (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return answer;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** HA's GET /api/history/period for several entities at once: states and change times only. */
export function fetchHistory(entityIds: readonly string[], start: number, end: number): Promise<HistoryAnswer> {
  const q = new URLSearchParams({ filter_entity_id: [...entityIds].sort().join(","), end_time: iso(end) });
  return shared(`/api/history/period/${iso(start)}?${q.toString()}&minimal_response&no_attributes`) as Promise<HistoryAnswer>;
}

/** Full states (with attributes): climate charts read their temperatures from them. */
export function fetchHistoryWithAttributes(entityIds: readonly string[], start: number, end: number): Promise<HistoryAnswer> {
  const q = new URLSearchParams({ filter_entity_id: [...entityIds].sort().join(","), end_time: iso(end) });
  return shared(`/api/history/period/${iso(start)}?${q.toString()}`) as Promise<HistoryAnswer>;
}

/**
 * Long-term statistics (HA's recorder/statistics_during_period shape); undefined when this hub does not
 * serve them (404), so callers fall back to raw history.
 */
export async function fetchStatistics(ids: readonly string[], period: StatisticsPeriod, start: number, end: number, types: readonly string[]): Promise<StatisticsAnswer | undefined> {
  if (!statisticsServed) return undefined;
  const q = new URLSearchParams({ statistic_ids: [...ids].sort().join(","), period, start_time: iso(start), end_time: iso(end), types: types.join(",") });
  try {
    return (await shared(`/api/history/statistics?${q.toString()}`)) as StatisticsAnswer;
  } catch (err) {
    if (err instanceof HistoryRequestError && err.status === 404) {
      statisticsServed = false;
      return undefined;
    }
    throw err;
  }
}

/** Whether statistics are worth asking for (false after the route answered 404). */
export function statisticsAvailable(): boolean {
  return statisticsServed;
}
