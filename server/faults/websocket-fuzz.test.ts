import net from "node:net";
import fc from "fast-check";
import type { MqttClient } from "mqtt";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_INCOMING_BYTES } from "../live/protocol";
import { PLUG, announcePlug, authed, device, openRaw, ownerToken, until, wsUrl, type RawClient } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { fuzzSeed } from "../testing/fuzz-seed";

// Malformed traffic on the live WebSocket (/api/websocket, HA's protocol): every bad frame is answered with an
// error or the socket is closed, never a hang or a failed command; sockets next to it keep getting their events.

const RUNS = 100;
/** Above every id the fuzz hands out: the closing ping's. */
const MAX_FUZZ_ID = 1_000_000;
const KNOWN_TYPES = [
  "ping",
  "supported_features",
  "get_config",
  "get_states",
  "get_services",
  "auth/current_user",
  "subscribe_events",
  "subscribe_entities",
  "unsubscribe_events",
  "call_service",
  "logbook/get_events",
  "persistent_notification/subscribe",
  "recorder/get_statistics_metadata",
  "recorder/list_statistic_ids",
  "recorder/statistics_during_period",
];

let t: TestHub;
let token = "";
let plug: MqttClient;
const bystanders: RawClient[] = [];
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_LOG_LEVEL: "error" }, undefined, { logs });
  token = (await ownerToken(t)).token;
  plug = await device(t, "ws-fuzz-plug");
  await announcePlug(t, plug);
  for (let n = 0; n < 2; n++) {
    const c = await authed(t, token);
    c.send({ id: 1, type: "subscribe_events", event_type: "state_changed" });
    expect(await c.message()).toMatchObject({ id: 1, success: true });
    bystanders.push(c);
  }
});

afterAll(async () => {
  for (const c of bystanders) c.ws.terminate();
  plug?.end(true);
  await t?.stop();
});

// --- what a fuzz socket sends ---------------------------------------------------------------------------

/** A command's id: the next one up (most of the time, so commands reach their handlers), or one HA refuses. */
type IdKind = "next" | "same" | 0 | -1 | 1.5 | "text";
type Command = { id: IdKind; type: string; extra: Record<string, unknown> };
type Frame =
  | { kind: "commands"; commands: Command[]; array: boolean; cut: boolean }
  | { kind: "text"; data: string }
  | { kind: "binary"; data: Buffer };

const command: fc.Arbitrary<Command> = fc.record({
  id: fc.oneof({ weight: 8, arbitrary: fc.constant("next" as const) }, { weight: 1, arbitrary: fc.constantFrom<IdKind>("same", 0, -1, 1.5, "text") }),
  type: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...KNOWN_TYPES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
  extra: fc.dictionary(
    fc.constantFrom("domain", "service", "service_data", "target", "entity_ids", "event_type", "subscription", "features", "start_time", "end_time", "statistic_ids", "period", "entity_id", "return_response", "access_token", "__proto__", "constructor"),
    fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom("switch", "turn_on", "toggle", PLUG.entityId, [PLUG.entityId], "2020-01-01T00:00:00Z", "not a date", "hour", "*", { coalesce_messages: 1 })),
    { maxKeys: 6, size: "max" },
  ),
});

const frame: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ kind: fc.constant("commands" as const), commands: fc.array(command, { minLength: 1, maxLength: 4 }), array: fc.boolean(), cut: fc.nat(9).map((n) => n === 0) })
      .map((f) => ({ ...f, array: f.array || f.commands.length > 1 })),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: "text" as const, data: JSON.stringify(v) ?? "null" })) },
  // Not JSON at all: stray text, nothing.
  { weight: 2, arbitrary: fc.string({ maxLength: 200, size: "max" }).map((s) => ({ kind: "text" as const, data: s })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => ({ kind: "binary" as const, data: Buffer.from(a) })) },
);

/** The frame's bytes; `ids` hands out increasing command ids per socket. */
function frameData(f: Frame, ids: { last: number }): string | Buffer {
  if (f.kind !== "commands") return f.data;
  const list = f.commands.map(({ id, type, extra }) => {
    const value = id === "next" ? ++ids.last : id === "same" ? ids.last : id === "text" ? String(ids.last + 1) : id;
    return { ...extra, id: value, type };
  });
  const text = JSON.stringify(f.array ? list : list[0]);
  // A frame cut short is not JSON any more.
  return f.cut ? text.slice(0, -1) : text;
}

const fuzzCase = fc.record({
  /** Signs in first, or sends the frames in the auth phase (the first one must be refused with a close). */
  signIn: fc.boolean(),
  frames: fc.array(frame, { minLength: 1, maxLength: 8 }),
});

