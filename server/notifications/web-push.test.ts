// Web Push end to end against a loopback HTTP server playing the push service: a phone subscribes with a
// fresh P-256 key pair and auth secret, notify.* runs, and the test checks the request as a push service
// would (aes128gcm body, VAPID JWT signed by the hub's key) and decrypts it as the browser would (RFC 8291).
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface PushService {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** Answers each path with its status (201 by default); "hang" never answers. */
async function pushService(answers: Record<string, number | "hang"> = {}): Promise<PushService> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers[req.url ?? ""] ?? 201;
      if (answer === "hang") return;
      res.statusCode = answer;
      res.end(answer === 410 ? "push subscription has unsubscribed or expired" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A browser's side of a subscription: the ECDH key pair and the auth secret. */
function phone(): { ecdh: ECDH; auth: Buffer; keys: { p256dh: string; auth: string } } {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } };
}

/** RFC 8291 §3.4 + RFC 8188: decrypts one aes128gcm record as the user agent does. */
function decrypt(body: Buffer, ua: { ecdh: ECDH; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = ua.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ua.ecdh.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, ua.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  const end = padded.lastIndexOf(2);
  expect(padded.subarray(end + 1).every((b) => b === 0)).toBe(true);
  return padded.subarray(0, end).toString("utf8");
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; checks the ES256 signature with k and answers the claims. */
function vapidClaims(authorization: string | undefined, expectedKey: string): Record<string, unknown> {
  const match = /^vapid t=([^,]+), k=(\S+)$/.exec(authorization ?? "");
  expect(match, `Authorization: ${authorization}`).not.toBeNull();
  const [, jwt, k] = match!;
  expect(k).toBe(expectedKey);
  const [header, payload, signature] = jwt!.split(".");
  expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toEqual({ typ: "JWT", alg: "ES256" });
  const point = Buffer.from(k!, "base64url");
  const key = createPublicKey({ format: "jwk", key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") } });
  expect(verify("sha256", Buffer.from(`${header}.${payload}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature!, "base64url"))).toBe(true);
  return JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
}

const hubs: TestHub[] = [];
const services: PushService[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
  for (const s of services.splice(0)) await s.close();
});

async function setup(answers: Record<string, number | "hang"> = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const t = await startTestHub({}, undefined, { logs });
  hubs.push(t);
  const push = await pushService(answers);
  services.push(push);
  return { t, push, logs };
}

describe("web push", () => {
  it("notify.notify pushes an encrypted, VAPID-signed message to every phone, and the in-app one lands too", async () => {
    const { t, push } = await setup();
    const anna = phone();
    const ben = phone();
    const view = t.hub.api.push.subscribe({ endpoint: `${push.url}/push/anna`, keys: anna.keys, name: "Anna's phone" }, "1");
    expect(view).toMatchObject({ name: "Anna's phone", service: "notify.mobile_app_anna_s_phone", push_service: push.url.slice(7), user_id: "1", failures: 0 });
    t.hub.api.push.subscribe({ endpoint: `${push.url}/push/ben`, keys: ben.keys, name: "Ben" }, "2");
    expect(Object.keys(t.hub.api.services.list().find((d) => d.domain === "notify")!.services)).toEqual(expect.arrayContaining(["mobile_app_anna_s_phone", "mobile_app_ben"]));

    await t.hub.api.services.call({ domain: "notify", service: "notify", data: { title: "Hall", message: "The front door is open", data: { url: "/rooms/hall" } }, userId: "1" });
    const note = t.hub.api.notifications.list()[0]!;
    expect(note).toMatchObject({ title: "Hall", message: "The front door is open" });
    expect(push.received.map((r) => r.path).sort()).toEqual(["/push/anna", "/push/ben"]);

    const publicKey = t.hub.api.push.publicKey();
    for (const [r, ua] of [
      [push.received.find((x) => x.path === "/push/anna")!, anna],
      [push.received.find((x) => x.path === "/push/ben")!, ben],
    ] as const) {
      expect(r.headers["content-encoding"]).toBe("aes128gcm");
      expect(r.headers.ttl).toBe("86400");
      expect(r.headers.urgency).toBe("high");
      const claims = vapidClaims(r.headers.authorization, publicKey);
      expect(claims.aud).toBe(push.url);
      expect(claims.sub).toMatch(/^mailto:/);
      expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
      expect(JSON.parse(decrypt(r.body, ua))).toEqual({
        title: "Hall",
        body: "The front door is open",
        tag: note.notification_id,
        url: "/rooms/hall",
        notification_id: note.notification_id,
        created_at: note.created_at,
      });
    }
    expect(t.hub.api.push.list().every((p) => p.last_success_at !== null && p.failures === 0)).toBe(true);

    // One phone only, by its service; the VAPID keys stay the same.
    await t.hub.api.services.call({ domain: "notify", service: "mobile_app_ben", data: { message: "Just Ben" }, userId: null });
    expect(push.received.map((r) => r.path)).toEqual(expect.arrayContaining(["/push/ben"]));
    expect(push.received).toHaveLength(3);
    expect(JSON.parse(decrypt(push.received[2]!.body, ben))).toMatchObject({ title: "Hearth", body: "Just Ben", url: "/notifications" });
    expect(t.hub.api.push.publicKey()).toBe(publicKey);
    // notify.persistent_notification is in-app only.
    await t.hub.api.services.call({ domain: "notify", service: "persistent_notification", data: { message: "Quiet" }, userId: null });
    expect(push.received).toHaveLength(3);
  });

  it("a 410 removes the subscription, other failures are counted, and the call still succeeds", async () => {
    const { t, push, logs } = await setup({ "/push/gone": 410, "/push/broken": 500 });
    t.hub.api.push.subscribe({ endpoint: `${push.url}/push/gone`, keys: phone().keys, name: "Old phone" }, "1");
    t.hub.api.push.subscribe({ endpoint: `${push.url}/push/broken`, keys: phone().keys, name: "Flaky phone" }, "1");
    t.hub.api.push.subscribe({ endpoint: `${push.url}/push/fine`, keys: phone().keys, name: "Good phone" }, "1");

    await expect(t.hub.api.services.call({ domain: "notify", service: "notify", data: { message: "Hello" }, userId: null })).resolves.toEqual([]);
    expect(t.hub.api.notifications.activeCount()).toBe(1);
    const phones = t.hub.api.push.list();
    expect(phones.map((p) => p.name).sort()).toEqual(["Flaky phone", "Good phone"]);
    expect(phones.find((p) => p.name === "Flaky phone")).toMatchObject({ failures: 1, last_error: "HTTP 500", last_success_at: null });
    expect(logs.some((l) => l.msg === "push refused" && l.status === 500)).toBe(true);
  });

  it("a push service that never answers does not hold the automation up", async () => {
    const { t, push } = await setup({ "/push/slow": "hang" });
    t.hub.api.push.subscribe({ endpoint: `${push.url}/push/slow`, keys: phone().keys, name: "Slow" }, "1");
    const started = Date.now();
    await t.hub.api.services.call({ domain: "notify", service: "notify", data: { message: "Hello" }, userId: null });
    const took = Date.now() - started;
    expect(took).toBeLessThan(4500);
    expect(t.hub.api.notifications.activeCount()).toBe(1);
    expect(push.received).toHaveLength(1);
  });

  it("refuses malformed subscriptions with clear errors", async () => {
    const { t } = await setup();
    const keys = phone().keys;
    const attempt = (input: { endpoint: string; keys: { p256dh: string; auth: string }; name: string }) => {
      try {
        t.hub.api.push.subscribe(input, "1");
        return "accepted";
      } catch (err) {
        return `${(err as { code: string }).code}: ${(err as Error).message}`;
      }
    };
    expect(attempt({ endpoint: "not a url", keys, name: "x" })).toBe("invalid_input: endpoint is not a URL");
    expect(attempt({ endpoint: "ftp://push.example/x", keys, name: "x" })).toBe("invalid_input: endpoint must be the push service's https URL");
    expect(attempt({ endpoint: "https://push.example/x", keys: { ...keys, p256dh: "AAAA" }, name: "x" })).toMatch(/^invalid_input: keys\.p256dh must be/);
    expect(attempt({ endpoint: "https://push.example/x", keys: { ...keys, auth: "short" }, name: "x" })).toMatch(/^invalid_input: keys\.auth must be/);
    expect(attempt({ endpoint: "https://push.example/x", keys, name: "  " })).toMatch(/^unprocessable: name must be 1 to 64/);
    expect(t.hub.api.push.list()).toEqual([]);
    // Removing: the owner or an admin only.
    const view = t.hub.api.push.subscribe({ endpoint: "https://push.example/mine", keys, name: "Mine" }, "1");
    expect(() => t.hub.api.push.unsubscribe({ id: view.id }, { userId: "2", isAdmin: false })).toThrow(/only its owner or an admin/);
    t.hub.api.push.unsubscribe({ endpoint: "https://push.example/mine" }, { userId: "1", isAdmin: false });
    expect(() => t.hub.api.push.unsubscribe({ id: view.id }, { userId: "1", isAdmin: true })).toThrow(/no such phone/);
  });
});
