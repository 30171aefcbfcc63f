import type { z } from "zod";
import type { RenderOutcome, TemplateVariables } from "../templates/ha-template";

/** Home Assistant's MQTT platforms (DISCOVERY.md §12). */
export const COMPONENTS = [
  "alarm_control_panel",
  "binary_sensor",
  "button",
  "camera",
  "climate",
  "cover",
  "device_automation",
  "device_tracker",
  "event",
  "fan",
  "humidifier",
  "image",
  "lawn_mower",
  "light",
  "lock",
  "notify",
  "number",
  "scene",
  "select",
  "sensor",
  "siren",
  "switch",
  "tag",
  "text",
  "update",
  "vacuum",
  "valve",
  "water_heater",
] as const;
export type Component = (typeof COMPONENTS)[number];

export function isComponent(value: string): value is Component {
  return (COMPONENTS as readonly string[]).includes(value);
}

/**
 * A discovery config after abbreviation and `~` expansion: HA's full snake_case key names, values
 * as the device sent them. Each platform's zod schema turns it into its typed config.
 */
export type ExpandedConfig = Record<string, unknown>;

/** What HA shows for an entity: `state` null means "unknown"; attributes use HA's names. */
export interface EntityValue {
  state: string | null;
  attributes: Record<string, unknown>;
  /**
   * Optional platform-private values HA keeps on the entity but does not show (a light's brightness
   * and colour while it is off, when HA's attributes are null). Keep it with the value and hand it
   * back in `current`; it is neither an attribute nor history, and only `state`/`attributes`
   * decide whether the entity changed. A platform must cope with its absence.
   */
  memory?: Readonly<Record<string, unknown>>;
}

/** One MQTT message as a platform sees it. `json` is undefined when the payload is not JSON. */
export interface MqttMessageView {
  topic: string;
  /** The payload decoded as UTF-8 (or per `encoding`). */
  text: string;
  /** The payload parsed as JSON (any JSON type), or undefined. */
  json: unknown;
  /** The raw payload (images, `encoding: ""`). */
  bytes: Uint8Array;
  /** The broker's retain flag: set on a retained message replayed at subscribe time (event entities ignore those). */
  retain?: boolean;
}

/** What a platform may ask of the pipeline while decoding or building commands. */
export interface PlatformContext {
  /**
   * Renders the template stored under `key` in the config (e.g. "value_template",
   * "brightness_command_template"). Returns undefined when the config has no such template.
   * For state templates pass the message: `value`, `value_json` and `entity_id` are set for you.
   */
  render(key: string, variables: TemplateVariables, message?: MqttMessageView): RenderOutcome | undefined;
  /** Epoch ms now. */
  now(): number;
}

export type DecodeResult =
  /** New state (and attributes); `fired` marks an event (event entity, device trigger); `media` is an image to serve. */
  | { kind: "update"; value: EntityValue; fired?: FiredEvent; revertAfter?: { ms: number; value: EntityValue }; media?: EntityMedia }
  /** Nothing to change (empty payload, missing key, value not matching any payload). */
  | { kind: "ignore"; reason?: string }
  /** The payload is wrong for this entity (non-numeric value for a numeric sensor, option not allowed). */
  | { kind: "reject"; reason: string };

/**
 * The picture an image or camera entity serves (HA keeps it out of the state machine): the bytes
 * with their content type, `null` bytes when the last message could not be decoded, or a URL
 * the hub fetches on demand (image `url_topic`).
 */
export type EntityMedia = { contentType: string; bytes: Uint8Array | null } | { url: string };

export interface FiredEvent {
  eventType: string;
  data: Record<string, unknown>;
}

/** One publish a command produces. qos/retain default to the entity's `qos`/`retain`. */
export interface CommandPublish {
  topic: string;
  payload: string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

export type ServiceResult =
  | { ok: true; publishes: CommandPublish[]; optimistic?: EntityValue }
  | { ok: false; error: string };

/** Service call data as HA's REST/WebSocket API passes it (entity_id already removed). */
export type ServiceData = Readonly<Record<string, unknown>>;

export type ServiceHandler<C> = (config: C, current: EntityValue, data: ServiceData, ctx: PlatformContext) => ServiceResult;

/** A topic the entity listens to, with the role the platform gives it in `decode`. */
export interface StateTopic {
  role: string;
  topic: string;
  qos?: 0 | 1 | 2;
}

/**
 * One MQTT platform: its config schema, how its messages become state and how HA services become
 * publishes. Pure functions; the pipeline owns subscriptions, availability, json_attributes,
 * expire_after, names and the registry.
 */
export interface PlatformDefinition<C = unknown> {
  component: Component;
  /** false for device_automation and tag: they make triggers, not entities. */
  isEntity: boolean;
  /** Validates and coerces the platform's own keys (HA's cv.string/cv.boolean semantics). Unknown keys pass. */
  schema: z.ZodType<C>;
  /** Topics to subscribe for state (json_attributes_topic and availability are the pipeline's). */
  stateTopics(config: C): StateTopic[];
  /** State before any message: usually unknown; optimistic entities may differ. */
  initialValue(config: C): EntityValue;
  /** Attributes that come from the config (unit_of_measurement, options, min/max, supported_features...). */
  staticAttributes(config: C): Record<string, unknown>;
  decode(config: C, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult;
  /** HA service name → handler (turn_on, turn_off, toggle, set_cover_position, press, ...). */
  services: Readonly<Record<string, ServiceHandler<C>>>;
  /** Optimistic (no state topic or `optimistic: true`): services' `optimistic` values are applied at once. */
  isOptimistic(config: C): boolean;
}
