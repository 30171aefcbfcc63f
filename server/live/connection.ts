import { canManage, isLimited } from "@/devices/auth/access";

/**
 * What a room-limited person or kiosk may send: the entity commands filter by their rooms, call_service checks
 * every target, and the rest say nothing about entities (registry events carry ids only; the UI refetches).
 */
const LIMITED_COMMANDS: ReadonlySet<string> = new Set([
  "ping",
  "supported_features",
  "get_config",
  "get_services",
  "auth/current_user",
  "get_states",
  "subscribe_entities",
  "subscribe_events",
  "unsubscribe_events",
  "call_service",
]);
import type { WebSocket } from "ws";
import type { Principal } from "../hub-api";
import type { Logger } from "../logger";
import type { PendingEntities } from "./entity-diff";
import { CLOSE_TOO_SLOW, commandEnvelope, errorMessage, eventMessage, haErrorOf, resultMessage, type CommandEnvelope, type HaErrorCode } from "./protocol";

/** A command handler; it answers through the connection (result, error, events). */
export type CommandHandler = (conn: LiveConnection, msg: CommandEnvelope) => void | Promise<void>;

export interface LiveConnectionDeps {
  ws: WebSocket;
  log: Logger;
  principal: Principal;
  handlers: ReadonlyMap<string, CommandHandler>;
  /** Unsent bytes above this for `slowGraceMs`, or above four times this at once, close the connection. */
  maxBufferedBytes: number;
  slowGraceMs: number;
}

/**
 * One authenticated socket (HA: connection.py ActiveConnection + http.py's writer). Everything it sends in one
 * event-loop turn goes out together at the end of the turn: pending entity changes fold into one event per
 * subscription, and with `coalesce_messages` the whole turn is one JSON array frame.
 */
export class LiveConnection {
  readonly principal: Principal;
  readonly log: Logger;
  readonly #deps: LiveConnectionDeps;
  readonly #subscriptions = new Map<number, () => void>();
  readonly #entities = new Map<number, PendingEntities>();
  readonly #dirty = new Set<number>();
  #outbox: string[] = [];
  #lastId = 0;
  #coalesce = false;
  #closing = false;
  #flushScheduled: NodeJS.Immediate | undefined;
  #slowTimer: NodeJS.Timeout | undefined;

  constructor(deps: LiveConnectionDeps) {
    this.#deps = deps;
    this.principal = deps.principal;
    this.log = deps.log;
  }

  /** HA user ids are strings; ours is the person's numeric id as text (as the REST service route uses). */
  get userId(): string {
    return String(this.principal.user.id);
  }

  get isAdmin(): boolean {
    return canManage(this.principal.user);
  }

  /** supported_features: `coalesce_messages` lets us send several messages as one JSON array. */
  setFeatures(features: Record<string, number>): void {
    this.#coalesce = Object.hasOwn(features, "coalesce_messages");
  }

