import type { Level } from "level";

// aedes-persistence-level's key prefixes for per-client state (asyncPersistence.js); retained messages are not per client.
const CLIENT_PREFIXES = ["subscriptions:", "outgoing:", "outgoing-id:", "incoming:", "will:"] as const;

interface ClientRef {
  id: string;
  clean?: boolean;
}

interface SessionStore {
  addSubscriptions(client: ClientRef, subs: unknown): Promise<unknown>;
  outgoingEnqueue(sub: { clientId: string }, packet: unknown): Promise<unknown>;
  outgoingEnqueueCombi(subs: { clientId: string }[] | null, packet: unknown): Promise<unknown>;
  outgoingUpdate(client: ClientRef, packet: unknown): Promise<unknown>;
  incomingStorePacket(client: ClientRef, packet: unknown): Promise<unknown>;
  putWill(client: ClientRef, packet: unknown): Promise<unknown>;
  subscriptionsByClient(client: ClientRef): Promise<unknown[]>;
  cleanSubscriptions(client: ClientRef): Promise<unknown>;
  cleanIncoming(client: ClientRef): Promise<unknown>;
  delWill(client: ClientRef): Promise<unknown>;
  outgoingClearMessageId(client: ClientRef, packet: unknown): Promise<unknown>;
}

/** The client ids that have any state in the store, read from its keys once at start. */
export async function readClientsWithState(level: Level<string, Buffer>): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const prefix of CLIENT_PREFIXES) {
    // '\xff' sorts after every key character in the range, so this reads exactly one prefix.
    for await (const key of level.keys({ gte: prefix, lt: `${prefix}\xff` })) {
      const rest = key.slice(prefix.length);
      const end = prefix === "will:" ? rest.length : rest.indexOf(":");
      ids.add(decodeURIComponent(end < 0 ? rest : rest.slice(0, end)));
    }
  }
  return ids;
}

/**
 * Clean sessions are most connections (the bench, browsers, many devices), and for them aedes still asks
 * the store on every CONNECT, DISCONNECT and QoS 1 ack: a range read, a range delete, a will lookup, an ack
 * lookup. Answer those from memory when the client has never written anything; everything that writes
 * client state goes through, and marks the id first. Ids are never unmarked: that only costs a lookup.
 */
export function skipStatelessClients(persistence: unknown, withState: Set<string>): unknown {
  const store = persistence as SessionStore;
  type Method = (...args: unknown[]) => Promise<unknown>;
  const methods = store as unknown as Record<keyof SessionStore, Method>;
  const replace = (name: keyof SessionStore, make: (original: Method) => Method) => {
    const original = methods[name].bind(store);
    methods[name] = make(original);
  };
  const mark = <T>(name: keyof SessionStore, idsOf: (first: T) => string[]) =>
    replace(name, (original) => (...args) => {
      for (const id of idsOf(args[0] as T)) withState.add(id);
      return original(...args);
    });
  const skip = (name: keyof SessionStore, empty: unknown, alsoIfClean = false) =>
    replace(name, (original) => (...args) => {
      const client = args[0] as ClientRef;
      if ((alsoIfClean && client.clean === true) || !withState.has(client.id)) return Promise.resolve(empty);
      return original(...args);
    });
  mark("addSubscriptions", (c: ClientRef) => [c.id]);
  mark("outgoingEnqueue", (s: { clientId: string }) => [s.clientId]);
  mark("outgoingEnqueueCombi", (subs: { clientId: string }[] | null) => (subs ?? []).map((s) => s.clientId));
  mark("outgoingUpdate", (c: ClientRef) => [c.id]);
  mark("incomingStorePacket", (c: ClientRef) => [c.id]);
  mark("putWill", (c: ClientRef) => [c.id]);
  skip("subscriptionsByClient", []);
  skip("cleanSubscriptions", undefined);
  skip("cleanIncoming", undefined);
  skip("delWill", undefined);
  // aedes stores outgoing messages only for persistent sessions (lib/client.js), so a clean client's ack
  // never has anything to clear.
  skip("outgoingClearMessageId", undefined, true);
  return persistence;
}
