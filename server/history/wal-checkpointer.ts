import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { HubDatabase } from "@/db/open-database";
import type { Logger } from "../logger";

/**
 * The worker thread, as source (CommonJS, so it needs no build step of its own): its own connection runs
 * PRAGMA wal_checkpoint(PASSIVE) when asked and answers with the WAL's frame counts; "stop" closes it.
 * workerData: { sqlite (module path), file }.
 */
const CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
parentPort.on("message", (m) => {
  if (m === "stop") {
    db.close();
    parentPort.postMessage({ stopped: true });
    return;
  }
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ id: m, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ id: m, error: String((err && err.message) || err) });
  }
});
parentPort.postMessage({ started: true });
`;

type Reply = { started?: boolean; stopped?: boolean; id?: number; log?: number; checkpointed?: number; error?: string };

/**
 * The checkpoint thread: its own connection runs PASSIVE checkpoints when asked (WalKeeper decides when), with
 * the event loop free while it copies and syncs.
 */
class WalCheckpointer {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  readonly #stopped: Promise<void>;
  #nextId = 0;
  #exited = false;
  /** Set when the thread ended without being asked to. */
  onExit: (() => void) | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#stopped = new Promise<void>((resolve) => {
      worker.on("message", (m: Reply) => {
        if (m.stopped) resolve();
        if (m.id !== undefined) {
          this.#waiting.get(m.id)?.(m);
          this.#waiting.delete(m.id);
        }
      });
      worker.once("exit", () => {
        for (const done of this.#waiting.values()) done({ error: "the checkpoint thread stopped" });
        this.#waiting.clear();
        this.#exited = true;
        this.onExit?.();
        resolve();
      });
    });
  }

  /** Starts the thread; undefined (the caller keeps SQLite's own checkpoints) when it cannot. */
  static async start(file: string): Promise<WalCheckpointer | undefined> {
    let worker: Worker;
    try {
      const sqlite = createRequire(import.meta.url).resolve("better-sqlite3");
      worker = new Worker(CHECKPOINT_WORKER_SOURCE, { eval: true, workerData: { sqlite, file } });
    } catch {
      return undefined;
    }
    const started = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      worker.once("message", (m: Reply) => {
        clearTimeout(timer);
        resolve(m.started === true);
      });
      worker.once("error", () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!started) {
      await worker.terminate();
      return undefined;
    }
    worker.unref();
    return new WalCheckpointer(worker);
  }

  /** Copies the WAL into the database on the thread; answers how many frames the WAL held (0 when it failed). */
  checkpoint(): Promise<number> {
    if (this.#exited) return Promise.resolve(0);
    const id = ++this.#nextId;
    return new Promise<number>((resolve) => {
      this.#waiting.set(id, (r) => resolve(r.error === undefined ? (r.log ?? 0) : 0));
      this.#worker.postMessage(id);
    });
  }

  /** Ends the thread (its connection closes). */
  async stop(): Promise<void> {
    this.onExit = undefined;
    if (this.#exited) return;
    this.#worker.postMessage("stop");
    const timer = setTimeout(() => void this.#worker.terminate(), 10_000);
    await this.#stopped;
    clearTimeout(timer);
    // Its port would keep the thread (and this process) alive: end it.
    await this.#worker.terminate();
  }
}

const DEFAULT_EVERY_MS = 1000;

export interface WalKeeperDeps {
  db: HubDatabase;
  /** The database file, for the thread's own connection. */
  file: string;
  log: Logger;
  /** How often the WAL is checkpointed (real time). */
  everyMs?: number;
}

/**
 * Keeps the WAL short without the event loop paying for it. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold and copies and syncs ~1000 pages there: 10-40 ms on this machine, more on an SD card,
 * and at 50,000 changes a second it is what the event loop's worst delays were made of. The hub's connection turns
 * it off (wal_autocheckpoint = 0) and a thread checkpoints every `everyMs` instead, so between the recorder's
 * commits the WAL is copied in and the next write starts it over (journal_size_limit cuts the file back). Should
 * the thread die, SQLite's own checkpoints come back on.
 */
export class WalKeeper {
  readonly #deps: WalKeeperDeps;
  readonly #thread: WalCheckpointer;
  readonly #autocheckpoint: number;
  readonly #timer: NodeJS.Timeout;
  #inFlight: Promise<number> | undefined;
  #alive = true;
  /** Checkpoints run, and the most WAL frames one found. */
  checkpoints = 0;
  maxFrames = 0;

  private constructor(deps: WalKeeperDeps, thread: WalCheckpointer) {
    this.#deps = deps;
    this.#thread = thread;
    this.#autocheckpoint = deps.db.$client.pragma("wal_autocheckpoint", { simple: true }) as number;
    deps.db.$client.pragma("wal_autocheckpoint = 0");
    thread.onExit = () => this.#fallBack();
    this.#timer = setInterval(() => void this.checkpoint(), deps.everyMs ?? DEFAULT_EVERY_MS);
    this.#timer.unref();
  }

  /** Starts the thread; undefined (SQLite keeps checkpointing inside commits) when it cannot. */
  static async start(deps: WalKeeperDeps): Promise<WalKeeper | undefined> {
    const thread = await WalCheckpointer.start(deps.file);
    if (!thread) {
      deps.log.warn("no WAL checkpoint thread: SQLite checkpoints inside commits, which holds the event loop longer");
      return undefined;
    }
    return new WalKeeper(deps, thread);
  }

  /** True while the thread does the checkpoints. */
  get alive(): boolean {
    return this.#alive;
  }

  /** A checkpoint now, or the one under way; answers how many frames the WAL held. */
  checkpoint(): Promise<number> {
    if (!this.#alive) return Promise.resolve(0);
    this.#inFlight ??= this.#thread
      .checkpoint()
      .then((frames) => {
        this.checkpoints++;
        this.maxFrames = Math.max(this.maxFrames, frames);
        return frames;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /** A last checkpoint, then the thread ends and SQLite's own checkpoints come back. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#alive) return;
    await this.#inFlight;
    await this.#thread.checkpoint();
    await this.#thread.stop();
    this.#alive = false;
    this.#restore();
  }

  #fallBack(): void {
    if (!this.#alive) return;
    this.#alive = false;
    clearInterval(this.#timer);
    this.#restore();
    this.#deps.log.error("the WAL checkpoint thread stopped: SQLite checkpoints inside commits again");
  }

  #restore(): void {
    try {
      this.#deps.db.$client.pragma(`wal_autocheckpoint = ${this.#autocheckpoint}`);
    } catch {
      // the connection closed first
    }
  }
}
