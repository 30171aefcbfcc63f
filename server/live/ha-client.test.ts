import type http from "node:http";
import {
  callService,
  createConnection,
  createLongLivedTokenAuth,
  ERR_INVALID_AUTH,
  getConfig,
  getServices,
  getStates,
  subscribeEntities,
  type Connection,
  type HassEntities,
  type HassEvent,
} from "home-assistant-js-websocket";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createHttpServer } from "../http/http-server";
import { listenOrThrow } from "../net/listen";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { announcePlug, device, ownerToken, PLUG, until } from "./testing";

// The unmodified home-assistant-js-websocket client against a running hub. Node 20 has no global
// WebSocket; the client finds the ws package's one there (it uses only the browser API).

const slot = globalThis as { WebSocket?: unknown };
const hadWebSocket = "WebSocket" in slot;
const previous = slot.WebSocket;
beforeAll(() => {
  slot.WebSocket = WebSocket;
});
afterAll(() => {
  if (hadWebSocket) slot.WebSocket = previous;
  else delete slot.WebSocket;
});

const hubs: TestHub[] = [];
const fronts: http.Server[] = [];
const conns: Connection[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const c of clients.splice(0)) await c.endAsync();
  // As server/main.ts: stop accepting, stop the hub (it closes the WebSockets), then wait for the listener.
  const closing = fronts.splice(0).map(closeFront);
  for (const h of hubs.splice(0)) await h.stop();
  await Promise.all(closing);
});

async function hub(dataDir?: string): Promise<TestHub> {
  const h = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" }, dataDir);
  hubs.push(h);
  return h;
}

async function connect(port: number, token: string): Promise<Connection> {
  const conn = await createConnection({ auth: createLongLivedTokenAuth(`http://127.0.0.1:${port}`, token) });
  conns.push(conn);
  return conn;
}

/** Resolves with the entities once `ready` holds for them (bounded). */
function entitiesWhen(conn: Connection, ready: (e: HassEntities) => boolean, what: string, ms = 5000): Promise<HassEntities> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => {
      unsubscribe?.();
      reject(new Error(`entities never showed ${what}`));
    }, ms);
    unsubscribe = subscribeEntities(conn, (entities) => {
      if (!ready(entities)) return;
      clearTimeout(timer);
      // Unsubscribe after this callback returns: the collection is still delivering.
      setTimeout(() => unsubscribe?.(), 0);
      resolve(entities);
    });
  });
}

