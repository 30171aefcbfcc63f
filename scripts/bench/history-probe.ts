// Hub side of the history bench's ingest phase (`npm run bench -- --scenarios history`): attached by
// scripts/bench/discovery-hub.ts when run with --history. Measures, inside the hub's process, what the issue's
// target names: the event loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution), state changes and
// recorder rows per second, the recorder's buffer, and after the run whether every recordable change is a row.
//
// Commands (stdin lines, dispatched by discovery-hub.ts):
//   history-mark     starts a measured window: resets the delay histogram and remembers the counters
//   history-read     ends it: emits {ev:"history-window"} with the window's figures
//   history-base     before the load: commits what the recorder holds, then remembers the rows stored and the
//                    changes made so far (start-up's changes follow the recorder's own rules: blips held, repeats
//                    skipped), emits {ev:"history-based"}
//   history-verify   commits what the recorder holds, then emits {ev:"history-verified"}: rows in state_history
//                    against the rows at the base plus every change made since (each one must be a row)
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import type { HubDatabase } from "@/db/open-database";
import type { Hub } from "@/server/hub";

type Emit = (ev: string, data?: Record<string, unknown>) => void;

interface Counters {
  at: number;
  changes: number;
  recordable: number;
  recorded: number;
  commits: number;
  dropped: number;
  statisticsPeriods: number;
}

const ns = (n: number) => Math.round(n / 1e4) / 100; // ns -> ms, 2 decimals

export class HistoryProbe {
  readonly #emit: Emit;
  #hub: Hub | undefined;
  #db: HubDatabase | undefined;
  #rowsAtBoot = 0;
  /** Every stateChanged, and those that are observations (not removals, not a first "unknown"): under load, each a row. */
  #changes = 0;
  #recordable = 0;
  #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  #mark: Counters | undefined;
  #pendingMax = 0;
  #commitMsMax = 0;
  #base: { rows: number; recordable: number } | undefined;

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  /** Before hub.start(): counts the rows already stored and starts listening. */
  attach(hub: Hub, db: HubDatabase): void {
    this.#hub = hub;
    this.#db = db;
    this.#rowsAtBoot = this.#rows();
    hub.bus.on("stateChanged", ({ oldState, newState }) => {
      this.#changes++;
      if (newState !== null && !(oldState === null && newState.state === "unknown")) this.#recordable++;
    });
    this.#delay.enable();
  }

  /** Extra fields for the hub's samples; also tracks the buffer's peak and the slowest commit in the window. */
  fields(): Record<string, number> {
    const s = this.#hub?.recorder.status();
    if (!s) return {};
    this.#pendingMax = Math.max(this.#pendingMax, s.pending);
    this.#commitMsMax = Math.max(this.#commitMsMax, s.lastCommitMs);
    return { rec_pending: s.pending, rec_recorded: s.recorded, rec_dropped: s.dropped, rec_commits: s.commits, rec_last_commit_ms: Math.round(s.lastCommitMs * 10) / 10 };
  }

  command(cmd: string): void {
    if (cmd === "history-mark") this.#startWindow();
    else if (cmd === "history-read") this.#readWindow();
    else if (cmd === "history-base") this.#takeBase().catch((err: unknown) => this.#emit("error", { message: `history-base: ${String(err)}` }));
    else if (cmd === "history-verify") this.#verify().catch((err: unknown) => this.#emit("error", { message: `history-verify: ${String(err)}` }));
  }

  #counters(): Counters {
    const hub = this.#hub!;
    const s = hub.recorder.status();
    return { at: performance.now(), changes: this.#changes, recordable: this.#recordable, recorded: s.recorded, commits: s.commits, dropped: s.dropped, statisticsPeriods: hub.statistics.status().periods };
  }

  #startWindow(): void {
    this.#mark = this.#counters();
    this.#pendingMax = this.#hub!.recorder.status().pending;
    this.#commitMsMax = 0;
    this.#delay.reset();
    this.#emit("history-marked", { t_us: Number(process.hrtime.bigint() / 1000n) });
  }

  #readWindow(): void {
    const a = this.#mark;
    if (!a) return this.#emit("error", { message: "history-read before history-mark" });
    this.fields();
    const b = this.#counters();
    const s = this.#hub!.recorder.status();
    const secs = (b.at - a.at) / 1000;
    const h = this.#delay;
    this.#emit("history-window", {
      t_us: Number(process.hrtime.bigint() / 1000n),
      window_s: Math.round(secs * 1000) / 1000,
      eld_p50_ms: ns(h.percentile(50)),
      eld_p90_ms: ns(h.percentile(90)),
      eld_p99_ms: ns(h.percentile(99)),
      eld_max_ms: ns(h.max),
      eld_mean_ms: ns(h.mean),
      eld_samples: h.count,
      state_changes_per_s: (b.changes - a.changes) / secs,
      recordable_per_s: (b.recordable - a.recordable) / secs,
      rows_per_s: (b.recorded - a.recorded) / secs,
      commits: b.commits - a.commits,
      pending_max: this.#pendingMax,
      pending_end: s.pending,
      dropped: b.dropped - a.dropped,
      dropped_total: s.dropped,
      last_commit_ms: Math.round(s.lastCommitMs * 10) / 10,
      commit_ms_max: Math.round(this.#commitMsMax * 10) / 10,
      statistics_periods: b.statisticsPeriods - a.statisticsPeriods,
      statistics_longest_slice_ms: Math.round(this.#hub!.statistics.status().longestSliceMs * 10) / 10,
    });
  }

  /** Everything handed to the recorder so far is written. */
  async #settle(): Promise<void> {
    const recorder = this.#hub!.recorder;
    // Twice: a commit already under way does not include what arrived after it began.
    await recorder.commit();
    await recorder.commit();
    await recorder.idle();
  }

  async #takeBase(): Promise<void> {
    await this.#settle();
    this.#base = { rows: this.#rows(), recordable: this.#recordable };
    this.#emit("history-based", { rows_at_boot: this.#rowsAtBoot, ...this.#base });
  }

  async #verify(): Promise<void> {
    await this.#settle();
    const rows = this.#rows();
    const s = this.#hub!.recorder.status();
    const base = this.#base ?? { rows: this.#rowsAtBoot, recordable: 0 };
    this.#emit("history-verified", {
      rows,
      rows_at_boot: this.#rowsAtBoot,
      rows_at_base: base.rows,
      state_changes: this.#changes,
      changes_since_base: this.#recordable - base.recordable,
      expected: base.rows + this.#recordable - base.recordable,
      pending: s.pending,
      dropped: s.dropped,
      last_error: s.lastError,
    });
  }

  #rows(): number {
    return (this.#db!.$client.prepare("SELECT count(*) AS n FROM state_history").get() as { n: number }).n;
  }
}
