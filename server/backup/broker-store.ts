import fs from "node:fs";
import { Level } from "level";
import { HubError } from "../errors";

/** One LevelDB record, as raw bytes (aedes-persistence-level's own encodings are kept as they are). */
export type StoreEntry = [key: Uint8Array, value: Uint8Array];

interface RawIterable {
  iterator(opts: { keyEncoding: "buffer"; valueEncoding: "buffer" }): AsyncIterable<[Buffer, Buffer]>;
}

/**
 * Every record of an open store. A LevelDB iterator reads from an implicit snapshot taken when it is created,
 * so the dump is consistent while the broker keeps writing.
 */
export async function dumpOpenStore(level: unknown): Promise<Buffer> {
  const entries: StoreEntry[] = [];
  for await (const [k, v] of (level as RawIterable).iterator({ keyEncoding: "buffer", valueEncoding: "buffer" })) entries.push([k, v]);
  return encodeEntries(entries);
}

/** Dumps the broker store folder of a hub that is not running; a running hub holds its lock (conflict). */
export async function dumpStoreDir(dir: string): Promise<Buffer> {
  if (!fs.existsSync(dir)) return encodeEntries([]);
  const level = new Level<Buffer, Buffer>(dir, { keyEncoding: "buffer", valueEncoding: "buffer", createIfMissing: false });
  try {
    await level.open();
  } catch (err) {
    if (isLocked(err)) throw new HubError("conflict", `the broker store ${dir} is in use: a hub is running on this data dir`, { cause: err });
    throw err;
  }
  try {
    return await dumpOpenStore(level);
  } finally {
    await level.close();
  }
}

/** Writes a dump into a new store folder. */
export async function loadStoreDir(dir: string, dump: Buffer): Promise<number> {
  const entries = decodeEntries(dump);
  const level = new Level<Buffer, Buffer>(dir, { keyEncoding: "buffer", valueEncoding: "buffer", errorIfExists: true });
  await level.open();
  try {
    const BATCH = 500;
    for (let i = 0; i < entries.length; i += BATCH) {
      await level.batch(entries.slice(i, i + BATCH).map(([key, value]) => ({ type: "put" as const, key: Buffer.from(key), value: Buffer.from(value) })));
    }
  } finally {
    await level.close();
  }
  return entries.length;
}

/** True while another process (a running hub) has the store open. */
export async function storeIsLocked(dir: string): Promise<boolean> {
  if (!fs.existsSync(dir)) return false;
  const level = new Level(dir, { createIfMissing: false });
  try {
    await level.open();
    await level.close();
    return false;
  } catch (err) {
    return isLocked(err);
  }
}

function isLocked(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === "LEVEL_LOCKED" || e.cause?.code === "LEVEL_LOCKED";
}

/** Length-prefixed records: u32 key length, key, u32 value length, value. */
export function encodeEntries(entries: StoreEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const [k, v] of entries) {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(k.length);
    const mid = Buffer.alloc(4);
    mid.writeUInt32BE(v.length);
    out.push(head, Buffer.from(k), mid, Buffer.from(v));
  }
  return Buffer.concat(out);
}

export function decodeEntries(buf: Buffer): StoreEntry[] {
  const entries: StoreEntry[] = [];
  let at = 0;
  const take = (): Buffer => {
    if (at + 4 > buf.length) throw new HubError("invalid_input", "the backup's broker store is damaged");
    const len = buf.readUInt32BE(at);
    at += 4;
    if (at + len > buf.length) throw new HubError("invalid_input", "the backup's broker store is damaged");
    const part = buf.subarray(at, at + len);
    at += len;
    return part;
  };
  while (at < buf.length) entries.push([take(), take()]);
  return entries;
}
