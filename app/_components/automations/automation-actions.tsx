"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, goToLogin } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";

/** "Run actions now" (conditions skipped, as Home Assistant does) and Delete, behind a confirmation. */
export function AutomationActions({ id, alias, canEdit, runnable }: { id: string; alias: string; canEdit: boolean; runnable: boolean }) {
  const router = useRouter();
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | undefined>(undefined);
  const path = `/api/automations/${encodeURIComponent(id)}`;

  const run = async () => {
    setRunning(true);
    setMessage(null);
    const res = await callApi<{ run_id: string }>(`${path}/trigger`, { method: "POST", body: {} });
    setRunning(false);
    if (res.ok) return setMessage({ ok: true, text: "Started. The run shows under Runs." });
    if (res.error.status === 401) return goToLogin();
    setMessage({ ok: false, text: res.error.message });
  };

  const remove = async () => {
    setDeleting(true);
    const res = await callApi(path, { method: "DELETE" });
    if (res.ok) {
      router.push("/automations");
      router.refresh();
      return;
    }
    setDeleting(false);
    if (res.error.status === 401) return goToLogin();
    setDeleteError(res.error.message);
  };

  return (
    <div className="automation-actions">
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={() => void run()} disabled={running || !runnable} aria-busy={running || undefined}>
          {running ? "Starting…" : "Run actions now"}
        </button>
        {canEdit && (
          <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {!runnable && <p className="muted small">Turn the rule on (and fix its problems) to run it.</p>}
      <p role="status" className={message?.ok === false ? "text-danger small" : "text-ok small"}>
        {message?.text ?? ""}
      </p>
      <ConfirmDialog
        open={confirming}
        title={`Delete “${alias}”?`}
        message="The rule stops at once and is removed from this hub."
        confirmLabel="Delete"
        busy={deleting}
        error={deleteError}
        onConfirm={() => void remove()}
        onCancel={() => {
          setConfirming(false);
          setDeleteError(undefined);
        }}
      />
    </div>
  );
}
