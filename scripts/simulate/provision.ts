import fs from "node:fs";
import { openDatabase } from "@/db/open-database";
import { AccountService } from "@/server/auth/account-service";
import { isHubError } from "@/server/errors";
import { dataPaths, migrationsFolder } from "@/server/paths";
import { SimulationError } from "./simulation-error";

export interface ProvisionRequest {
  username: string;
  description: string;
}

// argon2 hashes run on libuv's pool (4 threads by default): more in flight only queues.
const CONCURRENCY = 4;

/**
 * One MQTT user per device connection in the hub's data dir, through the project's AccountService. An
 * existing user gets a fresh password (the stored hash cannot be read back). Returns username → password.
 */
export async function provisionMqttUsers(dataDir: string, requests: readonly ProvisionRequest[]): Promise<Map<string, string>> {
  const file = dataPaths(dataDir).database;
  if (!fs.existsSync(file)) {
    throw new SimulationError(
      "provision_failed",
      `no hub database at ${file}: point HEARTH_DATA_DIR at the hub's data directory (start the hub once to create it)`,
    );
  }
  const db = openDatabase({ file, migrationsFolder: migrationsFolder() });
  try {
    const accounts = new AccountService({ db });
    const passwords = new Map<string, string>();
    const queue = [...requests];
    const worker = async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        passwords.set(request.username, await createOrRenew(accounts, request));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, worker));
    return passwords;
  } catch (err) {
    if (err instanceof SimulationError) throw err;
    const reason = isHubError(err) || err instanceof Error ? err.message : String(err);
    throw new SimulationError("provision_failed", `cannot provision MQTT users in ${dataDir}: ${reason}`, { cause: err });
  } finally {
    db.$client.close();
  }
}

async function createOrRenew(accounts: AccountService, request: ProvisionRequest): Promise<string> {
  try {
    const { password } = await accounts.addMqttUser({ username: request.username, description: request.description });
    return password;
  } catch (err) {
    if (isHubError(err) && err.code === "conflict") return accounts.regenerateMqttPassword(request.username);
    throw err;
  }
}
