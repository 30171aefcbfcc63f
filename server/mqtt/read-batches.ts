import type { Duplex } from "node:stream";
import type { Client } from "aedes";

/**
 * Bytes aedes takes from one client's stream at a time (about 85 state messages). aedes reads everything a
 * connection has buffered (`conn.read(null)`: up to 64 KiB from a socket, some 690 small messages), parses it and
 * hands every packet to mqemitter before it reads again. mqemitter delivers in one line for every client, so in
 * a flood every other client's message waited behind each flooding publisher's whole read: with 20 publishers,
 * some 14,000 messages, a 0.4 s round trip for an unrelated client on a broker thread doing 44,000 msg/s
 * (npm run bench -- --scenarios flood). Smaller reads keep that line short; what a publisher sends beyond
 * waits in its socket, and TCP slows it down, as it should.
 */
export const READ_BATCH_BYTES = 8 * 1024;

/** The parts of aedes's Client (lib/client.js) this relies on. */
interface ClientInternals {
  _parser?: { parse(buf: Buffer): unknown };
  _nextBatch?: () => void;
  _parsingBatch?: number;
}

/**
 * Makes aedes read at most `batchBytes` from the client's stream at a time. Two cases would otherwise stall or
 * recurse, and both are read on from here, a turn later:
 * - a read that ends inside a packet (a large retained message) hands no packet on, so nothing asks for the
 *   next read while the rest waits in the stream's buffer;
 * - a packet handled at once asks for the next read from inside the parse of the last one, which with bytes
 *   still buffered would parse on recursively, one level per batch.
 */
export function boundReadBatches(client: Client, batchBytes = READ_BATCH_BYTES): void {
  const conn = client.conn as Duplex;
  const internals = client as unknown as ClientInternals;
  const parser = internals._parser;
  const nextBatch = internals._nextBatch;
  if (!parser || typeof parser.parse !== "function" || typeof nextBatch !== "function" || typeof internals._parsingBatch !== "number") {
    throw new Error("aedes's client is not the version Hearth expects: check server/mqtt/read-batches.ts");
  }
  // A relayed WebSocket stream may be in object mode, where a read is one message whatever its size.
  if (conn.readableObjectMode) return;
  const read = conn.read.bind(conn) as (size?: number) => Buffer | null;
  let parsing = 0;
  let scheduled = false;
  const readOn = () => {
    scheduled = false;
    // Only when no packet of this client is in hand (its completion reads on otherwise) and bytes still wait.
    if (internals._parsingBatch === 0 && conn.readableLength > 0 && !conn.destroyed) nextBatch();
  };
  conn.read = ((size?: number): Buffer | null => {
    if (size != null) return read(size);
    if (parsing > 0) return null;
    return read(conn.readableLength > batchBytes ? batchBytes : undefined);
  }) as Duplex["read"];
  const parse = parser.parse.bind(parser);
  parser.parse = (buf: Buffer) => {
    parsing++;
    try {
      return parse(buf);
    } finally {
      parsing--;
      if (parsing === 0 && !scheduled && internals._parsingBatch === 0 && conn.readableLength > 0) {
        scheduled = true;
        setImmediate(readOn);
      }
    }
  };
}
