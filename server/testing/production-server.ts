import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { openDatabase } from "@/db/open-database";
import { AccountService } from "../auth/account-service";
import { dataPaths, migrationsFolder, projectRoot } from "../paths";

/** Whether `npm run build` has run: the production server's API is Next's route handlers from that build. */
export const PRODUCTION_BUILD_PRESENT = fs.existsSync(path.join(projectRoot(), ".next", "BUILD_ID"));

export interface ProductionServer {
  port: number;
  /** An owner's API token (the home is onboarded before the server starts). */
  token: string;
  /** SIGTERM, SIGKILL after 10 s, and the data dir removed. */
  stop(): Promise<void>;
}

/**
 * The shipped server (server/main.ts, NODE_ENV=production, the last build) in its own process on loopback
 * ephemeral ports, on a fresh data dir with an onboarded owner. `onLine` gets every stdout (pino) and stderr line,
 * for tests that watch the logs; resolves once the hub says it is running (60 s at most).
 */
export async function startProductionServer(label: string, onLine?: (line: string, stream: "stdout" | "stderr") => void): Promise<ProductionServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${label}-`));
  const db = openDatabase({ file: dataPaths(dataDir).database, migrationsFolder: migrationsFolder() });
  const accounts = new AccountService({ db });
  const { user } = await accounts.onboard({ name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
  const token = accounts.createToken(user.id, label).token;
  db.$client.close();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: projectRoot(),
    env: { ...process.env, NODE_ENV: "production", HEARTH_DATA_DIR: dataDir, HEARTH_HOST: "127.0.0.1", HEARTH_HTTP_PORT: "0", HEARTH_MQTT_PORT: "0", HEARTH_MDNS: "false", HEARTH_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  readline.createInterface({ input: child.stderr! }).on("line", (line) => (onLine ? onLine(line, "stderr") : process.stderr.write(`${line}\n`)));
  const lines = readline.createInterface({ input: child.stdout! });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the server did not start in 60 s")), 60_000);
      lines.on("line", (line) => {
        onLine?.(line, "stdout");
        let record: { msg?: string; http?: number };
        try {
          record = JSON.parse(line) as typeof record;
        } catch {
          return;
        }
        if (record.msg === "hearth is running" && record.http) {
          clearTimeout(timer);
          resolve(record.http);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code}`));
      });
    });
    return { port, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
