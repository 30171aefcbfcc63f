import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../logger";
import { HubError } from "../errors";
import { nextLocalTime } from "../history/retention";
import type { BackupManifest } from "./archive";
import { backupFileName, createSnapshot, type SnapshotDeps } from "./snapshot";

/** An automatic backup in data/backups. */
export interface BackupFileView {
  name: string;
  size_bytes: number;
  created_at: number;
}

export interface BackupServiceDeps extends SnapshotDeps {
  log: Logger;
  /** data/backups. */
  dir: string;
  /** HEARTH_BACKUP_KEEP: automatic backups kept. */
  keep: number;
  /** HEARTH_BACKUP_AT: local time of day of the nightly backup. */
  at: { hour: number; minute: number };
  timeZone: () => string | undefined;
  /** How often the schedule is looked at (real time). */
  checkMs?: number;
}

const NAME = /^hearth-backup-[0-9TZ-]+\.tar\.gz(\.enc)?$/;

/** Backups of the running hub: on demand (download) and nightly into data/backups, keeping the newest few. */
export class BackupService {
  readonly #deps: BackupServiceDeps;
  #timer: NodeJS.Timeout | undefined;
  #nextAt = Number.POSITIVE_INFINITY;
  #running: Promise<unknown> | undefined;

  constructor(deps: BackupServiceDeps) {
    this.#deps = deps;
  }

  start(): void {
    const { now, timeZone, at } = this.#deps;
    this.#nextAt = nextLocalTime(now(), timeZone(), at.hour, at.minute);
    this.#timer = setInterval(() => void this.#tick(), this.#deps.checkMs ?? 30_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** When the next automatic backup runs (the hub's clock). */
  get nextAt(): number {
    return this.#nextAt;
  }

  /** A backup now, as one file's bytes (encrypted when a passphrase is given). */
  async create(passphrase?: string): Promise<{ fileName: string; data: Buffer; manifest: BackupManifest }> {
    const run = this.#exclusive(() => createSnapshot(this.#deps, passphrase || undefined));
    const { data, manifest } = await run;
    return { fileName: backupFileName(Date.parse(manifest.created_at), Boolean(passphrase)), data, manifest };
  }

  /** Writes a backup into data/backups and deletes the oldest past HEARTH_BACKUP_KEEP. */
  async runAutomatic(): Promise<BackupFileView> {
    const { fileName, data, manifest } = await this.create();
    fs.mkdirSync(this.#deps.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.#deps.dir, fileName);
    fs.writeFileSync(`${file}.partial`, data, { mode: 0o600 });
    fs.renameSync(`${file}.partial`, file);
    for (const old of this.list().slice(this.#deps.keep)) fs.rmSync(path.join(this.#deps.dir, old.name), { force: true });
    this.#deps.log.info({ file: fileName, bytes: data.length }, "automatic backup written");
    return { name: fileName, size_bytes: data.length, created_at: Date.parse(manifest.created_at) };
  }

  /** Automatic backups, newest first. */
  list(): BackupFileView[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.#deps.dir).filter((n) => NAME.test(n));
    } catch {
      return [];
    }
    return names
      .map((name) => {
        const st = fs.statSync(path.join(this.#deps.dir, name));
        return { name, size_bytes: st.size, created_at: st.mtimeMs };
      })
      .sort((a, b) => b.name.localeCompare(a.name));
  }

  /** One automatic backup's bytes. */
  read(name: string): Buffer {
    if (!NAME.test(name) || !this.list().some((b) => b.name === name)) throw new HubError("not_found", `no backup ${name}`);
    return fs.readFileSync(path.join(this.#deps.dir, name));
  }

  async #tick(): Promise<void> {
    if (this.#running || this.#deps.now() < this.#nextAt) return;
    this.#nextAt = nextLocalTime(this.#deps.now() + 60_000, this.#deps.timeZone(), this.#deps.at.hour, this.#deps.at.minute);
    await this.runAutomatic().catch((err: unknown) => this.#deps.log.error({ err }, "automatic backup failed"));
  }

  /** One backup at a time: two at once would only double the work. */
  async #exclusive<T>(job: () => Promise<T>): Promise<T> {
    while (this.#running) await this.#running.catch(() => undefined);
    const p = job();
    this.#running = p;
    try {
      return await p;
    } finally {
      this.#running = undefined;
    }
  }
}
