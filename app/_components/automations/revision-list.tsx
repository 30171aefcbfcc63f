"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, goToLogin } from "../api-client";
import { formatDateTime } from "../format";

export interface RevisionItem {
  revision: number;
  saved_at: string;
  saved_by: string | null;
  action: string;
}

const ACTIONS: Record<string, string> = { create: "Created", update: "Edited", restore: "Restored", enable: "Turned on", disable: "Turned off" };

/** Saved versions of the rule, newest first; an older one can be restored (it becomes the newest). */
export function RevisionList({ id, revisions, current, canEdit, timeZone }: { id: string; revisions: RevisionItem[]; current: number; canEdit: boolean; timeZone: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision);

  const restore = async (revision: number) => {
    setBusy(revision);
    setDone(null);
    const res = await callApi(`/api/automations/${encodeURIComponent(id)}/revisions/${revision}/restore`, { method: "POST" });
    setBusy(null);
    if (!res.ok) {
      if (res.error.status === 401) return goToLogin();
      return setError(res.error.message);
    }
    setError(null);
    setDone(`Revision ${revision} restored.`);
    router.refresh();
  };

  return (
    <section className="card" aria-labelledby="revisions-title">
      <h2 id="revisions-title" className="card-title">
        Revisions <span className="count">{sorted.length}</span>
      </h2>
      <p className="visually-hidden" role="status">
        {done}
      </p>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <ol className="revision-list">
        {sorted.map((r) => (
          <li key={r.revision} className="revision">
            <span className="revision-text">
              <strong>Revision {r.revision}</strong>
              <span className="muted small">
                {ACTIONS[r.action] ?? r.action} · {formatDateTime(Date.parse(r.saved_at), timeZone)}
              </span>
            </span>
            {r.revision === current ? (
              <span className="pill pill-ok">Current</span>
            ) : (
              canEdit && (
                <button type="button" className="btn btn-secondary" disabled={busy !== null} aria-label={`Restore revision ${r.revision}`} onClick={() => void restore(r.revision)}>
                  {busy === r.revision ? "Restoring…" : "Restore"}
                </button>
              )
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
