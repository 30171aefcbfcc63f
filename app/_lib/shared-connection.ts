import { Auth, createConnection, ERR_INVALID_AUTH, type Connection, type ConnectionEventListener, type MessageBase } from "home-assistant-js-websocket";
import { callApi } from "../_components/api-client";

// A client-side navigation unmounts the old page before the new one mounts: keep the socket meanwhile.
const LINGER_MS = 5000;

type ConnectionEvent = "ready" | "disconnected" | "reconnect-error";

interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

// The browser holds a session cookie, not a token: each (re)connect asks the hub for a short-lived
// WebSocket token. `expired` is always true so the library fetches a fresh one before every auth,
// which also covers a hub restart that forgot earlier tokens.
export class SessionAuth extends Auth {
  constructor() {
    super({ hassUrl: window.location.origin, clientId: null, expires: 0, refresh_token: "", access_token: "", expires_in: 0 });
  }

  override get expired(): boolean {
    return true;
  }

  override async refreshAccessToken(): Promise<void> {
    const res = await callApi<TokenAnswer>("/api/auth/websocket-token", { method: "POST", body: {} });
    if (!res.ok) {
      // The library treats ERR_INVALID_AUTH (a number, its protocol) as final; anything else is retried.
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- home-assistant-js-websocket compares the thrown value with its error code
      if (res.error.status === 401 || res.error.status === 403 || res.error.status === 404) throw ERR_INVALID_AUTH;
      throw new Error(res.error.message);
    }
    this.data = { ...this.data, access_token: res.data.access_token, expires_in: res.data.expires_in, expires: Date.now() + res.data.expires_in * 1000 };
  }
}

/** The tab's connection (one at a time): opening, or open and counted by its leases. */
interface Shared {
  readonly opening: Promise<Connection>;
  users: number;
  linger?: ReturnType<typeof setTimeout>;
}

let tab: Shared | undefined;

function open(): Shared {
  const shared: Shared = { opening: createConnection({ auth: new SessionAuth(), setupRetry: 0 }), users: 0 };
  shared.opening.then(
    (conn) => {
      // The library gave up (the session ended, or the hub no longer knows it): the next acquire opens a new one.
      conn.addEventListener("reconnect-error", () => drop(shared, conn));
    },
    // A failed attempt is not kept: the next acquire tries again.
    () => {
      if (tab === shared) tab = undefined;
    },
  );
  return shared;
}

function drop(shared: Shared, conn: Connection): void {
  clearTimeout(shared.linger);
  if (tab === shared) tab = undefined;
  conn.close();
}

/**
 * One user's share of the tab's WebSocket: the listeners and subscriptions made through it go away with
 * `release()`, so a stopped user leaves nothing behind on the connection that others still use.
 */
export interface ConnectionLease {
  /** For commands (call_service); never closed by a user: `release()` instead. */
  readonly connection: Connection;
  on(event: ConnectionEvent, listener: () => void): void;
  /**
   * Starts a subscription (waiting for the socket if it is reconnecting) that lasts until `release()`; the
   * library renews it after each reconnect. Resolves once the hub accepted it, rejects if the hub refused it.
   */
  subscribe<T>(message: MessageBase, onMessage: (message: T) => void): Promise<void>;
  /** Removes this user's listeners and subscriptions; the last lease out closes the connection after a short linger. */
  release(): void;
}

class Lease implements ConnectionLease {
  readonly connection: Connection;
  readonly #shared: Shared;
  readonly #listeners: { event: ConnectionEvent; listener: ConnectionEventListener }[] = [];
  readonly #subscriptions = new Set<() => void>();
  #released = false;

  constructor(shared: Shared, connection: Connection) {
    this.#shared = shared;
    this.connection = connection;
  }

  on(event: ConnectionEvent, listener: () => void): void {
    if (this.#released) return;
    const wrapped: ConnectionEventListener = () => {
      if (!this.#released) listener();
    };
    this.#listeners.push({ event, listener: wrapped });
    this.connection.addEventListener(event, wrapped);
  }

  // The library walks its listener array while it fires an event: removing one then would skip the next
  // listener (another user's), so removals wait until the event is through. The listeners check first.
  #off(event: ConnectionEvent, listener: ConnectionEventListener): void {
    queueMicrotask(() => this.connection.removeEventListener(event, listener));
  }

  // The lease renews its subscriptions after a reconnect instead of the library (resubscribe: false): the library
  // keeps handing out the old subscription's unsubscribe until the hub answers the renewal, and that names the
  // old socket's command id, which may by then be another user's subscription on the new socket.
  subscribe<T>(message: MessageBase, onMessage: (message: T) => void): Promise<void> {
    if (this.#released) return Promise.reject(new Error("connection released"));
    const conn = this.connection;
    let active = true;
    // The unsubscribe for the subscription on the current socket; a socket's subscriptions end with it.
    let unsubscribe: (() => Promise<void>) | undefined;
    let socket = 0;
    const deliver = (msg: T) => {
      if (active) onMessage(msg);
    };
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        // While the socket is down a subscribe is never answered: "ready" starts it again.
        if (!active || !conn.connected) return;
        const mine = socket;
        conn.subscribeMessage<T>(deliver, message, { resubscribe: false }).then(
          (unsub) => {
            if (mine !== socket) return;
            if (!active) {
              void unsub().catch(() => undefined);
              return;
            }
            unsubscribe = unsub;
            resolve();
          },
          (err: unknown) => {
            if (mine === socket) reject(err instanceof Error ? err : new Error(`${message.type} refused`));
          },
        );
      };
      this.on("disconnected", () => {
        socket++;
        unsubscribe = undefined;
      });
      this.on("ready", start);
      this.#subscriptions.add(() => {
        active = false;
        const unsub = unsubscribe;
        unsubscribe = undefined;
        void unsub?.().catch(() => undefined);
      });
      start();
    });
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const { event, listener } of this.#listeners) this.#off(event, listener);
    this.#listeners.length = 0;
    for (const stop of this.#subscriptions) stop();
    this.#subscriptions.clear();
    const shared = this.#shared;
    // Once dropped (reconnect-error) the connection is closed already and no longer the tab's.
    if (--shared.users > 0 || tab !== shared) return;
    clearTimeout(shared.linger);
    shared.linger = setTimeout(() => {
      if (shared.users === 0) drop(shared, this.connection);
    }, LINGER_MS);
  }
}

/**
 * The tab's one connection to /api/websocket, opened on first use and shared by every caller until the last one
 * releases it. Rejects when the socket cannot be had (nothing is counted then); callers fall back to polling.
 */
export async function acquireConnection(): Promise<ConnectionLease> {
  const shared = (tab ??= open());
  shared.users++;
  clearTimeout(shared.linger);
  let conn: Connection;
  try {
    conn = await shared.opening;
  } catch (err) {
    shared.users--;
    throw err;
  }
  if (tab !== shared) {
    // Dropped between opening and this caller's turn (the library gave up at once).
    shared.users--;
    throw new Error("connection dropped");
  }
  return new Lease(shared, conn);
}