/** An HTTP listener on a chosen port in front of a hub, as server/main.ts builds it (without Next). */
async function front(h: TestHub, port: number): Promise<http.Server> {
  const server = createHttpServer({
    log: h.hub.api.logger,
    handleRequest: (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
    upgrades: h.hub.upgrades(),
    rejectUnclaimedUpgrades: true,
    network: h.hub.network,
  });
  await listenOrThrow(server, port, "127.0.0.1", "HTTP");
  fronts.push(server);
  return server;
}

/** Stops accepting at once; resolves when every connection, upgraded ones included, has ended. */
function closeFront(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

describe("home-assistant-js-websocket against the hub", () => {
  it("logs in with a long-lived token, gets states, services and config, sees MQTT states live", async () => {
    const h = await hub();
    const { token } = await ownerToken(h);
    const dev = await device(h, "plug");
    clients.push(dev);
    await announcePlug(h, dev);
    const conn = await connect(h.httpPort, token);

    const states = await getStates(conn);
    expect(states.find((s) => s.entity_id === PLUG.entityId)).toMatchObject({ state: "off" });
    const services = await getServices(conn);
    expect(Object.keys(services.switch ?? {})).toEqual(expect.arrayContaining(["turn_on", "turn_off", "toggle"]));
    const config = await getConfig(conn);
    expect(config).toMatchObject({ location_name: "Home", time_zone: "UTC", state: "RUNNING" });

    const snapshot = await entitiesWhen(conn, (e) => e[PLUG.entityId]?.state === "off", "the plug off");
    const hubState = h.hub.api.states.find(PLUG.entityId)!;
    // The compressed snapshot expands to exactly what get_states sends (last_reported aside).
    const { last_reported: _lastReported, ...expected } = hubState;
    expect(snapshot[PLUG.entityId]).toEqual({ ...expected, last_changed: new Date(hubState.last_changed).toISOString(), last_updated: new Date(hubState.last_updated).toISOString() });

    await dev.publishAsync(PLUG.config.stat_t, "ON");
    const on = await entitiesWhen(conn, (e) => e[PLUG.entityId]?.state === "on", "the plug on");
    expect(on[PLUG.entityId]!.last_changed).toBe(new Date(h.hub.api.states.find(PLUG.entityId)!.last_changed).toISOString());
    await dev.publishAsync(PLUG.config.json_attr_t, JSON.stringify({ power: 7 }));
    await entitiesWhen(conn, (e) => e[PLUG.entityId]?.attributes.power === 7, "the power attribute");
  });

  it("calls a service: the device receives the command, the result carries the caller's context", async () => {
    const h = await hub();
    const { token, userId } = await ownerToken(h);
    const dev = await device(h, "plug");
    clients.push(dev);
    await announcePlug(h, dev);
    const commands: string[] = [];
    await dev.subscribeAsync(PLUG.config.cmd_t);
    dev.on("message", (topic, payload) => {
      if (topic === PLUG.config.cmd_t) commands.push(payload.toString());
    });
    const conn = await connect(h.httpPort, token);
    const result = (await callService(conn, "switch", "turn_on", undefined, { entity_id: PLUG.entityId })) as { context: Record<string, unknown>; response: unknown };
    expect(result).toEqual({ context: { id: expect.stringMatching(/^[0-9A-Z]{26}$/) as unknown, parent_id: null, user_id: String(userId) }, response: null });
    await until(() => (commands.length > 0 ? true : undefined), "the command on plug1/set");
    expect(commands).toEqual(["ON"]);
    await expect(callService(conn, "switch", "explode", undefined, { entity_id: PLUG.entityId })).rejects.toMatchObject({ code: "not_found" });
  });

  it("sees state_changed events and stops seeing them after unsubscribing", async () => {
    const h = await hub();
    const { token } = await ownerToken(h);
    const dev = await device(h, "plug");
    clients.push(dev);
    await announcePlug(h, dev);
    const conn = await connect(h.httpPort, token);
    const events: HassEvent[] = [];
    const unsubscribe = await conn.subscribeEvents<HassEvent>((e) => events.push(e), "state_changed");
    await dev.publishAsync(PLUG.config.stat_t, "ON");
    await until(() => (events.length > 0 ? true : undefined), "a state_changed event");
    expect(events[0]).toMatchObject({ event_type: "state_changed", origin: "LOCAL", data: { entity_id: PLUG.entityId, new_state: { state: "on" }, old_state: { state: "off" } } });
    await unsubscribe();
    await dev.publishAsync(PLUG.config.stat_t, "OFF");
    await until(() => (h.hub.api.states.find(PLUG.entityId)?.state === "off" ? true : undefined), "plug off");
    await conn.ping();
    expect(events).toHaveLength(1);
  });

  it("rejects a bad token with ERR_INVALID_AUTH", async () => {
    const h = await hub();
    await expect(createConnection({ auth: createLongLivedTokenAuth(`http://127.0.0.1:${h.httpPort}`, "hth_nope") })).rejects.toBe(ERR_INVALID_AUTH);
  });

  it("reconnects on its own after the hub restarts on the same port and resyncs its entities", async () => {
    const first = await hub();
    const { token } = await ownerToken(first);
    const dev = await device(first, "plug");
    await announcePlug(first, dev);
    await dev.endAsync();
    const server = await front(first, 0);
    const port = (server.address() as { port: number }).port;
    const conn = await connect(port, token);
    let disconnected = 0;
    let ready = 0;
    conn.addEventListener("disconnected", () => disconnected++);
    conn.addEventListener("ready", () => ready++);
    // One subscription for the whole test, as the UI keeps it.
    let latest: HassEntities = {};
    const unsubscribe = subscribeEntities(conn, (entities) => (latest = entities));
    const plug = () => latest[PLUG.entityId];
    const before = await until(() => (plug()?.state === "off" ? plug() : undefined), "the plug before the restart");

    // Stop everything that listens, as a process restart would, then start again on the same data dir and port.
    fronts.splice(fronts.indexOf(server), 1);
    const closed = closeFront(server);
    hubs.splice(hubs.indexOf(first), 1);
    await first.stop();
    await closed;
    await until(() => (disconnected > 0 ? true : undefined), "the client to notice");
    const second = await hub(first.dataDir);
    await front(second, port);
    await until(() => (ready > 0 ? true : undefined), "the client to reconnect", 15_000);

    // The new hub restored the plug with new timestamps: the client's copy follows from the new snapshot.
    const current = () => second.hub.api.states.find(PLUG.entityId);
    const resynced = await until(() => {
      const now = current();
      return now && plug()?.last_changed === new Date(now.last_changed).toISOString() && plug()?.context.id === now.context.id ? plug() : undefined;
    }, "the resynced plug");
    expect(resynced.last_changed).not.toBe(before.last_changed);
    expect(resynced.state).toBe(current()!.state);
    const again = await device(second, "plug-again");
    clients.push(again);
    await again.publishAsync(PLUG.config.stat_t, "ON", { retain: true });
    await until(() => (plug()?.state === "on" ? true : undefined), "a live change after the resync");
    unsubscribe();
  });
});
