import type { Client } from "aedes";

/** The broker's limits that a home may need to change (HEARTH_MQTT_MAX_*); the rest are constants below. */
export interface BrokerLimits {
  /** Largest MQTT packet accepted (remaining length, bytes); a bigger one closes the connection. */
  maxPacketBytes: number;
  /** Connections one MQTT username may hold at once; anonymous clients are not counted (development only). */
  maxConnectionsPerUser: number;
}

/**
 * 16 MiB, as the WebSocket listener's maxPayload: Zigbee2MQTT's retained `bridge/devices` grows with the
 * network and passes 1 MiB on large ones, while nothing a home sends needs MQTT's 256 MiB ceiling, which lets
 * one connection make the broker buffer that much.
 */
export const DEFAULT_MAX_PACKET_BYTES = 16 * 1024 * 1024;
/**
 * Many homes give every device the same credentials, so this is well above a home's device count; it is there
 * so that one leaked or looping credential (a device reconnecting with fresh client ids while its old
 * connections linger) cannot take every socket the process has.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 1000;

/*
 * A client's queue for QoS 0 is its socket's: the kernel's send buffer (Linux grows it up to tcp_wmem's
 * maximum, megabytes) plus the broker's write buffer for it, up to CLIENT_BUFFER_BYTES; past that, live QoS 0
 * messages for it are dropped (flow-control.ts).
 */
/**
 * Unsent bytes the broker holds for one client before it drops live QoS 0 messages for it; also its socket's
 * write high-water mark (flow-control.ts raises Node's 16 KiB, so writes below it do not wait for `drain`).
 * Node's 16 KiB counted a single burst (one 64 KiB read from a publisher, forwarded in one turn and written in
 * the next) as a backlog: a subscriber that read everything lost a third of a 250-message burst. 256 KiB holds
 * a few such bursts, about Mosquitto's max_queued_messages of 1000 at a state message's ~100 bytes, and bounds
 * a wildcard subscriber's cost in a flood (1,000 of them at most 256 MiB, before the kernel's share).
 */
export const CLIENT_BUFFER_BYTES = 256 * 1024;
/** A client that keeps losing QoS 0 messages is logged at most once per this, with the count since. */
export const DROP_LOG_INTERVAL_MS = 10_000;
/** Unsent bytes past which a client is cut off at once (QoS 1/2 or large messages far past the buffer above). */
export const CUTOFF_BYTES = 4 * 1024 * 1024;
/** QoS 1/2 messages a backed-up client may have waiting for its socket before it is cut off. */
export const MAX_WAITING_WRITES = 64;
/**
 * How long aedes waits for a client's socket to drain before closing it. 10 s rides out a Wi-Fi hiccup;
 * aedes's 60 s (30 s here before) let a frozen client hold its delivery slots far longer.
 */
export const DRAIN_TIMEOUT_MS = 10_000;
/**
 * Messages aedes's mqemitter delivers at once (aedes's default is 100). Every write that waits for a backed-up
 * socket holds one, so a few slow clients with MAX_WAITING_WRITES each must leave plenty for everyone else.
 */
export const DELIVERY_CONCURRENCY = 1000;
/** A TCP connection must send CONNECT within this (aedes's default is 30 s; idle sockets cost descriptors). */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * TCP keep-alive probes on every MQTT socket: MQTT's own keep-alive is enforced by aedes (1.5 x the client's
 * value, [MQTT-3.1.2-24]), but a client may ask for 0 (none), and aedes's keepaliveLimit would refuse those
 * with return code 6, which MQTT 3.1.1 does not define. The kernel's probes still find such a peer gone.
 */
export const TCP_KEEPALIVE_MS = 60_000;

/**
 * Connections per MQTT username. A CONNECT reusing a connected client id replaces that connection
 * ([MQTT-3.1.4-2]), so it does not count against the user.
 */
export class ConnectionQuota {
  readonly #limit: number;
  readonly #byUser = new Map<string, Set<Client>>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Connections open for a username. */
  count(username: string): number {
    return this.#byUser.get(username)?.size ?? 0;
  }

  /** Takes a slot for an authenticated client (released when its connection closes), or answers false. */
  admit(client: Client, username: string): boolean {
    let clients = this.#byUser.get(username);
    let others = 0;
    for (const c of clients ?? []) if (c.id !== client.id) others++;
    if (others >= this.#limit) return false;
    if (!clients) {
      clients = new Set();
      this.#byUser.set(username, clients);
    }
    const held = clients;
    held.add(client);
    client.conn.once("close", () => {
      held.delete(client);
      if (held.size === 0 && this.#byUser.get(username) === held) this.#byUser.delete(username);
    });
    return true;
  }
}

/** The private parts of mqtt-packet 9's parser that `limitPacketSize` relies on. */
interface ParserInternals {
  _parseLength(): boolean;
  _emitError(err: Error): void;
  packet: { cmd?: string; length: number };
}

/**
 * Refuses a packet as soon as its fixed header announces more than `maxBytes`, before its body is buffered.
 * aedes 1.2 creates its mqtt-packet parser without options and mqtt-packet has no size limit, so the check
 * wraps this connection's parser (instance-level, node_modules untouched). The parser error makes aedes close
 * the connection, as for any malformed packet ([MQTT-4.8.0-1]).
 */
export function limitPacketSize(client: Client, maxBytes: number, onRefused: (cmd: string, bytes: number) => void): void {
  const parser = (client as unknown as { _parser?: Partial<ParserInternals> })._parser;
  if (!parser || typeof parser._parseLength !== "function" || typeof parser._emitError !== "function") {
    throw new Error("aedes's packet parser is not the version Hearth expects: check server/mqtt/broker-limits.ts");
  }
  const parseLength = parser._parseLength;
  parser._parseLength = function limitedParseLength(this: ParserInternals): boolean {
    if (!parseLength.call(this)) return false;
    if (this.packet.length <= maxBytes) return true;
    const cmd = this.packet.cmd ?? "unknown";
    onRefused(cmd, this.packet.length);
    this._emitError(new Error(`${cmd} packet of ${this.packet.length} bytes is over the ${maxBytes}-byte limit`));
    return false;
  };
}
