// aedes reads a client's stream in bounded batches (read-batches.ts): nothing is lost, reordered or stalled,
// whether a read ends inside a large packet or many small packets arrive in one write.
import net from "node:net";
import { Aedes } from "aedes";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { listenOrThrow } from "../net/listen";
import { connectClient, publishPacket, rawMqttClient, waitFor } from "../testing/mqtt-test-client";
import { startTestHub, type TestHub } from "../testing/test-hub";
import { READ_BATCH_BYTES, boundReadBatches } from "./read-batches";

const hubs: TestHub[] = [];
const clients: MqttClient[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.end(true);
  for (const h of hubs.splice(0)) await h.stop();
});

const publish = publishPacket;
const rawClient = (port: number, clientId: string) => rawMqttClient(sockets, port, clientId);

describe("bounded read batches", () => {
  it("reads at most a batch at a time and parses every byte, in order", async () => {
    const aedes = await Aedes.createBroker();
    const reads: number[] = [];
    const server = net.createServer((socket) => {
      const client = aedes.handle(socket);
      boundReadBatches(client);
      const parser = (client as unknown as { _parser: { parse(buf: Buffer): unknown } })._parser;
      const parse = parser.parse.bind(parser);
      parser.parse = (buf: Buffer) => {
        reads.push(buf.length);
        return parse(buf);
      };
    });
    try {
      const port = await listenOrThrow(server, 0, "127.0.0.1", "test broker");
      const seen: number[] = [];
      aedes.subscribe("batch/#", (packet, done) => {
        seen.push(Number(packet.payload.toString()));
        done();
      }, () => undefined);
      const socket = await rawClient(port, "batcher");
      const packets = Array.from({ length: 3000 }, (_, i) => publish(`batch/${i % 7}`, String(i)));
      socket.write(Buffer.concat(packets));
      await waitFor(() => seen.length === 3000, 10_000, "3,000 messages");
      expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      expect(Math.max(...reads)).toBeLessThanOrEqual(READ_BATCH_BYTES);
      // Everything after the CONNECT arrived through bounded reads.
      expect(reads.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(packets.reduce((a, p) => a + p.length, 0));
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    }
  });

  it("passes on packets far larger than a batch, between small ones, without waiting for more bytes", async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    hubs.push(t);
    const sub = await connectClient(clients, t.mqttUrl, { clientId: "big-sub" });
    const got: Array<{ topic: string; bytes: number }> = [];
    sub.on("message", (topic, payload) => got.push({ topic, bytes: payload.length }));
    await sub.subscribeAsync("big/#");
    const socket = await rawClient(t.mqttPort, "big-pub");
    const sizes = [10, 3 * 1024 * 1024, 20, 200 * 1024, 30, READ_BATCH_BYTES - 5, 40];
    // One write, then nothing: a read that ends inside a packet must not wait for bytes that never come.
    socket.write(Buffer.concat(sizes.map((n, i) => publish(`big/${i}`, Buffer.alloc(n, 0x61), i === 1))));
    await waitFor(() => got.length === sizes.length, 15_000, "every message, large and small").catch((err: unknown) => {
      throw new Error(`${String(err)}: got ${JSON.stringify(got)}`);
    });
    // The retained one is emitted once stored, so it may come after the others (emit-order.ts); those keep their order.
    const byTopic = (list: Array<{ topic: string; bytes: number }>) => [...list].sort((a, b) => a.topic.localeCompare(b.topic));
    expect(byTopic(got)).toEqual(sizes.map((n, i) => ({ topic: `big/${i}`, bytes: n })));
    expect(got.filter((m) => m.topic !== "big/1").map((m) => m.topic)).toEqual(["big/0", "big/2", "big/3", "big/4", "big/5", "big/6"]);
    // The large retained one is kept whole.
    const late = await connectClient(clients, t.mqttUrl, { clientId: "late-sub" });
    const retained = new Promise<number>((resolve) => late.on("message", (_topic, payload) => resolve(payload.length)));
    await late.subscribeAsync("big/1");
    expect(await retained).toBe(3 * 1024 * 1024);
  });
});
