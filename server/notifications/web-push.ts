import { createHash } from "node:crypto";
import webpush from "web-push";
import { slugify } from "@/devices/discovery/entity-id";
import type { HubDatabase } from "@/db/open-database";
import {
  deletePushSubscription,
  findHubSetting,
  findPushSubscription,
  insertHubSettingOnce,
  loadPushSubscriptions,
  recordPushFailure,
  recordPushSuccess,
  upsertPushSubscription,
  type StoredPushSubscription,
} from "@/db/queries/push-subscriptions";
import { HubError } from "../errors";
import type { Logger } from "../logger";
import type { NotificationView, PushApi, PushSubscribeInput, PushSubscriptionView } from "./notification-views";

const VAPID_SETTING = "web_push_vapid";
// Apple's push service rejects a VAPID subject it cannot resolve (mailto:…@localhost): web-push-libs/web-push#947.
const DEFAULT_SUBJECT = "mailto:hearth@example.com";
const MAX_PHONES = 100;
const MAX_ENDPOINT_CHARS = 2048;
// RFC 8291: the record is at most 4096 bytes; leave room for the header, tag and padding.
const MAX_PAYLOAD_BYTES = 3000;
const URGENCIES = new Set(["very-low", "low", "normal", "high"]);

interface Vapid {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface WebPushDeps {
  db: HubDatabase;
  log: Logger;
  now: () => number;
  /** One push request may take this long before it is abandoned (default 10 s). */
  sendTimeoutMs?: number;
  /** How long the push service keeps a message for a phone that is offline, in seconds (default a day). */
  ttlSeconds?: number;
}

/** How one notify call's pushes went (logged; never thrown into the automation). */
export interface PushReport {
  phones: number;
  delivered: number;
  failed: number;
  /** Subscriptions the push service said are gone (404/410): removed. */
  removed: number;
  /** Still under way when the caller stopped waiting; they finish (and are recorded) on their own. */
  pending: number;
}

type Outcome = "delivered" | "failed" | "removed";

const base64urlBytes = (value: string): number => (/^[A-Za-z0-9_-]+={0,2}$/.test(value) ? Buffer.from(value, "base64url").length : -1);

/** The JSON the service worker's `push` handler reads (public/sw.js). */
export function pushPayload(n: NotificationView): string {
  const url = typeof n.data?.url === "string" ? n.data.url : "/notifications";
  const tag = typeof n.data?.tag === "string" ? n.data.tag : n.notification_id;
  const base = { title: n.title ?? "Hearth", tag, url, notification_id: n.notification_id, created_at: n.created_at };
  let body = n.message;
  let json = JSON.stringify({ ...base, body });
  while (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES && body.length > 0) {
    body = `${body.slice(0, Math.floor(body.length * 0.8))}…`;
    json = JSON.stringify({ ...base, body });
  }
  return json;
}

/**
 * Web Push (RFC 8030/8291/8292) to subscribed phones: owns push_subscriptions and the VAPID key pair in
 * hub_settings. `web-push` encrypts and signs; the request itself goes through fetch with a timeout.
 */
export class WebPush {
  readonly #deps: WebPushDeps;
  readonly #inflight = new Set<Promise<Outcome>>();
  #stopping = new AbortController();
  #vapid: Vapid | undefined;

  constructor(deps: WebPushDeps) {
    this.#deps = deps;
  }

