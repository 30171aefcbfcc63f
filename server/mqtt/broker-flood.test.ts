import net from "node:net";
import { Aedes, type AedesPublishPacket, type Client } from "aedes";
import type { IClientOptions, MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";
import { afterEach, describe, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { createLogger } from "../logger";
import { CUTOFF_BYTES, DRAIN_TIMEOUT_MS } from "./broker-limits";
import { SlowConsumerGuard, boundDeliveryRecursion, packetBytes } from "./flow-control";
import type { MqttMessage } from "./mqtt-bus";
import { connectClient, rawMqttClient, waitFor } from "../testing/mqtt-test-client";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop();
});

const connect = (url: string, opts: IClientOptions = {}): Promise<MqttClient> => connectClient(clients, url, opts);
const rawClient = (port: number, clientId: string) => rawMqttClient(sockets, port, clientId);

/**
 * A real loopback socket pair whose reading end never reads: `conn` (the broker's side) backs up once the kernel's
 * buffers are full. Both ends go to `sockets`; close `server` after destroying them.
 */
async function unreadSocketPair(): Promise<{ server: net.Server; conn: net.Socket }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
  const reader = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  sockets.push(reader);
  reader.pause();
  const conn = await accepted;
  sockets.push(conn);
  return { server, conn };
}


/** Writes `count` packets built by `make(i)`, waiting for `drain`; stops early at `deadline`. Resolves how many went. */
async function flood(socket: net.Socket, count: number, deadline: number, make: (i: number) => Buffer, progress = { sent: 0 }): Promise<number> {
  for (let i = 0; i < count; i++) {
    progress.sent = i;
    if (socket.destroyed || Date.now() > deadline) return i;
    if (!socket.write(make(i))) {
      const drained = await Promise.race([
        new Promise<boolean>((resolve) => socket.once("drain", () => resolve(true))),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))),
      ]);
      if (!drained) return i + 1;
    }
  }
  return count;
}

describe("mqemitter recursion", () => {
  it("drains a deep queue of messages that complete synchronously without overflowing the stack", async () => {
    const aedes = await Aedes.createBroker();
    try {
      boundDeliveryRecursion(aedes);
      const mq = (aedes as unknown as { mq: { concurrency: number } }).mq;
      mq.concurrency = 1;
      // One slow delivery holds the only slot while 50,000 messages nobody subscribed to queue up behind it;
      // once it completes, each queued message completes synchronously (no subscriber) and takes the next.
      let release: (() => void) | undefined;
      await new Promise<void>((resolve) => aedes.subscribe("hold", (_p: AedesPublishPacket, cb: () => void) => (release = cb), resolve));
      const payload = Buffer.from("x");
      aedes.publish({ cmd: "publish", topic: "hold", payload, qos: 0, retain: false, dup: false }, () => undefined);
      await waitFor(() => release !== undefined, 5000, "the held delivery");
      const N = 50_000;
      let done = 0;
      for (let i = 0; i < N; i++) aedes.publish({ cmd: "publish", topic: "nobody/listens", payload, qos: 0, retain: false, dup: false }, () => done++);
      expect(done).toBe(0);
      release!(); // plain mqemitter 7 throws RangeError (Maximum call stack size exceeded) from here
      await waitFor(() => done === N, 20_000, "every queued message");
      expect(done).toBe(N);
    } finally {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    }
  });
});

const publish = (topic: string, payload: Buffer | string, qos: 0 | 1 = 0): AedesPublishPacket =>
  ({ cmd: "publish", topic, payload, qos, messageId: qos ? 1 : undefined, retain: false, dup: false }) as unknown as AedesPublishPacket;

