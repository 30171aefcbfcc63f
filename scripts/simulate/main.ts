import { USAGE, parseCliOptions } from "./cli-options";
import { DEVICES_PER_HOME, type SimulationHandle, type SimulationStats, startSimulation } from "./simulation";
import { SimulationError } from "./simulation-error";

const SUMMARY_EVERY_MS = 10_000;

function fail(err: unknown): never {
  if (err instanceof SimulationError) {
    console.error(`simulate: ${err.message}`);
    if (err.code === "invalid_options") console.error(USAGE);
    process.exit(err.code === "invalid_options" ? 2 : 1);
  }
  console.error("simulate: unexpected failure", err);
  process.exit(1);
}

function summary(stats: SimulationStats, previousSent: number, elapsedS: number): string {
  const rate = elapsedS > 0 ? (stats.sent - previousSent) / elapsedS : 0;
  const time = new Date().toTimeString().slice(0, 8);
  return (
    `${time} sent ${stats.sent} (${rate.toFixed(1)}/s) · commands obeyed ${stats.commands} · ` +
    `connected ${stats.connected}/${stats.devices} · reconnects ${stats.reconnects} · dropped ${stats.dropped}`
  );
}

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCliOptions(process.argv.slice(2), process.env);
  } catch (err) {
    fail(err);
  }
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  const { simulation } = cli;
  const homes = Math.ceil(simulation.devices / DEVICES_PER_HOME);
  console.log(
    `simulating ${simulation.devices} devices (${homes} home${homes === 1 ? "" : "s"}) on ${simulation.url}, ` +
      `${simulation.rate ?? simulation.devices} msg/s, discovery prefix ${simulation.prefix ?? "homeassistant"}`,
  );
  const startedAt = performance.now();
  // Handlers go in before any device connects: a signal during start-up still ends cleanly.
  let signalled: NodeJS.Signals | undefined;
  let stopOnSignal: ((signal: NodeJS.Signals) => void) | undefined;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // A second signal while stopping means "now".
      if (signalled) process.exit(130);
      signalled = signal;
      stopOnSignal?.(signal);
    });
  }
  let sim: SimulationHandle;
  try {
    sim = await startSimulation({ ...simulation, log: (line) => console.log(line) });
  } catch (err) {
    fail(err);
  }

  let lastSent = sim.stats().sent;
  let lastAt = performance.now();
  const summaryTimer = setInterval(() => {
    const now = performance.now();
    const stats = sim.stats();
    console.log(summary(stats, lastSent, (now - lastAt) / 1000));
    lastSent = stats.sent;
    lastAt = now;
  }, SUMMARY_EVERY_MS);

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(summaryTimer);
    clearTimeout(durationTimer);
    await sim.stop();
    const stats = sim.stats();
    const elapsed = (performance.now() - startedAt) / 1000;
    console.log(`stopped (${reason}) after ${elapsed.toFixed(1)} s: sent ${stats.sent}, commands obeyed ${stats.commands}, dropped ${stats.dropped}`);
    process.exit(0);
  };
  stopOnSignal = (signal) => void stop(signal);
  const durationTimer = cli.durationS === undefined ? undefined : setTimeout(() => void stop("duration reached"), cli.durationS * 1000);
  if (signalled) void stop(signalled);
}

main().catch(fail);
