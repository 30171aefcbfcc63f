"use client";
import { useState } from "react";
import type { DatabaseStatsView } from "@/server/history/database-stats";
import type { RecorderPolicyView } from "@/server/history/recorder-policies";
import type { PurgeReport } from "@/server/history/retention";
import { callApi, goToLogin } from "../api-client";
import { sentence } from "../form-errors";
import { formatRelative } from "../format";
import { useNow } from "../use-now";
import { usePolling } from "../use-polling";
import { EntityPolicies, TopWriters } from "./entity-rows";
import { Maintenance, purgeSummary } from "./maintenance";
import { SizeOverview, TableSizes } from "./size-overview";

const REFRESH_MS = 30_000;

/** The "database" page: size and growth, top writers, every entity's policy (editable), tables, purge. */
export function DatabaseDashboard({ initial, canManage, renderedAt, timeZone }: { initial: DatabaseStatsView; canManage: boolean; renderedAt: number; timeZone: string }) {
  const now = useNow(renderedAt);
  const [stats, setStats] = useState(initial);
  const [refreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  async function load(fresh: boolean, signal?: AbortSignal) {
    const result = await callApi<DatabaseStatsView>(`/api/history/database${fresh ? "?fresh=1" : ""}`, signal ? { signal } : {});
    if (signal?.aborted) return;
    if (result.ok) {
      setStats(result.data);
      setError(undefined);
    } else {
      if (result.error.status === 401) goToLogin();
      setError(sentence(result.error.message));
    }
  }

  usePolling((signal) => load(false, signal), REFRESH_MS);

  async function refresh() {
    setRefreshing(true);
    await load(true);
    setRefreshing(false);
    setNotice("Figures measured again.");
  }

  function onSaved(entityId: string, policy: RecorderPolicyView | null, message: string) {
    setStats((s) => ({
      ...s,
      entities: s.entities.map((e) => (e.entity_id === entityId ? { ...e, policy, keep_days: policy?.keep_days ?? s.retention.default_keep_days } : e)),
    }));
    setNotice(message);
  }

  function onPurged(report: PurgeReport) {
    setStats((s) => ({ ...s, retention: { ...s.retention, last_purge: report } }));
    setNotice(`Purged. ${purgeSummary(report)}`);
    void load(true);
  }

  return (
    <div className="stack db">
      <div className="db-measured">
        <span className="muted small">
          {stats.measured_at === null ? "Not measured yet." : `Rows and sizes measured ${formatRelative(stats.measured_at, now, timeZone)}${stats.measure_ms === null ? "" : ` (${stats.measure_ms} ms)`}.`}
        </span>
        <button type="button" className="btn btn-ghost" onClick={() => void refresh()} disabled={refreshing}>
          {refreshing ? "Measuring…" : "Measure again"}
        </button>
      </div>
      {(error ?? stats.measure_error) && (
        <p role="alert" className="alert alert-error">
          {error ?? `Rows and sizes could not be measured: ${stats.measure_error}`}
        </p>
      )}
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      {notice && (
        <p className="note note-ok" aria-hidden="true">
          {notice}
        </p>
      )}
      <SizeOverview stats={stats} now={now} timeZone={timeZone} />
      <div className="db-columns">
        <TopWriters stats={stats} canManage={canManage} onSaved={onSaved} />
        <TableSizes stats={stats} />
      </div>
      <EntityPolicies stats={stats} canManage={canManage} onSaved={onSaved} />
      <details className="card db-help">
        <summary>What the policies do</summary>
        <dl className="db-help-list">
          <dt>Don’t record</dt>
          <dd>Nothing of the entity is stored from now on, and the next purge deletes what was stored before. Its live state still works everywhere.</dd>
          <dt>Keep days</dt>
          <dd>
            Its raw history is kept this many days instead of the default {stats.retention.default_keep_days} (set with HEARTH_HISTORY_KEEP_DAYS). The last change before the
            cut-off stays while Hearth has the entity, so its history always starts with the state it was in. Hourly statistics are kept for ever either way.
          </dd>
          <dt>Minimum change</dt>
          <dd>
            For numbers: a change smaller than this from the last recorded value is not stored (a power meter that wobbles by 0.1 W, say). Changes to or from anything that is
            not a number (on, off, unavailable, unknown, text) are always stored.
          </dd>
          <dt>Debounce</dt>
          <dd>
            At most one change per this many seconds is stored: the first at once, and the last one of the stretch (with the time it really happened) when the stretch ends, so
            history always ends on the true value.
          </dd>
        </dl>
      </details>
      <Maintenance stats={stats} canManage={canManage} now={now} timeZone={timeZone} onPurged={onPurged} />
    </div>
  );
}
