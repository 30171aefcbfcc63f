"use client";
import { useEffect, useState, type FormEvent } from "react";
import type { PushSubscriptionView } from "@/server/notifications/notification-views";
import { callApi, goToLogin, type ApiError } from "../api-client";
import { sentence } from "../form-errors";
import { formatRelative } from "../format";
import { TextField } from "../text-field";
import { useNow } from "../use-now";

interface PhonePushProps {
  phones: PushSubscriptionView[];
  userId: string;
  isAdmin: boolean;
  timeZone: string;
  renderedAt: number;
}

/** What this browser can do about push. */
type Support = { kind: "checking" } | { kind: "insecure" } | { kind: "unsupported" } | { kind: "blocked" } | { kind: "ready"; endpoint: string | null; id: string | null };

/** The id the hub lists a subscription under: the first 16 hex digits of the endpoint's SHA-256 (server/notifications/web-push.ts). */
async function idOf(endpoint: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(endpoint));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16);
}

const toBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

async function registration(): Promise<ServiceWorkerRegistration> {
  // Production pages register /sw.js already (service-worker.tsx); in development push registers it here.
  const existing = await navigator.serviceWorker.getRegistration("/");
  if (!existing) await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

async function detect(): Promise<Support> {
  if (!window.isSecureContext) return { kind: "insecure" };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return { kind: "unsupported" };
  if (Notification.permission === "denied") return { kind: "blocked" };
  const existing = await navigator.serviceWorker.getRegistration("/");
  const sub = await existing?.pushManager.getSubscription();
  return sub ? { kind: "ready", endpoint: sub.endpoint, id: await idOf(sub.endpoint) } : { kind: "ready", endpoint: null, id: null };
}

/** "Phone notifications": turn Web Push on or off for this browser, and see which phones get it. */
export function PhonePush({ phones: initialPhones, userId, isAdmin, timeZone, renderedAt }: PhonePushProps) {
  const now = useNow(renderedAt);
  const [phones, setPhones] = useState(initialPhones);
  const [support, setSupport] = useState<Support>({ kind: "checking" });
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    detect().then(setSupport, () => setSupport({ kind: "unsupported" }));
  }, []);

  function failed(e: ApiError): void {
    if (e.status === 401) goToLogin();
    setError(sentence(e.message));
  }

  async function refresh(): Promise<void> {
    const res = await callApi<PushSubscriptionView[]>("/api/push/subscriptions");
    if (res.ok) setPhones(res.data);
  }

  async function enable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === "") {
      setError("Give this phone a name, such as “Anna’s phone”.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        setSupport(Notification.permission === "denied" ? { kind: "blocked" } : { kind: "ready", endpoint: null, id: null });
        setError("Notifications were not allowed, so push stays off.");
        return;
      }
      const key = await callApi<{ public_key: string }>("/api/push/public-key");
      if (!key.ok) return failed(key.error);
      const reg = await registration();
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(key.data.public_key) });
      const res = await callApi<PushSubscriptionView>("/api/push/subscriptions", { method: "POST", body: { ...sub.toJSON(), name: name.trim() } });
      if (!res.ok) {
        await sub.unsubscribe().catch(() => undefined);
        return failed(res.error);
      }
      setSupport({ kind: "ready", endpoint: sub.endpoint, id: res.data.id });
      setNotice(`Push is on for “${res.data.name}”. Automations reach only this phone with ${res.data.service}.`);
      await refresh();
    } catch (err) {
      setError(sentence(err instanceof Error ? err.message : "The browser could not turn push on."));
    } finally {
      setBusy(false);
    }
  }

  async function remove(target: { endpoint: string } | { id: string }, label: string) {
    setBusy(true);
    setError(undefined);
    try {
      const res = await callApi("/api/push/subscriptions", { method: "DELETE", body: target });
      if (!res.ok && res.error.status !== 404) return failed(res.error);
      if ("endpoint" in target) {
        const reg = await navigator.serviceWorker.getRegistration("/");
        await (await reg?.pushManager.getSubscription())?.unsubscribe();
        setSupport({ kind: "ready", endpoint: null, id: null });
      }
      setNotice(`${label} no longer gets push notifications.`);
      await refresh();
    } finally {
      setBusy(false);
    }
  }

  const endpoint = support.kind === "ready" ? support.endpoint : null;
  const thisPhone = support.kind === "ready" && support.id ? phones.find((p) => p.id === support.id) : undefined;

  return (
    <section className="card notif-card" aria-labelledby="phone-push-heading">
      <h2 id="phone-push-heading" className="card-title">
        Phone notifications
      </h2>
      {support.kind === "checking" && <p className="muted">Checking what this browser supports…</p>}
      {support.kind === "insecure" && (
        <p className="note note-warn">
          <strong>Push needs HTTPS.</strong> Browsers only allow push notifications on pages served over HTTPS or from localhost, and this page came over plain HTTP. In-app
          notifications above still work. To get push on this phone, open Hearth over HTTPS (set <code>HEARTH_TLS_CERT</code> and <code>HEARTH_TLS_KEY</code>).
        </p>
      )}
      {support.kind === "unsupported" && (
        <p className="note note-warn">
          <strong>This browser can’t receive push notifications.</strong> On iPhone and iPad, add Hearth to the Home Screen first (Share, then “Add to Home Screen”) and open it from
          there. In-app notifications above still work.
        </p>
      )}
      {support.kind === "blocked" && (
        <p className="note note-warn">
          <strong>Notifications are blocked for this site.</strong> Allow them in the browser’s site settings, then reload this page.
        </p>
      )}
      {support.kind === "ready" &&
        (endpoint && thisPhone ? (
          <div className="notif-phone-on">
            <p>
              <strong>This phone gets push notifications</strong> as “{thisPhone.name}”. Automations reach it alone with <code>{thisPhone.service}</code>.
            </p>
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void remove({ endpoint }, "This phone")}>
              Turn off on this phone
            </button>
          </div>
        ) : (
          <form className="inline-form" onSubmit={(e) => void enable(e)} noValidate>
            <TextField label="Name for this phone" name="phone_name" placeholder="e.g. Anna’s phone" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Turning on…" : "Turn on push"}
            </button>
          </form>
        ))}
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <p className="visually-hidden" role="status">
        {notice}
      </p>

      <h3 className="subhead">
        Phones that get push <span className="count">{phones.length}</span>
      </h3>
      {phones.length === 0 ? (
        <p className="empty-inline">None yet. notify.notify sends to every phone listed here, and always to this inbox.</p>
      ) : (
        <ul className="items" aria-label="Phones that get push">
          {phones.map((p) => (
            <li key={p.id} className="item">
              <div className="item-main">
                <span className="item-title">{p.name}</span>
                <span className="item-meta">
                  <code>{p.service}</code> · {p.last_success_at ? `last delivered ${formatRelative(p.last_success_at, now, timeZone)}` : "nothing delivered yet"}
                  {p.failures > 0 && ` · ${p.failures} failed (${p.last_error ?? "unknown error"})`}
                </span>
              </div>
              {(isAdmin || p.user_id === userId) && (
                <div className="item-actions">
                  <button type="button" className="btn btn-danger-ghost" aria-label={`Remove ${p.name}`} disabled={busy} onClick={() => void remove(p.id === thisPhone?.id && endpoint ? { endpoint } : { id: p.id }, p.name)}>
                    Remove
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
