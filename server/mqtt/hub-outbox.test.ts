import { describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import type { FromBroker, WireMessage } from "./broker-protocol";
import { HubOutbox } from "./hub-outbox";

const wire = (topic: string, seq: number, extra: Partial<WireMessage> = {}): WireMessage => ({ topic, payload: Buffer.from(String(seq)), qos: 0, retain: false, ...extra });

function outbox(opts: { window: number; maxQueued: number }) {
  const sent: FromBroker[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger("info", { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  const box = new HubOutbox({ send: (m) => sent.push(m), log, discoveryPrefix: "homeassistant", ...opts });
  const delivered = () => sent.flatMap((m) => (m.type === "messages" ? m.batch.map((b) => b.message) : []));
  return { box, sent, lines, delivered };
}

describe("HubOutbox", () => {
  it("sends no more than the window ahead of what the hub handled, and other posts in order behind messages", () => {
    const { box, sent, delivered } = outbox({ window: 10, maxQueued: 1000 });
    for (let i = 0; i < 25; i++) box.message(1, wire("s/t", i));
    box.post({ type: "stats", stats: { mode: "embedded", connected: true, clients: 0, messagesPerSecond: 0, messagesTotal: 0 } });
    box.flush();
    expect(delivered()).toHaveLength(10);
    expect(sent.some((m) => m.type === "stats")).toBe(false);
    box.consumed(10);
    box.consumed(10);
    box.consumed(10);
    expect(delivered().map((m) => m.payload.toString())).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(sent.at(-1)?.type).toBe("stats");
  });

  it("drops the oldest live QoS 0 messages past its bound, never retained, replayed, QoS 1 or discovery ones", () => {
    const { box, lines, delivered } = outbox({ window: 1, maxQueued: 100 });
    box.flush(); // nothing yet; the hub has handled nothing, so one message at most goes out
    const keep = [
      wire("homeassistant/light/x/config", -1),
      wire("dev/state", -2, { retain: true }),
      wire("dev/state", -3, { replayed: true, retain: true }),
      wire("dev/event", -4, { qos: 1 }),
    ];
    for (const m of keep) box.message(1, m);
    for (let i = 0; i < 1000; i++) box.message(1, wire("dev/state", i));
    expect(box.queued.now).toBeLessThanOrEqual(100);
    expect(box.queued.peak).toBeLessThanOrEqual(100);
    expect(box.dropped).toBeGreaterThan(800);
    for (let i = 0; i < 200; i++) box.consumed(1);
    const out = delivered().map((m) => Number(m.payload.toString()));
    for (const k of [-1, -2, -3, -4]) expect(out).toContain(k);
    expect(out).toContain(999); // the newest survives drop-oldest
    const live = out.filter((n) => n >= 0);
    expect(live.every((n, i) => i === 0 || n > live[i - 1]!)).toBe(true);
    box.logDrops();
    expect(lines.some((l) => l.msg === "the hub is behind the broker: dropped its oldest QoS 0 messages")).toBe(true);
  });

  it("past four times its bound drops retained and QoS 1 messages too, logged as an error, but never discovery or replays", () => {
    const { box, lines, delivered } = outbox({ window: 1, maxQueued: 100 });
    box.message(1, wire("homeassistant/sensor/y/config", -1, { retain: true }));
    box.message(1, wire("dev/state", -2, { replayed: true, retain: true }));
    for (let i = 0; i < 1000; i++) box.message(1, wire("dev/state", i, { retain: true }));
    expect(box.queued.now).toBeLessThanOrEqual(400);
    expect(lines.some((l) => l.level === 50)).toBe(true);
    for (let i = 0; i < 500; i++) box.consumed(1);
    const out = delivered().map((m) => Number(m.payload.toString()));
    expect(out).toContain(-1);
    expect(out).toContain(-2);
    expect(out).toContain(999);
  });
});
