import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import type { Logger } from "../logger";
import type { NetworkTrust } from "@/devices/auth/network";
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from "./peer-address";

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface HttpServerDeps {
  log: Logger;
  /** Everything that is not one of our upgrade paths: Next's request handler. */
  handleRequest: RequestHandler;
  /** Requests the hub serves itself, before Next (exact pathnames): live streams (STYLE §4 P6). */
  routes?: Record<string, RequestHandler> | undefined;
  /** Upgrade paths we own (exact pathnames). Every other upgrade is left to Next (HMR in dev). */
  upgrades: Record<string, UpgradeHandler>;
  /** In production nothing else takes upgrades, so unclaimed ones are answered 404 instead of hanging. */
  rejectUnclaimedUpgrades: boolean;
  /** With a certificate the web UI, API and WebSockets are served over HTTPS (wss://…/mqtt). */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** Which proxies' X-Forwarded-For is believed when the client's address is stamped on a request. */
  network: NetworkTrust;
}

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};
// API answers and the hub's own streams are data, never documents: nothing may load or frame them. Pages get
// their nonce-based policy from proxy.ts instead (Next only puts nonces on its scripts when it sets the header).
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// Only over HTTPS (RFC 6797 §7.2: a UA ignores it over HTTP); a LAN hub without a certificate must stay reachable.
const HSTS = "max-age=31536000";

export { CLIENT_ADDRESS_HEADER };

/** Methods Next's route handlers can serve; it answers others with an empty 400, and TRACE with a 500. */
const SERVED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Answers requests Next would fail on with a 500 (found by server/faults/http-fuzz.test.ts): a path that is not
 * valid percent-encoding (Next's decode of a dynamic segment throws) and TRACE (undici's Request refuses it).
 * Other unknown methods get the same clear 405. API paths answer with the contract's JSON error.
 */
/** What is wrong with a request path, if anything: bad percent-encoding, or an encoded "." or ".." segment
 * (%2e%2e), which Next would resolve to another route than the one named. */
function pathProblem(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return "the request path is not valid percent-encoding";
  }
  return decoded.split("/").some((segment) => segment === "." || segment === "..") ? "the request path has a '.' or '..' segment" : undefined;
}

function refuseMalformed(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
  let status: number;
  let code: string;
  let message: string;
  if (!SERVED_METHODS.has(req.method ?? "")) {
    [status, code, message] = [405, "method_not_allowed", `method ${req.method ?? ""} is not allowed`];
    res.setHeader("Allow", [...SERVED_METHODS].join(", "));
  } else {
    const problem = pathProblem(pathname);
    if (problem === undefined) return false;
    [status, code, message] = [400, "invalid_input", problem];
  }
  res.statusCode = status;
  if (pathname.startsWith("/api/") || pathname === "/api") {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ error: { code, message } }));
  } else {
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end(`${message}\n`);
  }
  return true;
}

const FORM_TYPES = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

/**
 * Next takes a form-encoded POST as a Server Action, before any route runs, and answers 409 "Server Action
 * unavailable" in plain text. The API has no Server Actions: its routes read the body themselves (a webhook takes
 * a form as HA does; the others answer a clear 400 for a body that is not JSON), so the form's type is carried in
 * X-Hearth-Content-Type instead.
 */
function keepApiFormsFromNext(req: http.IncomingMessage, pathname: string): void {
  const type = req.headers["content-type"];
  if (!type || !FORM_TYPES.test(type) || !(pathname.startsWith("/api/") || pathname === "/api")) return;
  req.headers["x-hearth-content-type"] = type;
  req.headers["content-type"] = "application/octet-stream";
}

type HeadHeaders = http.OutgoingHttpHeaders | http.OutgoingHttpHeader[];

/**
 * Whether part of the request's body may still be on the wire. A request without Content-Length or
 * Transfer-Encoding has none (RFC 9112 §6.3), though it is not yet `complete` while a handler answers synchronously.
 */
