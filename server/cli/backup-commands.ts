import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import readline from "node:readline/promises";
import { openDatabase } from "@/db/open-database";
import { listUsers } from "@/db/queries/accounts";
import { AccountService } from "../auth/account-service";
import { dumpStoreDir, storeIsLocked } from "../backup/broker-store";
import { restoreBackup, type RestoreResult } from "../backup/restore";
import { backupFileName, createSnapshot } from "../backup/snapshot";
import type { Config } from "../config";
import { HubError } from "../errors";
import { dataPaths, migrationsFolder, projectRoot } from "../paths";

/** The passphrase from --passphrase-file (one trailing newline dropped) or HEARTH_BACKUP_PASSPHRASE. */
export function readPassphrase(file: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (file) return fs.readFileSync(file, "utf8").replace(/\r?\n$/, "");
  return env.HEARTH_BACKUP_PASSPHRASE || undefined;
}

/**
 * `backup [--out FILE]`: a consistent backup of the data dir into one file; answers its path. With the hub
 * stopped it reads the data dir itself; while a hub runs (it holds the broker store's lock) the running hub
 * makes the backup (POST /api/backup on loopback, with a one-use owner token this command creates and revokes).
 */
export async function backupCommand(opts: { config: Config; out?: string | undefined; passphrase?: string | undefined; now?: () => number }): Promise<string> {
  const { config } = opts;
  const now = opts.now ?? Date.now;
  const paths = dataPaths(config.dataDir);
  if (!fs.existsSync(paths.database)) throw new HubError("not_found", `no hub data in ${config.dataDir} (set HEARTH_DATA_DIR)`);
  const out = path.resolve(opts.out ?? backupFileName(now(), Boolean(opts.passphrase)));
  let data: Buffer;
  if (await storeIsLocked(paths.broker)) {
    data = await backupFromRunningHub(config, opts.passphrase);
  } else {
    const db = openDatabase({ file: paths.database, migrationsFolder: migrationsFolder() });
    try {
      const snap = await createSnapshot(
        { sqlite: db.$client, brokerDump: () => dumpStoreDir(paths.broker), config, version: hubVersion(), now },
        opts.passphrase,
      );
      data = snap.data;
    } finally {
      db.$client.close();
    }
  }
  fs.writeFileSync(`${out}.partial`, data, { mode: 0o600 });
  fs.renameSync(`${out}.partial`, out);
  return out;
}

/** `restore FILE`: asks first unless `yes`; answers what it did. */
export async function restoreCommand(opts: { dataDir: string; file: string; passphrase?: string | undefined; yes: boolean }): Promise<RestoreResult> {
  if (!fs.existsSync(opts.file)) throw new HubError("not_found", `no file ${opts.file}`);
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new HubError("invalid_input", "restore replaces the data dir: confirm with --yes");
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Replace ${opts.dataDir} with ${opts.file}? The current data is kept next to it. [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new HubError("invalid_input", "restore cancelled");
  }
  return restoreBackup({ dataDir: opts.dataDir, file: fs.readFileSync(opts.file), passphrase: opts.passphrase });
}

const CLI_TOKEN_NAME = "hearth backup (CLI, one use)";
const STALE_TOKEN_MS = 60 * 60 * 1000;

async function backupFromRunningHub(config: Config, passphrase: string | undefined): Promise<Buffer> {
  const db = openDatabase({ file: dataPaths(config.dataDir).database });
  const accounts = new AccountService({ db });
  const owner = listUsers(db).find((u) => u.role === "owner");
  if (!owner) {
    db.$client.close();
    throw new HubError("conflict", "a hub is running on this data dir and has no owner yet: finish onboarding, or stop the hub and run backup again");
  }
  // A run killed before its `finally` left its token behind (its secret died with that process); an hour on,
  // no backup still needs it.
  accounts.revokeTokensNamed(owner.id, CLI_TOKEN_NAME, Date.now() - STALE_TOKEN_MS);
  const { token, info } = accounts.createToken(owner.id, CLI_TOKEN_NAME);
  try {
    return await post(config, "/api/backup", token, JSON.stringify(passphrase ? { passphrase } : {}));
  } finally {
    accounts.revokeToken(owner.id, info.id);
    db.$client.close();
  }
}

function post(config: Config, pathname: string, token: string, body: string): Promise<Buffer> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const lib = config.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      // Loopback to our own hub: its certificate names the LAN host, not 127.0.0.1.
      { host, port: config.httpPort, path: pathname, method: "POST", rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const data = Buffer.concat(chunks);
          if (res.statusCode === 200) resolve(data);
          else reject(new HubError("hub_unavailable", `the running hub refused the backup (${res.statusCode}): ${data.toString("utf8").slice(0, 300)}`));
        });
        res.on("error", reject);
      },
    );
    req.on("error", (err) => reject(new HubError("hub_unavailable", `a hub holds ${config.dataDir} but does not answer on ${host}:${config.httpPort}: ${err.message}`)));
    req.end(body);
  });
}

function hubVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