describe("SlowConsumerGuard", () => {
  it("counts a PUBLISH at no more than its size on the wire, exactly at QoS 0", () => {
    // Across the remaining length's 1-, 2- and 3-byte encodings. Counting more than aedes writes leaves a residue
    // per message that the guard takes for unsent bytes (see packetBytes).
    for (const topicLength of [1, 26, 200]) {
      for (const payloadLength of [0, 65, 95, 96, 124, 125, 126, 127, 128, 16_000, 16_380, 16_381, 16_382, 20_000, 2_100_000]) {
        const topic = "t".repeat(topicLength);
        const payload = Buffer.alloc(payloadLength, 120);
        expect(packetBytes(publish(topic, payload))).toBe(mqttPacket.generate(publish(topic, payload)).length);
        expect(packetBytes(publish(topic, payload, 1))).toBeLessThanOrEqual(mqttPacket.generate(publish(topic, payload, 1)).length);
      }
    }
    expect(packetBytes(publish("tëmp/°C", "21 °C"))).toBeLessThanOrEqual(mqttPacket.generate(publish("tëmp/°C", "21 °C")).length);
  });

  it("does not count one large message as a backlog: the ones right behind it go, and nobody is cut off for it", async () => {
    const log = createLogger("silent");
    const guard = new SlowConsumerGuard(log, { maxWaitingWrites: 64, cutoffBytes: CUTOFF_BYTES, stallMs: 60_000, bufferBytes: 64 * 1024 });
    const { server, conn } = await unreadSocketPair();
    try {
      const client = { id: "bridge-subscriber", conn } as unknown as Client;
      // Zigbee2MQTT's bridge/devices of a large network, past the 4 MiB cut-off by itself, then its next messages.
      const big = publish("zigbee2mqtt/bridge/devices", Buffer.alloc(CUTOFF_BYTES + 1024 * 1024, 120));
      expect(guard.forward(client, big)).not.toBeNull();
      conn.write(mqttPacket.generate(big));
      const small = publish("zigbee2mqtt/bridge/state", Buffer.from('{"state":"online"}'));
      for (let i = 0; i < 20; i++) {
        expect(guard.forward(client, small), `message ${i} behind the large one`).not.toBeNull();
        conn.write(mqttPacket.generate(small));
      }
      expect([guard.dropped, guard.cut, conn.destroyed]).toEqual([0, 0, false]);
    } finally {
      for (const s of sockets.splice(0)) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("lets a client's unsent bytes reach its buffer, drops QoS 0 past it, and logs the drops once per interval with their count", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger("info", { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    const bufferBytes = 64 * 1024;
    const guard = new SlowConsumerGuard(log, { maxWaitingWrites: 64, cutoffBytes: CUTOFF_BYTES, stallMs: 60_000, bufferBytes, dropLogIntervalMs: 200 });
    const { server, conn } = await unreadSocketPair();
    try {
      const client = { id: "paused-reader", conn } as unknown as Client;
      const packet = publish("flood/dev/state", Buffer.alloc(1000, 120));
      const wire = mqttPacket.generate(packet);
      // Forward and write as aedes does (it writes a turn later; the guard counts what it forwarded meanwhile).
      let forwarded = 0;
      for (let i = 0; i < 100_000 && guard.dropped < 1000; i++) {
        if (!guard.forward(client, packet)) continue;
        forwarded++;
        conn.write(wire);
      }
      expect(guard.dropped).toBe(1000);
      // The allowance is the buffer plus the largest message the client was sent (one of those may be in hand).
      const allowance = bufferBytes + wire.length;
      expect(conn.writableHighWaterMark).toBe(allowance);
      // The broker's side held its allowance's worth and no more than one message beyond it.
      expect(conn.writableLength).toBeGreaterThanOrEqual(allowance);
      expect(guard.peakQueuedBytes).toBeLessThan(allowance + wire.length);
      expect(forwarded).toBeGreaterThan(bufferBytes / wire.length);
      // 1000 drops, two log lines: the first drop at once, the other 999 when the interval is over.
      await waitFor(() => lines.length >= 2, 5000, "the second drop log line");
      const drops = lines.filter((l) => String(l.msg).includes("dropped QoS 0"));
      expect(drops.map((l) => [l.clientId, l.dropped])).toEqual([
        ["paused-reader", 1],
        ["paused-reader", 999],
      ]);
      expect(guard.cut).toBe(0);
    } finally {
      for (const socket of sockets.splice(0)) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("embedded broker under a QoS 0 flood", () => {
  it("keeps delivering every QoS 0 message to a subscriber that reads them all, however many there are", { timeout: 90_000 }, async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    hubs.push(t);
    // A raw subscriber that parses everything it reads at once: it never holds the broker's socket back.
    const sub = await rawClient(t.mqttPort, "steady-sub");
    let received = 0;
    const parser = mqttPacket.parser();
    parser.on("packet", (p) => {
      if (p.cmd === "publish") received++;
    });
    sub.on("data", (chunk: Buffer) => parser.parse(chunk));
    sub.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic: "flood/#", qos: 0 }] }));
    await waitFor(() => t.broker.clients().length === 1 && sub.bytesRead > 4, 5000, "the SUBACK");
    const publisher = await rawClient(t.mqttPort, "steady-pub");
    // Closed loop: the next batch goes only once the subscriber has the last one, so nothing ever waits in the
    // broker for it and a drop can only be the broker's mistake. 20,000 messages of 95 bytes: the guard once
    // counted 99 bytes for each and took the 4 bytes it overcounted per message for unsent data, so after
    // 4,096 messages (16 KiB, the socket's high-water mark) it dropped everything for a subscriber that kept up.
    const payload = Buffer.from('{"d":"0000","s":"0000000000","t":"0000000000000000000","on":true}');
    const packet = mqttPacket.generate({ cmd: "publish", topic: "flood/room00/dev0000/state", payload, qos: 0, retain: false, dup: false });
    expect(packet.length).toBe(95);
    const BATCH = 250;
    const N = 20_000;
    for (let sent = 0; sent < N; sent += BATCH) {
      publisher.write(Buffer.concat(Array.from({ length: BATCH }, () => packet)));
      await waitFor(() => received === sent + BATCH, 5000, `messages ${sent}..${sent + BATCH - 1} at the subscriber`);
    }
    expect(received).toBe(N);
    const stats = await nextStats(t);
    expect(stats.droppedMessages ?? 0).toBe(0);
    expect(t.broker.clients().some((c) => c.clientId === "steady-sub")).toBe(true);
  });

  it("cuts off a subscriber that stopped reading, keeps serving everyone else and bounds its memory", { timeout: 90_000 }, async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    hubs.push(t);
    const slow = await connect(t.mqttUrl, { clientId: "slow-sub" });
    await slow.subscribeAsync("flood/#", { qos: 0 });
    // The slow subscriber stops reading its socket: what the broker sends it piles up on the broker's side.
    (slow.stream as net.Socket).pause();
    const probe = await connect(t.mqttUrl, { clientId: "probe-sub" });
    await probe.subscribeAsync("probe/#", { qos: 0 });
    const probed: string[] = [];
    probe.on("message", (_topic, payload) => probed.push(payload.toString()));
    const prober = await connect(t.mqttUrl, { clientId: "probe-pub" });
    await waitFor(() => t.broker.stats().connected && t.broker.clients().length === 3, 5000, "three clients");
    const heapBefore = await nextStats(t).then((s) => s.heapUsedBytes ?? 0);

    // 1 KiB payloads, at most 100,000 of them (100 MiB) and at most 20 s: more than the slow client's buffers hold.
    const payload = Buffer.alloc(1024, 120);
    const packets = Array.from({ length: 16 }, (_, i) => mqttPacket.generate({ cmd: "publish", topic: `flood/dev${i}/state`, payload, qos: 0, retain: false, dup: false }));
    const publisher = await rawClient(t.mqttPort, "flooder");
    const progress = { sent: 0 };
    const flooding = flood(publisher, 100_000, Date.now() + 20_000, (i) => packets[i % packets.length]!, progress);

    // Once 20 MiB went out, far more than the slow client's socket buffers (kernel and broker) hold, others
    // must still be served: every probe reaches its subscriber while the flood goes on.
    await waitFor(() => progress.sent >= 20_000, 20_000, "20 MiB of flood");
    for (let i = 0; i < 5; i++) {
      prober.publish("probe/x", `p${i}`, { qos: 0 });
      await waitFor(() => probed.includes(`p${i}`), 5000, `probe ${i}`);
    }

    // The slow subscriber is cut off once it has been backed up for DRAIN_TIMEOUT_MS.
    await waitFor(() => !t.broker.clients().some((c) => c.clientId === "slow-sub"), DRAIN_TIMEOUT_MS + 10_000, "the slow subscriber cut off");
    const sent = await flooding;
    expect(sent).toBeGreaterThan(20_000);
    const stats = await nextStats(t);
    expect(stats.droppedMessages ?? 0).toBeGreaterThan(0);
    // Bounded by counts, not time: what waited for the slow client never passed the cut-off, and the broker
    // thread's heap did not take in the flood (100 MiB sent, most of it never deliverable to the slow client).
    expect(stats.peakClientQueueBytes).toBeLessThanOrEqual(CUTOFF_BYTES + 64 * 1024);
    expect((stats.heapUsedBytes ?? 0) - heapBefore).toBeLessThan(64 * 1024 * 1024);

    // The slow client finally going (the mqemitter recursion case) leaves the broker thread alive and working.
    slow.end(true);
    publisher.destroy();
    prober.publish("probe/x", "after", { qos: 0 });
    await waitFor(() => probed.includes("after"), 5000, "a message after the flood");
    const late = await connect(t.mqttUrl, { clientId: "late" });
    expect(late.connected).toBe(true);
    expect(t.broker.stats().connected).toBe(true);
  });

  it("keeps the hub's own lagging subscription bounded: oldest QoS 0 dropped, retained state and the newest kept", { timeout: 90_000 }, async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    hubs.push(t);
    const seen: MqttMessage[] = [];
    // A hub-side consumer far slower than the flood: ~0.2 ms per message on the hub's thread.
    await t.broker.subscribe("lag/#", (m) => {
      const until = performance.now() + 0.2;
      while (performance.now() < until);
      seen.push(m);
    });
    const publisher = await rawClient(t.mqttPort, "lag-flooder");
    const N = 120_000;
    const live = (i: number) => mqttPacket.generate({ cmd: "publish", topic: "lag/dev/state", payload: Buffer.from(`{"seq":${i}}`), qos: 0, retain: false, dup: false });
    const retained = mqttPacket.generate({ cmd: "publish", topic: "lag/dev/config", payload: Buffer.from("kept"), qos: 0, retain: true, dup: false });
    const sent = await flood(publisher, N, Date.now() + 30_000, (i) => (i === N / 2 ? retained : live(i)));
    expect(sent).toBe(N);
    // The newest message survives drop-oldest; the retained one in the middle is never dropped.
    await waitFor(() => seen.some((m) => m.payload.toString() === `{"seq":${N - 1}}`), 60_000, "the last message at the hub");
    expect(seen.filter((m) => m.topic === "lag/dev/config").map((m) => m.payload.toString())).toEqual(["kept"]);
    const stats = await nextStats(t);
    expect(stats.droppedMessages ?? 0).toBeGreaterThan(0);
    // The broker thread never held more than its bound (20,000, shed to 15,000) plus one batch.
    expect(stats.hubQueue?.peak ?? Infinity).toBeLessThanOrEqual(20_000 + 1024);
    // What was kept arrives in order.
    const seqs = seen.filter((m) => m.topic === "lag/dev/state").map((m) => (JSON.parse(m.payload.toString()) as { seq: number }).seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    expect(seqs.length).toBeLessThan(N - 1);
  });
});

/** Stats the broker thread sent after this call (it sends them once a second). */
async function nextStats(t: TestHub): Promise<ReturnType<TestHub["broker"]["stats"]>> {
  await new Promise((r) => setTimeout(r, 1100));
  return t.broker.stats();
}
