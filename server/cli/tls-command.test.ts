import { spawnSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { startTestHub } from "../testing/test-hub";

function hearth(dataDir: string, args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function certsIn(file: string): X509Certificate[] {
  const pem = fs.readFileSync(file, "utf8");
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}

function files(dataDir: string) {
  const dir = path.join(dataDir, "tls");
  return { dir, caCert: path.join(dir, "ca.crt"), caKey: path.join(dir, "ca.key"), serverCert: path.join(dir, "server.crt"), serverKey: path.join(dir, "server.key") };
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const DAY_MS = 86_400_000;

/** A TLS server on loopback with the produced files; answers how the handshake of a client trusting only `ca` went. */
async function handshake(f: ReturnType<typeof files>, client: { ca: Buffer; servername?: string }): Promise<{ authorized: boolean; error?: string }> {
  const server = tls.createServer({ cert: fs.readFileSync(f.serverCert), key: fs.readFileSync(f.serverKey) }, (socket) => socket.end("hello"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: client.ca, servername: client.servername }, () => {
        resolve({ authorized: socket.authorized });
        socket.end();
      });
      socket.on("error", (err: NodeJS.ErrnoException) => resolve({ authorized: false, error: err.code ?? err.message }));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

// Each run of the CLI is a fresh tsx process (about 2 s on a loaded box); some tests run five.
describe("hearth tls self-signed", { timeout: 90_000 }, () => {
  it("makes a CA and a server certificate for the LAN names, keys 0600, and says what to set", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-cli-"));
    const r = hearth(dataDir, ["tls", "self-signed", "--name", "hub.home.arpa", "--ip", "10.20.30.40", "--ip", "2001:db8::7"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const f = files(dataDir);

    const [leaf, chained, ...rest] = certsIn(f.serverCert);
    const [ca] = certsIn(f.caCert);
    expect(rest).toEqual([]);
    expect(chained?.raw.equals(ca!.raw)).toBe(true);
    expect(ca!.ca).toBe(true);
    expect(leaf!.ca).toBe(false);
    expect(leaf!.checkIssued(ca!)).toBe(true);
    expect(leaf!.verify(ca!.publicKey)).toBe(true);
    expect(leaf!.checkPrivateKey(createPrivateKey(fs.readFileSync(f.serverKey)))).toBe(true);
    expect(ca!.checkPrivateKey(createPrivateKey(fs.readFileSync(f.caKey)))).toBe(true);
    // iOS: serverAuth and at most 825 days.
    expect(leaf!.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(Date.parse(leaf!.validTo) - Date.parse(leaf!.validFrom)).toBeLessThanOrEqual(825 * DAY_MS);
    expect(leaf!.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");

    const machine = os.hostname().toLowerCase();
    const machineNames = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(machine) ? [machine, `${machine.split(".")[0]}.local`] : [];
    for (const host of ["hearth.local", "hearth-hub.local", "hearth-mqtt.local", "hearth-mqtts.local", "localhost", "hub.home.arpa", ...machineNames]) {
      expect(leaf!.checkHost(host), host).toBe(host);
    }
    expect(leaf!.checkHost("elsewhere.example")).toBeUndefined();
    const lan = Object.values(os.networkInterfaces()).flatMap((infos) => (infos ?? []).filter((i) => !i.internal).map((i) => i.address));
    for (const ip of ["127.0.0.1", "::1", "10.20.30.40", "2001:db8::7", ...lan]) {
      expect(leaf!.checkIP(ip), ip).toBe(ip);
    }

    expect(mode(f.caKey)).toBe(0o600);
    expect(mode(f.serverKey)).toBe(0o600);

    expect(r.stdout).toContain(`HEARTH_TLS_CERT=${f.serverCert}\n`);
    expect(r.stdout).toContain(`HEARTH_TLS_KEY=${f.serverKey}\n`);
    expect(r.stdout).toContain("HEARTH_MQTTS_PORT=8883\n");
    expect(r.stdout).toContain(f.caCert);
    expect(r.stdout).toContain(`CA SHA-256 fingerprint: ${ca!.fingerprint256}\n`);
    expect(r.stdout).toContain("/api/tls/ca.crt");
  });

  it("reuses the CA on a second run and re-issues only the server certificate; --force makes a new CA", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-cli-"));
    const f = files(dataDir);
    expect(hearth(dataDir, ["tls", "self-signed"]).code).toBe(0);
    const caBefore = fs.readFileSync(f.caCert);
    const caKeyBefore = fs.readFileSync(f.caKey);
    const [leafBefore] = certsIn(f.serverCert);

    const again = hearth(dataDir, ["tls", "self-signed", "--ip", "192.0.2.99", "--days", "30"]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(again.stdout).toContain("Reused the local CA");
    expect(fs.readFileSync(f.caCert).equals(caBefore)).toBe(true);
    expect(fs.readFileSync(f.caKey).equals(caKeyBefore)).toBe(true);
    const [leaf] = certsIn(f.serverCert);
    expect(leaf!.serialNumber).not.toBe(leafBefore!.serialNumber);
    expect(leaf!.checkIP("192.0.2.99")).toBe("192.0.2.99");
    expect(leafBefore!.checkIP("192.0.2.99")).toBeUndefined();
    expect(leaf!.checkIssued(new X509Certificate(caBefore))).toBe(true);
    expect(Date.parse(leaf!.validTo) - Date.parse(leaf!.validFrom)).toBeLessThanOrEqual(30 * DAY_MS);
    expect(mode(f.serverKey)).toBe(0o600);

    const forced = hearth(dataDir, ["tls", "self-signed", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("must trust the new ca.crt");
    const [newCa] = certsIn(f.caCert);
    expect(newCa!.raw.equals(new X509Certificate(caBefore).raw)).toBe(false);
    expect(certsIn(f.serverCert)[0]!.checkIssued(newCa!)).toBe(true);
    expect(mode(f.caKey)).toBe(0o600);
  });

  it("fails with one line on stderr and leaves the files alone", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-cli-"));
    const f = files(dataDir);
    const tooLong = hearth(dataDir, ["tls", "self-signed", "--days", "826"]);
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stdout).toBe("");
    expect(tooLong.stderr.trim().split("\n")).toEqual(["hearth: --days must be a whole number from 1 to 825, got 826"]);
    expect(fs.existsSync(f.caCert)).toBe(false);

    const badIp = hearth(dataDir, ["tls", "self-signed", "--ip", "192.0.2.300"]);
    expect(badIp.code).not.toBe(0);
    expect(badIp.stderr).toContain('--ip "192.0.2.300" is not an IPv4 or IPv6 address');

    expect(hearth(dataDir, ["tls", "self-signed"]).code).toBe(0);
    const serverBefore = fs.readFileSync(f.serverCert);
    fs.rmSync(f.caKey);
    const noKey = hearth(dataDir, ["tls", "self-signed"]);
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr.trim().split("\n")).toHaveLength(1);
    expect(noKey.stderr).toContain("ca.key is missing");
    expect(noKey.stderr).toContain("--force");
    expect(fs.readFileSync(f.serverCert).equals(serverBefore)).toBe(true);
  });

  it("gives a TLS server that a client trusting only ca.crt accepts for localhost and 127.0.0.1, and no other name", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-cli-"));
    const f = files(dataDir);
    expect(hearth(dataDir, ["tls", "self-signed"]).code).toBe(0);
    const ca = fs.readFileSync(f.caCert);

    await expect(handshake(f, { ca, servername: "localhost" })).resolves.toEqual({ authorized: true });
    await expect(handshake(f, { ca })).resolves.toEqual({ authorized: true });
    await expect(handshake(f, { ca, servername: "elsewhere.example" })).resolves.toMatchObject({ authorized: false, error: "ERR_TLS_CERT_ALTNAME_INVALID" });
    // Another household's CA does not vouch for this server.
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-cli-"));
    expect(hearth(other, ["tls", "self-signed"]).code).toBe(0);
    await expect(handshake(f, { ca: fs.readFileSync(files(other).caCert), servername: "localhost" })).resolves.toMatchObject({ authorized: false });
  });

  it("lets the running hub hand out the CA certificate (GET /api/tls/ca.crt reads it through the hub API)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-cli-"));
    const t = await startTestHub({}, dataDir);
    try {
      expect(t.hub.api.tlsCa()).toBeUndefined();
      expect(hearth(dataDir, ["tls", "self-signed"]).code).toBe(0);
      const ca = new X509Certificate(fs.readFileSync(files(dataDir).caCert));
      expect(t.hub.api.tlsCa()).toMatchObject({ sha256: ca.fingerprint256, subject: ca.subject });
      expect(new X509Certificate(t.hub.api.tlsCa()!.pem).raw.equals(ca.raw)).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
