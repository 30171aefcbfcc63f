// Where a request comes from, end to end through the custom server: which proxies' X-Forwarded-For is believed
// (HEARTH_TRUSTED_PROXIES) and which ranges are home (HEARTH_HOME_NETWORKS), seen by a home-network-only admin's
// token on the WebSocket API and the MQTT explorer stream.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { openRaw, wsUrl, type RawClient } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";

const hubs: TestHub[] = [];
const sockets: RawClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const h of hubs.splice(0)) await h.stop().catch(() => undefined);
});

/** A hub with an owner and a home-network-only admin; answers that admin's API token. */
async function hubWithLocalPerson(env: Record<string, string> = {}): Promise<{ t: TestHub; token: string }> {
  const t = await startTestHub(env);
  hubs.push(t);
  const api = t.hub.api;
  const { user: owner } = await api.auth.onboard({ name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" }, null);
  const lan = await api.people.add(owner, { username: "lan", password: "lan password 1", role: "admin", localOnly: true });
  return { t, token: api.tokens.create(lan.id, "tablet").token };
}

/** What the WebSocket API answers the token's auth message with, for a connection carrying these headers. */
async function wsAuth(t: TestHub, token: string, headers: Record<string, string> = {}): Promise<unknown> {
  const c = await openRaw(wsUrl(t), headers);
  sockets.push(c);
  expect(await c.message()).toMatchObject({ type: "auth_required" });
  c.send({ type: "auth", access_token: token });
  return (await c.message()).type;
}

/** The explorer stream's status for the token (a route the hub serves itself, before Next). */
function explorerStatus(t: TestHub, token: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: t.httpPort, path: "/api/mqtt/stream", headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
      res.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("no answer")));
  });
}

describe("client address and home network", () => {
  it("by default believes a proxy on this machine, the last hop it names, and nothing a client stamps itself", async () => {
    const { t, token } = await hubWithLocalPerson();
    expect(await wsAuth(t, token)).toBe("auth_ok");
    expect(await wsAuth(t, token, { "X-Forwarded-For": "192.168.1.23" })).toBe("auth_ok");
    expect(await wsAuth(t, token, { "X-Forwarded-For": "203.0.113.7" })).toBe("auth_invalid");
    expect(await wsAuth(t, token, { "X-Forwarded-For": "192.168.1.23, 203.0.113.7" })).toBe("auth_invalid");
    expect(await wsAuth(t, token, { "X-Forwarded-For": "203.0.113.7", "X-Hearth-Client-Address": "192.168.1.23" })).toBe("auth_invalid");
    expect(await explorerStatus(t, token, { "X-Forwarded-For": "203.0.113.7" })).toBe(401);
    expect(await explorerStatus(t, token, { "X-Forwarded-For": "192.168.1.23" })).toBe(200);
  });

  it("HEARTH_TRUSTED_PROXIES=none and home networks without loopback: a tunnel on this machine is not home", async () => {
    const { t, token } = await hubWithLocalPerson({ HEARTH_TRUSTED_PROXIES: "none", HEARTH_HOME_NETWORKS: "192.168.0.0/16" });
    expect(await wsAuth(t, token)).toBe("auth_invalid");
    // The header is not believed from anyone now, so it cannot make the tunnel look like the LAN.
    expect(await wsAuth(t, token, { "X-Forwarded-For": "192.168.1.23" })).toBe("auth_invalid");
    expect(await explorerStatus(t, token, { "X-Forwarded-For": "192.168.1.23" })).toBe(401);
    expect(t.hub.api.auth.isHomeNetwork("192.168.4.4")).toBe(true);
    expect(t.hub.api.auth.isHomeNetwork("10.0.0.4")).toBe(false);
  });

  it("a named proxy forwards a LAN range of the household's choosing", async () => {
    const { t, token } = await hubWithLocalPerson({ HEARTH_TRUSTED_PROXIES: "127.0.0.1", HEARTH_HOME_NETWORKS: "10.20.0.0/16" });
    expect(await wsAuth(t, token, { "X-Forwarded-For": "10.20.3.4" })).toBe("auth_ok");
    expect(await wsAuth(t, token, { "X-Forwarded-For": "192.168.1.23" })).toBe("auth_invalid");
    expect(await wsAuth(t, token)).toBe("auth_invalid");
  });
});
