"use client";
import { useState } from "react";
import { ConfirmDialog } from "./confirm-dialog";
import { TextField } from "./text-field";

const POLL_MS = 1000;
const WAIT_LIMIT_MS = 120_000;

/**
 * Restore from a backup file: the hub checks the whole file first (passphrase, checksums, version) and answers a
 * bad one at once; a good one makes it stop, swap its data dir (the old one stays on disk next to it) and start
 * again. This page then waits for the hub and reloads: whoever is in the backup signs in.
 */
export function BackupRestore() {
  const [file, setFile] = useState<File | undefined>();
  const [passphrase, setPassphrase] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | undefined>();

  async function restore(chosen: File) {
    setBusy(true);
    setError(undefined);
    setStatus(`Checking ${chosen.name}…`);
    try {
      const res = await fetch("/api/backup/restore", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/octet-stream", ...(passphrase ? { "X-Backup-Passphrase": passphrase } : {}) },
        body: chosen,
      });
      const body = (await res.json().catch(() => undefined)) as { created_at?: string; error?: { message?: string } } | undefined;
      if (res.status !== 202) throw new Error(body?.error?.message ?? `The hub answered ${res.status}`);
      setConfirming(false);
      setStatus(`Restoring the backup of ${body?.created_at ?? "that file"}: the hub is restarting…`);
      await waitForHub();
      setStatus("Restored. Opening the hub…");
      window.location.assign("/");
    } catch (err) {
      setStatus("");
      setError(err instanceof Error ? err.message : "The restore failed.");
      setBusy(false);
    }
  }

  return (
    <section className="stack" aria-labelledby="restore-title">
      <h2 id="restore-title" className="subhead">
        Restore from a backup
      </h2>
      <p className="muted">Everything on this hub is replaced by the backup: devices, rooms, automations, history, people and MQTT logins. The current data stays on disk next to it.</p>
      <div className="field">
        <label className="field-label" htmlFor="restore-file">
          Backup file
        </label>
        <input id="restore-file" className="input" type="file" accept=".gz,.enc,application/gzip,application/octet-stream" onChange={(e) => setFile(e.target.files?.[0])} />
      </div>
      <TextField label="Its passphrase (if it is encrypted)" name="restore_passphrase" type="password" revealable autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      <div>
        <button type="button" className="btn btn-secondary" disabled={!file || busy} onClick={() => setConfirming(true)}>
          Restore…
        </button>
      </div>
      <p role="status" className="muted">
        {status}
      </p>
      {error && !confirming && (
        <p role="alert" className="note note-warn">
          {error}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Replace this hub with the backup?"
        message={`${file?.name ?? "The file"} replaces everything. The hub restarts, and everyone signs in again with the accounts in the backup.`}
        confirmLabel="Restore"
        busy={busy}
        error={error}
        onConfirm={() => file && void restore(file)}
        onCancel={() => {
          setConfirming(false);
          setError(undefined);
        }}
      />
    </section>
  );
}

/** Waits until the hub answers again after it stopped to restore (bounded). */
async function waitForHub(): Promise<void> {
  const until = Date.now() + WAIT_LIMIT_MS;
  await new Promise((r) => setTimeout(r, POLL_MS));
  while (Date.now() < until) {
    const ok = await fetch("/api/health", { cache: "no-store" }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error("The hub did not come back within two minutes. Check its log.");
}
