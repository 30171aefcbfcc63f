import { generateSecret, hashSecret } from "./secrets";

/** How long a browser's WebSocket token lives (HA's access tokens live 30 minutes too). */
export const WEBSOCKET_TOKEN_TTL_S = 1800;
// Bounds on memory: each open tab refreshes about every half hour, so these are generous.
const MAX_TOKENS_PER_USER = 50;
const MAX_TOKENS = 10_000;
const PREFIX = "htw_";

/** What POST /api/auth/websocket-token answers, in the shape of HA's token endpoint. */
export interface WebSocketTokenGrant {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
}

interface Issued {
  userId: number;
  /** The credential (Principal.credential) the token was issued to. */
  credential: string | undefined;
  expiresAt: number;
}

/**
 * Short-lived tokens for the WebSocket API's auth message. The browser holds only an HttpOnly session
 * cookie, but HA's protocol wants an access token; the UI trades its cookie for one of these. They live
 * in memory (hashed), so a restart invalidates them and the client fetches a new one. They are accepted
 * by the WebSocket auth phase only, never by REST routes.
 */
export class WebSocketTokens {
  readonly #now: () => number;
  readonly #ttlMs: number;
  // Map order is insertion order: the oldest token comes first when a bound is hit.
  readonly #byHash = new Map<string, Issued>();

  constructor(deps: { now?: () => number; ttlS?: number } = {}) {
    // Read the clock through a closure, so tests that move Date move this clock too.
    this.#now = deps.now ?? (() => Date.now());
    this.#ttlMs = (deps.ttlS ?? WEBSOCKET_TOKEN_TTL_S) * 1000;
  }

  /** A new random token bound to the user and the credential it was issued to; only its hash is kept. */
  issue(userId: number, credential?: string): WebSocketTokenGrant {
    const now = this.#now();
    this.#prune(now);
    const mine = [...this.#byHash].filter(([, t]) => t.userId === userId);
    for (const [hash] of mine.slice(0, Math.max(0, mine.length - MAX_TOKENS_PER_USER + 1))) this.#byHash.delete(hash);
    if (this.#byHash.size >= MAX_TOKENS) {
      const oldest = this.#byHash.keys().next();
      if (!oldest.done) this.#byHash.delete(oldest.value);
    }
    const token = generateSecret(PREFIX);
    this.#byHash.set(hashSecret(token), { userId, credential, expiresAt: now + this.#ttlMs });
    return { access_token: token, token_type: "Bearer", expires_in: Math.round(this.#ttlMs / 1000) };
  }

  /** Who a token was issued to, while it is valid; undefined for unknown or expired tokens. */
  verify(token: string): { userId: number; credential: string | undefined } | undefined {
    if (!token.startsWith(PREFIX)) return undefined;
    const hash = hashSecret(token);
    const issued = this.#byHash.get(hash);
    if (!issued) return undefined;
    if (issued.expiresAt <= this.#now()) {
      this.#byHash.delete(hash);
      return undefined;
    }
    return { userId: issued.userId, credential: issued.credential };
  }

  /** Drops every token of a user (e.g. when the person is removed). */
  revokeUser(userId: number): void {
    for (const [hash, t] of this.#byHash) if (t.userId === userId) this.#byHash.delete(hash);
  }

  /** Drops the tokens issued to a credential (a session that logged out, a revoked API token). */
  revokeCredential(credential: string): void {
    for (const [hash, t] of this.#byHash) if (t.credential === credential) this.#byHash.delete(hash);
  }

  get size(): number {
    return this.#byHash.size;
  }

  #prune(now: number): void {
    for (const [hash, t] of this.#byHash) if (t.expiresAt <= now) this.#byHash.delete(hash);
  }
}
