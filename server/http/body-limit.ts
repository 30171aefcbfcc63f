import type { IncomingMessage } from "node:http";
import { HubError } from "../errors";

/**
 * What is left of a refused body that is still read and thrown away, so the refusal reaches the client (a server
 * that closes on an uploading client makes it see EPIPE or a reset instead of the 413) and its keep-alive
 * connection stays usable; past this the connection is closed (server/http/http-server.ts). Memory is not the
 * cost (nothing is kept), the link is; Node's requestTimeout bounds the time.
 */
export const DISCARD_MAX_BYTES = 16 * 1024 * 1024;

/** Reads the rest of a web stream and drops it, up to DISCARD_MAX_BYTES; past that it is cancelled. */
function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  void (async () => {
    let left = DISCARD_MAX_BYTES;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
      if (left < 0) return reader.cancel();
    }
  })().catch(() => undefined);
}

/**
 * Reads a request body as UTF-8 text, stopping as soon as it passes `maxBytes`: a 10 MB upload without (or
 * with a lying) Content-Length costs at most `maxBytes` of memory; the rest is read and dropped in the background.
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
      discardRest(reader);
      throw new HubError("payload_too_large", `body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The same for a node:http request (routes the hub serves itself): the body, or undefined past `maxBytes`, the
 * rest then read and dropped up to DISCARD_MAX_BYTES. Never `for await` with an early exit: that destroys the
 * request but not its socket, which then stalls on the unread bytes.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      let left = DISCARD_MAX_BYTES;
      req.on("data", (rest: Buffer) => {
        left -= rest.length;
        if (left < 0) req.destroy();
      });
      req.on("error", () => undefined);
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    const onClose = () => onError(new Error("the request was aborted before its body ended"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
