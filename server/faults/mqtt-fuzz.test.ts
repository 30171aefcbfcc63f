import net from "node:net";
import fc from "fast-check";
import mqtt, { type MqttClient } from "mqtt";
import { generate, type Packet } from "mqtt-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { fuzzSeed } from "../testing/fuzz-seed";

// Random and mutated MQTT packets from raw TCP sockets against the real broker thread, in bounded batches. After
// every batch a well-behaved MQTT.js client still round-trips a message and records a sensor state; at the end
// every one of those states is in history. A failure prints fast-check's seed: FUZZ_SEED=<seed> replays it.

const RUNS = 60;
const SESSIONS_PER_RUN = 5;
/** How long a fuzz socket may stay open waiting for the broker to close it (an incomplete packet never will). */
const SOCKET_MS = 80;
const SENSOR = "sensor.fuzz_probe";

let t: TestHub;
let good: MqttClient;
let goodDrops = 0;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  // Refused packets are warnings (one per fuzz socket); errors and worse are what this test looks for.
  t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100", HEARTH_LOG_LEVEL: "error" }, undefined, { logs });
  good = await mqtt.connectAsync(t.mqttUrl, { clientId: "fuzz-good", reconnectPeriod: 0 });
  good.on("close", () => goodDrops++);
  const config = { name: "Probe", uniq_id: "fuzz_probe", stat_t: "fuzz-good/probe", dev: { ids: ["fuzz-dev"], name: "Fuzz" } };
  await good.publishAsync("homeassistant/sensor/fuzz/probe/config", JSON.stringify(config), { retain: true, qos: 1 });
  await until(() => t.hub.api.states.find(SENSOR), "the probe entity");
  await good.subscribeAsync("fuzz-good/echo", { qos: 1 });

});

