import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { HA_PROTOCOL_VERSION } from "./protocol";
import { announcePlug, authed, device, openRaw, ownerToken, PLUG, until, wsUrl, type RawClient } from "./testing";

// The protocol on the wire, with the ws package against a running hub: auth, framing, errors, events.

let t: TestHub | undefined;
const sockets: RawClient[] = [];
const devices: MqttClient[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const s of sockets.splice(0)) s.ws.terminate();
  for (const d of devices.splice(0)) await d.endAsync();
  await t?.stop();
  t = undefined;
});

async function hub(logs?: Array<Record<string, unknown>>): Promise<TestHub> {
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, undefined, { logs });
  return t;
}

async function client(hubT: TestHub, token: string): Promise<RawClient> {
  const c = await authed(hubT, token);
  sockets.push(c);
  return c;
}

describe("auth phase", () => {
  it("asks for auth with an HA version, accepts a long-lived token and answers commands by id", async () => {
    const h = await hub();
    const { token } = await ownerToken(h);
    const c = await openRaw(wsUrl(h));
    sockets.push(c);
    expect(await c.message()).toEqual({ type: "auth_required", ha_version: HA_PROTOCOL_VERSION });
    c.send({ type: "auth", access_token: token });
    expect(await c.message()).toEqual({ type: "auth_ok", ha_version: HA_PROTOCOL_VERSION });
    c.send({ id: 1, type: "ping" });
    expect(await c.message()).toEqual({ id: 1, type: "pong" });
    c.send({ id: 2, type: "get_config" });
    expect(await c.message()).toMatchObject({ id: 2, type: "result", success: true, result: { location_name: "Home", time_zone: "UTC", version: "test" } });
    c.send({ id: 3, type: "auth/current_user" });
    expect(await c.message()).toMatchObject({ id: 3, success: true, result: { name: "Ada", is_owner: true, is_admin: true } });
  });

  it("refuses a bad token, and a first message that is not auth, and closes the socket", async () => {
    const h = await hub();
    for (const first of [{ type: "auth", access_token: "hth_forged" }, { id: 1, type: "ping" }, "not json"]) {
      const c = await openRaw(wsUrl(h));
      await c.message();
      c.send(first);
      expect(await c.message()).toMatchObject({ type: "auth_invalid", message: expect.any(String) as unknown });
      await c.closed;
    }
  });

  it("takes a short-lived WebSocket token until it expires; REST never takes it", async () => {
    const h = await hub();
    const { userId, token } = await ownerToken(h);
    const grant = h.hub.api.auth.websocketToken(h.hub.api.auth.authenticate({ bearerToken: token })!);
    expect(grant).toMatchObject({ token_type: "Bearer", expires_in: 1800 });
    expect(grant.access_token).toMatch(/^htw_/);
    expect(h.hub.api.auth.authenticate({ bearerToken: grant.access_token })).toBeUndefined();
    const c = await client(h, grant.access_token);
    c.send({ id: 1, type: "auth/current_user" });
    expect(await c.message()).toMatchObject({ id: 1, result: { id: String(userId), name: "Ada" } });

    // Only Date moves: the hub's clock reads it, the sockets' timers keep running.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 1801 * 1000);
    const late = await openRaw(wsUrl(h));
    sockets.push(late);
    await late.message();
    late.send({ type: "auth", access_token: grant.access_token });
    expect(await late.message()).toMatchObject({ type: "auth_invalid" });
    vi.useRealTimers();
  });

  it("logging out or revoking a token closes the sockets it opened, and its WebSocket tokens stop working", async () => {
    const h = await hub();
    const { api } = h.hub;
    const { userId } = await ownerToken(h);
    const phone = await api.auth.login("ada", "password-123", "phone");
    const laptop = await api.auth.login("ada", "password-123", "laptop");
    const grantFor = (sessionToken: string) => api.auth.websocketToken(api.auth.authenticate({ sessionToken })!);
    const phoneGrant = grantFor(phone.sessionToken);
    const onPhone = await client(h, phoneGrant.access_token);
    const onLaptop = await client(h, grantFor(laptop.sessionToken).access_token);
    const { token, info } = api.tokens.create(userId, "script");
    const script = await client(h, token);
    const alive = async (c: RawClient, id: number) => {
      c.send({ id, type: "ping" });
      expect(await c.message()).toEqual({ id, type: "pong" });
    };

    api.tokens.revoke(userId, info.id);
    expect(await script.closed).toBe(1008);
    await alive(onPhone, 1);
    await alive(onLaptop, 1);

    api.auth.logout(phone.sessionToken);
    expect(await onPhone.closed).toBe(1008);
    const again = await openRaw(wsUrl(h));
    sockets.push(again);
    await again.message();
    again.send({ type: "auth", access_token: phoneGrant.access_token });
    expect(await again.message()).toMatchObject({ type: "auth_invalid" });
    // The other session is untouched.
    await alive(onLaptop, 2);
  });

  it("answers an unknown upgrade path with 404", async () => {
    const h = await hub();
    const ws = new WebSocket(`ws://127.0.0.1:${h.httpPort}/somewhere`);
    const err = await new Promise<Error>((resolve) => ws.once("error", resolve));
    expect(err.message).toContain("404");
  });
});

