// One measured run: a freshly started broker, one mqtt-bench scenario against it, the broker stopped again.
// A run during which other processes took more than `noiseLimit` % of a core is repeated (`retries` times),
// as run-anchors.sh does; every attempt is kept.
import { lastLines, startHub, startPlainAedes } from "./brokers.mjs";
import { readRss, sleep, spawnTracked, stopTracked } from "./processes.mjs";

const SETTLE_MS = 1000; // after "ready", before load: same for both brokers
const DRAIN_S = 10; // mqtt-bench's default --drain

export function windowSeconds(opts, scenario) {
  return scenario === "latency" ? opts.latencyDuration : opts.duration;
}

/** Upper bound of one harness run, for its timeout and the plain broker's --max-seconds. */
function runBudgetSeconds(opts, scenario) {
  return opts.quietWait + opts.warmup + windowSeconds(opts, scenario) + DRAIN_S + 120;
}

export async function startBroker(ctx, variant, maxSeconds) {
  if (variant === "aedes") return startPlainAedes(ctx.harness, maxSeconds);
  return startHub(ctx.root, { auth: variant === "hub-auth" });
}

/**
 * Every attempt of one round of a whole-hub scenario (discovery, history, ui, automations): `runOnce` again
 * while the attempt was noisy and retries are left; an attempt that failed is not repeated.
 */
export async function attemptsWhileNoisy(ctx, runOnce) {
  const attempts = [];
  for (let attempt = 0; attempt <= ctx.opts.retries; attempt++) {
    if (ctx.interrupted()) break;
    const result = await runOnce();
    result.try = attempt;
    attempts.push(result);
    ctx.progress(result);
    if (!result.noisy || result.ok === false) break;
  }
  return attempts;
}

/** Every attempt of one (scenario, variant, round): the last one is clean unless the retries ran out. */
export async function runWithRetries(ctx, scenario, variant, round) {
  const attempts = [];
  for (let attempt = 0; attempt <= ctx.opts.retries; attempt++) {
    if (ctx.interrupted()) break;
    const result = scenario === "idle" ? await runIdle(ctx, variant, round) : await runOnce(ctx, scenario, variant, round);
    result.try = attempt;
    attempts.push(result);
    ctx.progress(result);
    if (!result.noisy) break;
  }
  return attempts;
}

async function runOnce(ctx, scenario, variant, round) {
  const { opts, harness } = ctx;
  const base = { scenario, variant, round, started: new Date().toISOString() };
  let broker;
  try {
    broker = await startBroker(ctx, variant, runBudgetSeconds(opts, scenario) + 60);
    await sleep(SETTLE_MS);
    const args = [
      harness.bench,
      "--url", `mqtt://127.0.0.1:${broker.port}`,
      "--scenario", scenario,
      "--duration", String(windowSeconds(opts, scenario)),
      "--warmup", String(opts.warmup),
      "--pid", String(broker.pid),
      "--label", variant,
      "--round", String(round),
      "--quiet-wait", String(opts.quietWait),
      "--json",
    ];
    const env = { ...process.env };
    delete env.MQTT_BENCH_PASSWORD;
    if (broker.credentials) {
      args.push("--username", broker.credentials.username);
      env.MQTT_BENCH_PASSWORD = broker.credentials.password; // not on the command line
    }
    const result = await runHarness(harness, args, env, runBudgetSeconds(opts, scenario) * 1000);
    const { startMs, logCounts, logSamples } = broker;
    const stopped = await broker.stop();
    broker = undefined;
    const extra = {
      broker_start_ms: startMs,
      hub_log_lines: logCounts?.() ?? null,
      hub_log_samples: logSamples?.() ?? null,
      stop_forced: stopped.forced,
    };
    return annotate({ ...result, ...base, ...extra }, opts);
  } catch (err) {
    return annotate({ ...base, ok: false, errors: [String(err?.message ?? err)] }, opts);
  } finally {
    if (broker) await broker.stop().catch(() => undefined);
  }
}

async function runHarness(harness, args, env, timeoutMs) {
  let last = "";
  const proc = spawnTracked(process.execPath, args, {
    cwd: harness.dir,
    env,
    onLine: (line) => {
      if (line.trim()) last = line;
    },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopTracked(proc, 2000);
  }, timeoutMs);
  await proc.exited;
  clearTimeout(timer);
  await stopTracked(proc, 1000); // its worker processes, should any outlive it
  try {
    return JSON.parse(last);
  } catch {
    const why = timedOut ? `mqtt-bench timed out after ${timeoutMs / 1000} s` : "no JSON from mqtt-bench";
    return { ok: false, errors: [`${why}: ${lastLines(proc.tail())}`] };
  }
}

/** Idle footprint: RSS 10 s (--idle-seconds) after the broker reported ready, with no client connected. */
async function runIdle(ctx, variant, round) {
  const base = { scenario: "idle", variant, round, started: new Date().toISOString() };
  let broker;
  try {
    broker = await startBroker(ctx, variant, ctx.opts.idleSeconds + 60);
    const atReady = readRss(broker.pid);
    await sleep(ctx.opts.idleSeconds * 1000);
    const idle = readRss(broker.pid);
    const errors = idle.rss_kb == null ? [`broker process ${broker.pid} is gone`] : [];
    const stopped = await broker.stop();
    broker = undefined;
    return {
      ...base,
      ok: errors.length === 0,
      errors,
      idle_seconds: ctx.opts.idleSeconds,
      rss_at_ready_kb: atReady.rss_kb,
      idle_rss_kb: idle.rss_kb,
      idle_hwm_kb: idle.hwm_kb,
      stop_forced: stopped.forced,
      noisy: false,
    };
  } catch (err) {
    return { ...base, ok: false, errors: [String(err?.message ?? err)], noisy: false };
  } finally {
    if (broker) await broker.stop().catch(() => undefined);
  }
}

function annotate(r, opts) {
  const other = Math.max(r.cpu_other_pct ?? 0, r.pre_other_pct ?? 0);
  r.noisy = other > opts.noiseLimit;
  r.errors ??= [];
  if (r.ok !== false && r.errors.length > 0) r.ok = false;
  return r;
}
