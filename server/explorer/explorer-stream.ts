import { canManage } from "@/devices/auth/access";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isHubError } from "../errors";
import { sendError } from "../http/send-error";
import type { Logger } from "../logger";
import type { MqttExplorer } from "./mqtt-explorer";
import { type Authenticate, requestPrincipal } from "../http/request-principal";

export const EXPLORER_STREAM_PATH = "/api/mqtt/stream";

// The session cookie app/_lib/session-cookie.ts sets (server/ may not import app/).

export interface ExplorerStreamDeps {
  explorer: MqttExplorer;
  authenticate: Authenticate;
  log: Logger;
  /** A comment line this often keeps proxies and phones from closing an idle stream (STYLE §4 P6). */
  heartbeatMs?: number;
  /** A reader this far behind loses messages (counted as skipped) instead of growing the buffer. */
  maxBufferedBytes?: number;
}

/**
 * GET /api/mqtt/stream?filter=<MQTT filter> — the explorer's live log as Server-Sent Events, admins only.
 * Served by the custom server before Next (STYLE §3.2, §4 P6): no Next compression or buffering in the
 * path, and the socket's close is what ends the broker-side tap. Each event's data is a MqttLiveMessageView,
 * or `{"skipped": n}` once a second when the rate limit (100 messages/s per stream) dropped some.
 */
export class ExplorerStream {
  readonly #deps: ExplorerStreamDeps;
  readonly #open = new Map<() => void, number>();

  constructor(deps: ExplorerStreamDeps) {
    this.#deps = deps;
  }

  /** Open streams (for tests and status). */
  get openStreams(): number {
    return this.#open.size;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): Promise<void> => this.#handle(req, res);

  /** Ends every open stream (the hub is stopping). */
  close(): void {
    for (const end of [...this.#open.keys()]) end();
  }

  /** Ends a person's streams: their rights changed or they were removed. */
  closeUser(userId: number): void {
    for (const [end, owner] of [...this.#open]) if (owner === userId) end();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      sendError(res, "invalid_input", "use GET", 405);
      return;
    }
    const principal = requestPrincipal(req, this.#deps.authenticate);
    if (!principal) {
      sendError(res, "unauthorized", "authentication required: a session cookie or a Bearer token");
      return;
    }
    if (!canManage(principal.user)) {
      sendError(res, "forbidden", "only an owner or admin may do this");
      return;
    }
    const filter = new URL(req.url ?? "/", "http://hub").searchParams.get("filter") || "#";

    let closed = false;
    let pendingSkipped = 0;
    const write = (chunk: string) => {
      // Nothing goes out before our own headers (a write would send Node's defaults).
      if (!closed && res.headersSent) res.write(chunk);
    };
    const maxBuffered = this.#deps.maxBufferedBytes ?? 1024 * 1024;
    let closeTap: (() => Promise<void>) | undefined;
    try {
      closeTap = await this.#deps.explorer.watch(filter, {
        message: (view) => {
          // A slow reader (a phone on bad Wi-Fi) loses messages rather than the hub growing a buffer.
          if (res.writableLength > maxBuffered) pendingSkipped++;
          else write(`data: ${JSON.stringify(view)}\n\n`);
        },
        skipped: (count) => {
          const total = count + pendingSkipped;
          pendingSkipped = 0;
          write(`data: ${JSON.stringify({ skipped: total })}\n\n`);
        },
      });
    } catch (err) {
      if (isHubError(err)) sendError(res, err.code, err.message);
      else {
        this.#deps.log.error({ err }, "explorer stream failed to open");
        sendError(res, "internal", "internal error");
      }
      return;
    }

    const heartbeat = setInterval(() => write(": ping\n\n"), this.#deps.heartbeatMs ?? 25_000);
    heartbeat.unref();
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      this.#open.delete(end);
      closeTap?.().catch((err: unknown) => this.#deps.log.debug({ err }, "explorer stream: tap close failed"));
      if (!res.writableEnded) res.end();
    };
    this.#open.set(end, principal.user.id);
    res.on("close", end);
    res.on("error", end);
    if (req.destroyed || res.destroyed) {
      end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform keeps compression (Next's, a proxy's) from buffering the stream (STYLE §4 P6).
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    write("retry: 5000\n: connected\n\n");
    this.#deps.log.debug({ filter, user: principal.user.username }, "explorer stream opened");
  }
}