  /** The VAPID key pair: made on first use, then read from the database. */
  #keys(): Vapid {
    if (this.#vapid) return this.#vapid;
    let stored = findHubSetting(this.#deps.db, VAPID_SETTING);
    if (!stored) {
      const fresh = webpush.generateVAPIDKeys();
      stored = insertHubSettingOnce(this.#deps.db, VAPID_SETTING, JSON.stringify({ ...fresh, subject: DEFAULT_SUBJECT }));
      this.#deps.log.info("web push keys created");
    }
    this.#vapid = JSON.parse(stored) as Vapid;
    return this.#vapid;
  }

  publicKey(): string {
    return this.#keys().publicKey;
  }

  /** Every phone with its `notify` service name (`mobile_app_<slug>`; a clash gets `_2`, as HA's ids do). */
  phones(): Array<{ sub: StoredPushSubscription; service: string }> {
    const taken = new Set<string>();
    return loadPushSubscriptions(this.#deps.db).map((sub) => {
      const base = `mobile_app_${slugify(sub.name) || "phone"}`;
      let service = base;
      for (let n = 2; taken.has(service); n++) service = `${base}_${n}`;
      taken.add(service);
      return { sub, service };
    });
  }

  list(): PushSubscriptionView[] {
    return this.phones().map(({ sub, service }) => this.#view(sub, service));
  }

  subscribe(input: PushSubscribeInput, userId: string): PushSubscriptionView {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 64) throw new HubError("unprocessable", "name must be 1 to 64 characters (what you call this phone)");
    let url: URL;
    try {
      url = new URL(input.endpoint);
    } catch {
      throw new HubError("invalid_input", "endpoint is not a URL");
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || input.endpoint.length > MAX_ENDPOINT_CHARS) throw new HubError("invalid_input", "endpoint must be the push service's https URL");
    // RFC 8291 §3.2: an uncompressed P-256 point and a 16-byte authentication secret.
    if (base64urlBytes(input.keys.p256dh) !== 65 || !Buffer.from(input.keys.p256dh, "base64url").subarray(0, 1).equals(Buffer.from([4]))) {
      throw new HubError("invalid_input", "keys.p256dh must be the subscription's P-256 public key (65 bytes, base64url)");
    }
    if (base64urlBytes(input.keys.auth) !== 16) throw new HubError("invalid_input", "keys.auth must be the subscription's 16-byte secret (base64url)");
    const existing = findPushSubscription(this.#deps.db, input.endpoint);
    if (!existing && loadPushSubscriptions(this.#deps.db).length >= MAX_PHONES) throw new HubError("conflict", `at most ${MAX_PHONES} phones can get push notifications; remove one first`);
    upsertPushSubscription(this.#deps.db, {
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      userId,
      name,
      createdAt: existing?.createdAt ?? this.#deps.now(),
      lastSuccessAt: existing?.lastSuccessAt ?? null,
      lastError: null,
      failures: 0,
    });
    this.#deps.log.info({ phone: name, pushService: url.host }, existing ? "push subscription renewed" : "push subscription added");
    const phone = this.phones().find((p) => p.sub.endpoint === input.endpoint)!;
    return this.#view(phone.sub, phone.service);
  }

  /** Removes every phone of a person (removed, or limited to some rooms: house-wide pushes are not theirs). */
  forgetUser(userId: string): number {
    const subs = loadPushSubscriptions(this.#deps.db).filter((s) => s.userId === userId);
    for (const sub of subs) deletePushSubscription(this.#deps.db, sub.endpoint);
    if (subs.length > 0) this.#deps.log.info({ userId, phones: subs.length }, "push subscriptions of a person removed");
    return subs.length;
  }

  unsubscribe(target: { endpoint: string } | { id: string }, by: { userId: string; isAdmin: boolean }): void {
    const sub = "endpoint" in target ? findPushSubscription(this.#deps.db, target.endpoint) : loadPushSubscriptions(this.#deps.db).find((s) => this.#id(s.endpoint) === target.id);
    if (!sub) throw new HubError("not_found", "no such phone subscription");
    if (sub.userId !== by.userId && !by.isAdmin) throw new HubError("forbidden", "only its owner or an admin may remove this phone");
    deletePushSubscription(this.#deps.db, sub.endpoint);
    this.#deps.log.info({ phone: sub.name }, "push subscription removed");
  }

  /**
   * Sends `payload` to each phone in parallel and waits at most `waitMs` for the answers. A 404/410 answer
   * removes the subscription; any other failure is counted on it and logged. Never throws.
   */
  async send(subs: StoredPushSubscription[], payload: string, opts: { waitMs: number; urgency?: unknown }): Promise<PushReport> {
    const report: PushReport = { phones: subs.length, delivered: 0, failed: 0, removed: 0, pending: subs.length };
    if (subs.length === 0) return report;
    const urgency = typeof opts.urgency === "string" && URGENCIES.has(opts.urgency) ? (opts.urgency as webpush.Urgency) : "high";
    const sends = subs.map((sub) => {
      const p = this.#sendOne(sub, payload, urgency);
      this.#inflight.add(p);
      void p.then((outcome) => {
        this.#inflight.delete(p);
        report.pending--;
        report[outcome]++;
      });
      return p;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled(sends), new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.waitMs)))]);
    clearTimeout(timer);
    // Let the settled sends' bookkeeping (a microtask behind each) land in the report.
    await Promise.resolve();
    return { ...report };
  }

  /** The façade part (HubApi.push). */
  api(): PushApi {
    return {
      publicKey: () => this.publicKey(),
      list: () => this.list(),
      subscribe: (input, userId) => this.subscribe(input, userId),
      unsubscribe: (target, by) => this.unsubscribe(target, by),
    };
  }

  /** Abandons sends under way and waits for them to settle. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.allSettled([...this.#inflight]);
    this.#stopping = new AbortController();
  }

  async #sendOne(sub: StoredPushSubscription, payload: string, urgency: webpush.Urgency): Promise<Outcome> {
    const { db, log } = this.#deps;
    const phone = sub.name;
    try {
      const vapid = this.#keys();
      const details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, {
        vapidDetails: vapid,
        TTL: this.#deps.ttlSeconds ?? 86_400,
        urgency,
        contentEncoding: "aes128gcm",
      });
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(details.headers)) if (key.toLowerCase() !== "content-length") headers[key] = String(value);
      const res = await fetch(details.endpoint, {
        method: "POST",
        headers,
        body: details.body ? new Uint8Array(details.body) : null,
        redirect: "error",
        signal: AbortSignal.any([AbortSignal.timeout(this.#deps.sendTimeoutMs ?? 10_000), this.#stopping.signal]),
      });
      const text = (await res.text().catch(() => "")).slice(0, 200);
      if (res.ok) {
        recordPushSuccess(db, sub.endpoint, this.#deps.now());
        return "delivered";
      }
      // RFC 8030 §7.3: the subscription expired or was unsubscribed; it will never work again.
      if (res.status === 404 || res.status === 410) {
        deletePushSubscription(db, sub.endpoint);
        log.info({ phone, status: res.status }, "push subscription gone: removed");
        return "removed";
      }
      recordPushFailure(db, sub.endpoint, `HTTP ${res.status}${text ? `: ${text}` : ""}`);
      log.warn({ phone, status: res.status, body: text }, "push refused");
      return "failed";
    } catch (err) {
      const reason = err instanceof Error ? (err.name === "TimeoutError" ? "timed out" : err.message) : String(err);
      recordPushFailure(db, sub.endpoint, reason);
      log.warn({ phone, reason }, "push failed");
      return "failed";
    }
  }

  #id(endpoint: string): string {
    return createHash("sha256").update(endpoint).digest("hex").slice(0, 16);
  }

  #view(sub: StoredPushSubscription, service: string): PushSubscriptionView {
    let host = "";
    try {
      host = new URL(sub.endpoint).host;
    } catch {
      host = "";
    }
    return {
      id: this.#id(sub.endpoint),
      name: sub.name,
      service: `notify.${service}`,
      push_service: host,
      user_id: sub.userId,
      created_at: sub.createdAt,
      last_success_at: sub.lastSuccessAt,
      last_error: sub.lastError,
      failures: sub.failures,
    };
  }
}
