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

/** 20 random bits left below the increment's headroom: a millisecond can take 2^19 ids before a reseed. */
const LOW_BITS = 20;
const LOW_SEED_MASK = 0x7ffff;

/** The time part, the random part's high 60 bits and its low 20 bits, of the last id (ULID's monotonic mode). */
const last = { ms: Number.NaN, time: "", high: "", low: 0 };

function base32(value: number, chars: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < chars; i++) {
    out = CROCKFORD[v % 32]! + out;
    v = Math.floor(v / 32);
  }
  return out;
}

function reseed(): void {
  const bytes = pool.take16();
  let high = "";
  for (let i = 0; i < 12; i++) high += CROCKFORD[bytes[i]! % 32]!;
  last.high = high;
  last.low = ((bytes[12]! << 16) | (bytes[13]! << 8) | bytes[14]!) & LOW_SEED_MASK;
}

/**
 * A ULID, as Home Assistant uses for context ids: 48-bit time, 80 random bits, Crockford base32.
 * Within one millisecond the ids are monotonic (the spec's monotonic mode): the random part of the
 * first is incremented, which keeps them unique and sortable and costs no random bytes.
 */
export function ulid(now: number = Date.now()): string {
  if (now !== last.ms) {
    last.ms = now;
    last.time = base32(now, 10);
    reseed();
  } else if (++last.low >= 1 << LOW_BITS) {
    reseed();
  }
  return last.time + last.high + base32(last.low, 4);
}

export function newContext(userId: string | null = null, parentId: string | null = null, now?: number): HaContext {
  return { id: ulid(now), parent_id: parentId, user_id: userId };
}

/** HA's timestamp format: ISO 8601 with microseconds and an explicit +00:00. */
export function haTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000+00:00`;
}
