import fs from "node:fs";
import path from "node:path";
import next from "next";
import { openDatabase } from "@/db/open-database";
import { loadConfig, type Config } from "./config";
import { isHubError } from "./errors";
import { NetworkTrust } from "@/devices/auth/network";
import { createHttpServer } from "./http/http-server";
import { Hub } from "./hub";
import type { ListenerView } from "./hub-api";
import { publishHub } from "./hub-slot";
import { createLogger } from "./logger";
import { hubId } from "./mdns/hub-id";
import { MdnsAdvertiser } from "./mdns/mdns-advertiser";
import { mdnsServices } from "./mdns/mdns-services";
import { listenOrThrow } from "./net/listen";
import { readTlsMaterial } from "./net/tls-material";
import { dataPaths, migrationsFolder, projectRoot } from "./paths";
import { restoreBackup } from "./backup/restore";

const SHUTDOWN_TIMEOUT_MS = 5000;

/** Boots config → logger → database → hub → Next → HTTP, and stops them in reverse on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const root = projectRoot();
  const version = readVersion(root);
  ensureWritableDataDir(config);
  const paths = dataPaths(config.dataDir);
  const tls = readTlsMaterial(config);
  let db = openDatabase({ file: paths.database, migrationsFolder: migrationsFolder() });

  let httpListener: ListenerView | undefined;
  const mdns = new MdnsAdvertiser({ log: log.child({ module: "mdns" }), bindHost: config.host });
  let stopping = false;
  let restoring = false;
  const makeHub = () =>
    new Hub({
      config,
      log,
      db,
      dbFile: paths.database,
      version,
      tls,
      httpListener: () => httpListener,
      mdnsHost: () => mdns.hostname(),
      onFatal: () => process.exit(1),
      restore: (file, passphrase) => void restoreInPlace(file, passphrase),
    });
  let hub = makeHub();
  // The hub's own routes and upgrades, looked up on the hub of the moment (a restore from the web UI replaces it).
  let routes = hub.routes();
  let upgrades = hub.upgrades();

  /**
   * A restore from the web UI, in this process: the hub stops (its pages answer 503 meanwhile), the data dir is
   * swapped all or nothing (restore.ts: the old one stays next to it), and a new hub starts on it. A failed
   * restore starts the hub again on the data as it was.
   */
  async function restoreInPlace(file: string, passphrase: string | undefined): Promise<void> {
    if (restoring || stopping) return;
    restoring = true;
    try {
      publishHub(undefined);
      await hub.stop();
      db.$client.close();
      try {
        const done = await restoreBackup({ dataDir: config.dataDir, file: await fs.promises.readFile(file), passphrase });
        log.warn({ created_at: done.manifest.created_at, previous: done.previous }, "backup restored; the hub starts on it");
      } catch (err) {
        log.error({ err }, "restore failed; the hub starts again on the data as it was");
      } finally {
        await fs.promises.rm(file, { force: true });
      }
      db = openDatabase({ file: paths.database, migrationsFolder: migrationsFolder() });
      hub = makeHub();
      routes = hub.routes();
      upgrades = hub.upgrades();
      await hub.start();
      publishHub(hub.api);
    } catch (err) {
      log.fatal({ err }, "the hub could not start again after a restore");
      process.exit(1);
    } finally {
      restoring = false;
    }
  }
  const app = next({ dev: config.dev, dir: root, hostname: config.host, port: config.httpPort, customServer: true, quiet: !config.dev });
  // The HTTP port is bound first, so a port in use fails before anything else starts; requests wait for Next.
  let ready: Promise<ReturnType<typeof app.getRequestHandler>> | undefined;
  const server = createHttpServer({
    log: log.child({ module: "http" }),
    handleRequest: async (req, res) => {
      if (!ready) {
        // Bound before the hub starts; a health check in that second gets a clear "not yet".
        res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1" });
        res.end(JSON.stringify({ error: { code: "hub_unavailable", message: "Hearth is starting" } }));
        return;
      }
      const handle = await ready;
      await handle(req, res);
    },
    routes: delegate(() => routes),
    upgrades: delegate(() => upgrades),
    rejectUnclaimedUpgrades: !config.dev,
    tls,
    network: new NetworkTrust(config.network),
  });
  const httpPort = await listenOrThrow(server, config.httpPort, config.host, "HTTP (HEARTH_HTTP_PORT)");
  httpListener = { protocol: tls ? "https" : "http", address: config.host, port: httpPort };
  await hub.start();
  publishHub(hub.api);
  ready = app.prepare().then(() => app.getRequestHandler());
  await ready;
  // Announced once every listener is up and Next answers; probing runs in the background (HEARTH_MDNS).
  mdns.start(mdnsServices(config, { version, hubId: hubId(db), httpPort, mqttListeners: hub.mqtt.listeners() }));
  log.info({ http: httpPort, mqtt: hub.mqtt.listeners(), dataDir: config.dataDir, version, dev: config.dev }, "hearth is running");

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took longer than 5 s; exiting anyway");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    void (async () => {
      // Stop accepting first; keep-alive sockets are closed so close() can finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Goodbyes first, while the ports still answer; bounded, so mDNS can never hold the shutdown.
      await mdns.stop();
      await hub.stop();
      publishHub(undefined);
      server.closeAllConnections();
      await closed;
      await app.close().catch(() => undefined);
      db.$client.close();
      log.info("stopped");
      process.exit(0);
    })().catch((err: unknown) => {
      log.error({ err }, "shutdown failed");
      process.exit(1);
    });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** The same paths as `current()` has, each calling the handler `current()` has at the time of the call. */
function delegate<H extends (...args: never[]) => unknown>(current: () => Record<string, H>): Record<string, H> {
  return Object.fromEntries(Object.keys(current()).map((key) => [key, ((...args: Parameters<H>) => current()[key]!(...args)) as H]));
}

function loadConfigOrExit(): Config {
  try {
    // The one place outside config.ts that touches process.env: handing it over.
    return loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`hearth: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

function ensureWritableDataDir(config: Config): void {
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.accessSync(config.dataDir, fs.constants.W_OK);
  } catch (err) {
    throw new Error(`HEARTH_DATA_DIR: cannot write to ${config.dataDir} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

function readVersion(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

main().catch((err: unknown) => {
  // Expected start-up failures (port in use, data dir locked or unwritable) are one line, not a stack trace.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hearth: ${message}\n`);
  if (!isHubError(err) && !message.startsWith("HEARTH_")) process.stderr.write(`${(err as Error).stack ?? ""}\n`);
  process.exit(1);
});
