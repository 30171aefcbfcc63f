import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

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
 * WAL checkpoints off the event loop while the purge writes a lot. SQLite's automatic checkpoint runs inside the
 * commit that crosses its threshold and copies and syncs ~1000 pages there (10–40 ms here, more on an SD card);
 * the caller turns it off, and asks this thread for a PASSIVE checkpoint between its steps, waiting (with the
 * event loop free) for it to finish, so the next write starts the WAL from the beginning again and the file
 * stays small.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  readonly #stopped: Promise<void>;
  #nextId = 0;

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
    const id = ++this.#nextId;
    return new Promise<number>((resolve) => {
      this.#waiting.set(id, (r) => resolve(r.error === undefined ? (r.log ?? 0) : 0));
      this.#worker.postMessage(id);
    });
  }

  /** Ends the thread (its connection closes). */
  async stop(): Promise<void> {
    this.#worker.postMessage("stop");
    const timer = setTimeout(() => void this.#worker.terminate(), 10_000);
    await this.#stopped;
    clearTimeout(timer);
  }
}
