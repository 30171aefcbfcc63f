// The history API's answer written straight to UTF-8 JSON bytes. A week of one-minute data for twenty sensors is
// 200,000 states: as objects, then JSON.stringify, that costs over a second (strings, a Date and an object per state,
// then one more pass), while reading the rows out of SQLite takes a tenth of that. Here SQLite hands each entity's
// range over as one blob of records (db/queries/history.ts), states already JSON-quoted by SQLite, and this writer
// copies bytes: no per-state objects, strings or Date calls.
import { haTimestamp } from "../state/context";

const DAY_MS = 86_400_000;
const RECORD_SEPARATOR = 0x1e;
const COMMA = 0x2c;
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const FULL_ENTITY = ascii('{"entity_id":');
const FULL_STATE = ascii(',"state":');
const FULL_ATTRIBUTES = ascii(',"attributes":');
const FULL_CHANGED = ascii(',"last_changed":"');
const FULL_UPDATED = ascii('","last_updated":"');
const MINIMAL_STATE = ascii(',{"state":');
const MINIMAL_CHANGED = ascii(',"last_changed":"');
const END_OBJECT = ascii('"}');
const OFFSET_TAIL = ascii("000+00:00");
/** "00" to "99" as ASCII pairs. */
const DIGIT_PAIRS = ascii(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).join(""));
/** More than a written state needs besides its entity id, attributes and state: fixed text and two times. */
const FIXED_BYTES = 192;

/**
 * A stored state in the full record form: ts "," [changed_ts] "," [attributes_ref] "," state as a JSON string.
 * Minimal records (the rest of a minimal_response) are ts "," state. Numbers are ASCII digits.
 */
export interface EntityStates {
  /** The entity id as JSON (quoted). */
  entityJson: Uint8Array;
  /** The attribute set with this key, as JSON; `{}` for none or when attributes are left out. */
  attributes: (ref: number) => Uint8Array;
  /** The first state, full form; dated `firstAt` when given (HA dates the state at the range's start so). */
  first: Uint8Array | undefined;
  firstAt: number | undefined;
  /**
   * The range's records joined by 0x1e, oldest first. Minimal form when `minimal` (HA's minimal_response: after
   * the first state only changes of state, as state and time); then, when `first` is the range's own first row
   * rather than the state before it, `skipFirst` leaves its copy out of the blob.
   */
  rows: Uint8Array | undefined;
  minimal: boolean;
  skipFirst: boolean;
}

/** A growable buffer of JSON text with the history answer's pieces. */
export class HistoryJsonWriter {
  #out: Uint8Array;
  #len = 0;
  readonly #day = { day: Number.NaN, prefix: new Uint8Array(11), ok: false };
  /** Records read so far (minimal_response leaves some out of the answer). */
  records = 0;

  constructor(capacity = 64 * 1024) {
    this.#out = new Uint8Array(capacity);
  }

  /** The text written, as a view of the buffer. */
  bytes(): Uint8Array {
    return this.#out.subarray(0, this.#len);
  }

  byte(b: number): void {
    this.#reserve(1);
    this.#out[this.#len++] = b;
  }

  /** Writes one entity's states as a JSON array, after a comma when asked; an entity without states writes nothing. */
  entity(e: EntityStates, leadingComma: boolean): boolean {
    const hasFirst = e.first !== undefined && e.first.length > 0;
    const rowsFrom = e.minimal && e.skipFirst && e.rows ? nextRecord(e.rows, 0) : 0;
    if (!hasFirst && (e.rows === undefined || rowsFrom >= e.rows.length)) return false;
    if (leadingComma) this.byte(COMMA);
    this.byte(0x5b); // [
    let prev: { blob: Uint8Array; from: number; to: number } | undefined;
    let comma = false;
    if (hasFirst) {
      prev = this.#full(e, e.first!, 0, e.first!.length, e.firstAt, comma);
      comma = true;
      // The range's own first row, when it is that, is counted with the blob.
      if (!(e.minimal && e.skipFirst)) this.records++;
    }
    if (e.rows !== undefined) {
      if (e.minimal) {
        if (rowsFrom > 0) this.records++;
        this.#minimalRows(e.rows, rowsFrom, prev);
      } else {
        for (let i = 0; i < e.rows.length; ) {
          const end = nextRecord(e.rows, i) - 1;
          this.#full(e, e.rows, i, end, undefined, comma);
          comma = true;
          this.records++;
          i = end + 1;
        }
      }
    }
    this.byte(0x5d); // ]
    return true;
  }

