"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, goToLogin } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";

/** Rename (empty goes back to the discovered name) and delete (clears its retained discovery). */
export function DeviceManage({ deviceId, name, discoveredName }: { deviceId: string; name: string; discoveredName: string }) {
  const router = useRouter();
  const [draft, setDraft] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string | undefined>();

  const rename = async () => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    const trimmed = draft.trim();
    const res = await callApi(`/api/devices/${encodeURIComponent(deviceId)}`, { method: "PATCH", body: { name: trimmed === "" || trimmed === discoveredName ? null : trimmed } });
    setBusy(false);
    if (!res.ok) {
      if (res.error.status === 401) goToLogin();
      setError(res.error.message);
      return;
    }
    setSaved(true);
    router.refresh();
  };

  const remove = async () => {
    setBusy(true);
    setDeleteError(undefined);
    const res = await callApi(`/api/devices/${encodeURIComponent(deviceId)}`, { method: "DELETE" });
    setBusy(false);
    if (!res.ok) {
      setDeleteError(res.error.message);
      return;
    }
    setConfirming(false);
    router.push("/devices");
    router.refresh();
  };

  return (
    <div className="stack">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void rename();
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={draft} maxLength={120} onChange={(e) => setDraft(e.target.value)} placeholder={discoveredName} />
          <span className="field-hint">Leave empty to use the name the device announced ({discoveredName}).</span>
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || draft.trim() === name}>
          Rename
        </button>
      </form>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {saved && !error && (
        <p className="muted small" role="status">
          Saved.
        </p>
      )}
      <div>
        <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirming(true)}>
          Delete device
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${name}?`}
        message="Hearth forgets it and clears its retained discovery messages, so it does not come back by itself. Its firmware may announce it again later."
        confirmLabel="Delete device"
        busy={busy}
        error={deleteError}
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
