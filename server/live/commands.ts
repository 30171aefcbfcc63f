import { canManage, isLimited } from "@/devices/auth/access";
import type { AccessScope } from "../auth/access-scope";
import type { HubApi } from "../hub-api";
import { newContext } from "../state/context";
import type { CommandHandler, LiveConnection } from "./connection";
import { compressState, PendingEntities, type CompressedState } from "./entity-diff";
import type { LiveFeed } from "./live-feed";
import { recorderCommands } from "./recorder-commands";
import { logbookCommands } from "./logbook-commands";
import { notificationCommands } from "./notification-commands";
import {
  MATCH_ALL,
  SUBSCRIBE_ALLOWLIST,
  callServiceMessage,
  parseCommand,
  subscribeEntitiesMessage,
  subscribeEventsMessage,
  supportedFeaturesMessage,
  unsubscribeEventsMessage,
  type CommandEnvelope,
} from "./protocol";
import type { z } from "zod";

/** The events a room-limited person may subscribe to: registry updates (ids only; the UI refetches what it may see). */
const LIMITED_EVENTS: ReadonlySet<string> = new Set(["area_registry_updated", "device_registry_updated", "entity_registry_updated"]);

export interface CommandDeps {
  api: HubApi;
  feed: LiveFeed;
}

/** Parses a command's fields or answers invalid_format; undefined means "already answered". */
function fields<T>(conn: LiveConnection, msg: CommandEnvelope, schema: z.ZodType<T>): T | undefined {
  const parsed = parseCommand(schema, msg);
  if (parsed.ok) return parsed.value;
  conn.error(msg.id, "invalid_format", `${msg.type}: ${parsed.message}`);
  return undefined;
}

const asList = (ids: string | string[] | undefined): string[] => (ids === undefined ? [] : typeof ids === "string" ? ids.split(",").map((s) => s.trim()).filter(Boolean) : ids);

/** HA's get_services shape: `{domain: {service: {name, description, fields}}}`. */
function serviceDescriptions(api: HubApi, scope: AccessScope): Record<string, Record<string, { name: string; description: string; fields: Record<string, unknown> }>> {
  const out: Record<string, Record<string, { name: string; description: string; fields: Record<string, unknown> }>> = {};
  for (const { domain, services } of api.services.list(scope)) {
    const described: (typeof out)[string] = {};
    for (const [service, info] of Object.entries(services)) described[service] = { name: info.name, description: "", fields: info.fields };
    out[domain] = described;
  }
  return out;
}

/**
 * The commands Hearth answers (HA: websocket_api/commands.py). Each validates its own fields; errors thrown
 * by the hub arrive as HubErrors and are answered with HA's codes by the connection.
 */
export function createCommands({ api, feed }: CommandDeps): ReadonlyMap<string, CommandHandler> {
  const commands: Record<string, CommandHandler> = {
    ping: (conn, msg) => conn.raw({ id: msg.id, type: "pong" }),

    supported_features: (conn, msg) => {
      const body = fields(conn, msg, supportedFeaturesMessage);
      if (!body) return;
      conn.setFeatures(body.features);
      conn.result(msg.id);
    },

    get_config: (conn, msg) => conn.result(msg.id, api.haConfig()),

    get_states: (conn, msg) => {
      const scope = api.access(conn.principal.user);
      const states = api.states.list();
      conn.result(msg.id, scope.limited ? states.filter((s) => scope.seesEntity(s.entity_id)) : states);
    },

    get_services: (conn, msg) => conn.result(msg.id, serviceDescriptions(api, api.access(conn.principal.user))),

    "auth/current_user": (conn, msg) => {
      const { user } = conn.principal;
      conn.result(msg.id, {
        id: conn.userId,
        name: user.name,
        is_owner: user.role === "owner",
        is_admin: canManage(user),
        credentials: [{ auth_provider_type: "homeassistant", auth_provider_id: null }],
        mfa_modules: [],
      });
    },

    subscribe_events: (conn, msg) => {
      const body = fields(conn, msg, subscribeEventsMessage);
      if (!body) return;
      const eventType = body.event_type === undefined || body.event_type === MATCH_ALL ? null : body.event_type;
      // HA: only admins may subscribe to every event or to events outside the allowlist. A room-limited person
      // gets the registry updates alone (ids, so their pages refetch): state_changed would show every room.
      if (isLimited(conn.principal.user) && (eventType === null || !LIMITED_EVENTS.has(eventType))) {
        conn.error(msg.id, "unauthorized", `Unauthorized: ${eventType ?? "all events"} is not open to an account limited to some rooms; use subscribe_entities.`);
        return;
      }
      if (!conn.isAdmin && (eventType === null || !SUBSCRIBE_ALLOWLIST.has(eventType))) {
        conn.error(msg.id, "unauthorized", `Unauthorized: only admins may subscribe to ${eventType ?? "all events"}.`);
        return;
      }
      const id = msg.id;
      conn.addSubscription(id, feed.onEvent(eventType, (json) => conn.event(id, json)));
      conn.result(id);
    },

    subscribe_entities: (conn, msg) => {
      const body = fields(conn, msg, subscribeEntitiesMessage);
      if (!body) return;
      const wanted = asList(body.entity_ids);
      const pending = new PendingEntities(wanted.length > 0 ? new Set(wanted) : null);
      // A room-limited person: asked at each change, so an entity moved into their room shows up at once.
      const scope = api.access(conn.principal.user);
      const accepts = scope.limited ? (entityId: string) => pending.accepts(entityId) && scope.seesEntity(entityId) : (entityId: string) => pending.accepts(entityId);
      const id = msg.id;
      // Listen before reading the snapshot, with nothing in between, so no change falls in a gap.
      const unlisten = feed.onState((entityId, oldState, newState) => {
        if (accepts(entityId)) {
          pending.add(entityId, oldState, newState);
          conn.entitiesChanged(id);
        }
      });
      const untrack = conn.trackEntities(id, pending);
      conn.addSubscription(id, () => {
        unlisten();
        untrack();
      });
      const snapshot: Record<string, CompressedState> = {};
      for (const state of api.states.list()) if (accepts(state.entity_id)) snapshot[state.entity_id] = compressState(state);
      conn.result(id);
      conn.event(id, JSON.stringify({ a: snapshot }));
    },

    unsubscribe_events: (conn, msg) => {
      const body = fields(conn, msg, unsubscribeEventsMessage);
      if (!body) return;
      if (conn.removeSubscription(body.subscription)) conn.result(msg.id);
      else conn.error(msg.id, "not_found", "Subscription not found.");
    },

    call_service: async (conn, msg) => {
      const body = fields(conn, msg, callServiceMessage);
      if (!body) return;
      const { domain, service } = body;
      const known = api.services.list().find((d) => d.domain === domain);
      if (!known || !Object.hasOwn(known.services, service)) {
        conn.error(msg.id, "not_found", `Service ${domain}.${service} not found.`);
        return;
      }
      const data: Record<string, unknown> = { ...body.service_data };
      if (body.target) data.target = body.target;
      const scope = api.access(conn.principal.user);
      const changed = await api.services.call({ domain, service, data, userId: conn.userId, ...(scope.limited ? { scope } : {}) });
      // The states the call changed carry its context; a device that is not optimistic changes nothing yet.
      const context = changed[0]?.context ?? newContext(conn.userId);
      // Hearth's services return no data, so a requested response is null.
      conn.result(msg.id, { context, response: null });
    },

    ...recorderCommands(api),
    ...logbookCommands(api),
    ...notificationCommands(api),
  };
  return new Map(Object.entries(commands));
}
