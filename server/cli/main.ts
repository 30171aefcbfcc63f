import { parseArgs } from "node:util";
import { openDatabase } from "@/db/open-database";
import { ROLES, type Role } from "@/devices/auth/access";
import { AccountService } from "../auth/account-service";
import { backupCommand, readPassphrase, restoreCommand } from "./backup-commands";
import { TLS_USAGE, tlsCommand } from "./tls-command";
import { loadConfig } from "../config";
import { isHubError } from "../errors";
import { dataPaths, migrationsFolder } from "../paths";

const USAGE = `usage: npm run -s hearth -- <command>
  user add <username> [--name "Full Name"] [--role owner|admin|user|kiosk] [--rooms ROOM,ROOM] [--local-only] --password-stdin
  token create --user <username> --name <label>
  mqtt-user add <username> [--description TEXT] [--password-stdin]
  mqtt-user password <username> [--password-stdin]
  mqtt-user revoke <username>
  mqtt-user list
  backup [--out FILE] [--passphrase-file FILE]     (or env HEARTH_BACKUP_PASSPHRASE)
  restore FILE [--yes] [--passphrase-file FILE]
  ${TLS_USAGE}`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError("--password-stdin reads the password from standard input; pipe it in");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline (echo, heredoc) is not part of the password.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** The admin CLI on HEARTH_DATA_DIR; works whether or not the hub is running (SQLite WAL). */
async function run(argv: string[]): Promise<string | undefined> {
  // tls has options of its own (repeatable --name, --ip); it needs no database.
  if (argv[0] === "tls") return tlsCommand(argv.slice(1), { config: loadConfig(process.env) });
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      role: { type: "string" },
      rooms: { type: "string" },
      "local-only": { type: "boolean" },
      user: { type: "string" },
      description: { type: "string" },
      "password-stdin": { type: "boolean" },
      out: { type: "string" },
      "passphrase-file": { type: "string" },
      yes: { type: "boolean", short: "y" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [group, verb, arg] = positionals;
  if (values.help || !group) return USAGE;
  const config = loadConfig(process.env);
  // Before the database is opened: restore swaps the data dir, and backup chooses its own way in.
  if (group === "backup") {
    return backupCommand({ config, out: values.out, passphrase: readPassphrase(values["passphrase-file"], process.env) });
  }
  if (group === "restore") {
    if (!verb) throw new UsageError(`restore needs a FILE\n${USAGE}`);
    const done = await restoreCommand({ dataDir: config.dataDir, file: verb, passphrase: readPassphrase(values["passphrase-file"], process.env), yes: values.yes ?? false });
    process.stderr.write(`restored the backup of ${done.manifest.created_at} into ${config.dataDir}${done.previous ? `; the previous data is in ${done.previous}` : ""}\n`);
    return undefined;
  }
  const db = openDatabase({ file: dataPaths(config.dataDir).database, migrationsFolder: migrationsFolder() });
  const accounts = new AccountService({ db });
  try {
    if (group === "user" && verb === "add" && arg) {
      if (!values["password-stdin"]) throw new UsageError("user add needs --password-stdin (passwords never go on the command line)");
      const role = values.role;
      if (role !== undefined && !(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be ${ROLES.join(", ")}`);
      // Room ids as the rooms page shows them; a person limited to rooms that do not exist yet sees nothing until they do.
      const rooms = values.rooms?.split(",").map((r) => r.trim()).filter(Boolean) ?? null;
      const user = await accounts.addUser({ username: arg, name: values.name, role: role as Role | undefined, password: await readStdin(), rooms, localOnly: values["local-only"] ?? false });
      process.stderr.write(`created ${user.role} "${user.username}"${user.rooms ? ` for ${user.rooms.join(", ") || "no rooms"}` : ""}\n`);
      return undefined;
    }
    if (group === "token" && verb === "create") {
      if (!values.user || !values.name) throw new UsageError("token create needs --user <username> and --name <label>");
      return accounts.createTokenForUsername(values.user, values.name);
    }
    if (group === "mqtt-user" && verb === "add" && arg) {
      const password = values["password-stdin"] ? await readStdin() : undefined;
      const created = await accounts.addMqttUser({ username: arg, password, description: values.description });
      // A generated password is the secret this command prints, alone on one line.
      return password === undefined ? created.password : undefined;
    }
    if (group === "mqtt-user" && verb === "password" && arg) {
      const password = values["password-stdin"] ? await readStdin() : undefined;
      const set = await accounts.regenerateMqttPassword(arg, password);
      return password === undefined ? set : undefined;
    }
    if (group === "mqtt-user" && verb === "revoke" && arg) {
      accounts.revokeMqttUser(arg);
      process.stderr.write(`revoked "${arg}"; a running hub refuses its next connection\n`);
      return undefined;
    }
    if (group === "mqtt-user" && verb === "list") {
      return accounts
        .listMqttUsers()
        .map((u) => `${u.username}\t${u.description}`)
        .join("\n");
    }
    throw new UsageError(`unknown command "${positionals.join(" ")}"\n${USAGE}`);
  } finally {
    db.$client.close();
  }
}

run(process.argv.slice(2)).then(
  (out) => {
    if (out) process.stdout.write(`${out}\n`);
  },
  (err: unknown) => {
    const message = isHubError(err) || err instanceof Error ? err.message : String(err);
    process.stderr.write(`hearth: ${message.replace(/\n\s*/g, "; ")}\n`);
    process.exit(2);
  },
);
