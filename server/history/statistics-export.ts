import { HistoryQueries } from "@/db/queries/history";
import { HistoryExportQueries } from "@/db/queries/statistics";
import type { HubDatabase } from "@/db/open-database";
import { HubError } from "../errors";
import { MAX_STATISTICS_ROWS, STATISTIC_PERIODS, STATISTIC_TYPES, type StatisticPeriod, type StatisticsReader } from "./statistics-reader";

/** GET /api/history/export.csv: raw history of some entities, or (with `statistics`) their statistics rows. */
export interface CsvExportQuery {
  /** Comma-separated entity ids (statistic ids). */
  entity_id?: string | undefined;
  /** ISO times; the default range is the last day. */
  start_time?: string | undefined;
  end_time?: string | undefined;
  /** A statistics period (5minute, hour, day, week, month) instead of raw states. */
  statistics?: string | undefined;
}

/** A CSV file to send: its name, its row count (header excluded) and its text, produced a page at a time. */
export interface CsvExport {
  filename: string;
  rows: number;
  body: AsyncIterable<string>;
}

/** An export holds at most this many rows; a longer range is refused (413) before anything is sent. */
export const MAX_EXPORT_ROWS = 1_000_000;
const PAGE_ROWS = 5000;
const DAY_MS = 86_400_000;
const EOL = "\r\n";
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (fields: ReadonlyArray<string | number | null | undefined>) => fields.map(csvField).join(",") + EOL;
const isoTime = (ms: number | null | undefined) => (ms === null || ms === undefined ? "" : new Date(ms).toISOString());
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * CSV exports. Raw history is counted first (so an oversized range is refused before the response starts),
 * then read and sent in pages of PAGE_ROWS by (time, sequence): memory stays flat and no read stays open
 * between pages. Statistics rows come from the statistics reader (bounded there).
 */
export class CsvExporter {
  readonly #history: HistoryQueries;
  readonly #export: HistoryExportQueries;
  readonly #statistics: StatisticsReader;
  readonly #maxRows: number;

  constructor(deps: { db: HubDatabase; statistics: StatisticsReader; maxRows?: number }) {
    this.#history = new HistoryQueries(deps.db);
    this.#export = new HistoryExportQueries(deps.db);
    this.#statistics = deps.statistics;
    this.#maxRows = deps.maxRows ?? MAX_EXPORT_ROWS;
  }

  export(query: CsvExportQuery): CsvExport {
    const ids = [
      ...new Set(
        (query.entity_id ?? "")
          .toLowerCase()
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    if (ids.length === 0) throw new HubError("invalid_input", "entity_id is missing: one or more entity ids, comma-separated");
    const now = this.#statistics.now();
    const end = query.end_time ? this.#time(query.end_time, "Invalid end_time") : now;
    const start = query.start_time ? this.#time(query.start_time, "Invalid start_time") : end - DAY_MS;
    if (end < start) throw new HubError("invalid_input", "end_time is before start_time");
    const name = ids.length === 1 ? ids[0]!.replace(/[^a-z0-9_.-]/g, "_") : `${ids.length}_entities`;
    const range = `${day(start)}_${day(end)}`;
    if (query.statistics !== undefined && query.statistics !== "") {
      const period = query.statistics;
      if (!(STATISTIC_PERIODS as readonly string[]).includes(period)) {
        throw new HubError("invalid_input", `statistics must be one of ${STATISTIC_PERIODS.join(", ")}`);
      }
      return this.#statisticsCsv(ids, period as StatisticPeriod, start, end, `statistics_${period}_${name}_${range}.csv`);
    }
    return this.#historyCsv(ids, start, end, `history_${name}_${range}.csv`);
  }

  #historyCsv(ids: string[], start: number, end: number, filename: string): CsvExport {
    const refs: Array<[string, number]> = [];
    let rows = 0;
    for (const id of ids) {
      const ref = this.#history.entityRef(id);
      if (ref === undefined) continue;
      refs.push([id, ref]);
      rows += this.#export.count(ref, start, end);
    }
    if (rows > this.#maxRows) {
      throw new HubError("payload_too_large", `${rows} states in this range; an export holds at most ${this.#maxRows}: ask for a shorter range, or for statistics`);
    }
    const pages = this.#export;
    async function* body(): AsyncGenerator<string> {
      yield csvLine(["entity_id", "state", "last_changed", "last_updated", "attributes"]);
      for (const [id, ref] of refs) {
        let afterTs = start;
        let afterSeq = -1;
        for (;;) {
          const page = pages.page(ref, afterTs, afterSeq, end, PAGE_ROWS);
          if (page.length === 0) break;
          let chunk = "";
          for (const r of page) chunk += csvLine([id, r.state, isoTime(r.changedTs), isoTime(r.ts), r.attributes ?? "{}"]);
          yield chunk;
          const last = page[page.length - 1]!;
          afterTs = last.ts;
          afterSeq = last.seq;
          if (page.length < PAGE_ROWS) break;
          await nextTurn();
        }
      }
    }
    return { filename, rows, body: body() };
  }

  #statisticsCsv(ids: string[], period: StatisticPeriod, start: number, end: number, filename: string): CsvExport {
    let result;
    try {
      result = this.#statistics.during({ statistic_ids: ids, period, start_time: new Date(start).toISOString(), end_time: new Date(end).toISOString(), types: [...STATISTIC_TYPES] });
    } catch (err) {
      if ((err as { code?: string }).code === "payload_too_large") {
        throw new HubError("payload_too_large", `more than ${MAX_STATISTICS_ROWS} statistics rows in this range: ask for a shorter range or a longer period`);
      }
      throw err;
    }
    const entries = Object.entries(result);
    const rows = entries.reduce((n, [, points]) => n + points.length, 0);
    async function* body(): AsyncGenerator<string> {
      yield csvLine(["statistic_id", "start", "end", "mean", "min", "max", "last_reset", "state", "sum", "change"]);
      for (const [id, points] of entries) {
        let chunk = "";
        for (const p of points) chunk += csvLine([id, isoTime(p.start), isoTime(p.end), p.mean, p.min, p.max, isoTime(p.last_reset), p.state, p.sum, p.change]);
        await nextTurn();
        yield chunk;
      }
    }
    return { filename, rows, body: body() };
  }

  #time(text: string, message: string): number {
    return this.#statistics.parseTime(text, message);
  }
}
