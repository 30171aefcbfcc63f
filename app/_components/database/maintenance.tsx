"use client";
import { useState } from "react";
import type { DatabaseStatsView } from "@/server/history/database-stats";
import type { PurgeReport } from "@/server/history/retention";
import { callApi, goToLogin } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";
import { sentence } from "../form-errors";
import { formatBytes, formatCount, formatDateTime, formatRelative } from "../format";

const TRIGGERS: Record<PurgeReport["trigger"], string> = { nightly: "nightly", startup: "after start", manual: "by hand" };

/** What the last purge removed, in one line. */
export function purgeSummary(r: PurgeReport): string {
  const parts = [
    `${formatCount(r.removed.states)} state ${r.removed.states === 1 ? "row" : "rows"}`,
    `${formatCount(r.removed.events)} ${r.removed.events === 1 ? "event" : "events"}`,
    `${formatCount(r.removed.statistics_short_term)} 5-minute statistics`,
    `${formatCount(r.removed.attributes)} unused attribute ${r.removed.attributes === 1 ? "set" : "sets"}`,
    `${formatCount(r.removed.contexts)} unused ${r.removed.contexts === 1 ? "context" : "contexts"}`,
  ];
  return `Removed ${parts.join(", ")}; gave back ${formatBytes(r.bytes_freed)}.`;
}

/** The recorder's state, the purge schedule and its last result, and "Purge now" for owners and admins. */
export function Maintenance({
  stats,
  canManage,
  now,
  timeZone,
  onPurged,
}: {
  stats: DatabaseStatsView;
  canManage: boolean;
  now: number;
  timeZone: string;
  onPurged: (report: PurgeReport) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const { recorder, retention } = stats;
  const last = retention.last_purge;

  async function purge() {
    setBusy(true);
    setError(undefined);
    const result = await callApi<PurgeReport>("/api/history/purge", { method: "POST" });
    setBusy(false);
    if (!result.ok) {
      if (result.error.status === 401) goToLogin();
      setError(sentence(result.error.message));
      return;
    }
    setConfirming(false);
    onPurged(result.data);
  }

  return (
    <section className="card" aria-labelledby="db-maint-title">
      <h2 id="db-maint-title" className="card-title">
        Recorder and purge
      </h2>
      <ul className="rows">
        <li className="row">
          <span className="row-label">Recorder</span>
          <span className="row-value">
            {recorder.lastError ? (
              <span className="text-danger">Writing failed: {recorder.lastError}</span>
            ) : (
              <span>{recorder.lastCommitAt === null ? "Nothing written since start" : `Last write ${formatRelative(recorder.lastCommitAt, now, timeZone)}, took ${recorder.lastCommitMs < 1 ? "under 1" : recorder.lastCommitMs.toFixed(0)} ms`}</span>
            )}
          </span>
          <span className="row-detail">
            {formatCount(recorder.recorded)} recorded since start · {formatCount(recorder.pending)} waiting · {formatCount(recorder.dropped)} dropped
            {recorder.dropped > 0 ? " (the disk did not keep up)" : ""}
          </span>
        </li>
        <li className="row">
          <span className="row-label">Purge</span>
          <span className="row-value">
            {retention.running
              ? "Purging now…"
              : `Next ${formatDateTime(retention.next_purge_at, timeZone)}; keeps ${retention.default_keep_days} days unless an entity’s policy says otherwise. Hourly statistics are kept for ever.`}
          </span>
        </li>
        <li className="row">
          <span className="row-label">Last purge</span>
          {last ? (
            <>
              <span className="row-value">
                {formatRelative(last.finished_at, now, timeZone)} ({TRIGGERS[last.trigger]}), {(last.duration_ms / 1000).toFixed(1)} s
                {last.completed ? "" : last.error ? ` — failed: ${last.error}` : " — stopped early"}
              </span>
              <span className="row-detail" data-testid="last-purge">
                {purgeSummary(last)} The longest step held the hub {last.longest_step_ms} ms.
              </span>
            </>
          ) : (
            <span className="row-value">Not since Hearth started.</span>
          )}
        </li>
      </ul>
      {error && !confirming && (
        <p role="alert" className="alert alert-error">
          {error}
        </p>
      )}
      {canManage ? (
        <button
          type="button"
          className="btn btn-secondary db-purge"
          disabled={busy || retention.running}
          onClick={() => {
            setError(undefined);
            setConfirming(true);
          }}
        >
          {busy || retention.running ? "Purging…" : "Purge now"}
        </button>
      ) : (
        <p className="muted small">Only the home’s owner or an admin can purge.</p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Purge old history now?"
        message="Deletes what is past each entity’s keep days, and everything of entities set to “Don’t record”, then gives the space back. The nightly purge would do the same."
        confirmLabel="Purge now"
        busy={busy}
        error={error}
        onConfirm={() => void purge()}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
}
