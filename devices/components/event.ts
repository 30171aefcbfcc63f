import { z } from "zod";
import { haStringList, haSubscribeTopic, haTemplate, pythonStr } from "../discovery/ha-values";
import { renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition } from "./platform";

/**
 * HA's event entity (homeassistant/components/mqtt/event.py, EventEntity in components/event).
 * Each message is a JSON object with `event_type` (one of `event_types`) plus any data; the
 * state is the time of the last event.
 */

const eventSchema = z.looseObject({
  state_topic: requiredKey("state_topic", haSubscribeTopic),
  value_template: haTemplate.optional(),
  event_types: requiredKey("event_types", haStringList),
  device_class: z
    .union([z.string().transform((v) => v.toLowerCase()), z.null()])
    .pipe(z.union([z.enum(["doorbell", "button", "motion"]), z.null()], { error: "device_class must be doorbell, button or motion" }))
    .optional(),
});

export type EventConfig = z.output<typeof eventSchema>;

/** EventEntity.state: the last event's time, isoformat(timespec="milliseconds"). */
function eventTimestamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 23)}+00:00`;
}

function decode(c: EventConfig, _role: string, message: MqttMessageView, _current: EntityValue, ctx: PlatformContext): DecodeResult {
  // HA ignores a retained event replayed when it subscribes: it is not a new event.
  if (message.retain === true) return { kind: "ignore", reason: "retained event payload" };
  const rendered = renderValue(ctx, "value_template", message);
  if (!rendered.ok) return rendered.result;
  const payload = rendered.value;
  if (payload === "" || payload === "None" || payload === "{}") return { kind: "ignore", reason: "empty event payload" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "ignore", reason: `no valid JSON event payload: '${payload}'` };
  const { event_type: rawType, ...data } = parsed as Record<string, unknown>;
  if (rawType === undefined) return { kind: "ignore", reason: "`event_type` missing in JSON event payload" };
  const eventType = pythonStr(rawType);
  if (!c.event_types.includes(eventType)) return { kind: "ignore", reason: `invalid event type '${eventType}'` };
  return {
    kind: "update",
    value: { state: eventTimestamp(ctx.now()), attributes: { event_type: eventType, ...data } },
    fired: { eventType, data },
  };
}

export const eventPlatform: PlatformDefinition<EventConfig> = {
  component: "event",
  isEntity: true,
  schema: eventSchema,
  stateTopics: (c) => [{ role: "state_topic", topic: c.state_topic }],
  initialValue: () => ({ state: null, attributes: { event_type: null } }),
  staticAttributes: (c) => ({ event_types: c.event_types }),
  decode,
  services: {},
  isOptimistic: () => false,
};