afterAll(async () => {
  good?.end(true);
  // After a broker-thread crash the hub's stop waits on requests the dead thread never answers: do not let a
  // failed run also time out here.
  await Promise.race([t?.stop(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
});

// --- packets --------------------------------------------------------------------------------------------

// fast-check keeps generated lengths small by default; "max" spreads them over the whole range.
const bytes = (max: number) => fc.uint8Array({ maxLength: max, size: "max" }).map((a) => Buffer.from(a));
const topic = fc.oneof(
  fc.constantFrom("fz/a", "fz/+/b", "fz/#", "fz/a/b/c", "$SYS/fz", "fz/\u0000", ""),
  fc.string({ maxLength: 40, size: "max" }).map((s) => `fz/${s}`),
);
const qos = fc.constantFrom(0 as const, 1 as const, 2 as const);
const userProperties = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 });

const connectPacket = fc.record({
  cmd: fc.constant("connect" as const),
  protocolVersion: fc.constantFrom(3 as const, 4 as const, 5 as const),
  clientId: fc.string({ maxLength: 30 }).map((s) => `fz-${s}`),
  clean: fc.boolean(),
  keepalive: fc.integer({ min: 0, max: 65_535 }),
  username: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }),
  password: fc.option(bytes(16), { nil: undefined }),
  will: fc.option(fc.record({ topic, payload: bytes(64), qos, retain: fc.boolean() }), { nil: undefined }),
  properties: fc.option(
    fc.record(
      {
        sessionExpiryInterval: fc.nat(),
        receiveMaximum: fc.integer({ min: 0, max: 65_535 }),
        maximumPacketSize: fc.nat(),
        topicAliasMaximum: fc.integer({ min: 0, max: 65_535 }),
        requestProblemInformation: fc.boolean(),
        userProperties,
        authenticationMethod: fc.string({ maxLength: 8 }),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
});

const publishPacket = fc.record({
  cmd: fc.constant("publish" as const),
  topic,
  payload: bytes(512),
  qos,
  retain: fc.boolean(),
  dup: fc.boolean(),
  messageId: fc.integer({ min: 0, max: 65_535 }),
  properties: fc.option(
    fc.record(
      {
        payloadFormatIndicator: fc.boolean(),
        messageExpiryInterval: fc.nat(),
        topicAlias: fc.integer({ min: 0, max: 65_535 }),
        responseTopic: fc.string({ maxLength: 12 }),
        correlationData: bytes(8),
        userProperties,
        contentType: fc.string({ maxLength: 12 }),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
});

const subscribePacket = fc.record({
  cmd: fc.constant("subscribe" as const),
  messageId: fc.integer({ min: 0, max: 65_535 }),
  subscriptions: fc.array(fc.record({ topic, qos, nl: fc.boolean(), rap: fc.boolean(), rh: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 4 }),
  properties: fc.option(fc.record({ subscriptionIdentifier: fc.integer({ min: 1, max: 268_435_455 }), userProperties }, { requiredKeys: [] }), { nil: undefined }),
});

const otherPacket = fc.oneof(
  fc.record({ cmd: fc.constant("unsubscribe" as const), messageId: fc.integer({ min: 0, max: 65_535 }), unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 3 }) }),
  fc.record({ cmd: fc.constantFrom("puback" as const, "pubrec" as const, "pubrel" as const, "pubcomp" as const), messageId: fc.integer({ min: 0, max: 65_535 }) }),
  fc.record({ cmd: fc.constantFrom("pingreq" as const, "disconnect" as const) }),
  fc.record({ cmd: fc.constant("auth" as const), reasonCode: fc.constantFrom(0, 0x18, 0x19), properties: fc.record({ authenticationMethod: fc.string({ maxLength: 8 }), authenticationData: bytes(16) }) }),
);

const anyPacket = fc.oneof({ arbitrary: publishPacket, weight: 3 }, { arbitrary: subscribePacket, weight: 2 }, { arbitrary: connectPacket, weight: 1 }, { arbitrary: otherPacket, weight: 1 });

/** mqtt-packet refuses some combinations (a v3 AUTH); those become random bytes, which is fuzz too. */
function encode(packet: Packet, protocolVersion: number, fallback: Buffer): Buffer {
  try {
    return generate(packet, { protocolVersion });
  } catch {
    return fallback;
  }
}

// --- mutations ------------------------------------------------------------------------------------------

/** Where the fixed header ends: one type byte and a variable-length remaining length of 1-4 bytes. */
function headerEnd(b: Buffer): number {
  let i = 1;
  while (i < b.length && i < 4 && (b[i]! & 0x80) !== 0) i++;
  return Math.min(i + 1, b.length);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

type Mutation = { name: string; apply: (b: Buffer) => Buffer };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Unchanged packets keep a session going, so the mutated ones behind them reach the broker's handlers.
  { arbitrary: fc.constant({ name: "none", apply: (b: Buffer) => b }), weight: 12 },
  {
    weight: 3,
    arbitrary: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => ({
      name: `bitflip ${JSON.stringify(flips)}`,
      apply: (b: Buffer) => {
        const out = Buffer.from(b);
        for (const [at, bit] of flips) if (out.length > 0) out[at % out.length]! ^= 1 << bit;
        return out;
      },
    })),
  },
  { weight: 2, arbitrary: fc.nat().map((n) => ({ name: `truncate ${n}`, apply: (b: Buffer) => b.subarray(0, n % (b.length + 1)) })) },
  {
    weight: 2,
    arbitrary: bytes(5).map((len) => ({ name: `remaining length ${len.toString("hex")}`, apply: (b: Buffer) => Buffer.concat([b.subarray(0, 1), len, b.subarray(headerEnd(b))]) })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1 << 16, max: 268_435_455 }).map((n) => ({ name: `declared length ${n}`, apply: (b: Buffer) => Buffer.concat([b.subarray(0, 1), varint(n), b.subarray(headerEnd(b))]) })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), bytes(16)).map(([at, junk]) => ({
      name: `overwrite @${at} ${junk.toString("hex")}`,
      apply: (b: Buffer) => {
        const out = Buffer.from(b);
        junk.copy(out, b.length > 0 ? at % b.length : 0);
        return out;
      },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), bytes(32)).map(([at, junk]) => ({
      name: `insert @${at} ${junk.toString("hex")}`,
      apply: (b: Buffer) => {
        const cut = at % (b.length + 1);
        return Buffer.concat([b.subarray(0, cut), junk, b.subarray(cut)]);
      },
    })),
  },
  {
    // CONNECT's protocol level byte (after "\0\4MQTT"): levels the broker must refuse, not crash on.
    weight: 1,
    arbitrary: fc.constantFrom(0, 1, 2, 6, 7, 0x83, 0xff).map((level) => ({
      name: `protocol level ${level}`,
      apply: (b: Buffer) => {
        const at = headerEnd(b) + 6;
        if (b[0]! >> 4 !== 1 || at >= b.length) return b;
        const out = Buffer.from(b);
        out[at] = level;
        return out;
      },
    })),
  },
  {
    // MQTT 5 properties: a v5 CONNECT's property block (after level, flags, keep-alive) replaced by garbage,
    // including lengths that overrun and property identifiers that do not exist.
    weight: 2,
    arbitrary: bytes(24).map((junk) => ({
      name: `v5 properties ${junk.toString("hex")}`,
      apply: (b: Buffer) => {
        const at = headerEnd(b) + 10;
        if (b[0]! >> 4 !== 1 || at >= b.length) return Buffer.concat([b, junk]);
        return Buffer.concat([b.subarray(0, at), junk, b.subarray(at + Math.min(junk.length, b.length - at))]);
      },
    })),
  },
);

interface Session {
  /**
   * A valid CONNECT first (so later packets reach the handlers behind it), or none at all. aedes speaks MQTT 3.1
   * and 3.1.1 and refuses 5 (CONNACK 1), so a v5 session exercises the parser's property decoding only.
   */
  hello: 0 | 3 | 4 | 5;
  packets: Array<{ packet: Packet; mutation: Mutation; fallback: Buffer }>;
  raw: Buffer | undefined;
  /** The bytes are written in pieces cut at these offsets (the parser sees partial packets). */
  cuts: number[];
}

const session: fc.Arbitrary<Session> = fc
  .record({
    hello: fc.constantFrom(0 as const, 3 as const, 4 as const, 4 as const, 5 as const),
    packets: fc.array(fc.record({ packet: anyPacket, mutation, fallback: bytes(64) }), { minLength: 1, maxLength: 4 }),
    raw: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bytes(300) }),
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
  })
  // A counterexample prints as the bytes sent, not as generator objects.
  .map((s) => Object.assign(s, { [fc.toStringMethod]: () => describeSession(s) }));

