import type { HubDatabase } from "@/db/open-database";
import * as q from "@/db/queries/accounts";
import { HubError } from "../errors";
import type { SessionView } from "../hub-api";
import { parseOrThrow, passwordSchema } from "./account-service";
import { hashPassword, verifyPassword } from "./secrets";

export interface SessionAdminDeps {
  db: HubDatabase;
  now?: () => number;
}

const SESSION_PREFIX = "session:";
/** The stored hash inside a `session:<hash>` credential (Principal.credential), if it is one. */
const hashOf = (credential: string | undefined) => (credential?.startsWith(SESSION_PREFIX) ? credential.slice(SESSION_PREFIX.length) : null);
const credentialOf = (hash: string) => `${SESSION_PREFIX}${hash}`;

/**
 * A person's own sessions (the profile page): list, revoke one or all others, change the password.
 * "Last used" is kept in memory, to the minute: the sessions table has no column for it and a write per
 * request is not worth it; after a restart it reads "not since the hub started".
 */
export class SessionAdmin {
  readonly #db: HubDatabase;
  readonly #now: () => number;
  readonly #lastUsed = new Map<string, number>();

  constructor(deps: SessionAdminDeps) {
    this.#db = deps.db;
    this.#now = deps.now ?? Date.now;
  }

  /** Notes that a session credential was just used (called for every authenticated request). */
  touch(credential: string | undefined): void {
    const hash = hashOf(credential);
    if (hash === null) return;
    if (this.#lastUsed.size > 10_000) this.#lastUsed.clear();
    this.#lastUsed.set(hash, this.#now());
  }

  list(userId: number, currentCredential: string | undefined): SessionView[] {
    const current = hashOf(currentCredential);
    return q.listSessions(this.#db, userId, this.#now()).map((s) => ({
      id: s.id,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      last_used_at: this.#lastUsed.get(s.tokenHash) ?? null,
      user_agent: s.userAgent,
      client_address: s.clientAddress,
      current: s.tokenHash === current,
    }));
  }

  /** Deletes one of the person's sessions; answers its credential so what it opened is closed too. */
  revoke(userId: number, sessionId: number): string {
    const hash = q.deleteSessionById(this.#db, userId, sessionId);
    if (hash === undefined) throw new HubError("not_found", "no such session");
    this.#lastUsed.delete(hash);
    return credentialOf(hash);
  }

  /** Signs the person out everywhere but the calling session (everywhere when called with a token). */
  revokeOthers(userId: number, currentCredential: string | undefined): string[] {
    const hashes = q.deleteOtherSessions(this.#db, userId, hashOf(currentCredential));
    for (const h of hashes) this.#lastUsed.delete(h);
    return hashes.map(credentialOf);
  }

  /** Checks the current password, stores the new one (argon2id) and revokes every other session. */
  async changePassword(userId: number, currentPassword: string, newPassword: string, currentCredential: string | undefined): Promise<string[]> {
    const next = parseOrThrow(passwordSchema, newPassword);
    const user = q.findUserById(this.#db, userId);
    const stored = user ? q.findUserByUsername(this.#db, user.username) : undefined;
    if (!stored) throw new HubError("not_found", "no such user");
    if (!(await verifyPassword(stored.passwordHash, currentPassword))) throw new HubError("forbidden", "the current password is wrong");
    const passwordHash = await hashPassword(next);
    q.updateUserPassword(this.#db, userId, passwordHash);
    return this.revokeOthers(userId, currentCredential);
  }
}
