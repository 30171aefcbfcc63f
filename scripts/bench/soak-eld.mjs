// Preloaded into the hub by the soak scenario (node --import scripts/bench/soak-eld.mjs dist/server.js): the main
// thread's event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution, as the history and automations
// scenarios measure it) as one "@@bench {json}" line on stdout every BENCH_SOAK_ELD_MS (default 5000), then reset,
// so each line covers one interval, with the main thread's V8 heap in use then (`heap_mib`; garbage included). Nothing of the hub changes; the timer is unref'd and does not keep it alive.
// Worker threads (the broker's) do not run --import preloads on Node 20, so this is the main thread only.
import { writeSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const intervalMs = Number(process.env.BENCH_SOAK_ELD_MS) || 5000;
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
const ms = (ns) => Math.round((ns / 1e6) * 1000) / 1000;

setInterval(() => {
  const line = { ev: "eld", at: Date.now(), p50_ms: ms(eld.percentile(50)), p99_ms: ms(eld.percentile(99)), max_ms: ms(eld.max), mean_ms: ms(eld.mean), n: eld.count, heap_mib: Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10 };
  eld.reset();
  // One write of one short line: pipes keep writes up to PIPE_BUF whole, so pino's lines are not split by it.
  try {
    writeSync(1, `@@bench ${JSON.stringify(line)}\n`);
  } catch {
    // stdout gone: the bench stopped reading
  }
}, intervalMs).unref();
