import { describe, expect, it } from "vitest";
import { readLimitedText } from "./body-limit";

function streamOf(chunks: number, chunkBytes: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
  });
  return { stream, pulled: () => pulled };
}

describe("readLimitedText", () => {
  it("reads a body within the limit", async () => {
    expect(await readLimitedText(new Response('{"a":"ü"}').body, 64)).toBe('{"a":"ü"}');
    expect(await readLimitedText(null, 64)).toBe("");
  });

  it("stops reading a 10 MB body right after the limit and answers payload_too_large", async () => {
    const { stream, pulled } = streamOf(160, 64 * 1024);
    await expect(readLimitedText(stream, 64 * 1024)).rejects.toMatchObject({ code: "payload_too_large" });
    expect(pulled()).toBeLessThanOrEqual(3);
  });
});
