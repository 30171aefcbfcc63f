import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestHub, type TestHub } from "../testing/test-hub";

let t: TestHub;
let ca: Buffer;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-tls-"));
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  ca = fs.readFileSync(cert);
  t = await startTestHub({
    HEARTH_MQTT_ANONYMOUS: "true",
    HEARTH_TLS_CERT: cert,
    HEARTH_TLS_KEY: key,
    HEARTH_MQTTS_PORT: String(await freePort()),
  });
});

afterAll(async () => {
  await t.stop();
});

describe("TLS", () => {
  it("serves MQTT over TLS on HEARTH_MQTTS_PORT", async () => {
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${t.tls?.port}`, { ca, reconnectPeriod: 0 });
    expect(c.connected).toBe(true);
    expect(t.broker.clients()).toEqual([expect.objectContaining({ transport: "tls" })]);
    await c.endAsync();
  });

  it("serves MQTT over secure WebSocket on the HTTPS port", async () => {
    const c = await mqtt.connectAsync(t.wsUrl, { ca, reconnectPeriod: 0 });
    expect(t.wsUrl.startsWith("wss://")).toBe(true);
    expect(c.connected).toBe(true);
    await c.endAsync();
  });

  it("holds a user's ACL over TLS as over TCP: a denied publish is not delivered, a denied subscription is refused", async () => {
    const { password } = await t.hub.api.mqttUsers.add({ username: "tls-plug", acl: [{ access: "readwrite", pattern: "plug/%u/#" }] });
    const watcher = await mqtt.connectAsync(`mqtts://127.0.0.1:${t.tls?.port}`, { ca, reconnectPeriod: 0 });
    const seen: string[] = [];
    watcher.on("message", (topic) => seen.push(topic));
    await watcher.subscribeAsync("#", { qos: 1 });
    const plug = await mqtt.connectAsync(`mqtts://127.0.0.1:${t.tls?.port}`, { ca, username: "tls-plug", password, reconnectPeriod: 0 });
    await plug.publishAsync("other/device/set", "ON", { qos: 1 });
    await plug.publishAsync("plug/tls-plug/state", "ON", { qos: 1 });
    const refused = await plug.subscribeAsync("other/#", { qos: 1 }).then((g) => g[0]?.qos, (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0]);
    expect(refused).toBe(128);
    const end = Date.now() + 5000;
    while (!seen.includes("plug/tls-plug/state") && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(seen.filter((x) => !x.startsWith("homeassistant/"))).toEqual(["plug/tls-plug/state"]);
    // Revoked: its TLS connection closes at once.
    const closed = new Promise<void>((resolve) => plug.once("close", () => resolve()));
    t.hub.api.mqttUsers.revoke("tls-plug");
    await closed;
    await Promise.all([watcher.endAsync(), plug.endAsync(true)]);
  });

  it("refuses plaintext HTTP on the HTTPS port", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      https.get({ host: "127.0.0.1", port: t.httpPort, path: "/x", ca }, (res) => resolve(res.statusCode ?? 0)).on("error", reject);
    });
    expect(status).toBe(404);
    await expect(fetch(`http://127.0.0.1:${t.httpPort}/x`)).rejects.toThrow();
  });

  it("names an unreadable certificate file", async () => {
    await expect(startTestHub({ HEARTH_TLS_CERT: "/nonexistent/cert.pem", HEARTH_TLS_KEY: "/nonexistent/key.pem" })).rejects.toThrow(
      "HEARTH_TLS_CERT: cannot read /nonexistent/cert.pem (ENOENT)",
    );
  });
});
