"use client";
import { useEffect, useState, type FormEvent } from "react";
import { callApi } from "./api-client";
import { formatDateTime } from "./format";
import { BackupRestore } from "./backup-restore";
import { TextField } from "./text-field";

interface BackupFile {
  name: string;
  size_bytes: number;
  created_at: number;
}

const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** "Download a backup now" (optionally encrypted) and the automatic backups in data/backups. Owner only. */
export function BackupPanel({ timeZone }: { timeZone: string }) {
  const [passphrase, setPassphrase] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [files, setFiles] = useState<BackupFile[] | undefined>();

  useEffect(() => {
    void callApi<{ backups: BackupFile[] }>("/api/backups").then((r) => {
      if (r.ok) setFiles(r.data.backups);
      else setError(r.error.message);
    });
  }, []);

  async function download(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNotice("Making the backup…");
    try {
      const res = await fetch("/api/backup", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(passphrase ? { passphrase } : {}),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
        throw new Error(body?.error?.message ?? `The hub answered ${res.status}`);
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "hearth-backup.tar.gz";
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setNotice(`Backup ${name} downloaded.`);
      setPassphrase("");
    } catch (err) {
      setNotice("");
      setError(err instanceof Error ? err.message : "The backup failed.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <form className="stack" onSubmit={(e) => void download(e)} noValidate>
        <TextField
          label="Passphrase (optional)"
          name="backup_passphrase"
          type="password"
          revealable
          autoComplete="new-password"
          hint="Encrypts the file. Without it the backup holds your data readable, including password hashes. Keep the passphrase: it can't be recovered."
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Making the backup…" : "Download a backup now"}
        </button>
      </form>
      <p role="status" className="muted">
        {notice}
      </p>
      {error && (
        <p role="alert" className="note note-warn">
          {error}
        </p>
      )}
      <h2 className="subhead">
        Automatic backups {files && <span className="count">{files.length}</span>}
      </h2>
      {files === undefined ? (
        <p className="muted">Loading…</p>
      ) : files.length === 0 ? (
        <p className="empty-inline">None yet. Hearth makes one every night and keeps the last few.</p>
      ) : (
        <ul className="items" aria-label="Automatic backups">
          {files.map((f) => (
            <li key={f.name} className="item">
              <div className="item-main">
                <span className="item-title">{formatDateTime(f.created_at, timeZone)}</span>
                <span className="item-meta">{sizeText(f.size_bytes)}</span>
              </div>
              <div className="item-actions">
                <a className="btn btn-secondary" href={`/api/backups?name=${encodeURIComponent(f.name)}`} download={f.name} aria-label={`Download the backup of ${formatDateTime(f.created_at, timeZone)}`}>
                  Download
                </a>
              </div>
            </li>
          ))}
        </ul>
      )}
      <BackupRestore />
      <p className="muted small">
        Or with the hub stopped: <code>npm run hearth -- restore FILE</code>.
      </p>
    </div>
  );
}
