import crypto from "node:crypto";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import tar from "tar-stream";
import { HubError } from "../errors";

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/** The first bytes of an encrypted backup; a plain one is a gzip stream (1f 8b). */
const ENCRYPTED_MAGIC = Buffer.from("HEARTHBK-AES256GCM-1\n");
/** scrypt cost: N=2^15, r=8 takes ~32 MiB and ~100 ms, OWASP's minimum for scrypt. */
const KDF = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const MANIFEST_NAME = "manifest.json";

export interface PartInfo {
  name: string;
  size: number;
  sha256: string;
}

/** manifest.json, the first entry of every backup. */
export interface BackupManifest {
  format: "hearth-backup";
  version: 1;
  created_at: string;
  hub_version: string;
  /** Drizzle migrations applied to the database (count and the newest one's timestamp). */
  schema: { migrations: number; last_migration_at: number | null };
  contents: PartInfo[];
}

export const sha256 = (data: Buffer): string => crypto.createHash("sha256").update(data).digest("hex");

/** A tar of manifest.json then every part, gzipped, and sealed with AES-256-GCM when a passphrase is given. */
export async function packBackup(manifest: Omit<BackupManifest, "contents">, parts: Map<string, Buffer>, passphrase?: string): Promise<{ data: Buffer; manifest: BackupManifest }> {
  const full: BackupManifest = { ...manifest, contents: [...parts].map(([name, data]) => ({ name, size: data.length, sha256: sha256(data) })) };
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (c) => chunks.push(c as Buffer));
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const mtime = new Date(manifest.created_at);
  pack.entry({ name: MANIFEST_NAME, mtime }, Buffer.from(JSON.stringify(full, null, 2)));
  for (const [name, data] of parts) pack.entry({ name, mtime, mode: 0o600 }, data);
  pack.finalize();
  await done;
  const zipped = await gzip(Buffer.concat(chunks));
  return { data: passphrase ? await encrypt(zipped, passphrase) : zipped, manifest: full };
}

/** True when the file needs a passphrase. */
export const isEncrypted = (data: Buffer): boolean => data.subarray(0, ENCRYPTED_MAGIC.length).equals(ENCRYPTED_MAGIC);

/**
 * Opens a backup and checks all of it before answering: the GCM tag (wrong passphrase or a changed byte),
 * gzip's CRC, the manifest, and every part's size and sha256. Nothing is written anywhere.
 */
export async function unpackBackup(file: Buffer, passphrase?: string): Promise<{ manifest: BackupManifest; parts: Map<string, Buffer> }> {
  let zipped = file;
  if (isEncrypted(file)) {
    if (!passphrase) throw new HubError("invalid_input", "this backup is encrypted: give its passphrase (--passphrase-file or HEARTH_BACKUP_PASSPHRASE)");
    zipped = await decrypt(file, passphrase);
  }
  let tarball: Buffer;
  try {
    tarball = await gunzip(zipped);
  } catch {
    throw new HubError("invalid_input", "not a Hearth backup, or the file is damaged (gzip check failed)");
  }
  const entries = await readTar(tarball);
  const raw = entries.get(MANIFEST_NAME);
  if (!raw) throw new HubError("invalid_input", "not a Hearth backup: manifest.json is missing");
  const manifest = JSON.parse(raw.toString("utf8")) as BackupManifest;
  if (manifest.format !== "hearth-backup" || manifest.version !== 1) throw new HubError("invalid_input", "not a Hearth backup this version can read");
  const parts = new Map<string, Buffer>();
  for (const info of manifest.contents) {
    const data = entries.get(info.name);
    if (!data || data.length !== info.size || sha256(data) !== info.sha256) {
      throw new HubError("invalid_input", `the backup is damaged: ${info.name} does not match its checksum`);
    }
    parts.set(info.name, data);
  }
  return { manifest, parts };
}

async function readTar(tarball: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
  const entries = new Map<string, Buffer>();
  const finished = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c) => chunks.push(c as Buffer));
      stream.on("end", () => {
        entries.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", () => reject(new HubError("invalid_input", "the backup is damaged (bad tar entry)")));
  });
  Readable.from([tarball]).pipe(extract);
  await finished;
  return entries;
}

async function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return scrypt(passphrase.normalize("NFC"), salt, 32, KDF);
}

async function encrypt(plain: Buffer, passphrase: string): Promise<Buffer> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", await deriveKey(passphrase, salt), iv);
  // The header is authenticated too: a changed salt or IV fails like a changed byte of data.
  cipher.setAAD(Buffer.concat([ENCRYPTED_MAGIC, salt, iv]));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([ENCRYPTED_MAGIC, salt, iv, body, cipher.getAuthTag()]);
}

async function decrypt(file: Buffer, passphrase: string): Promise<Buffer> {
  const head = ENCRYPTED_MAGIC.length;
  if (file.length < head + SALT_BYTES + IV_BYTES + TAG_BYTES) throw new HubError("invalid_input", "the backup is damaged (too short)");
  const salt = file.subarray(head, head + SALT_BYTES);
  const iv = file.subarray(head + SALT_BYTES, head + SALT_BYTES + IV_BYTES);
  const body = file.subarray(head + SALT_BYTES + IV_BYTES, file.length - TAG_BYTES);
  const decipher = crypto.createDecipheriv("aes-256-gcm", await deriveKey(passphrase, salt), iv);
  decipher.setAAD(file.subarray(0, head + SALT_BYTES + IV_BYTES));
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  try {
    // final() checks the tag; until it passes, nothing decrypted is used.
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new HubError("invalid_input", "wrong passphrase, or the backup is damaged (authentication failed)");
  }
}
