import { callService as wsCallService } from "home-assistant-js-websocket";
import type { CompressedState, EntitiesEvent, EntityDiff } from "@/server/live/entity-diff";
import { callApi } from "../_components/api-client";
import type { LiveState, LiveStore } from "./live-store";
import { acquireConnection, type ConnectionLease } from "./shared-connection";

const POLL_MS = 2000;
const RETRY_WS_MS = 20_000;
const FIRST_SNAPSHOT_MS = 6000;
const REGISTRY_EVENTS = ["area_registry_updated", "device_registry_updated", "entity_registry_updated"] as const;

const isoOf = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** One entity of a subscribe_entities snapshot or addition, as the REST API would show it. */
export function fromCompressed(entityId: string, c: CompressedState): LiveState {
  const lastChanged = isoOf(c.lc);
  return { entity_id: entityId, state: c.s, attributes: c.a, last_changed: lastChanged, last_updated: c.lu ? isoOf(c.lu) : lastChanged };
}

/** `before` with a subscribe_entities diff applied (home-assistant-js-websocket's entities.ts processEvent, per entity). */
export function applyDiff(before: LiveState, diff: EntityDiff): LiveState {
  const next = { ...before };
  const add = diff["+"];
  const remove = diff["-"];
  if (add?.a || remove?.a) {
    const attributes = { ...before.attributes, ...add?.a };
    for (const key of remove?.a ?? []) delete attributes[key];
    next.attributes = attributes;
  }
  if (add?.s !== undefined) next.state = add.s;
  if (add?.lc) next.last_updated = next.last_changed = isoOf(add.lc);
  else if (add?.lu) next.last_updated = isoOf(add.lu);
  return next;
}

export interface LiveLink {
  /** Runs a service: over the WebSocket when it is up, else through POST /api/services. */
  callService(domain: string, service: string, data: Record<string, unknown>): Promise<{ ok: true } | { ok: false; message: string }>;
  stop(): void;
}

/**
 * Keeps `store` current: HA's WebSocket API (subscribe_entities: snapshot then diffs; the library
 * reconnects and resyncs after drops and hub restarts) on the tab's shared connection. Until the socket
 * works, polls GET /api/states and tries the socket again now and then. `onRegistryChange` runs when rooms,
 * devices or entities change.
 */
export function startLiveLink(store: LiveStore, onRegistryChange: () => void): LiveLink {
  let stopped = false;
  // The share of the tab's connection; its listeners and subscriptions leave with it.
  let lease: ConnectionLease | undefined;
  // The next event with additions is a subscription's whole snapshot: the first one, and the first after
  // each reconnect (the library subscribes again and the hub answers with every entity).
  let resync = true;
  let onSnapshot: (() => void) | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let polling = false;

  const poll = async () => {
    if (stopped || !polling) return;
    if (!document.hidden) {
      const res = await callApi<LiveState[]>("/api/states");
      if (stopped || !polling) return;
      if (res.ok) {
        store.replaceAll(res.data);
        store.setStatus("polling");
      } else if (res.error.status === 401) {
        // Signed out (here or in another tab) or the session was ended: back to sign-in, then here again.
        stopped = true;
        window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        return;
      } else {
        store.setStatus("offline");
      }
    }
    pollTimer = setTimeout(() => void poll(), POLL_MS);
  };

  const startPolling = () => {
    if (polling || stopped) return;
    polling = true;
    void poll();
    retryTimer = setTimeout(() => void tryWebSocket(), RETRY_WS_MS);
  };

  const stopPolling = () => {
    polling = false;
    clearTimeout(pollTimer);
    clearTimeout(retryTimer);
  };

  // Only the entities an event names are touched: the library's own entities collection copies all of them
  // (and this store then compared all of them) for every event, which a phone could not keep up with at
  // a thousand changes a second (npm run bench -- --scenarios ui).
  const onEntities = (event: EntitiesEvent) => {
    if (resync && event.a) {
      resync = false;
      store.replaceAll(Object.entries(event.a).map(([id, c]) => fromCompressed(id, c)));
      onSnapshot?.();
      return;
    }
    const changed: LiveState[] = [];
    for (const [id, c] of Object.entries(event.a ?? {})) changed.push(fromCompressed(id, c));
    for (const [id, diff] of Object.entries(event.c ?? {})) {
      const before = store.get(id);
      if (before) changed.push(applyDiff(before, diff));
    }
    store.patch(changed, event.r ?? []);
  };

  const tryWebSocket = async () => {
    if (stopped) return;
    clearTimeout(retryTimer);
    let candidate: ConnectionLease | undefined;
    try {
      candidate = await acquireConnection();
      if (stopped) throw new Error("stopped");
      const use = candidate;
      // Held from here so that stop() ends the subscription at once, even before the snapshot.
      lease = use;
      resync = true;
      const first = await new Promise<boolean>((resolve, reject) => {
        const timer = setTimeout(() => resolve(false), FIRST_SNAPSHOT_MS);
        onSnapshot = () => {
          clearTimeout(timer);
          resolve(true);
        };
        use.subscribe<EntitiesEvent>({ type: "subscribe_entities" }, onEntities).catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error("subscribe_entities failed"));
        });
      });
      onSnapshot = undefined;
      if (!first || stopped) throw new Error("no entity snapshot");
      stopPolling();
      store.setStatus("live");
      use.on("ready", () => {
        resync = true;
        store.setStatus("live");
      });
      use.on("disconnected", () => store.setStatus("connecting"));
      // The library gave up (the session ended, or the hub forgot it): the shared connection is dropped; poll
      // (which sends a signed-out person to the login page) and try a new connection later.
      use.on("reconnect-error", () => {
        lease = undefined;
        use.release();
        startPolling();
      });
      for (const event of REGISTRY_EVENTS) {
        use.subscribe({ type: "subscribe_events", event_type: event }, onRegistryChange).catch(() => undefined);
      }
    } catch {
      onSnapshot = undefined;
      if (lease === candidate) lease = undefined;
      candidate?.release();
      if (stopped) return;
      polling = false;
      startPolling();
    }
  };

  void tryWebSocket();

  return {
    async callService(domain, service, data) {
      const conn = lease?.connection;
      if (conn?.connected) {
        try {
          await wsCallService(conn, domain, service, data);
          return { ok: true };
        } catch (err) {
          const message = typeof err === "object" && err !== null && "message" in err ? String(err.message) : "The hub refused the command.";
          return { ok: false, message };
        }
      }
      const res = await callApi<LiveState[]>(`/api/services/${domain}/${service}`, { method: "POST", body: data });
      if (!res.ok) return { ok: false, message: res.error.message };
      if (Array.isArray(res.data)) store.apply(res.data);
      return { ok: true };
    },
    stop() {
      stopped = true;
      stopPolling();
      lease?.release();
      lease = undefined;
    },
  };
}