describe("commands", () => {
  it("answers bad JSON, bad envelopes, reused ids and unknown commands with errors, and keeps going", async () => {
    const h = await hub();
    const c = await client(h, (await ownerToken(h)).token);
    c.send("not json");
    expect(await c.message()).toMatchObject({ id: null, success: false, error: { code: "invalid_format" } });
    c.send({ type: "ping" });
    expect(await c.message()).toMatchObject({ id: null, success: false, error: { code: "invalid_format" } });
    c.send({ id: "7", type: "ping" });
    expect(await c.message()).toMatchObject({ success: false, error: { code: "invalid_format" } });
    c.send({ id: 5, type: "ping" });
    expect(await c.message()).toEqual({ id: 5, type: "pong" });
    for (const id of [5, 4]) {
      c.send({ id, type: "ping" });
      expect(await c.message()).toMatchObject({ id, success: false, error: { code: "id_reuse" } });
    }
    c.send({ id: 6, type: "no_such_thing" });
    expect(await c.message()).toMatchObject({ id: 6, success: false, error: { code: "unknown_command", message: expect.stringContaining("no_such_thing") as unknown } });
    c.send({ id: 7, type: "unsubscribe_events" });
    expect(await c.message()).toMatchObject({ id: 7, success: false, error: { code: "invalid_format", message: expect.stringContaining("subscription") as unknown } });
    c.send({ id: 8, type: "ping" });
    expect(await c.message()).toEqual({ id: 8, type: "pong" });
  });

  it("sends one array frame per turn once coalesce_messages is on, and takes arrays of commands", async () => {
    const h = await hub();
    const c = await client(h, (await ownerToken(h)).token);
    c.send([{ id: 1, type: "ping" }, { id: 2, type: "ping" }]);
    expect(await c.next()).toEqual({ id: 1, type: "pong" });
    expect(await c.next()).toEqual({ id: 2, type: "pong" });
    c.send({ id: 3, type: "supported_features", features: { coalesce_messages: 1 } });
    expect(await c.next()).toEqual({ id: 3, type: "result", success: true, result: null });
    c.send([{ id: 4, type: "ping" }, { id: 5, type: "ping" }]);
    expect(await c.next()).toEqual([{ id: 4, type: "pong" }, { id: 5, type: "pong" }]);
  });

  it("closes a socket that sends a frame over 64 KiB with 1009", async () => {
    const h = await hub();
    const c = await client(h, (await ownerToken(h)).token);
    c.send({ id: 1, type: "ping", pad: "x".repeat(70 * 1024) });
    expect(await c.closed).toBe(1009);
  });

  it("gives HA's shapes for get_states, get_services and call_service errors", async () => {
    const h = await hub();
    const c = await client(h, (await ownerToken(h)).token);
    const dev = await device(h, "plug");
    devices.push(dev);
    await announcePlug(h, dev);
    c.send({ id: 1, type: "get_states" });
    const states = await c.message();
    expect(states).toMatchObject({ id: 1, success: true, result: [{ entity_id: PLUG.entityId, state: "off", context: { id: expect.any(String) as unknown } }] });
    c.send({ id: 2, type: "get_services" });
    const services = (await c.message()).result as Record<string, Record<string, unknown>>;
    expect(services.switch?.turn_on).toEqual({ name: "turn on", description: "", fields: {} });
    expect(services.mqtt?.publish).toBeDefined();
    c.send({ id: 3, type: "call_service", domain: "switch", service: "explode", target: { entity_id: PLUG.entityId } });
    expect(await c.message()).toMatchObject({ id: 3, success: false, error: { code: "not_found", message: "Service switch.explode not found." } });
    c.send({ id: 4, type: "call_service", service: "turn_on" });
    expect(await c.message()).toMatchObject({ id: 4, success: false, error: { code: "invalid_format", message: expect.stringContaining("domain") as unknown } });
    c.send({ id: 5, type: "call_service", domain: "switch", service: "turn_on", target: { entity_id: "switch.nope" } });
    expect(await c.message()).toMatchObject({ id: 5, success: false, error: { code: "not_found", message: expect.stringContaining("switch.nope") as unknown } });
    c.send({ id: 6, type: "call_service", domain: "switch", service: "turn_on" });
    expect(await c.message()).toMatchObject({ id: 6, success: false, error: { code: "invalid_format" } });
  });

  it("lets only admins subscribe to every event", async () => {
    const h = await hub();
    await ownerToken(h);
    const bob = await h.hub.accounts.addUser({ username: "bob", password: "password-456", role: "user" });
    const c = await client(h, h.hub.api.tokens.create(bob.id, "ws").token);
    c.send({ id: 1, type: "subscribe_events" });
    expect(await c.message()).toMatchObject({ id: 1, success: false, error: { code: "unauthorized" } });
    c.send({ id: 2, type: "subscribe_events", event_type: "state_changed" });
    expect(await c.message()).toMatchObject({ id: 2, success: true });
    c.send({ id: 3, type: "auth/current_user" });
    expect(await c.message()).toMatchObject({ id: 3, result: { is_admin: false, is_owner: false } });
  });
});

