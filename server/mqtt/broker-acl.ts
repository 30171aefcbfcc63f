import type { AedesOptions, AedesPublishPacket, Client, PublishPacket, Subscription } from "aedes";
import { type AclRule, type CompiledAcl, compileAcl, mayRead, maySubscribe, mayWrite } from "@/devices/mqtt-acl/acl-rules";
import type { Logger } from "../logger";

/**
 * Where a refused PUBLISH goes. MQTT 3.1.1 has no way to refuse one (aedes would close the connection, and a
 * device would reconnect and retry in a loop), so like Mosquitto we acknowledge it and deliver it nowhere: the
 * packet is re-addressed to this `$` topic, which wildcards never match [MQTT-4.7.2-1] and nobody may subscribe to.
 */
export const DENIED_TOPIC = "$hearth/denied";
const RESERVED_PREFIX = "$hearth/";
const SYS_PREFIX = "$SYS/";
/** One log line per user and kind of refusal per window; the rest are counted into the next line. */
const LOG_WINDOW_MS = 60_000;
const MAX_LOG_KEYS = 1000;

export interface BrokerAclDeps {
  log: Logger;
  /** A user's stored rules; an empty list = no rules = full access (installs from before the rules existed). */
  rulesFor: (username: string) => AclRule[] | undefined;
  /** Topics only the hub writes (its birth/status topic): refused to every client, whatever its rules. */
  protectedTopics: readonly string[];
  now?: () => number;
}

interface UserRules {
  version: number;
  rules: AclRule[] | null;
}

/**
 * The broker thread's ACL check. Rules are read from SQLite once per user and compiled once per connection
 * (`%u`/`%c` filled in); a change bumps the user's version and each connection recompiles on its next packet,
 * so new rules apply without reconnecting. Subscriptions granted earlier are filtered per message (read access).
 */
export class BrokerAcl {
  readonly #deps: BrokerAclDeps;
  #lastTopic: string | undefined;
  #lastLevels: readonly string[] = [];
  readonly #users = new Map<string, UserRules>();
  readonly #compiled = new WeakMap<Client, { version: number; acl: CompiledAcl | null }>();
  readonly #logged = new Map<string, { at: number; suppressed: number }>();
  readonly #protected: Set<string>;
  #version = 0;

  constructor(deps: BrokerAclDeps) {
    this.#deps = deps;
    this.#protected = new Set(deps.protectedTopics);
  }

  /** The user's rules changed (or the user was added or removed): reload them before the next packet. */
  reload(username: string): void {
    this.#users.delete(username);
    this.#version++;
  }

  #aclOf(client: Client, username: string | null): CompiledAcl | null {
    if (username === null) return null;
    let user = this.#users.get(username);
    if (!user) {
      const rules = this.#deps.rulesFor(username);
      user = { version: ++this.#version, rules: rules && rules.length > 0 ? rules : null };
      this.#users.set(username, user);
    }
    const cached = this.#compiled.get(client);
    if (cached && cached.version === user.version) return cached.acl;
    const acl = user.rules ? compileAcl(user.rules, { username, clientId: client.id }) : null;
    this.#compiled.set(client, { version: user.version, acl });
    return acl;
  }

  /**
   * May this client publish (or leave as its will) a message on `topic`? The hub's own topics only with a write
   * rule naming that very topic (no wildcard): how an admin lets a second controller (Home Assistant, another
   * hub) announce itself, while no device, with or without rules, can fake the hub's birth or will.
   */
  mayPublish(client: Client | null, username: string | null, topic: string): boolean {
    if (topic.startsWith(RESERVED_PREFIX)) return false;
    const acl = client ? this.#aclOf(client, username) : null;
    if (this.#protected.has(topic)) return acl !== null && mayWrite(acl, topic) && acl.write.some((f) => f.join("/") === topic);
    return acl === null || mayWrite(acl, topic);
  }

  maySubscribe(client: Client, username: string | null, filter: string): boolean {
    if (filter.startsWith(RESERVED_PREFIX)) return false;
    const acl = this.#aclOf(client, username);
    return acl === null || maySubscribe(acl, filter);
  }

  /** May a message on `topic` be delivered to this client (its subscription may predate a rule change)? */
  mayReceive(client: Client, username: string | null, topic: string): boolean {
    const acl = this.#aclOf(client, username);
    if (acl === null) return true;
    // aedes asks once per subscriber of the same message: split its topic once.
    if (topic !== this.#lastTopic) {
      this.#lastTopic = topic;
      this.#lastLevels = topic.split("/");
    }
    return mayRead(acl, this.#lastLevels);
  }

  /** Logs a refusal, at most once per user, kind and window: a device retrying in a loop must not flood the log. */
  logDenied(kind: "publish" | "subscribe", client: Client | null, username: string | null, topic: string): void {
    const key = `${kind}\0${username ?? ""}\0${username ? "" : (client?.id ?? "")}`;
    const now = this.#deps.now?.() ?? Date.now();
    const seen = this.#logged.get(key);
    if (seen && now - seen.at < LOG_WINDOW_MS) {
      seen.suppressed++;
      return;
    }
    if (this.#logged.size >= MAX_LOG_KEYS) this.#logged.clear();
    this.#logged.set(key, { at: now, suppressed: 0 });
    const suppressed = seen?.suppressed ?? 0;
    this.#deps.log.warn({ kind, username, clientId: client?.id ?? null, topic, ...(suppressed > 0 ? { suppressed } : {}) }, `mqtt ${kind} refused by ACL`);
  }
}

/** aedes's authorize hooks over a BrokerAcl; `usernameOf` answers who a client authenticated as. */
export function aclHooks(acl: BrokerAcl, usernameOf: (client: Client) => string | null): Pick<AedesOptions, "authorizePublish" | "authorizeSubscribe" | "authorizeForward"> {
  return {
    authorizePublish: (client, packet: PublishPacket, callback) => {
      // aedes's default refusal, kept: publishing to $SYS closes the connection (aedes issue 597).
      if (packet.topic.startsWith(SYS_PREFIX)) return callback(new Error(`${SYS_PREFIX} topic is reserved`));
      const username = client ? usernameOf(client) : null;
      if (!acl.mayPublish(client, username, packet.topic)) {
        acl.logDenied("publish", client, username, packet.topic);
        packet.topic = DENIED_TOPIC;
        packet.retain = false;
      }
      callback(null);
    },
    authorizeSubscribe: (client, sub: Subscription, callback) => {
      const username = usernameOf(client);
      if (acl.maySubscribe(client, username, sub.topic)) return callback(null, sub);
      acl.logDenied("subscribe", client, username, sub.topic);
      // A null subscription is refused in the SUBACK with 0x80 [MQTT-3.9.3] (aedes docs, authorizeSubscribe).
      callback(null, null);
    },
    authorizeForward: (client, packet: AedesPublishPacket) => (acl.mayReceive(client, usernameOf(client), packet.topic) ? packet : null),
  };
}
