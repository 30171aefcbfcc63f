"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, goToLogin } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";
import { formatDateTime } from "../format";
import { lineDiff } from "./revision-diff";
import { RevisionDiffView } from "./revision-diff-view";

export interface RevisionItem {
  revision: number;
  saved_at: string;
  saved_by: string | null;
  action: string;
  /** The YAML as saved; the page sends it for the newest two (the default diff), the rest load when asked for. */
  source?: string;
}

const ACTIONS: Record<string, string> = { create: "Created", update: "Edited", restore: "Restored", enable: "Turned on", disable: "Turned off" };

/**
 * Saved versions of the rule, newest first. Each shows what changed from the one before (the current one open by
 * default); an older one can be restored after a confirmation (it becomes the newest).
 */
export function RevisionList({ id, revisions, current, canEdit, timeZone }: { id: string; revisions: RevisionItem[]; current: number; canEdit: boolean; timeZone: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [shown, setShown] = useState<ReadonlyMap<number, boolean>>(new Map());
  const [loaded, setLoaded] = useState<Readonly<Record<number, string>>>({});
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision);
  const sources: Record<number, string> = { ...loaded };
  for (const r of revisions) if (r.source !== undefined) sources[r.revision] = r.source;
  const previous = (i: number): number | null => sorted[i + 1]?.revision ?? null;
  const isShown = (revision: number, i: number): boolean => shown.get(revision) ?? (revision === current && previous(i) !== null);

  const loadSources = async () => {
    setLoading(true);
    const res = await callApi<{ revisions: Array<{ revision: number; source: string }> }>(`/api/automations/${encodeURIComponent(id)}/revisions`);
    setLoading(false);
    if (!res.ok) {
      if (res.error.status === 401) return goToLogin();
      return setLoadError(res.error.message);
    }
    setLoadError(null);
    setLoaded(Object.fromEntries(res.data.revisions.map((r) => [r.revision, r.source])));
  };

  const toggle = (revision: number, i: number) => {
    const open = !isShown(revision, i);
    setShown(new Map(shown).set(revision, open));
    const before = previous(i);
    if (open && (sources[revision] === undefined || (before !== null && sources[before] === undefined))) void loadSources();
  };

  const restore = async (revision: number) => {
    setBusy(true);
    setDone(null);
    const res = await callApi(`/api/automations/${encodeURIComponent(id)}/revisions/${revision}/restore`, { method: "POST" });
    setBusy(false);
    if (!res.ok) {
      if (res.error.status === 401) return goToLogin();
      return setError(res.error.message);
    }
    setError(null);
    setConfirming(null);
    setDone(`Revision ${revision} restored.`);
    router.refresh();
  };

  const diffOf = (revision: number, i: number) => {
    const after = sources[revision];
    const against = previous(i);
    const before = against === null ? null : sources[against];
    if (after === undefined || before === undefined) {
      if (loadError) return <p className="small text-danger">Couldn&apos;t load the changes: {loadError}</p>;
      return <p className="muted small">{loading ? "Loading the changes…" : "The changes are not loaded."}</p>;
    }
    return <RevisionDiffView diff={lineDiff(before, after)} against={against} label={`Changes in revision ${revision}`} />;
  };

  return (
    <section className="card" aria-labelledby="revisions-title">
      <h2 id="revisions-title" className="card-title">
        Revisions <span className="count">{sorted.length}</span>
      </h2>
      <p className="visually-hidden" role="status">
        {done}
      </p>
      <ol className="revision-list">
        {sorted.map((r, i) => {
          const open = isShown(r.revision, i);
          const panel = `revision-${r.revision}-changes`;
          return (
            <li key={r.revision} className="revision">
              <div className="revision-row">
                <span className="revision-text">
                  <strong>Revision {r.revision}</strong>
                  <span className="muted small">
                    {ACTIONS[r.action] ?? r.action} · {formatDateTime(Date.parse(r.saved_at), timeZone)}
                  </span>
                </span>
                <span className="revision-actions">
                  <button type="button" className="btn btn-ghost" aria-expanded={open} aria-controls={panel} aria-label={`Changes in revision ${r.revision}`} onClick={() => toggle(r.revision, i)}>
                    Changes{" "}
                    <span className="revision-chevron" aria-hidden="true">
                      {open ? "▾" : "▸"}
                    </span>
                  </button>
                  {r.revision === current ? (
                    <span className="pill pill-ok">Current</span>
                  ) : (
                    canEdit && (
                      <button type="button" className="btn btn-secondary" disabled={busy} aria-label={`Restore revision ${r.revision}`} onClick={() => setConfirming(r.revision)}>
                        Restore
                      </button>
                    )
                  )}
                </span>
              </div>
              <div id={panel} className="revision-changes" hidden={!open}>
                {open && diffOf(r.revision, i)}
              </div>
            </li>
          );
        })}
      </ol>
      <ConfirmDialog
        open={confirming !== null}
        title={`Restore revision ${confirming ?? ""}?`}
        message={`The rule goes back to revision ${confirming ?? ""} and runs that way at once. It is saved as a new revision, so the current version stays in this list.`}
        confirmLabel="Restore"
        busy={busy}
        error={error ?? undefined}
        onConfirm={() => {
          if (confirming !== null) void restore(confirming);
        }}
        onCancel={() => {
          setConfirming(null);
          setError(null);
        }}
      />
    </section>
  );
}