function bodyStillArriving(req: http.IncomingMessage): boolean {
  if (req.complete) return false;
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? "0") > 0;
}

/*
 * A request destroyed before its body arrived whole must take its connection with it. Node drains a body nobody
 * touched (`req._dump()` once the response finishes) and the body readers (body-limit.ts) read a refused body's
 * rest and drop it, so the refusal reaches an uploading client and the connection stays usable. But a request a
 * reader destroyed (Next's body stream cancelled, `for await (… of req)` left early, a discard past its bound)
 * keeps its socket (streams' `destroyer()` spares a server request's socket), which stays paused on the unread
 * bytes: the next request on it got no answer until requestTimeout (found by server/faults/http-fuzz.test.ts with
 * a keep-alive agent; server/http/keep-alive.test.ts). So a head sent after that says `Connection: close`, and a
 * request destroyed after its response ends its socket.
 */
class HubResponse extends http.ServerResponse {
  override writeHead(statusCode: number, statusMessage?: string, headers?: HeadHeaders): this;
  override writeHead(statusCode: number, headers?: HeadHeaders): this;
  override writeHead(statusCode: number, ...rest: [(string | HeadHeaders)?, HeadHeaders?]): this {
    // Every head goes through here: Node's implicit header (the first write or end) calls writeHead too.
    if (!this.headersSent && this.req.destroyed && bodyStillArriving(this.req)) this.setHeader("Connection", "close");
    return super.writeHead(statusCode, ...(rest as [string?, HeadHeaders?]));
  }
}

function endSocketOfAbandonedBody(req: http.IncomingMessage, res: http.ServerResponse): void {
  // Held here: Node detaches the socket from the request once the response is done.
  const socket = req.socket;
  req.once("close", () => {
    if (req.complete || !bodyStillArriving(req) || socket.destroyed) return;
    const end = () => socket.destroySoon();
    if (res.writableFinished) end();
    else res.once("finish", end);
  });
}

/** One node:http server: our WebSocket paths are claimed here, everything else goes to Next. */
export function createHttpServer(deps: HttpServerDeps): http.Server {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Set our headers before Next handles the request: Next may have sent its own by the time it resolves.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (deps.tls) res.setHeader("Strict-Transport-Security", HSTS);
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const route = deps.routes?.[pathname];
    if (route || pathname.startsWith("/api/") || pathname === "/api") res.setHeader("Content-Security-Policy", DATA_CSP);
    // The client's address for home-network checks (people, webhooks); a client cannot set it.
    stampClientAddress(req, deps.network);
    endSocketOfAbandonedBody(req, res);
    if (refuseMalformed(req, res, pathname)) return;
    keepApiFormsFromNext(req, pathname);
    Promise.resolve((route ?? deps.handleRequest)(req, res)).catch((err: unknown) => {
      deps.log.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ error: { code: "internal", message: "internal error" } }));
      } else {
        res.destroy();
      }
    });
  };
  const server: http.Server = deps.tls
    ? https.createServer({ cert: deps.tls.cert, key: deps.tls.key, ServerResponse: HubResponse }, onRequest)
    : http.createServer({ ServerResponse: HubResponse }, onRequest);
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const handler = deps.upgrades[pathname];
    if (handler) {
      stampClientAddress(req, deps.network);
      socket.on("error", (err) => deps.log.debug({ err: err.message, pathname }, "upgrade socket error"));
      handler(req, socket, head);
      return;
    }
    if (deps.rejectUnclaimedUpgrades) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    }
  });
  server.on("clientError", (err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });
  // Phones and tools keep connections idle between requests. Node's 5 s keep-alive closes them so soon that a
  // client reusing one at that moment gets a reset ("socket hang up"); a minute keeps reuse safe and cheap.
  // Header time stays bounded, so a slow sender still cannot hold a socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return server;
}
