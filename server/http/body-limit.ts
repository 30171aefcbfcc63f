import { HubError } from "../errors";

/**
 * Reads a request body as UTF-8 text, stopping as soon as it passes `maxBytes`: a 10 MB upload without (or
 * with a lying) Content-Length costs at most `maxBytes` of memory, and the rest is never read.
 */
export async function readLimitedText(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new HubError("payload_too_large", `body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text;
}
