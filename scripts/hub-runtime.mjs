// How the hub's Node process runs: `npm start` (scripts/start.mjs) and the benchmarks that measure the hub use these.
//
// Measured with `npm run bench -- --scenarios discovery` (10,000 entities from retained configs, then Z2M state
// messages; figures in the issue notes). With Node's defaults the settled RSS was ~430-490 MiB: V8 grew the old
// space to ~2x the live heap during the start-up burst and kept it, and its 16 MiB semi-spaces stayed committed.
// `--optimize-for-size` brought RSS to ~290 MiB but halved state throughput; MALLOC_ARENA_MAX=2 saved ~25 MiB more
// but slowed start-up and throughput by a fifth (malloc contention between the hub and broker threads). These
// settings keep the speed and stay well under 400 MB.
import { spawnSync } from "node:child_process";

// BENCH_HUB_NODE_FLAGS replaces the list, for `npm run bench` experiments with other settings.
const WANTED = (process.env.BENCH_HUB_NODE_FLAGS ?? "--max-semi-space-size=8 --heap-growing-percent=100 --gc-memory-reducer-start-delay-ms=2000")
  .split(" ")
  .filter(Boolean);

/**
 * V8 flags for the hub: small semi-spaces, slower heap growth, and the memory reducer sooner after a burst.
 * A flag this Node's V8 does not know would stop it from starting, so each is checked once and dropped if refused.
 */
export const HUB_NODE_FLAGS = WANTED.filter((flag) => spawnSync(process.execPath, [flag, "-e", ""], { stdio: "ignore", timeout: 10_000 }).status === 0);
