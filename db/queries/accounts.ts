import { and, asc, count, desc, eq, gt, lt, ne, sql } from "drizzle-orm";
import type { Queryable as HubDatabase } from "../open-database";
import { apiTokens, home, mqttUsers, sessions, users } from "../schema";

import type { Role } from "@/devices/auth/access";
export type { Role };

export interface User {
  id: number;
  username: string;
  name: string;
  role: Role;
  createdAt: number;
  rooms: string[] | null;
  localOnly: boolean;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface MqttUser {
  id: number;
  username: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  lastConnectedAt: number | null;
}

export interface Home {
  locationName: string;
  timeZone: string;
  unitSystem: "metric" | "us_customary";
  createdAt: number;
  latitude: number | null;
  longitude: number | null;
}

const userColumns = {
  id: users.id,
  username: users.username,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  rooms: users.rooms,
  localOnly: users.localOnly,
};

export function countUsers(db: HubDatabase): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

export function listUsers(db: HubDatabase): User[] {
  return db.select(userColumns).from(users).orderBy(asc(users.id)).all();
}

export function findUserByUsername(db: HubDatabase, username: string): UserWithHash | undefined {
  return db.select().from(users).where(eq(users.username, username)).get();
}

export function findUserById(db: HubDatabase, id: number): User | undefined {
  return db.select(userColumns).from(users).where(eq(users.id, id)).get();
}

export function insertUser(
  db: HubDatabase,
  u: { username: string; name: string; role: Role; passwordHash: string; createdAt: number; rooms?: string[] | null; localOnly?: boolean },
): User {
  return db.insert(users).values(u).returning(userColumns).get();
}

/** Changes a person's name, role, rooms or home-network flag; answers the new record, undefined when gone. */
export function updateUser(db: HubDatabase, id: number, patch: Partial<Pick<User, "name" | "role" | "rooms" | "localOnly">>): User | undefined {
  if (Object.keys(patch).length === 0) return findUserById(db, id);
  return db.update(users).set(patch).where(eq(users.id, id)).returning(userColumns).get();
}

export function deleteUser(db: HubDatabase, id: number): boolean {
  return db.delete(users).where(eq(users.id, id)).run().changes > 0;
}

export function insertSession(
  db: HubDatabase,
  s: { tokenHash: string; userId: number; createdAt: number; expiresAt: number; userAgent: string | null; clientAddress?: string | null },
): void {
  db.insert(sessions).values(s).run();
}

export function findSessionUser(db: HubDatabase, tokenHash: string, now: number): User | undefined {
  return db
    .select(userColumns)
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
    .get();
}

export function deleteSession(db: HubDatabase, tokenHash: string): void {
  db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
}

export interface SessionRow {
  id: number;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  clientAddress: string | null;
}

/** A person's live sessions, newest first. */
export function listSessions(db: HubDatabase, userId: number, now: number): SessionRow[] {
  return db
    .select({ id: sessions.id, tokenHash: sessions.tokenHash, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, userAgent: sessions.userAgent, clientAddress: sessions.clientAddress })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .all();
}

/** Deletes one of the person's sessions; answers its token hash, or undefined when there is none. */
export function deleteSessionById(db: HubDatabase, userId: number, sessionId: number): string | undefined {
  return db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
    .returning({ tokenHash: sessions.tokenHash })
    .get()?.tokenHash;
}

/** Deletes every session of the person except the one with `keepHash` (all when null); answers their hashes. */
export function deleteOtherSessions(db: HubDatabase, userId: number, keepHash: string | null): string[] {
  const where = keepHash === null ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.tokenHash, keepHash));
  return db
    .delete(sessions)
    .where(where)
    .returning({ tokenHash: sessions.tokenHash })
    .all()
    .map((r) => r.tokenHash);
}

export function updateUserPassword(db: HubDatabase, userId: number, passwordHash: string): boolean {
  return db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run().changes > 0;
}

export function deleteExpiredSessions(db: HubDatabase, now: number): number {
  return db.delete(sessions).where(lt(sessions.expiresAt, now)).run().changes;
}