function describeSession(s: Session): string {
  const { hello, rest } = sessionBytes(s, 0);
  const what = s.packets.map((p) => `${p.packet.cmd}/${p.mutation.name}`).join(", ");
  return `{connect v${s.hello || "-"}: ${hello?.toString("hex") ?? "none"}; then [${what}]${s.raw ? " + raw" : ""}: ${rest.toString("hex")}; cuts ${JSON.stringify(s.cuts)}}`;
}

function sessionBytes(s: Session, n: number): { hello: Buffer | undefined; rest: Buffer } {
  const version = s.hello === 0 ? 4 : s.hello;
  const hello = s.hello === 0 ? undefined : generate({ cmd: "connect", protocolVersion: s.hello, protocolId: s.hello === 3 ? "MQIsdp" : "MQTT", clientId: `fz-ok-${n}`, clean: true, keepalive: 30 });
  const parts = s.packets.map((p) => p.mutation.apply(encode(p.packet, version, p.fallback)));
  if (s.raw) parts.push(s.raw);
  return { hello, rest: Buffer.concat(parts) };
}

/**
 * Plays one session on its own socket: the CONNECT (then waits for the CONNACK, as a client does), the rest in
 * pieces. Resolves once the broker closed the socket or SOCKET_MS passed after the last write (then it is cut).
 */
function play(port: number, { hello, rest }: { hello: Buffer | undefined; rest: Buffer }, cuts: number[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let timer = setTimeout(() => done(), 5000);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const writeRest = () => {
      const offsets = [...new Set(cuts.map((c) => c % (rest.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      for (const at of [...offsets, rest.length]) {
        if (at > from) socket.write(rest.subarray(from, at));
        from = at;
      }
      clearTimeout(timer);
      timer = setTimeout(done, SOCKET_MS);
    };
    socket.on("error", () => undefined);
    socket.on("close", done);
    socket.on("connect", () => {
      if (!hello) return writeRest();
      socket.write(hello);
      socket.once("data", writeRest);
    });
  });
}

// --- the property ---------------------------------------------------------------------------------------

describe("MQTT fuzzing against the embedded broker", () => {
  it("survives random and mutated packets; a well-behaved client keeps round-tripping and every state it sent is recorded", async () => {
    const sent: string[] = [];
    let round = 0;
    const since = Date.now() - 1000;
    const seed = fuzzSeed();

    await fc.assert(
      fc.asyncProperty(fc.array(session, { minLength: 1, maxLength: SESSIONS_PER_RUN }), async (sessions) => {
        round++;
        await Promise.all(sessions.map((s, i) => play(t.mqttPort, sessionBytes(s, round * 10 + i), s.cuts)));

        // The broker thread is alive and the good client's connection was never dropped.
        expect(t.broker.stats().connected).toBe(true);
        expect(goodDrops).toBe(0);
        // It still gets its own messages (QoS 1, through the broker and back)...
        const echo = `echo-${round}`;
        const got = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${echo} did not come back in 5 s`)), 5000);
          const onMessage = (tp: string, payload: Buffer) => {
            if (tp !== "fuzz-good/echo" || payload.toString() !== echo) return;
            clearTimeout(timer);
            good.off("message", onMessage);
            resolve();
          };
          good.on("message", onMessage);
        });
        await good.publishAsync("fuzz-good/echo", echo, { qos: 1 });
        await got;
        // ...and its sensor's states reach the hub (each one a new value, so each one is a recorded change).
        const value = String(round + 0.5);
        sent.push(value);
        await good.publishAsync("fuzz-good/probe", value, { qos: 1 });
      }),
      { numRuns: RUNS, seed, endOnFailure: true, interruptAfterTimeLimit: 60_000 },
    );

    await until(() => (t.hub.api.states.find(SENSOR)?.state === sent.at(-1) ? true : undefined), "the last probe state");
    await t.hub.recorder.flush();
    const [history = []] = t.hub.api.history.period({
      start: new Date(since).toISOString(),
      end_time: new Date(Date.now() + 60_000).toISOString(),
      filter_entity_id: SENSOR,
      significant_changes_only: "0",
      skip_initial_state: true,
    });
    const recorded = new Set(history.map((s) => s.state));
    expect(sent.filter((v) => !recorded.has(v))).toEqual([]);
    expect(sent.length).toBeGreaterThanOrEqual(Math.min(RUNS, 10));
    expect(logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  }, 90_000);
});