/** Every message to the end, then a ping: a pong (the connection still serves) or a close must follow. */
async function drainToPong(c: RawClient): Promise<{ messages: Array<Record<string, unknown>>; closed: boolean }> {
  const messages: Array<Record<string, unknown>> = [];
  const PING = MAX_FUZZ_ID + 1;
  if (c.ws.readyState === WebSocket.OPEN) c.send({ id: PING, type: "ping" });
  const closed = c.closed.then(() => "closed" as const);
  for (;;) {
    const next = await Promise.race([c.message(5000), closed]);
    if (next === "closed") return { messages, closed: true };
    messages.push(next);
    if (next.id === PING && next.type === "pong") return { messages, closed: false };
  }
}

/** The bystanders still get live events: the plug changes state and each one sees it. */
async function bystandersStillServed(): Promise<void> {
  const want = t.hub.api.states.find(PLUG.entityId)?.state === "on" ? "off" : "on";
  const state = want.toUpperCase();
  const seen = bystanders.map(async (c) => {
    for (;;) {
      const m = await c.message(5000);
      const data = (m.event as { data?: { entity_id?: string; new_state?: { state?: string } } } | undefined)?.data;
      if (data?.entity_id === PLUG.entityId && data.new_state?.state === want) return;
    }
  });
  await plug.publishAsync(PLUG.config.stat_t, state, { qos: 1 });
  await Promise.all(seen);
}

describe("live WebSocket fuzzing", () => {
  it("answers every malformed or hostile message with an error (or closes that socket); other sockets keep their events", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzCase, { minLength: 1, maxLength: 3 }), async (cases) => {
        round++;
        await Promise.all(
          cases.map(async ({ signIn, frames }) => {
            const c = signIn ? await authed(t, token) : await openRaw(wsUrl(t));
            if (!signIn) expect(await c.message()).toMatchObject({ type: "auth_required" });
            const ids = { last: 0 };
            const sent = frames.map((f) => frameData(f, ids));
            for (const data of sent) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(data, { binary: Buffer.isBuffer(data) });
            const { messages, closed } = await drainToPong(c);
            c.ws.terminate();
            if (!signIn) {
              // In the auth phase anything but a valid auth message is refused and the socket closed.
              expect(closed).toBe(true);
              expect(messages[0]).toMatchObject({ type: "auth_invalid" });
              return;
            }
            expect(closed, "a signed-in socket answers its garbage instead of being dropped").toBe(false);
            const errors = messages.filter((m) => m.type === "result" && m.success === false);
            // Unexpected exceptions in a command are unknown_error (and an error log line): a bug, never fuzz's due.
            expect(errors.filter((m) => (m.error as { code?: string }).code === "unknown_error")).toEqual([]);
            // Each frame that is not a JSON command got its own error answer.
            const notJson = sent.filter((data) => Buffer.isBuffer(data) || !isJson(data)).length;
            expect(errors.filter((m) => m.id === null).length).toBeGreaterThanOrEqual(notJson);
          }),
        );
        await bystandersStillServed();
      }),
      { numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: 45_000, seed: fuzzSeed() },
    );
    expect(round).toBeGreaterThanOrEqual(10);
    expect(logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  }, 90_000);

  it("closes a socket that sends a frame over the size limit or breaks the framing; the others are unaffected", async () => {
    // Too big: ws refuses it from the header alone (1009), before reading the body.
    const big = await authed(t, token);
    big.ws.send("x".repeat(MAX_INCOMING_BYTES + 1));
    expect(await big.closed).toBe(1009);

    // Broken framing on the wire, after a real upgrade.
    const frames: Array<[string, Buffer]> = [
      ["unmasked client frame", Buffer.from([0x81, 0x02, 0x68, 0x69])],
      ["reserved bits set", Buffer.from([0xf1, 0x82, 0, 0, 0, 0, 0x68, 0x69])],
      ["reserved opcode", Buffer.from([0x83, 0x82, 0, 0, 0, 0, 0x68, 0x69])],
      ["fragmented ping", Buffer.from([0x09, 0x80, 0, 0, 0, 0])],
      ["invalid UTF-8 text", Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28])],
      ["declared length 2^63", Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
      ["random bytes", Buffer.from("e3a7ff00c1deadbeef", "hex")],
    ];
    for (const [what, bytes] of frames) {
      const socket = await rawUpgrade(t.httpPort);
      socket.write(bytes);
      const closed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 3000);
        socket.once("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      socket.destroy();
      expect(closed, what).toBe(true);
    }
    await bystandersStillServed();
    await until(() => (t.hub.live.socketCount === bystanders.length ? true : undefined), "only the bystanders' sockets left");
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A raw TCP socket past the WebSocket handshake (and its auth_required frame). */
function rawUpgrade(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(
        "GET /api/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      if (!head.startsWith("HTTP/1.1 101")) reject(new Error(`no upgrade: ${head.split("\r\n")[0]}`));
      else resolve(socket);
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}
