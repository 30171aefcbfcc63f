import { z } from "zod";
import { formatIssues, isHubError, type HubErrorCode } from "../errors";
import type { HaContext, HaState } from "../hub-api";

/**
 * The Home Assistant release whose WebSocket protocol we speak, sent as `ha_version`. Clients gate features
 * on it: home-assistant-js-websocket uses `subscribe_entities` from 2022.4 and sends `supported_features`
 * from 2022.9, so it must parse as an HA version (Hearth's own version is in get_config).
 */
export const HA_PROTOCOL_VERSION = "2025.1.0";

/** Incoming frames above this are refused by ws with close code 1009. */
export const MAX_INCOMING_BYTES = 64 * 1024;
/** A connection whose unsent bytes pass this is closed: the client reconnects and resyncs. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Close code for a client that cannot keep up (1008: policy violation). */
export const CLOSE_TOO_SLOW = 1008;

// homeassistant/components/websocket_api/const.py
export type HaErrorCode =
  | "id_reuse"
  | "invalid_format"
  | "not_found"
  | "home_assistant_error"
  | "service_validation_error"
  | "unknown_command"
  | "unknown_error"
  | "unauthorized";

export const MATCH_ALL = "*";

// Events we forward, named as HA names them.
export const EVENT_STATE_CHANGED = "state_changed";
export const REGISTRY_EVENTS = {
  area: "area_registry_updated",
  device: "device_registry_updated",
  entity: "entity_registry_updated",
} as const;

/**
 * Events a non-admin may subscribe to (HA: auth/permissions/events.py SUBSCRIBE_ALLOWLIST). Most never fire
 * here, but clients such as home-assistant-js-websocket's config and services collections subscribe to them.
 */
export const SUBSCRIBE_ALLOWLIST = new Set([
  "area_registry_updated",
  "category_registry_updated",
  "component_loaded",
  "core_config_updated",
  "device_registry_updated",
  "entity_registry_updated",
  "floor_registry_updated",
  "label_registry_updated",
  "lovelace_updated",
  "panels_updated",
  "recorder_5min_statistics_generated",
  "recorder_hourly_statistics_generated",
  "repairs_issue_registry_updated",
  "service_registered",
  "service_removed",
  "shopping_list_updated",
  "state_changed",
  "themes_updated",
]);

export const authMessage = z.object({ type: z.literal("auth"), access_token: z.string().min(1) });

/** messages.py MINIMAL_MESSAGE_SCHEMA: a positive integer id and a type. */
export const commandEnvelope = z.looseObject({ id: z.number().int().positive(), type: z.string().min(1) });
export type CommandEnvelope = z.infer<typeof commandEnvelope>;

const entityIds = z.union([z.string().min(1), z.array(z.string().min(1))]);

export const supportedFeaturesMessage = z.object({ features: z.record(z.string(), z.number()) });
export const subscribeEventsMessage = z.object({ event_type: z.string().min(1).optional() });
export const unsubscribeEventsMessage = z.object({ subscription: z.number().int().positive() });
export const subscribeEntitiesMessage = z.object({ entity_ids: entityIds.optional() });
export const callServiceMessage = z.object({
  domain: z.string().min(1),
  service: z.string().min(1),
  service_data: z.record(z.string(), z.unknown()).optional(),
  // cv.ENTITY_SERVICE_FIELDS
  target: z
    .object({ entity_id: entityIds.optional(), device_id: entityIds.optional(), area_id: entityIds.optional(), floor_id: entityIds.optional(), label_id: entityIds.optional() })
    .optional(),
  return_response: z.boolean().default(false),
});

/** Parses a command's fields; failure is HA's invalid_format with the fields named. */
export function parseCommand<T>(schema: z.ZodType<T>, msg: unknown): { ok: true; value: T } | { ok: false; message: string } {
  const parsed = schema.safeParse(msg);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: formatIssues(parsed.error.issues) };
}

export function resultMessage(id: number, result: unknown = null): string {
  return JSON.stringify({ id, type: "result", success: true, result });
}

export function errorMessage(id: number | null, code: HaErrorCode, message: string): string {
  return JSON.stringify({ id, type: "result", success: false, error: { code, message } });
}

/** An event message around an already serialised event: HA serialises each event once for every connection. */
export function eventMessage(id: number, eventJson: string): string {
  return `{"id":${id},"type":"event","event":${eventJson}}`;
}

/** HA's state_changed event (core.py Event.as_dict), serialised once per change. */
export function stateChangedEventJson(entityId: string, oldState: HaState | null, newState: HaState | null, firedAt: string, context: HaContext): string {
  return JSON.stringify({
    event_type: EVENT_STATE_CHANGED,
    data: { entity_id: entityId, old_state: oldState, new_state: newState },
    origin: "LOCAL",
    time_fired: firedAt,
    context,
  });
}

export function haEventJson(eventType: string, data: Record<string, unknown>, firedAt: string, context: HaContext): string {
  return JSON.stringify({ event_type: eventType, data, origin: "LOCAL", time_fired: firedAt, context });
}

const HA_CODE_BY_HUB_CODE: Record<HubErrorCode, HaErrorCode> = {
  invalid_input: "invalid_format",
  unprocessable: "invalid_format",
  payload_too_large: "invalid_format",
  not_found: "not_found",
  unauthorized: "unauthorized",
  forbidden: "unauthorized",
  cross_origin: "unauthorized",
  conflict: "home_assistant_error",
  rate_limited: "home_assistant_error",
  device_unavailable: "home_assistant_error",
  hub_unavailable: "home_assistant_error",
  internal: "unknown_error",
};

/** HA's error code and message for a failure; anything that is not a HubError is an unknown_error. */
export function haErrorOf(err: unknown): { code: HaErrorCode; message: string; expected: boolean } {
  if (isHubError(err)) return { code: HA_CODE_BY_HUB_CODE[err.code], message: err.message, expected: err.code !== "internal" };
  return { code: "unknown_error", message: "Unknown error", expected: false };
}