export function insertApiToken(
  db: HubDatabase,
  t: { tokenHash: string; userId: number; name: string; createdAt: number },
): ApiToken {
  return db
    .insert(apiTokens)
    .values(t)
    .returning({
      id: apiTokens.id,
      userId: apiTokens.userId,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .get();
}

export function findTokenUser(
  db: HubDatabase,
  tokenHash: string,
): (User & { tokenId: number; tokenLastUsedAt: number | null }) | undefined {
  return db
    .select({ ...userColumns, tokenId: apiTokens.id, tokenLastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .where(eq(apiTokens.tokenHash, tokenHash))
    .get();
}

export function touchApiToken(db: HubDatabase, tokenId: number, at: number): void {
  db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, tokenId)).run();
}

export function listApiTokens(db: HubDatabase, userId: number): ApiToken[] {
  return db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(asc(apiTokens.id))
    .all();
}

/** Deletes one of a user's tokens; returns whether it existed. */
export function deleteApiToken(db: HubDatabase, userId: number, tokenId: number): boolean {
  return db.delete(apiTokens).where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId))).run().changes > 0;
}

const mqttUserColumns = {
  id: mqttUsers.id,
  username: mqttUsers.username,
  description: mqttUsers.description,
  createdAt: mqttUsers.createdAt,
  updatedAt: mqttUsers.updatedAt,
  lastConnectedAt: mqttUsers.lastConnectedAt,
};

export function listMqttUsers(db: HubDatabase): MqttUser[] {
  return db.select(mqttUserColumns).from(mqttUsers).orderBy(asc(mqttUsers.username)).all();
}

/** The CONNECT lookup, prepared once: it runs for every MQTT client that connects. */
export function prepareMqttCredentialsLookup(
  db: HubDatabase,
): (username: string) => { passwordHash: string; lastConnectedAt: number | null } | undefined {
  const statement = db
    .select({ passwordHash: mqttUsers.passwordHash, lastConnectedAt: mqttUsers.lastConnectedAt })
    .from(mqttUsers)
    .where(eq(mqttUsers.username, sql.placeholder("username")))
    .prepare();
  return (username) => statement.get({ username });
}

export function findMqttUser(db: HubDatabase, username: string): MqttUser | undefined {
  return db.select(mqttUserColumns).from(mqttUsers).where(eq(mqttUsers.username, username)).get();
}

export function insertMqttUser(
  db: HubDatabase,
  u: { username: string; passwordHash: string; description: string; createdAt: number },
): MqttUser {
  return db
    .insert(mqttUsers)
    .values({ ...u, updatedAt: u.createdAt })
    .returning(mqttUserColumns)
    .get();
}

export function updateMqttUserPassword(db: HubDatabase, username: string, passwordHash: string, at: number): boolean {
  return (
    db.update(mqttUsers).set({ passwordHash, updatedAt: at }).where(eq(mqttUsers.username, username)).run().changes > 0
  );
}

export function touchMqttUser(db: HubDatabase, username: string, at: number): void {
  db.update(mqttUsers).set({ lastConnectedAt: at }).where(eq(mqttUsers.username, username)).run();
}

export function deleteMqttUser(db: HubDatabase, username: string): boolean {
  return db.delete(mqttUsers).where(eq(mqttUsers.username, username)).run().changes > 0;
}

export function findHome(db: HubDatabase): Home | undefined {
  return db
    .select({
      locationName: home.locationName,
      timeZone: home.timeZone,
      unitSystem: home.unitSystem,
      createdAt: home.createdAt,
      latitude: home.latitude,
      longitude: home.longitude,
    })
    .from(home)
    .where(eq(home.id, 1))
    .get();
}

export function upsertHome(db: HubDatabase, h: Home): void {
  db.insert(home)
    .values({ id: 1, ...h })
    .onConflictDoUpdate({
      target: home.id,
      set: { locationName: h.locationName, timeZone: h.timeZone, unitSystem: h.unitSystem, latitude: h.latitude, longitude: h.longitude },
    })
    .run();
}
