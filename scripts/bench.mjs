// `npm run bench`: the hub's embedded MQTT broker against a plain aedes@1.2.0, same load, same run.
// Load and measurement come from the shared harness (../shared/bench); helpers are in scripts/bench/.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { automationsProgress, automationsRows, renderAutomationsDetails, runAutomations } from "./bench/automations.mjs";
import { connections5kProgress, connections5kRows, renderConnections5kDetails, runConnections5k } from "./bench/connections-5k.mjs";
import { discoveryProgress, runDiscovery } from "./bench/discovery.mjs";
import { floodProgress, floodRows, renderFloodDetails, runFlood } from "./bench/flood.mjs";
import { buildStamp, checkBuild, prepareHarness, SetupError } from "./bench/harness.mjs";
import { historyProgress, runHistory } from "./bench/history.mjs";
import { HELP, parseOptions } from "./bench/options.mjs";
import { installCleanup } from "./bench/processes.mjs";
import { chooseRuns, fmt, renderMarkdown, summarize } from "./bench/report.mjs";
import { runWithRetries, windowSeconds } from "./bench/run-scenario.mjs";
import { renderSoakDetails, runSoak, soakProgress, soakRows } from "./bench/soak.mjs";
import { runUi, uiProgress } from "./bench/ui.mjs";

// Scenarios that run the whole hub once per round (no plain-aedes variant), each with its own runner.
const WHOLE_HUB = { discovery: runDiscovery, ui: runUi, history: runHistory, automations: runAutomations, "connections-5k": runConnections5k, soak: runSoak, flood: runFlood };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "bench-results");
const BUILD_TIMEOUT_MS = 20 * 60_000;

function fail(line, code = 2) {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

function ensureBuild(opts) {
  let build = checkBuild(root);
  if (build.missing.length > 0 || opts.build) {
    const why = opts.build ? "--build" : `missing ${build.missing.join(", ")}`;
    process.stderr.write(`bench: building the hub (${why})...\n`);
    const res = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: ["ignore", 2, 2], timeout: BUILD_TIMEOUT_MS });
    if (res.status !== 0) fail("bench: npm run build failed; fix the build, then rerun the bench");
    build = checkBuild(root);
    if (build.missing.length > 0) fail(`bench: build finished but ${build.missing.join(", ")} is still missing`);
  }
  if (build.stale) process.stderr.write("bench: warning: dist/ or .next/ is older than the sources; measuring the old build (use --build)\n");
  return build;
}

function git(args) {
  const res = spawnSync("git", args, { cwd: root, encoding: "utf8", timeout: 10_000 });
  return res.status === 0 ? res.stdout.trim() : null;
}

function describeEnv(harness, build) {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? "?",
    kernel: os.release(),
    mem_gb: Math.round(os.totalmem() / 2 ** 30),
    hub_version: JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version,
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: Boolean(git(["status", "--porcelain", "--untracked-files=no"])),
    build_stale: build.stale,
    aedes: harness.versions.aedes,
    mqemitter: harness.versions.mqemitter,
    mqtt_packet: harness.versions["mqtt-packet"],
    harness_source: harness.source,
    harness_sha256: harness.sha256,
  };
}

/** (scenario, round, variant) in run order: per round the broker order rotates, so neither always goes first. */
function plan(opts) {
  const runs = [];
  for (const scenario of opts.scenarios) {
    const variants = WHOLE_HUB[scenario] ? ["hub"] : scenario === "connections" && opts.auth ? ["hub", "aedes", "hub-auth"] : ["hub", "aedes"];
    // A soak is one long round: its verdict is about growth over time, not a median over repeats.
    const rounds = scenario === "soak" ? 1 : opts.rounds;
    for (let round = 1; round <= rounds; round++) {
      const shift = (round - 1) % variants.length;
      for (const variant of [...variants.slice(shift), ...variants.slice(0, shift)]) runs.push({ scenario, round, variant });
    }
  }
  return runs;
}

function estimateSeconds(runs, opts) {
  const each = (r) => (r.scenario === "idle" ? opts.idleSeconds + 4 : r.scenario === "connections" ? 16 : r.scenario === "discovery" ? opts.warmup + opts.duration + 100 : r.scenario === "ui" ? opts.warmup + opts.latencyDuration + (opts.quick ? 4 : 6) * 8 + 60 : r.scenario === "history" ? (opts.quick ? 200 : 280) + opts.latencyDuration : r.scenario === "automations" ? opts.quietWait + (opts.quick ? 2 * 10 : 2 * 30) + 60 : r.scenario === "connections-5k" ? opts.quietWait + 60 : r.scenario === "soak" ? opts.soakDuration + 60 : r.scenario === "flood" ? 3 * (opts.quietWait / 2 + (opts.quick ? 10 : 20) + 30) : opts.warmup + windowSeconds(opts, r.scenario) + 7);
  // discovery: one preload (10,000 retained configs over MQTT) per bench run
  return runs.reduce((sum, r) => sum + each(r), runs.some((r) => r.scenario === "discovery") ? 45 : 0);
}

