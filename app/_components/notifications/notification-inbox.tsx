"use client";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { NotificationView } from "@/server/notifications/notification-views";
import { callApi, goToLogin } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";
import { sentence } from "../form-errors";
import { formatDateTime, formatRelative } from "../format";
import { useNow } from "../use-now";
import { useNotifications } from "./use-notifications";

interface InboxProps {
  /** The server render's list: shown until the live feed has its own. */
  initial: NotificationView[];
  timeZone: string;
  renderedAt: number;
}

/** Where it came from, in words; an automation links to its page. */
function Source({ source }: { source: string | null }) {
  if (source?.startsWith("automation:")) {
    const id = source.slice("automation:".length);
    return (
      <>
        {" · from "}
        <Link href={`/automations/${encodeURIComponent(id)}`}>automation {id}</Link>
      </>
    );
  }
  if (source === "automation") return <> · from an automation</>;
  if (source?.startsWith("user:") || source === "api") return <> · sent through the API</>;
  return null;
}

function OpenLink({ data }: { data: Record<string, unknown> | null }) {
  const url = typeof data?.url === "string" ? data.url : null;
  if (!url) return null;
  return url.startsWith("/") ? (
    <Link href={url} className="notif-open">
      Open
    </Link>
  ) : (
    <a href={url} className="notif-open" target="_blank" rel="noopener noreferrer">
      Open <span className="visually-hidden">(new tab)</span>
    </a>
  );
}

const nameOf = (n: NotificationView) => n.title ?? (n.message.length > 40 ? `${n.message.slice(0, 40)}…` : n.message);

function Item({ n, now, timeZone, onDismiss, busy }: { n: NotificationView; now: number; timeZone: string; onDismiss?: () => void; busy: boolean }) {
  const titleId = useId();
  return (
    <li className={n.dismissed_at === null ? "notif" : "notif notif-dismissed"}>
      <article className="notif-main" aria-labelledby={titleId}>
        <h3 id={titleId} className={n.title ? "notif-title" : "visually-hidden"}>
          {nameOf(n)}
        </h3>
        <p className="notif-message">{n.message}</p>
        <p className="notif-meta">
          <time dateTime={new Date(n.created_at).toISOString()}>{formatDateTime(n.created_at, timeZone)}</time> ({formatRelative(n.created_at, now, timeZone)})
          <Source source={n.source} />
          {n.dismissed_at !== null && <> · dismissed {formatRelative(n.dismissed_at, now, timeZone)}</>}
        </p>
        <OpenLink data={n.data} />
      </article>
      {onDismiss && (
        <button type="button" className="btn btn-ghost notif-dismiss" aria-label={`Dismiss “${nameOf(n)}”`} disabled={busy} onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </li>
  );
}

/** Active notifications newest first, with dismiss and dismiss all; recently dismissed ones folded below. */
export function NotificationInbox({ initial, timeZone, renderedAt }: InboxProps) {
  const { feed, snapshot } = useNotifications(initial.filter((n) => n.dismissed_at === null).length);
  const now = useNow(renderedAt);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [confirmAll, setConfirmAll] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => feed?.seed(initial), [feed, initial]);

  const items = snapshot.loaded ? snapshot.items : initial;
  const active = items.filter((n) => n.dismissed_at === null);
  const dismissed = items.filter((n) => n.dismissed_at !== null);

  async function dismiss(path: string, done: () => void, what: string) {
    setBusy(true);
    setError(undefined);
    const res = await callApi(path, { method: "DELETE" });
    setBusy(false);
    if (!res.ok && res.error.status !== 404) {
      if (res.error.status === 401) goToLogin();
      setError(sentence(res.error.message));
      return;
    }
    done();
    setNotice(`${what} dismissed.`);
    // The button that had focus is gone: keep the keyboard in the list.
    headingRef.current?.focus();
  }

  return (
    <>
      <section className="card notif-card" aria-labelledby="notif-active-heading">
        <div className="notif-head">
          <h2 id="notif-active-heading" className="card-title" ref={headingRef} tabIndex={-1}>
            Active <span className="count">{active.length}</span>
          </h2>
          {active.length > 1 && (
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => setConfirmAll(true)}>
              Dismiss all
            </button>
          )}
        </div>
        {error && (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        )}
        {active.length === 0 ? (
          <p className="empty-inline">Nothing needs your attention. Automations put messages here with notify.notify or persistent_notification.create.</p>
        ) : (
          <ul className="notif-list" aria-label="Active notifications">
            {active.map((n) => (
              <Item
                key={n.notification_id}
                n={n}
                now={now}
                timeZone={timeZone}
                busy={busy}
                onDismiss={() => void dismiss(`/api/notifications/${encodeURIComponent(n.notification_id)}`, () => feed?.dismissed(n.notification_id), `“${nameOf(n)}”`)}
              />
            ))}
          </ul>
        )}
        <p className="visually-hidden" role="status">
          {notice}
        </p>
      </section>

      {dismissed.length > 0 && (
        <details className="card notif-card">
          <summary>
            Recently dismissed <span className="count">{dismissed.length}</span>
          </summary>
          <ul className="notif-list" aria-label="Recently dismissed notifications">
            {dismissed.map((n) => (
              <Item key={n.notification_id} n={n} now={now} timeZone={timeZone} busy={busy} />
            ))}
          </ul>
          <p className="muted small">Dismissed notifications are kept for 30 days.</p>
        </details>
      )}

      <ConfirmDialog
        open={confirmAll}
        title={`Dismiss all ${active.length} notifications?`}
        message="They move to “Recently dismissed” and leave the bell’s count."
        confirmLabel="Dismiss all"
        busy={busy}
        error={error}
        onConfirm={() =>
          void dismiss(
            "/api/notifications",
            () => {
              feed?.dismissed();
              setConfirmAll(false);
            },
            "All notifications",
          )
        }
        onCancel={() => setConfirmAll(false)}
      />
    </>
  );
}