describe("events", () => {
  it("forwards state_changed in HA's shape and stops after unsubscribe_events", async () => {
    const h = await hub();
    const c = await client(h, (await ownerToken(h)).token);
    const dev = await device(h, "plug");
    devices.push(dev);
    await announcePlug(h, dev);
    c.send({ id: 1, type: "subscribe_events", event_type: "state_changed" });
    expect(await c.message()).toEqual({ id: 1, type: "result", success: true, result: null });
    await dev.publishAsync(PLUG.config.stat_t, "ON");
    const event = await c.message();
    expect(event).toMatchObject({
      id: 1,
      type: "event",
      event: {
        event_type: "state_changed",
        origin: "LOCAL",
        time_fired: expect.stringMatching(/\+00:00$/) as unknown,
        context: { id: expect.any(String) as unknown, parent_id: null, user_id: null },
        data: { entity_id: PLUG.entityId, old_state: { state: "off" }, new_state: { state: "on", entity_id: PLUG.entityId } },
      },
    });
    c.send({ id: 2, type: "unsubscribe_events", subscription: 1 });
    expect(await c.message()).toMatchObject({ id: 2, success: true });
    c.send({ id: 3, type: "unsubscribe_events", subscription: 1 });
    expect(await c.message()).toMatchObject({ id: 3, success: false, error: { code: "not_found" } });
    await dev.publishAsync(PLUG.config.stat_t, "OFF");
    await until(() => (h.hub.api.states.find(PLUG.entityId)?.state === "off" ? true : undefined), "plug off again");
    // Had the subscription survived, its event would be queued before this pong.
    c.send({ id: 4, type: "ping" });
    expect(await c.message()).toEqual({ id: 4, type: "pong" });
  });

  it("forwards registry updates as HA's *_registry_updated events", async () => {
    const h = await hub();
    const c = await client(h, (await ownerToken(h)).token);
    c.send({ id: 1, type: "subscribe_events" });
    expect(await c.message()).toMatchObject({ id: 1, success: true });
    const dev = await device(h, "plug");
    devices.push(dev);
    await dev.publishAsync(PLUG.configTopic, JSON.stringify(PLUG.config), { retain: true, qos: 1 });
    const seen = new Map<string, Record<string, unknown>>();
    while (!seen.has("device_registry_updated") || !seen.has("entity_registry_updated")) {
      const { event } = (await c.message()) as { event: { event_type: string; data: Record<string, unknown> } };
      seen.set(event.event_type, event.data);
    }
    expect(seen.get("device_registry_updated")).toEqual({ action: "create", device_id: h.hub.api.devices.list()[0]!.id });
    expect(seen.get("entity_registry_updated")).toEqual({ action: "create", entity_id: PLUG.entityId });
  });
});

describe("backpressure", () => {
  it("closes a client that stops reading, logs it once, and frees the socket", async () => {
    const logs: Array<Record<string, unknown>> = [];
    const h = await hub(logs);
    const c = await client(h, (await ownerToken(h)).token);
    const dev = await device(h, "plug");
    devices.push(dev);
    await announcePlug(h, dev);
    // A large attribute makes each get_states answer about 48 KiB.
    await dev.publishAsync(PLUG.config.json_attr_t, JSON.stringify({ blob: "x".repeat(48 * 1024) }));
    await until(() => (h.hub.api.states.find(PLUG.entityId)?.attributes.blob ? true : undefined), "the large attribute");
    c.ws.pause();
    let id = 0;
    const tooSlow = () => logs.filter((l) => String(l.msg).includes("not keeping up"));
    for (let round = 0; round < 100 && tooSlow().length === 0 && c.ws.readyState === WebSocket.OPEN; round++) {
      c.send(Array.from({ length: 50 }, () => ({ id: ++id, type: "get_states" })));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(tooSlow()).toHaveLength(1);
    c.ws.resume();
    expect([1006, 1008]).toContain(await c.closed);
    await until(() => (h.hub.live.socketCount === 0 ? true : undefined), "the server to drop the socket");
    expect(tooSlow()).toHaveLength(1);
  });
});