  /** A full-form record as a full state; answers where its state is. */
  #full(e: EntityStates, blob: Uint8Array, from: number, to: number, at: number | undefined, comma: boolean) {
    let i = from;
    let c: number;
    let ts = 0;
    while ((c = blob[i++]!) !== COMMA) ts = ts * 10 + c - 48;
    let changed = ts;
    if (blob[i] === COMMA) i++;
    else for (changed = 0; (c = blob[i++]!) !== COMMA; ) changed = changed * 10 + c - 48;
    let attributes = EMPTY_OBJECT;
    if (blob[i] === COMMA) i++;
    else {
      let ref = 0;
      while ((c = blob[i++]!) !== COMMA) ref = ref * 10 + c - 48;
      attributes = e.attributes(ref);
    }
    this.#reserve(to - i + e.entityJson.length + attributes.length + FIXED_BYTES);
    const out = this.#out;
    let len = this.#len;
    if (comma) out[len++] = COMMA;
    len = put(out, len, FULL_ENTITY);
    len = put(out, len, e.entityJson);
    len = put(out, len, FULL_STATE);
    len = putRange(out, len, blob, i, to);
    len = put(out, len, FULL_ATTRIBUTES);
    len = put(out, len, attributes);
    len = put(out, len, FULL_CHANGED);
    len = putTime(out, len, at ?? changed, this.#day);
    len = put(out, len, FULL_UPDATED);
    len = putTime(out, len, at ?? ts, this.#day);
    this.#len = put(out, len, END_OBJECT);
    return { blob, from: i, to };
  }

  /** Minimal records from `from` on, each after a comma, leaving out those whose state is the one before's. */
  #minimalRows(blob: Uint8Array, from: number, prev: { blob: Uint8Array; from: number; to: number } | undefined): void {
    let prevBlob = prev?.blob;
    let prevFrom = prev?.from ?? 0;
    let prevTo = prev?.to ?? 0;
    const n = blob.length;
    let out = this.#out;
    let len = this.#len;
    let records = 0;
    let i = from;
    while (i < n) {
      let ts = 0;
      let c: number;
      while ((c = blob[i++]!) !== COMMA) ts = ts * 10 + c - 48;
      // A state is short: make room for the longest one could be (the blob's rest), then copy it while comparing.
      if (len + (n - i) + FIXED_BYTES > out.length) {
        this.#len = len;
        this.#reserve(n - i + FIXED_BYTES);
        out = this.#out;
      }
      const mark = len;
      len = put(out, len, MINIMAL_STATE);
      const stateAt = len;
      let same = prevBlob !== undefined;
      let p = prevFrom;
      while (i < n && (c = blob[i]!) !== RECORD_SEPARATOR) {
        out[len++] = c;
        if (same && (p >= prevTo || prevBlob![p++] !== c)) same = false;
        i++;
      }
      if (same && p === prevTo) len = mark;
      else {
        prevBlob = out;
        prevFrom = stateAt;
        prevTo = len;
        len = put(out, len, MINIMAL_CHANGED);
        len = putTime(out, len, ts, this.#day);
        len = put(out, len, END_OBJECT);
      }
      records++;
      i++;
    }
    this.#len = len;
    this.records += records;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#out.length) return;
    const next = new Uint8Array(Math.max(this.#out.length * 2, this.#len + n));
    next.set(this.#out.subarray(0, this.#len));
    this.#out = next;
  }
}

const EMPTY_OBJECT: Uint8Array = ascii("{}");

/** Where the record after the one at `i` starts (past the separator), or the blob's length. */
function nextRecord(blob: Uint8Array, i: number): number {
  const end = blob.indexOf(RECORD_SEPARATOR, i);
  return end < 0 ? blob.length + 1 : end + 1;
}

// Short pieces: a loop beats a native copy's call cost.
function put(out: Uint8Array, len: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) out[len++] = bytes[k]!;
  return len;
}

function putRange(out: Uint8Array, len: number, blob: Uint8Array, from: number, to: number): number {
  if (to - from > 64) {
    out.set(blob.subarray(from, to), len);
    return len + to - from;
  }
  for (let k = from; k < to; k++) out[len++] = blob[k]!;
  return len;
}

/** The time as haTimestamp writes it ("2026-11-22T20:53:32.123000+00:00"), the date part cached per day. */
function putTime(out: Uint8Array, len: number, ms: number, cache: { day: number; prefix: Uint8Array; ok: boolean }): number {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cache.day) {
    cache.day = day;
    const prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    // Years outside 0000-9999 have a longer form: those go through haTimestamp.
    cache.ok = /^\d{4}-\d\d-\d\dT$/.test(prefix);
    if (cache.ok) cache.prefix = ascii(prefix);
  }
  if (!cache.ok) return put(out, len, ascii(haTimestamp(ms).slice(0, 40)));
  const prefix = cache.prefix;
  for (let k = 0; k < 11; k++) out[len++] = prefix[k]!;
  let r = (ms - day * DAY_MS) | 0;
  const h = (r / 3_600_000) | 0;
  r -= h * 3_600_000;
  const m = (r / 60_000) | 0;
  r -= m * 60_000;
  const s = (r / 1000) | 0;
  r -= s * 1000;
  out[len++] = DIGIT_PAIRS[2 * h]!;
  out[len++] = DIGIT_PAIRS[2 * h + 1]!;
  out[len++] = 58; // :
  out[len++] = DIGIT_PAIRS[2 * m]!;
  out[len++] = DIGIT_PAIRS[2 * m + 1]!;
  out[len++] = 58;
  out[len++] = DIGIT_PAIRS[2 * s]!;
  out[len++] = DIGIT_PAIRS[2 * s + 1]!;
  out[len++] = 46; // .
  const hundreds = (r / 100) | 0;
  out[len++] = 48 + hundreds;
  r -= hundreds * 100;
  out[len++] = DIGIT_PAIRS[2 * r]!;
  out[len++] = DIGIT_PAIRS[2 * r + 1]!;
  return put(out, len, OFFSET_TAIL);
}

/** JSON text as bytes (entity ids, attribute sets). */
export const jsonBytes = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), "utf8");
