"use client";
import { useState } from "react";
import type { DatabaseStatsView } from "@/server/history/database-stats";
import { formatBytes, formatCount, formatDate, formatRelative } from "../format";

/** Size and growth at a glance: what is on disk, what history adds a day, and where it levels off. */
export function SizeOverview({ stats, now, timeZone }: { stats: DatabaseStatsView; now: number; timeZone: string }) {
  const { file, history, retention } = stats;
  const days = history.oldest === null ? 0 : Math.max(0, (now - history.oldest) / 86_400_000);
  return (
    <section aria-labelledby="db-size-title" className="stack">
      <h2 id="db-size-title" className="visually-hidden">
        Size and growth
      </h2>
      <dl className="stats db-stats">
        <div className="stat stat-accent">
          <dt>On disk</dt>
          <dd>{formatBytes(file.total_bytes)}</dd>
          <dd className="stat-sub">
            {formatBytes(file.db_bytes)} database · {formatBytes(file.wal_bytes)} write-ahead log
          </dd>
        </div>
        <div className="stat">
          <dt>Raw history</dt>
          <dd>{formatCount(history.rows)} rows</dd>
          <dd className="stat-sub">
            {history.oldest === null ? "Nothing recorded yet" : `${history.entities} ${history.entities === 1 ? "entity" : "entities"} · since ${formatDate(history.oldest, timeZone)} (${days < 1 ? "today" : `${Math.floor(days)} d`})`}
          </dd>
        </div>
        <div className="stat">
          <dt>Added per day</dt>
          <dd>{formatBytes(history.bytes_per_day)}</dd>
          <dd className="stat-sub">{formatCount(history.rows_24h)} changes in the last 24 h</dd>
        </div>
        <div className="stat">
          <dt>Levels off at</dt>
          <dd>{formatBytes(history.projected_bytes)}</dd>
          <dd className="stat-sub">of raw history at this rate, with each entity’s keep days (default {retention.default_keep_days})</dd>
        </div>
        <div className="stat">
          <dt>Free inside the file</dt>
          <dd>{formatBytes(file.free_bytes)}</dd>
          <dd className="stat-sub">{file.free_pages === 0 ? "Nothing to give back" : "Given back at the next purge"}</dd>
        </div>
        <div className="stat">
          <dt>Last purge</dt>
          <dd>{retention.last_purge ? formatRelative(retention.last_purge.finished_at, now, timeZone) : "Not yet"}</dd>
          <dd className="stat-sub">
            {retention.running ? "Purging now…" : retention.last_purge ? `${formatCount(retention.last_purge.removed.states)} rows removed` : "Runs shortly after start, then nightly"}
          </dd>
        </div>
      </dl>
    </section>
  );
}

const TABLES_SHOWN = 6;

/** Rows and bytes per table (and its indexes), largest first, each with a bar of its share of the file. */
export function TableSizes({ stats }: { stats: DatabaseStatsView }) {
  const [all, setAll] = useState(false);
  const total = Math.max(1, stats.file.pages * stats.file.page_size);
  const measured = stats.tables.filter((t) => t.bytes + t.index_bytes > 0);
  const tables = all ? measured : measured.slice(0, TABLES_SHOWN);
  return (
    <section className="card" aria-labelledby="db-tables-title">
      <h2 id="db-tables-title" className="card-title">
        Tables
      </h2>
      {tables.length === 0 ? (
        <p className="empty-inline">{stats.measure_error ? `Sizes could not be measured: ${stats.measure_error}` : "Not measured yet."}</p>
      ) : (
        <ul className="db-tables" aria-label="Tables by size">
          {tables.map((t) => {
            const bytes = t.bytes + t.index_bytes;
            return (
              <li key={t.name} className="db-table">
                <div className="db-table-head">
                  <span className="mono db-table-name">{t.name}</span>
                  <span className="db-table-size">{formatBytes(bytes)}</span>
                </div>
                <div className="db-bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(0.5, (bytes / total) * 100).toFixed(1)}%` }} />
                </div>
                <span className="db-table-meta">
                  {formatCount(t.rows)} {t.rows === 1 ? "row" : "rows"}
                  {t.index_bytes > 0 ? ` · indexes ${formatBytes(t.index_bytes)}` : ""}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {measured.length > TABLES_SHOWN && (
        <button type="button" className="btn btn-ghost db-more" aria-expanded={all} onClick={() => setAll((v) => !v)}>
          {all ? "Show the biggest only" : `Show all ${measured.length} tables`}
        </button>
      )}
    </section>
  );
}
