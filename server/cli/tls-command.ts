import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config";
import { HubError } from "../errors";
import { MAX_SERVER_DAYS, createCa, issueServerCertificate, type PemPair } from "../net/tls-issue";
import { tlsFiles } from "../net/tls-files";
import { certificateNames, mdnsHosts, type NameSources } from "../net/tls-names";
import { dataPaths } from "../paths";

export const TLS_USAGE = "tls self-signed [--out DIR] [--name NAME ...] [--ip ADDR ...] [--days N] [--force]";
const DEFAULT_MQTTS_PORT = 8883;

export interface TlsCommandEnv {
  config: Config;
  now?: () => Date;
  /** What the machine is called and where it is reachable; os.hostname() and os.networkInterfaces() unless given. */
  machine?: Pick<NameSources, "hostname" | "interfaces">;
}

/** `tls self-signed ...`: answers the text for standard output (what was made and what to do next). */
export async function tlsCommand(argv: string[], env: TlsCommandEnv): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      name: { type: "string", multiple: true },
      ip: { type: "string", multiple: true },
      days: { type: "string" },
      force: { type: "boolean" },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== "self-signed") throw new HubError("invalid_input", `usage: npm run -s hearth -- ${TLS_USAGE}`);
  const days = values.days === undefined ? MAX_SERVER_DAYS : Number(values.days);
  if (values.days !== undefined && !/^\d+$/.test(values.days)) throw new HubError("invalid_input", `--days must be a whole number from 1 to ${MAX_SERVER_DAYS}, got "${values.days}"`);
  const machine = env.machine ?? { hostname: os.hostname(), interfaces: os.networkInterfaces() };
  const names = certificateNames({ ...machine, extraNames: values.name ?? [], extraIps: values.ip ?? [] });
  const now = (env.now ?? (() => new Date()))();

  const dir = path.resolve(values.out ?? dataPaths(env.config.dataDir).tls);
  const files = tlsFiles(dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const hasCert = fs.existsSync(files.caCert);
  const hasKey = fs.existsSync(files.caKey);
  let ca: PemPair;
  let newCa: boolean;
  if ((hasCert || hasKey) && !values.force) {
    if (!hasCert || !hasKey) {
      throw new HubError("conflict", `${hasCert ? files.caKey : files.caCert} is missing, so the CA in ${dir} cannot sign; make a new CA with --force (phones must then trust the new one)`);
    }
    ca = { certPem: fs.readFileSync(files.caCert, "utf8"), keyPem: fs.readFileSync(files.caKey, "utf8") };
    newCa = false;
  } else {
    ca = await createCa({ commonName: `Hearth CA ${machine.hostname.split(".")[0] ?? "hub"} ${now.toISOString().slice(0, 10)}`, now });
    newCa = true;
  }
  // Issue before writing anything, so a CA that cannot sign leaves the directory as it was.
  const leaf = await issueServerCertificate({ ca, names, now, days });
  if (newCa) {
    writeFileAtomic(files.caKey, ca.keyPem, 0o600);
    writeFileAtomic(files.caCert, ca.certPem, 0o644);
  }
  writeFileAtomic(files.serverKey, leaf.keyPem, 0o600);
  writeFileAtomic(files.serverCert, `${leaf.certPem.trimEnd()}\n${ca.certPem.trimEnd()}\n`, 0o644);

  return nextSteps({
    config: env.config,
    dir,
    files,
    newCa,
    replacedCa: newCa && hasCert,
    names: [...names.dns, ...names.ips],
    notAfter: leaf.notAfter,
    cappedByCa: leaf.cappedByCa,
    caSha256: new X509Certificate(ca.certPem).fingerprint256,
    serverSha256: new X509Certificate(leaf.certPem).fingerprint256,
  });
}

/** Written beside the target and renamed over it: a reader never sees half a key, and the mode is set from the start. */
function writeFileAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, data, { mode, flag: "wx" });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function nextSteps(r: {
  config: Config;
  dir: string;
  files: ReturnType<typeof tlsFiles>;
  newCa: boolean;
  replacedCa: boolean;
  names: string[];
  notAfter: Date;
  cappedByCa: boolean;
  caSha256: string;
  serverSha256: string;
}): string {
  const { config, files } = r;
  const mqttsPort = config.tls?.port ?? DEFAULT_MQTTS_PORT;
  const hosts = mdnsHosts();
  const web = hosts.find((h) => h.type === "https")?.host ?? "hearth.local";
  const mqtts = hosts.find((h) => h.type === "secure-mqtt")?.host ?? web;
  const servedByHub = r.dir === path.resolve(dataPaths(config.dataDir).tls);
  const until = r.notAfter.toISOString().slice(0, 10);
  const lines = [
    r.newCa
      ? `Made a new local CA and a server certificate in ${r.dir} (valid until ${until}).`
      : `Reused the local CA in ${r.dir} and issued a new server certificate (valid until ${until}).`,
  ];
  if (r.replacedCa) lines.push("The previous CA is replaced: every phone and device must trust the new ca.crt.");
  if (r.cappedByCa) lines.push("The CA expires first, so the certificate ends with it: make a new CA with --force before then.");
  lines.push(
    `It covers: ${r.names.join(", ")}`,
    "",
    "1. Set these where the hub gets its environment, then restart it (the web UI moves to https:// on the same port):",
    `   HEARTH_TLS_CERT=${shellQuote(files.serverCert)}`,
    `   HEARTH_TLS_KEY=${shellQuote(files.serverKey)}`,
    `   HEARTH_MQTTS_PORT=${mqttsPort}`,
    `2. Trust the CA once on each phone, computer and device: ${files.caCert}`,
    `   CA SHA-256 fingerprint: ${r.caSha256}`,
    servedByHub
      ? `   Phones can download it from ${config.tls ? "https" : "http"}://${web}:${config.httpPort}/api/tls/ca.crt; compare the fingerprint before trusting it.`
      : `   The hub serves ca.crt only from ${dataPaths(config.dataDir).tls}; copy this one to each phone yourself.`,
    "   iPhone and iPad: install the profile, then turn on full trust in Settings > General > About > Certificate Trust Settings.",
    `3. Devices: MQTT over TLS to ${mqtts}:${mqttsPort} (or this machine's address above) with ca.crt as the CA.`,
    `   Server certificate SHA-256 fingerprint (for devices that pin it): ${r.serverSha256}`,
    "",
    `Keep ${files.caKey} secret: whoever has it can make certificates your devices trust.`,
    "When the hub gets a new address or name, run this again without --force: the CA stays, only the server certificate changes.",
  );
  return lines.join("\n");
}
