import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/open-database";
import { loadConfig } from "../config";
import { createHttpServer } from "../http/http-server";
import type { Clock } from "../automations/clock";
import { Hub } from "../hub";
import type { WorkerBroker } from "../mqtt/worker-broker";
import { createLogger } from "../logger";
import { listenOrThrow } from "../net/listen";
import { readTlsMaterial, type TlsMaterial } from "../net/tls-material";
import { dataPaths, migrationsFolder } from "../paths";

export interface TestHub {
  hub: Hub;
  /** The embedded broker (test hubs always embed one). */
  broker: WorkerBroker;
  dataDir: string;
  mqttPort: number;
  httpPort: number;
  mqttUrl: string;
  wsUrl: string;
  /** The MQTTS port when the test configured TLS. */
  tls: TlsMaterial | undefined;
  stop(): Promise<void>;
}

/** A free loopback port (bound and released; fine for tests on one machine). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOrThrow(server, 0, "127.0.0.1", "free port");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A real hub for tests: real aedes on loopback ports, real SQLite and LevelDB in a temp data dir, the real
 * HTTP upgrade routing (/mqtt, /api/websocket). Next is left out: pages are covered by the e2e suite.
 */
export interface TestHubOptions {
  /** Collects the hub's log records (level warn and up unless HEARTH_LOG_LEVEL says otherwise). */
  logs?: Array<Record<string, unknown>>;
  /** The hub's clock for states and device health (a test moves it instead of sleeping). */
  now?: () => number;
  /** The automations' clock (a ManualClock: delays, `for:` and time triggers move when the test says). */
  clock?: Clock;
}

export async function startTestHub(env: Record<string, string> = {}, dataDir?: string, opts: TestHubOptions = {}): Promise<TestHub> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "hearth-test-"));
  const mqttPort = await freePort();
  const config = loadConfig({
    HEARTH_DATA_DIR: dir,
    HEARTH_HOST: "127.0.0.1",
    HEARTH_MQTT_PORT: String(mqttPort),
    HEARTH_LOG_LEVEL: process.env.HEARTH_TEST_LOG_LEVEL ?? (opts.logs ? "warn" : "silent"),
    ...env,
  });
  const logs = opts.logs;
  const log = createLogger(config.logLevel, logs ? { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } : undefined);
  const paths = dataPaths(dir);
  const db = openDatabase({ file: paths.database, migrationsFolder: migrationsFolder() });
  const tls = readTlsMaterial(config);
  const hub = new Hub({ config, log, db, dbFile: paths.database, version: "test", tls, now: opts.now ?? (opts.clock ? () => opts.clock!.now() : undefined), clock: opts.clock });
  await hub.start();
  const broker = hub.broker;
  if (!broker) throw new Error("startTestHub runs the embedded broker; build a Hub directly to test HEARTH_MQTT_URL");
  const server = createHttpServer({
    log,
    handleRequest: (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
    routes: hub.routes(),
    upgrades: hub.upgrades(),
    rejectUnclaimedUpgrades: true,
    tls,
    network: hub.network,
  });
  const httpPort = await listenOrThrow(server, 0, "127.0.0.1", "HTTP");
  return {
    hub,
    broker,
    dataDir: dir,
    mqttPort,
    httpPort,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    wsUrl: `${tls ? "wss" : "ws"}://127.0.0.1:${httpPort}/mqtt`,
    tls,
    stop: async () => {
      server.closeAllConnections();
      // Upgraded sockets (WebSockets a test left open) hold server.close until the hub's stop closes them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await hub.stop();
      await closed;
      db.$client.close();
    },
  };
}