function progressLine(done, total) {
  return (r) => {
    const f = (k) => fmt(r[k]);
    const main =
      r.scenario === "idle" ? `idle RSS ${fmt((r.idle_rss_kb ?? NaN) / 1024)} MiB`
      : r.scenario === "latency" ? `p50/p99 ${f("lat_p50_ms")}/${f("lat_p99_ms")} ms`
      : r.scenario === "connections" ? `${f("connects_per_s")} conn/s, ${f("rss_per_conn_kb")} KiB/conn`
      : r.scenario === "discovery" ? discoveryProgress(r)
      : r.scenario === "ui" ? uiProgress(r)
      : r.scenario === "history" ? historyProgress(r)
      : r.scenario === "automations" ? automationsProgress(r)
      : r.scenario === "connections-5k" ? connections5kProgress(r)
      : r.scenario === "soak" ? soakProgress(r)
      : r.scenario === "flood" ? `${r.variant}: ${floodProgress(r)}`
      : `${f("delivered_per_s")} msg/s, loss ${f("loss_pct")} %`;
    const cpu = r.scenario === "idle" || r.scenario === "soak" || (WHOLE_HUB[r.scenario] && r.scenario !== "connections-5k") ? "" : ` cpu gen/broker/other ${f("cpu_gen_pct")}/${f("cpu_broker_pct")}/${f("cpu_other_pct")} ${r.bound ?? ""}`;
    const tail = `${r.noisy ? " NOISY" : ""}${r.ok === false ? ` ERROR ${(r.errors ?? []).join("; ")}` : ""}`;
    process.stderr.write(`  [${done()}/${total}] ${r.scenario} r${r.round} ${r.variant}${r.try ? ` try${r.try}` : ""}: ${main}${cpu}${tail}\n`);
  };
}

function outputPath(date) {
  for (let n = 1; n < 100; n++) {
    const base = path.join(outDir, n === 1 ? `bench-${date}` : `bench-${date}-${n}`);
    if (!fs.existsSync(`${base}.json`)) return base;
  }
  return path.join(outDir, `bench-${date}-${Date.now()}`);
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    fail(`bench: ${err.message} (see npm run bench -- --help)`);
  }
  if (opts.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  let interrupted = false;
  installCleanup(() => {
    interrupted = true;
  });
  fs.mkdirSync(outDir, { recursive: true });
  const build = ensureBuild(opts);
  let harness;
  try {
    harness = prepareHarness(root, outDir);
  } catch (err) {
    fail(err instanceof SetupError ? err.message : `bench: cannot prepare the harness: ${err.message}`);
  }
  process.on("exit", () => harness.remove());
  const env = describeEnv(harness, build);
  const runs = plan(opts);
  process.stderr.write(`bench: ${runs.length} runs (${opts.scenarios.join(", ")}; ${opts.rounds} round(s)), about ${Math.ceil(estimateSeconds(runs, opts) / 60)} min\n`);
  const t0 = Date.now();
  const stamp = buildStamp(root);
  const attempts = [];
  let done = 0;
  const ctx = { root, opts, harness, interrupted: () => interrupted, progress: progressLine(() => done, runs.length) };
  for (const run of runs) {
    if (interrupted) break;
    done++;
    const runner = WHOLE_HUB[run.scenario];
    attempts.push(...(runner ? await runner(ctx, run.round) : await runWithRetries(ctx, run.scenario, run.variant, run.round)));
  }
  if (interrupted) return;
  env.build_changed = buildStamp(root) !== stamp;
  const elapsedS = (Date.now() - t0) / 1000;
  const chosen = chooseRuns(attempts);
  const rows = [...summarize(chosen, opts.scenarios), ...automationsRows(chosen), ...connections5kRows(chosen), ...soakRows(chosen), ...floodRows(chosen)];
  const rendered = renderMarkdown({ env, opts, rows, chosen, attempts, elapsedS });
  const { failed } = rendered;
  // These sections go before the Flags, as report.mjs places the other scenarios' sections.
  const sections = [
    renderAutomationsDetails(chosen.filter((r) => r.scenario === "automations")),
    renderConnections5kDetails(chosen.filter((r) => r.scenario === "connections-5k")),
    renderSoakDetails(chosen.filter((r) => r.scenario === "soak")),
    renderFloodDetails(chosen.filter((r) => r.scenario === "flood")),
  ].filter(Boolean);
  const markdown = sections.length > 0 ? rendered.markdown.replace("\n## Flags\n", `\n${sections.join("\n\n")}\n\n## Flags\n`) : rendered.markdown;
  const base = outputPath(env.date.slice(0, 10));
  const json = { tool: "hearth-bench", env, options: opts, elapsed_s: Math.round(elapsedS), rows, failed_goals: failed.map((r) => `${r.scenario}: ${r.metric}`), attempts };
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, markdown);
  process.stdout.write(`\n${markdown}\n`);
  process.stderr.write(`bench: wrote ${path.relative(root, base)}.json and .md\n`);
  const runErrors = chosen.filter((r) => r.ok === false).length;
  if (runErrors > 0) {
    process.stderr.write(`bench: ${runErrors} run(s) ended with errors (see Flags)\n`);
    process.exitCode = 1;
  } else if (opts.strict && failed.length > 0) {
    process.exitCode = 3;
  }
}

main().catch((err) => fail(`bench: ${err?.stack ?? err}`, 1));
