import { randomBytes } from "node:crypto";
import type { HaContext } from "../hub-api";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID, as Home Assistant uses for context ids: 48-bit time, 80 random bits, Crockford base32. */
export function ulid(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = "";
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i]! % 32]!;
  return time + random;
}

export function newContext(userId: string | null = null, parentId: string | null = null, now?: number): HaContext {
  return { id: ulid(now), parent_id: parentId, user_id: userId };
}

/** HA's timestamp format: ISO 8601 with microseconds and an explicit +00:00. */
export function haTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000+00:00`;
}
