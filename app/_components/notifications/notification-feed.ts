import type { NotificationView } from "@/server/notifications/notification-views";
import { acquireConnection, type ConnectionLease } from "../../_lib/shared-connection";
import { callApi } from "../api-client";

const POLL_MS = 20_000;
// A client-side navigation unmounts the old page's bell before the new one mounts: keep the subscription meanwhile.
const LINGER_MS = 5000;

/** What the bell and the inbox render. Replaced (never mutated) on every change. */
export interface FeedSnapshot {
  /** Active and recently dismissed, newest first. */
  items: readonly NotificationView[];
  activeCount: number;
  /** The list itself has arrived (before that only the server's count is known). */
  loaded: boolean;
  mode: "connecting" | "live" | "polling";
}

/** One notification as persistent_notification/subscribe sends it (server/live/notification-commands.ts). */
interface WireNotification {
  notification_id: string;
  title: string | null;
  message: string;
  created_at: string;
  created_at_ms?: number;
  data?: Record<string, unknown> | null;
  source?: string | null;
}

interface WireEvent {
  type: "current" | "added" | "updated" | "removed";
  notifications: Record<string, WireNotification>;
}

const fromWire = (n: WireNotification): NotificationView => ({
  notification_id: n.notification_id,
  title: n.title,
  message: n.message,
  data: n.data ?? null,
  source: n.source ?? null,
  created_at: n.created_at_ms ?? Date.parse(n.created_at),
  dismissed_at: null,
});

const newestFirst = (a: NotificationView, b: NotificationView) => b.created_at - a.created_at || (a.notification_id < b.notification_id ? 1 : -1);

/**
 * The page's notifications: HA's persistent_notification/subscribe on the tab's shared /api/websocket connection
 * (which reconnects and renews the subscription), or GET /api/notifications every 20 s while the socket cannot be had (trying it again each time).
 */
export class NotificationFeed {
  #items = new Map<string, NotificationView>();
  #snapshot: FeedSnapshot;
  readonly #listeners = new Set<() => void>();
  #lease: ConnectionLease | undefined;
  // Counts starts: a connect that outlives its stop (and a later start) must not take over.
  #run = 0;
  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;
  #users = 0;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(activeCount: number) {
    this.#snapshot = { items: [], activeCount, loaded: false, mode: "connecting" };
  }

  /** Listens for changes; the first listener starts the feed and the last one stops it (shortly after). */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    clearTimeout(this.#lingerTimer);
    if (this.#users++ === 0 && this.#stopped) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (--this.#users === 0) this.#lingerTimer = setTimeout(() => this.#stop(), LINGER_MS);
    };
  };

  readonly snapshot = (): FeedSnapshot => this.#snapshot;

  /** The full list from the server render (the inbox page); once live, only the dismissed ones the socket never sends. */
  seed(list: readonly NotificationView[]): void {
    if (!this.#snapshot.loaded) return this.#replace(list);
    const missing = list.filter((n) => n.dismissed_at !== null && !this.#items.has(n.notification_id));
    if (missing.length === 0) return;
    for (const n of missing) this.#items.set(n.notification_id, n);
    this.#emit();
  }

  #start(): void {
    this.#stopped = false;
    void this.#connect(++this.#run);
  }

  #stop(): void {
    this.#stopped = true;
    clearTimeout(this.#pollTimer);
    this.#lease?.release();
    this.#lease = undefined;
  }

  /** Marks one (or, without an id, every active one) dismissed at once; the socket's `removed` agrees later. */
  dismissed(notificationId?: string): void {
    const now = Date.now();
    for (const [id, n] of this.#items) if (n.dismissed_at === null && (notificationId === undefined || id === notificationId)) this.#items.set(id, { ...n, dismissed_at: now });
    this.#emit();
  }

  async #connect(run: number): Promise<void> {
    let lease: ConnectionLease;
    try {
      lease = await acquireConnection();
    } catch {
      if (run === this.#run && !this.#stopped) void this.#poll();
      return;
    }
    if (run !== this.#run || this.#stopped) {
      lease.release();
      return;
    }
    this.#lease = lease;
    lease.on("disconnected", () => this.#setMode("connecting"));
    lease.on("ready", () => this.#setMode("live"));
    lease.on("reconnect-error", () => this.#fallBack(lease));
    try {
      await lease.subscribe<WireEvent>({ type: "persistent_notification/subscribe" }, (event) => this.#apply(event));
    } catch {
      this.#fallBack(lease);
      return;
    }
    if (this.#lease === lease) this.#setMode("live");
  }

  /** The socket is gone for good (or refused the subscription): leave the shared connection and poll. */
  #fallBack(lease: ConnectionLease): void {
    if (this.#lease !== lease) return;
    this.#lease = undefined;
    lease.release();
    if (!this.#stopped) void this.#poll();
  }

  async #poll(): Promise<void> {
    clearTimeout(this.#pollTimer);
    if (this.#stopped) return;
    if (!document.hidden) {
      const res = await callApi<NotificationView[]>("/api/notifications");
      if (this.#stopped) return;
      // Signed out: the page itself sends the person to the login page; the bell just stops asking.
      if (!res.ok && res.error.status === 401) return;
      if (res.ok) this.#replace(res.data);
      this.#setMode("polling");
    }
    // The next round tries the socket first (the tab's, when the live page has it again); failing, it polls.
    const run = this.#run;
    this.#pollTimer = setTimeout(() => void this.#connect(run), POLL_MS);
  }

  #apply(event: WireEvent): void {
    const incoming = Object.values(event.notifications).map(fromWire);
    if (event.type === "current") {
      // Everything active is in `current`: what was active here and is missing was dismissed meanwhile.
      const now = Date.now();
      const active = new Set(incoming.map((n) => n.notification_id));
      for (const [id, n] of this.#items) if (n.dismissed_at === null && !active.has(id)) this.#items.set(id, { ...n, dismissed_at: now });
      for (const n of incoming) this.#items.set(n.notification_id, n);
      this.#snapshot = { ...this.#snapshot, loaded: true };
    } else if (event.type === "removed") {
      const now = Date.now();
      for (const n of incoming) {
        const known = this.#items.get(n.notification_id);
        if (known && known.dismissed_at === null) this.#items.set(n.notification_id, { ...known, dismissed_at: now });
      }
    } else {
      for (const n of incoming) this.#items.set(n.notification_id, n);
    }
    this.#emit();
  }

  #replace(list: readonly NotificationView[]): void {
    this.#items = new Map(list.map((n) => [n.notification_id, n]));
    this.#snapshot = { ...this.#snapshot, loaded: true };
    this.#emit();
  }

  #setMode(mode: FeedSnapshot["mode"]): void {
    if (this.#snapshot.mode === mode) return;
    this.#snapshot = { ...this.#snapshot, mode };
    for (const listener of [...this.#listeners]) listener();
  }

  #emit(): void {
    const items = [...this.#items.values()].sort(newestFirst);
    const activeCount = this.#snapshot.loaded ? items.filter((n) => n.dismissed_at === null).length : this.#snapshot.activeCount;
    this.#snapshot = { ...this.#snapshot, items, activeCount };
    for (const listener of [...this.#listeners]) listener();
  }
}

let tabFeed: NotificationFeed | undefined;

/** This tab's one feed, shared by the bell and the inbox (never made during the server render). */
export function sharedFeed(activeCount: number): NotificationFeed {
  tabFeed ??= new NotificationFeed(activeCount);
  return tabFeed;
}
