import { DeviceConnection, type SimulationCounters } from "./device-connection";
import { DEVICES_PER_HOME, planDevices } from "./home-plan";
import { Scheduler } from "./scheduler";
import type { DeviceKind, SimulatedDevice } from "./simulated-device";
import { SimulationError } from "./simulation-error";

export interface SimulationTuning {
  /** Rate scheduler tick. */
  tickMs: number;
  /** Physics step (cover motion, thermostat, energy); ESPHome covers publish once a second while moving. */
  physicsIntervalMs: number;
  /** Full travel time of the covers. */
  coverTravelMs: number;
  /** Z2M waits this long after the hub's birth message before re-publishing states (30 s in Z2M). */
  z2mBirthDelayMs: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
  reconnectPeriodMs: number;
}

export const DEFAULT_TUNING: SimulationTuning = {
  tickMs: 100,
  physicsIntervalMs: 1000,
  coverTravelMs: 20_000,
  z2mBirthDelayMs: 30_000,
  connectConcurrency: 16,
  connectTimeoutMs: 10_000,
  reconnectPeriodMs: 3000,
};

export type SimulationCredentials =
  | { kind: "anonymous" }
  | { kind: "shared"; username: string; password: string }
  /** One MQTT user per device connection, created in the hub's data dir. */
  | { kind: "provision"; dataDir: string };

export interface SimulationOptions {
  url: string;
  /** Device connections; every five make one home. */
  devices: number;
  /** Total rate-driven state messages per second; default one per device. */
  rate?: number;
  prefix?: string;
  credentials?: SimulationCredentials;
  /** Seed for sensor noise; ids never depend on it. */
  seed?: number;
  log?: (line: string) => void;
  tuning?: Partial<SimulationTuning>;
}

export interface SimulatedDeviceView {
  kind: DeviceKind;
  home: number;
  clientId: string;
  username: string | null;
  description: string;
  /** Where the device's availability (will) is published. */
  availabilityTopic: string;
  subscriptions: readonly string[];
}

export interface SimulationStats extends SimulationCounters {
  devices: number;
  connected: number;
}

export interface SimulationHandle {
  readonly devices: readonly SimulatedDeviceView[];
  readonly ratePerSecond: number;
  stats(): SimulationStats;
  /** Publishes each device's offline payload, disconnects cleanly, stops the timers. */
  stop(): Promise<void>;
}

const PROTOCOLS = new Set(["mqtt:", "mqtts:", "ws:", "wss:"]);
const TOPIC_PREFIX = /^[^#+\s]+$/;

function validate(options: SimulationOptions): void {
  let protocol: string;
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    throw new SimulationError("invalid_options", `not a URL: ${options.url}`);
  }
  if (!PROTOCOLS.has(protocol)) throw new SimulationError("invalid_options", `--url must be mqtt://, mqtts://, ws:// or wss://`);
  if (!Number.isInteger(options.devices) || options.devices < 1) {
    throw new SimulationError("invalid_options", "--devices must be a positive integer");
  }
  if (options.rate !== undefined && !(options.rate > 0 && Number.isFinite(options.rate))) {
    throw new SimulationError("invalid_options", "--rate must be a positive number");
  }
  if (options.prefix !== undefined && !TOPIC_PREFIX.test(options.prefix)) {
    throw new SimulationError("invalid_options", "--prefix must be a topic without wildcards or spaces");
  }
}

async function credentialsFor(devices: readonly SimulatedDevice[], credentials: SimulationCredentials) {
  const byClient = new Map<string, { username: string; password: string }>();
  if (credentials.kind === "shared") {
    for (const d of devices) byClient.set(d.clientId, { username: credentials.username, password: credentials.password });
  } else if (credentials.kind === "provision") {
    // Loaded only when asked for: it opens the hub's SQLite database and needs argon2.
    const { provisionMqttUsers } = await import("./provision");
    const requests = devices.map((d) => ({ username: provisionedUsername(d), description: `simulator: ${d.kind} (home ${d.home})` }));
    const passwords = await provisionMqttUsers(credentials.dataDir, requests);
    for (const [i, d] of devices.entries()) {
      const username = requests[i]?.username ?? provisionedUsername(d);
      const password = passwords.get(username);
      if (password !== undefined) byClient.set(d.clientId, { username, password });
    }
  }
  return byClient;
}

/** Runs `items` through `fn` with at most `limit` in flight; stops launching after the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Starts the fake devices: each on its own MQTT connection, announced with retained discovery, reporting
 * state at `rate` in total and obeying commands. Resolves once every device is connected and announced.
 */
export async function startSimulation(options: SimulationOptions): Promise<SimulationHandle> {
  validate(options);
  const tuning: SimulationTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const log = options.log ?? (() => undefined);
  const ratePerSecond = options.rate ?? options.devices;
  const devices = planDevices(options.devices, {
    prefix: options.prefix ?? "homeassistant",
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
    coverTravelMs: tuning.coverTravelMs,
    z2mBirthDelayMs: tuning.z2mBirthDelayMs,
  });
  const credentials = await credentialsFor(devices, options.credentials ?? { kind: "anonymous" });
  const counters: SimulationCounters = { sent: 0, dropped: 0, commands: 0, reconnects: 0, errors: 0 };
  const connections = devices.map(
    (device) =>
      new DeviceConnection({
        device,
        url: options.url,
        credentials: credentials.get(device.clientId),
        counters,
        log,
        connectTimeoutMs: tuning.connectTimeoutMs,
        // Spread reconnects so a hub restart is not met by every device in the same millisecond.
        reconnectPeriodMs: tuning.reconnectPeriodMs + Math.floor(Math.random() * tuning.reconnectPeriodMs),
      }),
  );
  try {
    await forEachLimited(connections, tuning.connectConcurrency, (c) => c.start());
  } catch (err) {
    await Promise.all(connections.map((c) => c.stop()));
    throw err;
  }
  const scheduler = new Scheduler({
    connections,
    ratePerSecond,
    tickMs: tuning.tickMs,
    physicsIntervalMs: tuning.physicsIntervalMs,
    counters,
  });
  scheduler.start();
  let stopping: Promise<void> | undefined;
  return {
    ratePerSecond,
    devices: connections.map((c) => ({
      kind: c.device.kind,
      home: c.device.home,
      clientId: c.device.clientId,
      username: c.username,
      description: c.device.description,
      availabilityTopic: c.device.will.topic,
      subscriptions: c.device.subscriptions,
    })),
    stats: () => ({ ...counters, devices: connections.length, connected: connections.filter((c) => c.isConnected).length }),
    stop: () => {
      stopping ??= (async () => {
        scheduler.stop();
        await Promise.all(connections.map((c) => c.stop()));
      })();
      return stopping;
    },
  };
}

export { DEVICES_PER_HOME };

/** The MQTT user `--provision` creates for a device: readable in the hub's settings, one per device. */
export function provisionedUsername(d: { kind: string; home: number }): string {
  return `sim-home${d.home}-${d.kind}`;
}
