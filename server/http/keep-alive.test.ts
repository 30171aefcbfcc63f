import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BACKUPS_PATH, BACKUP_PATH } from "../backup/backup-routes";
import { DISCARD_MAX_BYTES } from "./body-limit";
import { ownerToken } from "../live/testing";
import { PRODUCTION_BUILD_PRESENT, startProductionServer, type ProductionServer } from "../testing/production-server";
import { startTestHub, type TestHub } from "../testing/test-hub";

// A request refused before its body has arrived whole (413, 401, 405, a bad path) must not leave the rest of the
// body in front of the next request on a keep-alive connection. Before the fix, a 2 MB body refused by
// readLimitedText (Next's body stream cancelled) or by an early return from `for await (… of req)` left the socket
// paused on the unread bytes: the next request on it got no answer until requestTimeout (60 s). Found by
// server/faults/http-fuzz.test.ts with Node's keep-alive agent (seed 612205313). Now the rest of a refused body is
// read and dropped (up to DISCARD_MAX_BYTES), so the connection stays usable; past that it is closed.

const BIG = 2_000_000;
const ANSWER_WITHIN_MS = 5000;

interface Answer {
  status: number;
  connection: string;
  reused: boolean;
}

/** One request on `agent`; a body of `size` bytes is sent chunked in 256 KiB writes, as a browser streams one. */
function send(agent: http.Agent, port: number, method: string, urlPath: string, headers: Record<string, string> = {}, size = 0): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${urlPath}: no answer in ${ANSWER_WITHIN_MS} ms`));
    }, ANSWER_WITHIN_MS);
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, agent, headers: { ...headers, ...(size > 0 ? { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } : {}) } }, (res) => {
      res.resume();
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, connection: String(res.headers.connection), reused: req.reusedSocket });
      });
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    if (size > 0) {
      const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.alloc(size, "a"), Buffer.from('"}')]);
      for (let at = 0; at < body.length; at += 256 * 1024) req.write(body.subarray(at, at + 256 * 1024));
    }
    req.end();
  });
}

/** One connection at most, kept alive: a follow-up request can only go where the refused one went. */
const oneConnection = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

describe("keep-alive after a refused upload (the hub's own routes, in process)", () => {
  let h: TestHub | undefined;
  let agent: http.Agent | undefined;
  afterEach(async () => {
    agent?.destroy();
    await h?.stop();
    if (h) fs.rmSync(h.dataDir, { recursive: true, force: true });
    h = undefined;
  });

  it("answers the next request on the connection after a handler stopped reading a 2 MB body", async () => {
    h = await startTestHub();
    const { token } = await ownerToken(h);
    agent = oneConnection();
    const auth = { Authorization: `Bearer ${token}` };
    // The backup route reads at most 4 KiB of its JSON body; the rest is read and dropped.
    const refused = await send(agent, h.httpPort, "POST", BACKUP_PATH, auth, BIG);
    const next = await send(agent, h.httpPort, "GET", BACKUPS_PATH, auth);
    expect([refused.status, refused.connection, next.status, next.reused]).toEqual([400, "keep-alive", 200, true]);
  });

  it("keeps an ordinary connection alive", async () => {
    h = await startTestHub();
    const { token } = await ownerToken(h);
    agent = oneConnection();
    const auth = { Authorization: `Bearer ${token}` };
    const first = await send(agent, h.httpPort, "GET", BACKUPS_PATH, auth);
    const second = await send(agent, h.httpPort, "GET", BACKUPS_PATH, auth);
    expect([first.status, first.connection, second.status, second.reused]).toEqual([200, "keep-alive", 200, true]);
  });
});

// The production server, as the HTTP fuzz test runs it: the API is Next's route handlers from the last build.
let server: ProductionServer | undefined;
let port = 0;
let token = "";

describe.skipIf(!PRODUCTION_BUILD_PRESENT)("keep-alive after a refused upload (the production server; skipped without `npm run build`)", () => {
  beforeAll(async () => {
    server = await startProductionServer("keep-alive");
    ({ port, token } = server);
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    // readJson → readLimitedText reads 64 KiB, then cancels Next's body stream: the fuzz test's hang.
    { refusal: "a 413 past the JSON body limit", method: "PATCH", urlPath: "/api/users/1", status: 413 },
    // Next answers a method the route file does not export before anything reads the body.
    { refusal: "Next's 405", method: "PUT", urlPath: "/api/devices/health", status: 405 },
    // http-server.ts answers these itself, before Next.
    { refusal: "our 405 for an unknown method", method: "PROPFIND", urlPath: "/api/health", status: 405 },
    { refusal: "our 400 for a bad path", method: "POST", urlPath: "/api/rooms/%ZZ", status: 400 },
  ])("answers the next request on the connection after $refusal of a 2 MB body", async ({ method, urlPath, status }) => {
    const agent = oneConnection();
    try {
      const headers = { Authorization: `Bearer ${token}`, Origin: `http://127.0.0.1:${port}` };
      const refused = await send(agent, port, method, urlPath, headers, BIG);
      const next = await send(agent, port, "GET", "/api/health");
      expect([refused.status, refused.connection, next.status, next.reused]).toEqual([status, "keep-alive", 200, true]);
    } finally {
      agent.destroy();
    }
  });

  it("closes the connection when a refused body goes on past what is worth reading, and the hub answers on", async () => {
    // A raw socket: the client keeps writing after the 413 until the hub closes, as a stubborn uploader does.
    const socket = net.connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(`PATCH /api/users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nOrigin: http://127.0.0.1:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, "a");
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
    let closedByHub = false;
    void closed.then(() => (closedByHub = true));
    // Twice what is worth reading, bounded; the hub must close before the end.
    for (let sent = 0; sent < 2 * DISCARD_MAX_BYTES && !closedByHub && !socket.destroyed; sent += chunk.length) {
      if (!socket.write(frame)) await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), closed]);
    }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, ANSWER_WITHIN_MS))]);
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(closedByHub, "the hub closed the connection").toBe(true);
    const agent = oneConnection();
    try {
      expect((await send(agent, port, "GET", "/api/health")).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("keeps a connection alive after a body the route read whole", async () => {
    const agent = oneConnection();
    try {
      const headers = { Authorization: `Bearer ${token}`, Origin: `http://127.0.0.1:${port}` };
      // readJson reads the body before the route looks the person up.
      const first = await send(agent, port, "PATCH", "/api/users/999", headers, 10);
      const second = await send(agent, port, "GET", "/api/health");
      expect([first.status, first.connection, second.status, second.reused]).toEqual([404, "keep-alive", 200, true]);
    } finally {
      agent.destroy();
    }
  });
});
