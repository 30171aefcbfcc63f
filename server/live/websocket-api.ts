import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import type { HubApi } from "../hub-api";
import type { Logger } from "../logger";

export interface WebSocketApiDeps {
  log: Logger;
  api: HubApi;
  version: string;
}

const authMessage = z.object({ type: z.literal("auth"), access_token: z.string().min(1) });
const commandMessage = z.object({ id: z.number().int().positive(), type: z.string().min(1) }).passthrough();

// HA closes sockets that do not authenticate promptly; so do we.
const AUTH_TIMEOUT_MS = 10_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Home Assistant's WebSocket API at /api/websocket: auth_required → auth → auth_ok/auth_invalid, then
 * id-numbered commands. This first cut answers ping, get_config and refuses the rest by name;
 * live state subscriptions arrive with the entity model.
 */
export class WebSocketApi {
  readonly #deps: WebSocketApiDeps;
  readonly #wss: WebSocketServer;

  constructor(deps: WebSocketApiDeps) {
    this.#deps = deps;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws));
  }

  #serve(ws: WebSocket): void {
    const send = (msg: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    let authenticated = false;
    const authTimer = setTimeout(() => ws.close(4001, "authentication timeout"), AUTH_TIMEOUT_MS);
    ws.on("close", () => clearTimeout(authTimer));
    ws.on("error", () => ws.terminate());
    send({ type: "auth_required", ha_version: this.#deps.version });

    ws.on("message", (data, isBinary) => {
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8"));
      } catch {
        parsed = undefined;
      }
      if (!authenticated) {
        const auth = authMessage.safeParse(parsed);
        const principal = auth.success ? this.#deps.api.auth.authenticate({ bearerToken: auth.data.access_token }) : undefined;
        if (!principal) {
          send({ type: "auth_invalid", message: auth.success ? "Invalid access token or password" : "Expected an auth message" });
          ws.close();
          return;
        }
        authenticated = true;
        clearTimeout(authTimer);
        send({ type: "auth_ok", ha_version: this.#deps.version });
        return;
      }
      // HA accepts a list of commands in one frame (coalesced messages).
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      for (const message of messages) this.#command(message, send);
    });
  }

  #command(message: unknown, send: (msg: unknown) => void): void {
    const cmd = commandMessage.safeParse(message);
    if (!cmd.success) {
      send({ type: "result", id: null, success: false, error: { code: "invalid_format", message: "Message incorrectly formatted" } });
      return;
    }
    const { id, type } = cmd.data;
    switch (type) {
      case "ping":
        send({ id, type: "pong" });
        return;
      case "get_config":
        send({ id, type: "result", success: true, result: this.#deps.api.haConfig() });
        return;
      default:
        send({ id, type: "result", success: false, error: { code: "unknown_command", message: `Unknown command: ${type}` } });
    }
  }

  close(): void {
    for (const client of this.#wss.clients) client.close(1001, "hub stopping");
    this.#wss.close();
  }
}
