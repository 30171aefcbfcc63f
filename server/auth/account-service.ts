import { z } from "zod";
import type { HubDatabase } from "@/db/open-database";
import * as q from "@/db/queries/accounts";
import { canManage, ROLES } from "@/devices/auth/access";
import { NetworkTrust } from "@/devices/auth/network";
import { HubError, formatIssues } from "../errors";
import type { ApiTokenView, LoginLockoutView, OnboardingInput, Principal, Role, SessionGrant, UserView } from "../hub-api";
import { generatePassword, generateSecret, hashPassword, hashSecret, verifyPassword } from "./secrets";

const SESSION_DAYS = 30;
// Password guessing: after this many failures for one username within the window, logins wait it out.
const MAX_FAILED_LOGINS = 10;
const FAILED_LOGIN_WINDOW_MS = 10 * 60 * 1000;
/** API field names for the service's camelCase ones, so errors name what the caller sent. */
const API_FIELD_NAMES: Record<string, string> = { locationName: "location_name", timeZone: "time_zone", unitSystem: "unit_system" };
const DAY_MS = 24 * 60 * 60 * 1000;

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "username is required")
  .max(64, "username is at most 64 characters")
  .regex(/^[A-Za-z0-9_.@-]+$/, "username may use letters, digits, '_', '.', '@' and '-'");
export const passwordSchema = z
  .string()
  .min(8, "password must be at least 8 characters")
  .max(1024, "password is at most 1024 characters");
const displayNameSchema = z.string().trim().min(1, "name is required").max(100);
const tokenNameSchema = z.string().trim().min(1, "token name is required").max(100);
const timeZoneSchema = z
  .string()
  .trim()
  .refine(isTimeZone, "time zone must be an IANA name such as Europe/Berlin");

