import { describe, expect, it } from "vitest";
import { DISCARD_MAX_BYTES, readLimitedText } from "./body-limit";

function streamOf(chunks: number, chunkBytes: number): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

const settle = async () => {
  for (let i = 0; i < 2000; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("readLimitedText", () => {
  it("reads a body within the limit", async () => {
    expect(await readLimitedText(new Response('{"a":"ü"}').body, 64)).toBe('{"a":"ü"}');
    expect(await readLimitedText(null, 64)).toBe("");
  });

  it("refuses a 10 MB body right after the limit, then reads the rest and drops it so the connection stays usable", async () => {
    const { stream, pulled, cancelled } = streamOf(160, 64 * 1024);
    await expect(readLimitedText(stream, 64 * 1024)).rejects.toMatchObject({ code: "payload_too_large" });
    await settle();
    expect([pulled(), cancelled()]).toEqual([160, false]);
  });

  it("gives up on a body that goes on past what is worth reading", async () => {
    const chunk = 256 * 1024;
    const { stream, pulled, cancelled } = streamOf(DISCARD_MAX_BYTES / chunk + 64, chunk);
    await expect(readLimitedText(stream, 64 * 1024)).rejects.toMatchObject({ code: "payload_too_large" });
    await settle();
    expect(cancelled()).toBe(true);
    expect(pulled() * chunk).toBeLessThanOrEqual(DISCARD_MAX_BYTES + 2 * chunk);
  });
});
