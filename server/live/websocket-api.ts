import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { EventBus } from "../event-bus";
import type { HubApi, Principal } from "../hub-api";
import { clientAddressOf } from "../http/peer-address";
import type { Logger } from "../logger";
import { createCommands } from "./commands";
import { LiveConnection, type CommandHandler } from "./connection";
import { LiveFeed } from "./live-feed";
import { HA_PROTOCOL_VERSION, MAX_BUFFERED_BYTES, MAX_INCOMING_BYTES, authMessage } from "./protocol";

export interface WebSocketApiDeps {
  log: Logger;
  api: HubApi;
  bus: EventBus;
  /** The person behind an access token: a long-lived API token or a short-lived WebSocket token. */
  /** `clientAddress`: where the socket came from (a home-network-only person's tokens do nothing from elsewhere). */
  authenticate: (accessToken: string, clientAddress: string | null) => Principal | undefined;
  /** Unsent bytes per connection before it counts as too slow (default 4 MiB). */
  maxBufferedBytes?: number;
  /** How long a connection may stay above that before it is closed (default 5 s). */
  slowGraceMs?: number;
}

// HA closes sockets that do not authenticate within 10 seconds; so do we.
const AUTH_TIMEOUT_MS = 10_000;

function decode(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return undefined;
  const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  try {
    return JSON.parse(buffer.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Home Assistant's WebSocket API at /api/websocket (HA: components/websocket_api). The auth phase lives
 * here; each authenticated socket becomes a LiveConnection that runs the commands in ./commands.
 */
export class WebSocketApi {
  readonly #deps: WebSocketApiDeps;
  readonly #wss: WebSocketServer;
  readonly #feed: LiveFeed;
  readonly #handlers: ReadonlyMap<string, CommandHandler>;
  readonly #connections = new Set<LiveConnection>();

  constructor(deps: WebSocketApiDeps) {
    this.#deps = deps;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES });
    this.#feed = new LiveFeed({ bus: deps.bus, log: deps.log });
    this.#handlers = createCommands({ api: deps.api, feed: this.#feed });
  }

  /** Starts listening to the bus; call before the state store emits anything. */
  start(): void {
    this.#feed.start();
  }

  /** Open sockets, authenticated or not. */
  get socketCount(): number {
    return this.#wss.clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const address = clientAddressOf(req);
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws, address));
  }

  #serve(ws: WebSocket, address: string | null): void {
    const { log } = this.#deps;
    let connection: LiveConnection | undefined;
    const authTimer = setTimeout(() => ws.close(4001, "authentication timeout"), AUTH_TIMEOUT_MS);
    ws.on("close", () => {
      clearTimeout(authTimer);
      if (connection) {
        connection.dispose();
        this.#connections.delete(connection);
      }
    });
    // Includes frames above MAX_INCOMING_BYTES: ws closes those with 1009 itself.
    ws.on("error", (err) => {
      log.debug({ err: err.message }, "WebSocket error");
      ws.terminate();
    });
    ws.send(JSON.stringify({ type: "auth_required", ha_version: HA_PROTOCOL_VERSION }));

    ws.on("message", (data, isBinary) => {
      const parsed = decode(data, isBinary);
      if (connection) {
        if (parsed === undefined) connection.error(null, "invalid_format", "Message is not valid JSON text.");
        else connection.receive(parsed);
        return;
      }
      if (ws.readyState !== ws.OPEN) return;
      const auth = authMessage.safeParse(parsed);
      const principal = auth.success ? this.#deps.authenticate(auth.data.access_token, address) : undefined;
      if (!principal) {
        ws.send(JSON.stringify({ type: "auth_invalid", message: auth.success ? "Invalid access token or password" : "Expected an auth message with an access_token" }));
        ws.close();
        return;
      }
      clearTimeout(authTimer);
      connection = new LiveConnection({
        ws,
        log: log.child({ user: principal.user.username }),
        principal,
        handlers: this.#handlers,
        maxBufferedBytes: this.#deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
        slowGraceMs: this.#deps.slowGraceMs ?? 5000,
      });
      this.#connections.add(connection);
      ws.send(JSON.stringify({ type: "auth_ok", ha_version: HA_PROTOCOL_VERSION }));
    });
  }

  /** Closes a person's sockets (their rights changed, or they were removed); clients reconnect with the new rights. */
  closeUser(userId: number, reason = "rights changed"): number {
    let closed = 0;
    for (const connection of this.#connections) {
      if (connection.principal.user.id !== userId) continue;
      connection.close(1008, reason);
      closed++;
    }
    return closed;
  }

  /** Closes the sockets signed in with this credential (Principal.credential): it was revoked or logged out. */
  closeCredential(credential: string): number {
    let closed = 0;
    for (const connection of this.#connections) {
      if (connection.principal.credential !== credential) continue;
      connection.close(1008, "credentials revoked");
      closed++;
    }
    if (closed > 0) this.#deps.log.info({ closed }, "WebSocket connections of a revoked credential closed");
    return closed;
  }

  /** Closes every socket (1001, going away: clients reconnect) and stops listening to the bus. */
  close(): void {
    this.#feed.stop();
    for (const connection of this.#connections) connection.dispose();
    this.#connections.clear();
    for (const client of this.#wss.clients) client.close(1001, "hub stopping");
    this.#wss.close();
  }
}
