import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKUPS_PATH, BACKUP_PATH } from "../backup/backup-routes";
import { projectRoot } from "../paths";
import { fuzzSeed } from "../testing/fuzz-seed";
import { PRODUCTION_BUILD_PRESENT, startProductionServer, type ProductionServer } from "../testing/production-server";

// Malformed HTTP against the real server (server/main.ts in production mode, so the API is Next's route handlers
// from the last `npm run build`; `npm test` builds first): every API route, methods it has and has not, bad and
// huge bodies, wrong content types, with and without a token. Each answer is a 4xx (never a 5xx, never a hang);
// an API error is the contract's JSON `{"error": {"code", "message"}}`.

const BUILT = PRODUCTION_BUILD_PRESENT;
const RUNS = 200;
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

interface Route {
  /** The file's path pattern: /api/rooms/[roomId]. */
  pattern: string;
  methods: Set<string>;
}

/** Every API route and the methods its file exports (app/api/**\/route.ts), plus the hub's own routes. */
function apiRoutes(): Route[] {
  const root = path.join(projectRoot(), "app", "api");
  const routes: Route[] = [
    { pattern: BACKUP_PATH, methods: new Set(["POST"]) },
    { pattern: BACKUPS_PATH, methods: new Set(["GET"]) },
  ];
  for (const file of fs.readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (path.basename(file) !== "route.ts") continue;
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const methods = new Set<string>();
    for (const m of text.matchAll(/export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
    for (const m of text.matchAll(/\bas (GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
    const dir = path.dirname(file);
    routes.push({ pattern: `/api${dir === "." ? "" : `/${dir.split(path.sep).join("/")}`}`, methods });
  }
  return routes;
}

// Values for dynamic segments: none of them is the test's own token's id, which a DELETE would revoke.
const segment = fc.oneof(
  fc.constantFrom("x", "0", "999999", "-1", "sensor.nope", "light.kitchen", "..", "%2e%2e", "a%2Fb", "%00", "%ZZ", "%F0%9F%92%A9", "2020-01-01T00:00:00Z", "not-a-date"),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s) || "e"),
  fc.constant("y".repeat(3000)),
);

function pathFor(pattern: string, values: string[], query: string): string {
  let i = 0;
  const next = () => values[i++ % values.length] ?? "x";
  const filled = pattern
    .replace(/\/\[\[\.\.\.[^\]]+\]\]/g, () => (values.length % 3 === 0 ? "" : `/${next()}`))
    .replace(/\[\.\.\.[^\]]+\]/g, () => `${next()}/${next()}`)
    .replace(/\[[^\]]+\]/g, () => next());
  return `${filled}${query}`;
}

type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string }
  | { kind: "bytes"; data: Uint8Array }
  | { kind: "huge"; size: number; chunked: boolean };

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: "json" as const, value })) },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(fc.constantFrom("name", "entity_id", "username", "password", "__proto__", "constructor", "prototype", "topic", "payload", "passphrase", "icon", "area_id", "trigger", "action"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })
      .map((value) => ({ kind: "json" as const, value })),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(fc.constantFrom("{", '{"a":', "[1,2", "nul", '{"a":1}}', "\u0000", "a: [b", "key: !!js/function 'x'", "<xml/>", ""), fc.string({ maxLength: 300, size: "max" })).map((text) => ({ kind: "text" as const, text })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 500, size: "max" }).map((data) => ({ kind: "bytes" as const, data })) },
  // Past every route's limit (64 KiB for JSON bodies), with and without a Content-Length.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("huge" as const), size: fc.integer({ min: 70_000, max: 3_000_000 }), chunked: fc.boolean() }) },
);

const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "text/plain",
  "application/yaml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  ";;;",
);

const request = (routes: Route[]) =>
  fc.record({
    route: fc.constantFrom(...routes),
    method: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.constantFrom("OPTIONS", "TRACE", "PROPFIND", "FOO", "M-SEARCH") }),
    auth: fc.constantFrom("token", "token", "none", "garbage", "cookie"),
    values: fc.array(segment, { minLength: 1, maxLength: 3 }),
    query: fc.oneof(fc.constant(""), fc.constantFrom("?filter_entity_id=%", "?end_time=x&minimal_response", "?limit=-1", "?a=%ZZ", `?q=${"z".repeat(2000)}`)),
    contentType,
    body,
  });

/** `complete` is false when the socket was cut before the answer's end (the server refused a huge upload). */
type Answer = { status: number; type: string; text: string; complete: boolean };

let server: ProductionServer | undefined;
let port = 0;
let token = "";
const errorLogs: string[] = [];

