import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { cacheRetained } from "./retained-cache";

async function collect(stream: NodeJS.ReadableStream): Promise<string[]> {
  const topics: string[] = [];
  for await (const p of stream as AsyncIterable<{ topic: string }>) topics.push(p.topic);
  return topics.sort();
}

describe("retained cache", () => {
  it("loads the store once, serves patterns from memory and writes through", async () => {
    const stored: { topic: string; payload: Buffer }[] = [];
    const initial = ["homeassistant/light/a/config", "homeassistant/sensor/n/t/config", "zigbee2mqtt/bridge/state"].map((topic) => ({
      topic,
      payload: Buffer.from("x"),
    }));
    let reads = 0;
    const store = {
      createRetainedStream: (_pattern: string) => {
        reads++;
        return Readable.from(initial);
      },
      createRetainedStreamCombi: (_patterns: string[]) => Readable.from([]),
      storeRetained: (p: { topic: string; payload: Buffer }) => {
        stored.push(p);
        return Promise.resolve();
      },
    };
    await cacheRetained(store);
    expect(await collect(store.createRetainedStream("homeassistant/+/+/config"))).toEqual(["homeassistant/light/a/config"]);
    expect(await collect(store.createRetainedStreamCombi(["homeassistant/#", "zigbee2mqtt/bridge/state"]))).toHaveLength(3);
    await store.storeRetained({ topic: "homeassistant/switch/b/config", payload: Buffer.from("{}") });
    await store.storeRetained({ topic: "homeassistant/light/a/config", payload: Buffer.alloc(0) });
    expect(await collect(store.createRetainedStream("homeassistant/+/+/config"))).toEqual(["homeassistant/switch/b/config"]);
    expect(stored.map((p) => p.topic)).toEqual(["homeassistant/switch/b/config", "homeassistant/light/a/config"]);
    expect(reads).toBe(1);
  });
});