  /** One incoming command, or a list of them (a coalesced frame from the client). */
  receive(parsed: unknown): void {
    for (const message of Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]) this.#handle(message);
  }

  result(id: number, result: unknown = null): void {
    this.#queue(resultMessage(id, result));
  }

  error(id: number | null, code: HaErrorCode, message: string): void {
    this.#queue(errorMessage(id, code, message));
  }

  /** An event for subscription `id`; `eventJson` is already serialised. */
  event(id: number, eventJson: string): void {
    this.#queue(eventMessage(id, eventJson));
  }

  /** Sends a message object as it is (pong). */
  raw(message: Record<string, unknown>): void {
    this.#queue(JSON.stringify(message));
  }

  addSubscription(id: number, dispose: () => void): void {
    this.#subscriptions.set(id, dispose);
  }

  /** Ends subscription `id`; false when there is none. */
  removeSubscription(id: number): boolean {
    const dispose = this.#subscriptions.get(id);
    if (!dispose) return false;
    this.#subscriptions.delete(id);
    dispose();
    return true;
  }

  /** Registers a subscribe_entities subscription's pending changes, flushed once per turn. */
  trackEntities(id: number, pending: PendingEntities): () => void {
    this.#entities.set(id, pending);
    return () => {
      this.#entities.delete(id);
      this.#dirty.delete(id);
    };
  }

  /** Subscription `id` has new pending entity changes. */
  entitiesChanged(id: number): void {
    this.#dirty.add(id);
    this.#schedule();
  }

  /** The socket closed: drop every subscription. */
  dispose(): void {
    this.#closing = true;
    for (const dispose of this.#subscriptions.values()) dispose();
    this.#subscriptions.clear();
    this.#entities.clear();
    this.#dirty.clear();
    this.#outbox = [];
    if (this.#flushScheduled) clearImmediate(this.#flushScheduled);
    clearTimeout(this.#slowTimer);
  }

  #handle(message: unknown): void {
    const envelope = commandEnvelope.safeParse(message);
    if (!envelope.success) {
      const id = typeof message === "object" && message !== null && typeof (message as { id?: unknown }).id === "number" ? (message as { id: number }).id : null;
      this.error(id, "invalid_format", "Message incorrectly formatted: expected an object with a positive integer id and a type.");
      return;
    }
    const msg = envelope.data;
    if (msg.id <= this.#lastId) {
      this.error(msg.id, "id_reuse", "Identifier values have to increase.");
      return;
    }
    const handler = this.#deps.handlers.get(msg.type);
    if (!handler) {
      this.error(msg.id, "unknown_command", `Unknown command: ${msg.type}.`);
      return;
    }
    // Deny by default: a room-limited person or kiosk reaches only the commands that filter by their rooms.
    if (isLimited(this.principal.user) && !LIMITED_COMMANDS.has(msg.type)) {
      this.#lastId = msg.id;
      this.error(msg.id, "unauthorized", `Unauthorized: ${msg.type} is not open to an account limited to some rooms.`);
      return;
    }
    this.#lastId = msg.id;
    try {
      const pending = handler(this, msg);
      if (pending) pending.catch((err: unknown) => this.#failed(msg, err));
    } catch (err) {
      this.#failed(msg, err);
    }
  }

  #failed(msg: CommandEnvelope, err: unknown): void {
    const { code, message, expected } = haErrorOf(err);
    if (!expected) this.log.error({ err, type: msg.type }, "WebSocket command failed");
    this.error(msg.id, code, message);
  }

  #queue(text: string): void {
    if (this.#closing) return;
    this.#outbox.push(text);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#flushScheduled || this.#closing) return;
    this.#flushScheduled = setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = undefined;
    if (this.#closing) return;
    for (const id of this.#dirty) {
      const event = this.#entities.get(id)?.take();
      if (event) this.#outbox.push(eventMessage(id, JSON.stringify(event)));
    }
    this.#dirty.clear();
    const out = this.#outbox;
    this.#outbox = [];
    if (out.length === 0) return;
    if (this.#coalesce && out.length > 1) this.#write(`[${out.join(",")}]`);
    else for (const text of out) if (!this.#write(text)) return;
  }

  /** Writes one frame unless the client is not reading; false when the connection is being closed. */
  #write(text: string): boolean {
    const { ws, maxBufferedBytes, slowGraceMs } = this.#deps;
    if (ws.readyState !== ws.OPEN) return false;
    // Measured before writing, so one large snapshot alone never trips it; what is still unsent does.
    const unsent = ws.bufferedAmount;
    if (unsent > 4 * maxBufferedBytes) {
      this.#tooSlow(unsent);
      return false;
    }
    if (unsent > maxBufferedBytes && !this.#slowTimer) {
      this.#slowTimer = setTimeout(() => {
        this.#slowTimer = undefined;
        if (ws.bufferedAmount > maxBufferedBytes) this.#tooSlow(ws.bufferedAmount);
      }, slowGraceMs);
      this.#slowTimer.unref();
    }
    ws.send(text);
    return true;
  }

  /** Stops serving and closes the socket; one that does not finish closing within 2 s is cut. */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    const { ws } = this.#deps;
    this.dispose();
    ws.close(code, reason);
    // The close frame waits behind any unsent bytes; do not keep them for a client that is not reading.
    const kill = setTimeout(() => ws.terminate(), 2000);
    kill.unref();
    ws.once("close", () => clearTimeout(kill));
  }

  #tooSlow(unsent: number): void {
    if (this.#closing) return;
    this.log.warn({ unsentBytes: unsent, user: this.principal.user.username }, "WebSocket client is not keeping up; closing it (it reconnects and resyncs)");
    this.close(CLOSE_TOO_SLOW, "client too slow");
  }
}