// Every request goes on the previous one's connection unless the server closed it, as a browser's would: a refused
// upload must not leave the rest of its body in front of the next request (seed 612205313 hung on one before
// server/http/http-server.ts closed such connections; server/http/keep-alive.test.ts).
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over node:http (fetch refuses methods such as TRACE); the answer's first 64 KiB. */
function send(method: string, urlPath: string, headers: Record<string, string>, payload: Body): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${urlPath.slice(0, 120)}: no answer in 30 s`));
    }, 30_000);
    let data: Buffer | undefined;
    if (payload.kind === "json") data = Buffer.from(JSON.stringify(payload.value) ?? "null");
    else if (payload.kind === "text") data = Buffer.from(payload.text);
    else if (payload.kind === "bytes") data = Buffer.from(payload.data);
    else if (payload.kind === "huge") data = Buffer.concat([Buffer.from('{"name":"'), Buffer.alloc(payload.size, "a"), Buffer.from('"}')]);
    const sized = payload.kind !== "none" && !(payload.kind === "huge" && payload.chunked);
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        agent: keepAlive,
        // Node frames a GET's (or DELETE's) body only when told: unframed bytes would be a second, garbage request.
        headers: { ...headers, ...(data ? (sized ? { "Content-Length": String(data.length) } : { "Transfer-Encoding": "chunked" }) : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), text: Buffer.concat(chunks).toString("utf8"), complete: res.complete });
        };
        // A live stream (the MQTT explorer's) answers with headers and then keeps going: its status is the answer.
        if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
          res.destroy();
          finish();
          return;
        }
        res.on("data", (c: Buffer) => {
          if (size < 65_536) chunks.push(c);
          size += c.length;
        });
        res.on("end", finish);
        res.on("error", finish);
      },
    );
    // The server may answer (413) and close before reading all of a huge body: its answer still counts.
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    if (data && payload.kind === "huge" && payload.chunked) {
      for (let at = 0; at < data.length; at += 256 * 1024) req.write(data.subarray(at, at + 256 * 1024));
      req.end();
    } else {
      req.end(data);
    }
  });
}

function isApiError(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof parsed.error?.code === "string" && typeof parsed.error.message === "string";
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (!BUILT) return;
  server = await startProductionServer("http-fuzz", (line, stream) => {
    if (stream === "stderr") {
      // Next prints unexpected route errors (a 500) to stderr.
      errorLogs.push(line.slice(0, 2000));
      return;
    }
    try {
      if (((JSON.parse(line) as { level?: number }).level ?? 0) >= 50) errorLogs.push(line.slice(0, 2000));
    } catch {
      // not a log record
    }
  });
  ({ port, token } = server);
}, 90_000);

afterAll(async () => {
  keepAlive.destroy();
  await server?.stop();
});


describe("HTTP fuzzing against the production server", () => {
  it.skipIf(!BUILT)("answers malformed requests on every API route with a 4xx (JSON error), never a 5xx or a hang (skipped without `npm run build`: the API is Next's)", async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(40);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(request(routes), async (r) => {
        runs++;
        const urlPath = pathFor(r.route.pattern, r.values, r.query);
        const headers: Record<string, string> = {};
        if (r.contentType) headers["Content-Type"] = r.contentType;
        if (r.auth === "token") headers.Authorization = `Bearer ${token}`;
        if (r.auth === "garbage") headers.Authorization = "Bearer \u00ffnot-a-token";
        if (r.auth === "cookie") headers.Cookie = "hearth_session=forged; other=1";
        // Same-origin, as a browser's fetch would say: a signed-in change is not refused as cross-site first.
        headers.Origin = `http://127.0.0.1:${port}`;
        let answer: Answer;
        try {
          answer = await send(r.method, urlPath, headers, r.body);
        } catch (err) {
          // A huge body the server refused mid-upload resets the socket; the answer was a 413 the client could not read.
          if (r.body.kind === "huge" && /ECONNRESET|EPIPE/.test((err as Error).message)) return;
          throw err;
        }
        const what = `${r.method} ${urlPath.slice(0, 150)} (${r.body.kind}, ${r.contentType ?? "no type"}, ${r.auth}) -> ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, what).toBeLessThan(500);
        expect(answer.status, what).toBeGreaterThanOrEqual(100);
        if (answer.status < 400 || r.method === "HEAD" || !answer.complete) return;
        // A method Node's HTTP parser does not know is not a request at all: the parser's bare 400 is the answer.
        if (!http.METHODS.includes(r.method)) {
          expect(answer.status, what).toBe(400);
          return;
        }
        // Next answers two cases itself, before any route runs, outside the contract's error shape: a path that
        // matches no route (its HTML 404 page) and a method the route file does not export (an empty 405). A
        // catch-all app/api/[...path] route would give JSON, but Next then claims /api/websocket's upgrade too.
        if (answer.status === 404 && answer.type.startsWith("text/html")) return;
        if (answer.status === 405 && answer.text === "" && !r.route.methods.has(r.method)) return;
        expect(isApiError(answer.text), `${what}: not the contract's JSON error`).toBe(true);
      }),
      { numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: 60_000, seed: fuzzSeed() },
    );
    expect(runs).toBeGreaterThanOrEqual(50);
    // The server is still healthy, and nothing it did was an unexpected failure.
    const health = await send("GET", "/api/health", {}, { kind: "none" });
    expect(health.status).toBe(200);
    expect(errorLogs).toEqual([]);
  }, 120_000);
});