export const onboardingSchema = z.object({
  name: displayNameSchema,
  username: usernameSchema,
  password: passwordSchema,
  locationName: z.string().trim().min(1, "home name is required").max(100),
  timeZone: timeZoneSchema,
  unitSystem: z.enum(["metric", "us_customary"]),
  /** Where the home is (sun triggers and conditions); optional, settable later. */
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Turns a zod failure into one invalid_input HubError naming each field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HubError("invalid_input", formatIssues(parsed.error.issues, (k) => API_FIELD_NAMES[k] ?? k));
}

/** Runs an insert; a UNIQUE violation (a name taken between the check and the insert) is a clear 409, not a 500. */
function unique<T>(conflictMessage: string, insert: () => T): T {
  try {
    return insert();
  } catch (err) {
    if ((err as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new HubError("conflict", conflictMessage);
    throw err;
  }
}

export interface AccountServiceDeps {
  db: HubDatabase;
  now?: () => number;
  /** What counts as the home network for "home network only" people (HEARTH_HOME_NETWORKS); the defaults if not given. */
  network?: NetworkTrust;
}

/**
 * People, sessions, API tokens and MQTT credentials. Works on the database alone, so the admin CLI
 * uses it whether or not the hub is running.
 */
export class AccountService {
  readonly #db: HubDatabase;
  readonly #now: () => number;
  readonly #network: NetworkTrust;
  // Verified MQTT passwords by stored hash: a reconnect storm must not cost one argon2 run per client.
  // Keyed by the hash, so a password changed from the CLI in another process misses the cache.
  readonly #mqttVerified = new Map<string, string>();
  readonly #mqttVerifying = new Map<string, Promise<boolean>>();
  readonly #failedLogins = new Map<string, number[]>();
  readonly #mqttCredentials: ReturnType<typeof q.prepareMqttCredentialsLookup>;

  constructor(deps: AccountServiceDeps) {
    this.#db = deps.db;
    this.#now = deps.now ?? Date.now;
    this.#network = deps.network ?? new NetworkTrust();
    this.#mqttCredentials = q.prepareMqttCredentialsLookup(deps.db);
  }

  needsOnboarding(): boolean {
    return q.countUsers(this.#db) === 0;
  }

  async onboard(input: OnboardingInput, userAgent: string | null): Promise<SessionGrant> {
    const data = parseOrThrow(onboardingSchema, input);
    if (!this.needsOnboarding()) throw new HubError("conflict", "onboarding is done: the home already has an owner");
    const passwordHash = await hashPassword(data.password);
    const user = this.#db.transaction((tx) => {
      if (q.countUsers(tx) > 0) return undefined;
      const created = q.insertUser(tx, {
        username: data.username,
        name: data.name,
        role: "owner",
        passwordHash,
        createdAt: this.#now(),
      });
      q.upsertHome(tx, {
        locationName: data.locationName,
        timeZone: data.timeZone,
        unitSystem: data.unitSystem,
        createdAt: this.#now(),
        latitude: data.latitude ?? null,
        longitude: data.longitude ?? null,
      });
      return created;
    });
    if (!user) throw new HubError("conflict", "onboarding is done: the home already has an owner");
    return this.#startSession(user, userAgent);
  }

  /** Creates a person; the first one is the owner whatever role is asked for. Owners and admins see every room. */
  async addUser(input: NewPerson): Promise<UserView> {
    const username = parseOrThrow(usernameSchema, input.username);
    const password = parseOrThrow(passwordSchema, input.password);
    const name = parseOrThrow(displayNameSchema, input.name ?? username);
    const taken = `user "${username}" already exists`;
    if (q.findUserByUsername(this.#db, username)) throw new HubError("conflict", taken);
    const passwordHash = await hashPassword(password);
    const role: Role = q.countUsers(this.#db) === 0 ? "owner" : (input.role ?? "user");
    const rooms = canManage({ role }) ? null : (input.rooms ?? null);
    // Checked again after the hash: the same name may have been added meanwhile (another tab, the CLI).
    return toUserView(unique(taken, () => q.insertUser(this.#db, { username, name, role, passwordHash, createdAt: this.#now(), rooms, localOnly: input.localOnly ?? false })));
  }

  listUsers(): UserView[] {
    return q.listUsers(this.#db).map(toUserView);
  }

  /**
   * Changes another person's name, role, rooms or home-network flag, or sets a new password for them, as `by`.
   * The owner stays the owner; only the owner hands out or takes away admin; nobody changes their own rights
   * (so nobody locks themselves out). Owners and admins always see every room.
   */
  async updateUser(by: UserView, id: number, patch: PersonPatch): Promise<UserView> {
    const target = this.#manageable(by, id);
    if (patch.role !== undefined && patch.role !== target.role) {
      if (target.role === "owner" || patch.role === "owner") throw new HubError("forbidden", "the owner stays the owner");
      if (patch.role === "admin" && by.role !== "owner") throw new HubError("forbidden", "only the owner makes someone an admin");
    }
    const role = patch.role ?? target.role;
    const changes: Parameters<typeof q.updateUser>[2] = {};
    if (patch.name !== undefined) changes.name = parseOrThrow(displayNameSchema, patch.name);
    if (patch.role !== undefined) changes.role = patch.role;
    if (canManage({ role })) changes.rooms = null;
    else if (patch.rooms !== undefined) changes.rooms = patch.rooms;
    if (patch.localOnly !== undefined) changes.localOnly = patch.localOnly;
    if (patch.password !== undefined) {
      const passwordHash = await hashPassword(parseOrThrow(passwordSchema, patch.password));
      q.updateUserPassword(this.#db, id, passwordHash);
    }
    const updated = q.updateUser(this.#db, id, changes);
    if (!updated) throw new HubError("not_found", "no such person");
    return toUserView(updated);
  }

  /** Removes a person with their sessions and tokens, as `by`; the owner cannot be removed. */
  removeUser(by: UserView, id: number): UserView {
    const target = this.#manageable(by, id);
    if (target.role === "owner") throw new HubError("forbidden", "the owner cannot be removed");
    q.deleteUser(this.#db, id);
    return target;
  }

  /** Drops a deleted room from every person's list (a room made again later with the same name grants nothing). */
  forgetRoom(roomId: string): number[] {
    const changed: number[] = [];
    for (const u of q.listUsers(this.#db)) {
      if (u.rooms?.includes(roomId)) {
        q.updateUser(this.#db, u.id, { rooms: u.rooms.filter((r) => r !== roomId) });
        changed.push(u.id);
      }
    }
    return changed;
  }

  #manageable(by: UserView, id: number): UserView {
    if (!canManage(by)) throw new HubError("forbidden", "only an owner or admin manages people");
    const found = q.findUserById(this.#db, id);
    if (!found) throw new HubError("not_found", "no such person");
    const target = toUserView(found);
    if (target.id === by.id) throw new HubError("forbidden", "change your own password on your profile; another admin changes your rights");
    // Nobody else touches the owner: not their password, name, rights or home-network flag.
    if (target.role === "owner") throw new HubError("forbidden", "only the owner changes the owner's account");
    if (target.role === "admin" && by.role !== "owner") throw new HubError("forbidden", "only the owner changes an admin");
    return target;
  }

  /** `clientAddress`: where the login came from, checked for a home-network-only person and kept with the session. */
  async login(username: string, password: string, userAgent: string | null, clientAddress: string | null = null): Promise<SessionGrant> {
    const name = username.trim();
    const now = this.#now();
    const recent = (this.#failedLogins.get(name) ?? []).filter((at) => now - at < FAILED_LOGIN_WINDOW_MS);
    if (recent.length >= MAX_FAILED_LOGINS) {
      const waitMin = Math.ceil((FAILED_LOGIN_WINDOW_MS - (now - (recent[0] ?? now))) / 60_000);
      throw new HubError("rate_limited", `too many failed logins for "${name}"; try again in ${waitMin} min`);
    }
    const user = q.findUserByUsername(this.#db, name);
    // Verify against a dummy hash for unknown users too, so timing does not reveal which usernames exist.
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
    if (!user || !ok) {
      if (this.#failedLogins.size > 10_000) this.#failedLogins.clear();
      this.#failedLogins.set(name, [...recent, now]);
      throw new HubError("unauthorized", "wrong username or password");
    }
    this.#failedLogins.delete(name);
    // Only after the password: a guesser learns nothing about the flag.
    if (user.localOnly && !this.#network.isHome(clientAddress)) {
      throw new HubError("forbidden", "this account signs in only from the home network");
    }
    return this.#startSession(user, userAgent, clientAddress);
  }

  /** Usernames whose logins wait out the failure window right now. */
  lockouts(): LoginLockoutView[] {
    const now = this.#now();
    return [...this.#failedLogins].flatMap(([username, times]) => {
      const recent = times.filter((at) => now - at < FAILED_LOGIN_WINDOW_MS);
      const first = recent[0];
      return recent.length >= MAX_FAILED_LOGINS && first !== undefined ? [{ username, failures: recent.length, until: first + FAILED_LOGIN_WINDOW_MS }] : [];
    });
  }

  #startSession(user: q.User, userAgent: string | null, clientAddress: string | null = null): SessionGrant {
    const sessionToken = generateSecret("hts_");
    const now = this.#now();
    const expiresAt = now + SESSION_DAYS * DAY_MS;
    q.deleteExpiredSessions(this.#db, now);
    q.insertSession(this.#db, {
      tokenHash: hashSecret(sessionToken),
      userId: user.id,
      createdAt: now,
      expiresAt,
      userAgent: userAgent?.slice(0, 300) ?? null,
      clientAddress: clientAddress?.slice(0, 64) ?? null,
    });
    return { sessionToken, expiresAt, user: toUserView(user) };
  }

  /** Ends the session; answers its credential, so what it opened can be closed too. */
  logout(sessionToken: string): string {
    const hash = hashSecret(sessionToken);
    q.deleteSession(this.#db, hash);
    return sessionCredential(hash);
  }

  /**
   * The person behind a session or token. `clientAddress` is where a network request came from: a
   * home-network-only person's credentials do nothing from elsewhere. Undefined only for the hub's own callers.
   */
  authenticate(credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined; clientAddress?: string | null | undefined }): Principal | undefined {
    const principal = this.#authenticate(credentials);
    if (principal?.user.local_only && credentials.clientAddress !== undefined && !this.#network.isHome(credentials.clientAddress)) return undefined;
    return principal;
  }

  #authenticate(credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined }): Principal | undefined {
    if (credentials.bearerToken) {
      const found = q.findTokenUser(this.#db, hashSecret(credentials.bearerToken));
      if (!found) return undefined;
      // "Last used" to the minute: a tool polling every second must not mean a database write per request.
      const now = this.#now();
      if (found.tokenLastUsedAt === null || now - found.tokenLastUsedAt > 60_000) q.touchApiToken(this.#db, found.tokenId, now);
      return { user: toUserView(found), via: "token", credential: tokenCredential(found.tokenId) };
    }
    if (credentials.sessionToken) {
      const hash = hashSecret(credentials.sessionToken);
      const user = q.findSessionUser(this.#db, hash, this.#now());
      if (user) return { user: toUserView(user), via: "session", credential: sessionCredential(hash) };
    }
    return undefined;
  }

  /** The person with this id, if they still exist. */
  findUser(userId: number): UserView | undefined {
    const user = q.findUserById(this.#db, userId);
    return user ? toUserView(user) : undefined;
  }

  listTokens(userId: number): ApiTokenView[] {
    return q.listApiTokens(this.#db, userId).map(toTokenView);
  }

  createToken(userId: number, name: string): { token: string; info: ApiTokenView } {
    const label = parseOrThrow(tokenNameSchema, name);
    if (!q.findUserById(this.#db, userId)) throw new HubError("not_found", "no such user");
    const token = generateSecret("hth_");
    const info = q.insertApiToken(this.#db, { tokenHash: hashSecret(token), userId, name: label, createdAt: this.#now() });
    return { token, info: toTokenView(info) };
  }

  /** Revokes the person's tokens with this name made before `createdBefore` (ms); answers how many. */
  revokeTokensNamed(userId: number, name: string, createdBefore: number): number {
    const stale = q.listApiTokens(this.#db, userId).filter((t) => t.name === name && t.createdAt < createdBefore);
    for (const t of stale) q.deleteApiToken(this.#db, userId, t.id);
    return stale.length;
  }

  createTokenForUsername(username: string, name: string): string {
    const user = q.findUserByUsername(this.#db, username);
    if (!user) throw new HubError("not_found", `no user "${username}"`);
    return this.createToken(user.id, name).token;
  }

  /** Deletes the token; answers its credential, so what it opened can be closed too. */
  revokeToken(userId: number, tokenId: number): string {
    if (!q.deleteApiToken(this.#db, userId, tokenId)) throw new HubError("not_found", "no such token");
    return tokenCredential(tokenId);
  }

  listMqttUsers(): q.MqttUser[] {
    return q.listMqttUsers(this.#db);
  }

  async addMqttUser(input: { username: string; password?: string | undefined; description?: string | undefined }) {
    const username = parseOrThrow(usernameSchema, input.username);
    const password = input.password === undefined ? generatePassword() : parseOrThrow(passwordSchema, input.password);
    const description = (input.description ?? "").trim().slice(0, 200);
    const taken = `MQTT user "${username}" already exists`;
    if (q.findMqttUser(this.#db, username)) throw new HubError("conflict", taken);
    const passwordHash = await hashPassword(password);
    const user = unique(taken, () => q.insertMqttUser(this.#db, { username, passwordHash, description, createdAt: this.#now() }));
    return { user, password };
  }

  async regenerateMqttPassword(username: string, password = generatePassword()): Promise<string> {
    parseOrThrow(passwordSchema, password);
    const passwordHash = await hashPassword(password);
    if (!q.updateMqttUserPassword(this.#db, username, passwordHash, this.#now())) {
      throw new HubError("not_found", `no MQTT user "${username}"`);
    }
    return password;
  }

  revokeMqttUser(username: string): void {
    if (!q.deleteMqttUser(this.#db, username)) throw new HubError("not_found", `no MQTT user "${username}"`);
  }

  /** The broker's CONNECT check. Clients without a username are anonymous, allowed only when configured. */
  async checkMqttCredentials(
    username: string | undefined,
    password: Buffer | undefined,
    allowAnonymous: boolean,
  ): Promise<"ok" | "bad_credentials" | "not_authorized"> {
    if (username === undefined || username === "") return allowAnonymous ? "ok" : "not_authorized";
    const found = this.#mqttCredentials(username);
    const secret = password?.toString("utf8") ?? "";
    if (!found) {
      await verifyPassword(await dummyHash(), secret);
      return "bad_credentials";
    }
    const hash = found.passwordHash;
    const digest = hashSecret(`${hash}\0${secret}`);
    if (this.#mqttVerified.get(hash) !== digest) {
      // One argon2 run per distinct attempt: a reconnect storm of the same device shares it.
      let pending = this.#mqttVerifying.get(digest);
      if (!pending) {
        pending = verifyPassword(hash, secret).finally(() => this.#mqttVerifying.delete(digest));
        this.#mqttVerifying.set(digest, pending);
      }
      if (!(await pending)) return "bad_credentials";
      if (this.#mqttVerified.size > 10_000) this.#mqttVerified.clear();
      this.#mqttVerified.set(hash, digest);
    }
    // "Last connected" to the minute: a flapping device must not mean a database write per CONNECT.
    const now = this.#now();
    if (found.lastConnectedAt === null || now - found.lastConnectedAt > 60_000) q.touchMqttUser(this.#db, username, now);
    return "ok";
  }
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword("not a real password, only spends time");
  return dummy;
}

function toUserView(u: q.User): UserView {
  return { id: u.id, username: u.username, name: u.name, role: u.role, createdAt: u.createdAt, rooms: u.rooms ?? null, local_only: u.localOnly };
}

/** A new person: the role defaults to a member who sees every room. */
export interface NewPerson {
  username: string;
  name?: string | undefined;
  role?: Role | undefined;
  password: string;
  rooms?: string[] | null | undefined;
  localOnly?: boolean | undefined;
}

export interface PersonPatch {
  name?: string | undefined;
  role?: Role | undefined;
  rooms?: string[] | null | undefined;
  localOnly?: boolean | undefined;
  password?: string | undefined;
}

export const roleSchema = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` });

function toTokenView(t: q.ApiToken): ApiTokenView {
  return { id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt };
}

/** Principal.credential for a session (by its stored hash) and for an API token (by id). */
const sessionCredential = (hash: string) => `session:${hash}`;
const tokenCredential = (tokenId: number) => `token:${tokenId}`;
