import { randomBytes } from "node:crypto";
import type { HaContext } from "../hub-api";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Random bytes drawn 4 KiB at a time: one syscall per 256 ids instead of one per id. */
class RandomPool {
  #bytes = randomBytes(4096);
  #offset = 0;

  take16(): Buffer {
    if (this.#offset + 16 > this.#bytes.length) {
      this.#bytes = randomBytes(4096);
      this.#offset = 0;
    }
    const out = this.#bytes.subarray(this.#offset, this.#offset + 16);
    this.#offset += 16;
    return out;
  }
}

const pool = new RandomPool();

/** A ULID, as Home Assistant uses for context ids: 48-bit time, 80 random bits, Crockford base32. */
export function ulid(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = pool.take16();
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
