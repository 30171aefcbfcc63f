import mqtt, { type MqttClient } from "mqtt";
import WebSocket from "ws";
import { eventually } from "../testing/corpus-replay";
import type { TestHub } from "../testing/test-hub";

// Helpers for the WebSocket API tests: a raw protocol client, an owner with a token, a fake device.

export type Frame = Record<string, unknown> | Array<Record<string, unknown>>;

export interface RawClient {
  ws: WebSocket;
  /** The next frame as parsed JSON (an array when the server coalesced messages); fails after `ms`. */
  next(ms?: number): Promise<Frame>;
  /** The next single message (frames that are arrays are flattened). */
  message(ms?: number): Promise<Record<string, unknown>>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  send(message: unknown): void;
}

/** Opens a socket (with extra request headers, if given) and queues every frame it receives. */
export function openRaw(url: string, headers?: Record<string, string>): Promise<RawClient> {
  const ws = new WebSocket(url, headers ? { headers } : undefined);
  const frames: Frame[] = [];
  const flat: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (data: Buffer) => {
    frames.push(JSON.parse(data.toString("utf8")) as Frame);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const wait = (ms: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  const next = async (ms = 5000): Promise<Frame> => {
    if (frames.length === 0) await wait(ms, "frame");
    if (frames.length === 0) return next(ms);
    return frames.shift()!;
  };
  const message = async (ms = 5000): Promise<Record<string, unknown>> => {
    while (flat.length === 0) {
      const frame = await next(ms);
      flat.push(...(Array.isArray(frame) ? frame : [frame]));
    }
    return flat.shift()!;
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, next, message, closed, send: (m) => ws.send(typeof m === "string" ? m : JSON.stringify(m)) }));
    ws.once("error", reject);
  });
}

export const wsUrl = (t: TestHub) => `ws://127.0.0.1:${t.httpPort}/api/websocket`;

/** A socket past the auth phase. */
export async function authed(t: TestHub, token: string): Promise<RawClient> {
  const c = await openRaw(wsUrl(t));
  const required = await c.message();
  if (required.type !== "auth_required") throw new Error(`expected auth_required, got ${JSON.stringify(required)}`);
  c.send({ type: "auth", access_token: token });
  const ok = await c.message();
  if (ok.type !== "auth_ok") throw new Error(`expected auth_ok, got ${JSON.stringify(ok)}`);
  return c;
}

/** Onboards the owner (Ada) and returns a long-lived token. */
export async function ownerToken(t: TestHub): Promise<{ token: string; userId: number }> {
  const { user } = await t.hub.api.auth.onboard(
    { name: "Ada", username: "ada", password: "password-123", locationName: "Home", timeZone: "UTC", unitSystem: "metric" },
    null,
  );
  return { token: t.hub.api.tokens.create(user.id, "ws").token, userId: user.id };
}

export function device(t: TestHub, name: string): Promise<MqttClient> {
  return mqtt.connectAsync(t.mqttUrl, { clientId: `${name}-${Date.now()}`, reconnectPeriod: 0 });
}

/** Waits until `read` returns a value (bounded), polling. */
export async function until<T>(read: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  let value: T | undefined;
  const left = await eventually(() => {
    value = read();
    return Promise.resolve(value === undefined ? [what] : []);
  }, timeoutMs);
  if (left.length > 0) throw new Error(`timed out waiting for ${what}`);
  return value!;
}

/** A plug: a switch with a state, a command topic and JSON attributes. */
export const PLUG = {
  configTopic: "homeassistant/switch/plug1/config",
  config: {
    name: null,
    uniq_id: "plug1",
    stat_t: "plug1/state",
    cmd_t: "plug1/set",
    json_attr_t: "plug1/attrs",
    dev: { ids: ["plug1"], name: "Plug" },
  },
  entityId: "switch.plug",
};

/** Announces the plug, waits for its entity and gives it a first state. */
export async function announcePlug(t: TestHub, dev: MqttClient): Promise<void> {
  await dev.publishAsync(PLUG.configTopic, JSON.stringify(PLUG.config), { retain: true, qos: 1 });
  await until(() => t.hub.api.states.find(PLUG.entityId), "the plug entity");
  await dev.publishAsync(PLUG.config.stat_t, "OFF", { retain: true, qos: 1 });
  await until(() => (t.hub.api.states.find(PLUG.entityId)?.state === "off" ? true : undefined), "plug off");
}
