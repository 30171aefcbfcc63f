// Automations in Home Assistant's format, normalized: what config.ts makes of the YAML or JSON a person pastes
// (legacy spellings folded in, shorthands expanded, lists made lists), and what the engine (server/automations)
// and the condition evaluator (conditions.ts) read. Pure types: no I/O.
//
// Templates stay source text (`Template`): they are compiled where they are used, with the engine's globals.
// A value "may be templated" when HA renders it (service data, delays, for:, numeric limits given as text).

/** Template source text: rendered when it holds `{{`, `{%` or `{#`, else used as is. */
export type Template = string;

/** A length of time: a fixed number of milliseconds, or a template that renders one (HA's "HH:MM:SS", seconds, or a dict). */
export type Duration = { ms: number } | { template: Template };

export type AutomationMode = "single" | "restart" | "queued" | "parallel";

export interface AutomationConfig {
  /** Stable id (HA's `id`); the store gives one when the pasted rule has none. */
  id: string;
  alias: string;
  description: string;
  mode: AutomationMode;
  /** Runs at once (queued, parallel); HA's default 10. */
  max: number;
  /** What a trigger beyond `max` (or any trigger while a single-mode run is under way) logs: "silent" or a level. */
  maxExceeded: "silent" | "critical" | "error" | "warning" | "info" | "debug";
  /** Evaluated at trigger time, before the conditions (HA: `variables`). */
  variables: Record<string, unknown>;
  /** Evaluated when the triggers attach, with limited templates (HA: `trigger_variables`). */
  triggerVariables: Record<string, unknown>;
  triggers: Trigger[];
  conditions: Condition[];
  actions: Action[];
  /** HA's `initial_state`: false starts the rule off. */
  initialState: boolean | undefined;
  /** Hearth: time triggers that fell while the hub was down fire once at start-up (off unless asked). */
  catchUp: boolean;
}

// ---------------------------------------------------------------------------------------------- triggers

interface TriggerBase {
  /** `trigger.id` in templates and the `trigger` condition; HA defaults it to the trigger's index ("0", "1", …). */
  id: string;
  enabled: boolean;
  /** Per-trigger variables (HA: `variables` on a trigger), merged into the run's variables. */
  variables: Record<string, unknown>;
}

export type Trigger =
  | (TriggerBase & { kind: "mqtt"; topic: Template; payload: Template | undefined; valueTemplate: Template | undefined; qos: 0 | 1 | 2; encoding: string })
  | (TriggerBase & {
      kind: "state";
      entityIds: string[];
      /** undefined = any; a list matches any of its states; `[null]` is HA's `to: null`: any new state, but not attribute-only changes. */
      from: Array<string | null> | undefined;
      to: Array<string | null> | undefined;
      notFrom: string[] | undefined;
      notTo: string[] | undefined;
      attribute: string | undefined;
      for: Duration | undefined;
    })
  | (TriggerBase & {
      kind: "numeric_state";
      entityIds: string[];
      /** A number, or an entity id whose state is the limit (HA allows both). */
      above: number | string | undefined;
      below: number | string | undefined;
      attribute: string | undefined;
      valueTemplate: Template | undefined;
      for: Duration | undefined;
    })
  | (TriggerBase & {
      kind: "time";
      /** "HH:MM" / "HH:MM:SS", or an input_datetime / sensor (device_class timestamp) entity id, with an offset. */
      at: Array<{ time: string } | { entityId: string; offsetMs: number }>;
      /** mon … sun; undefined = every day. */
      weekdays: Weekday[] | undefined;
    })
  | (TriggerBase & {
      kind: "time_pattern";
      /** Each as HA writes it: "*", a number, or "/n" (every n); undefined = HA's default for that field. */
      hours: string | undefined;
      minutes: string | undefined;
      seconds: string | undefined;
    })
  | (TriggerBase & { kind: "sun"; event: "sunrise" | "sunset"; offsetMs: number })
  | (TriggerBase & { kind: "template"; valueTemplate: Template; for: Duration | undefined })
  | (TriggerBase & { kind: "homeassistant"; event: "start" | "shutdown" })
  | (TriggerBase & { kind: "event"; eventTypes: string[]; eventData: Record<string, unknown> | undefined })
  | (TriggerBase & { kind: "webhook"; webhookId: string; allowedMethods: string[]; localOnly: boolean })
  /** A device trigger from discovery (HA: `trigger: device`, `domain: mqtt`, `type`, `subtype`, `discovery_id`). */
  | (TriggerBase & { kind: "device"; deviceId: string; domain: string; type: string; subtype: string; discoveryId: string | undefined })
  /**
   * Hearth: a device goes offline or comes back (its LWT or availability topic, or silence past its expiry), for
   * every entity of the device at once rather than one `state` trigger per entity.
   */
  | (TriggerBase & { kind: "availability"; deviceIds: string[]; to: "offline" | "online"; for: Duration | undefined });

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

// -------------------------------------------------------------------------------------------- conditions

interface ConditionBase {
  enabled: boolean;
  alias: string | undefined;
}

export type Condition =
  | (ConditionBase & { kind: "and" | "or"; conditions: Condition[] })
  | (ConditionBase & { kind: "not"; conditions: Condition[] })
  | (ConditionBase & {
      kind: "state";
      entityIds: string[];
      /** Any of these states (an entity id in the list means "that entity's state", as HA allows). */
      state: Array<string | null>;
      attribute: string | undefined;
      for: Duration | undefined;
      /** With several entities: all must match (HA's default) or any. */
      match: "all" | "any";
    })
  | (ConditionBase & {
      kind: "numeric_state";
      entityIds: string[];
      above: number | string | undefined;
      below: number | string | undefined;
      attribute: string | undefined;
      valueTemplate: Template | undefined;
    })
  | (ConditionBase & {
      kind: "time";
      /** "HH:MM[:SS]" or an entity id (input_datetime / timestamp sensor). */
      after: string | undefined;
      before: string | undefined;
      weekdays: Weekday[] | undefined;
    })
  | (ConditionBase & {
      kind: "sun";
      after: "sunrise" | "sunset" | undefined;
      before: "sunrise" | "sunset" | undefined;
      afterOffsetMs: number;
      beforeOffsetMs: number;
    })
  | (ConditionBase & { kind: "template"; valueTemplate: Template })
  | (ConditionBase & { kind: "trigger"; ids: string[] });

// ----------------------------------------------------------------------------------------------- actions

interface ActionBase {
  alias: string | undefined;
  enabled: boolean;
  continueOnError: boolean;
}

export interface ServiceTarget {
  entityIds: Template[];
  deviceIds: Template[];
  areaIds: Template[];
}

export type Action =
  /** `action: light.turn_on` (legacy `service:`); `mqtt.publish`, `notify.*`, `scene.*` are services too. */
  | (ActionBase & { kind: "service"; service: Template; target: ServiceTarget; data: Record<string, unknown>; responseVariable: string | undefined })
  | (ActionBase & { kind: "delay"; duration: Duration })
  | (ActionBase & { kind: "wait_template"; valueTemplate: Template; timeout: Duration | undefined; continueOnTimeout: boolean })
  | (ActionBase & { kind: "wait_for_trigger"; triggers: Trigger[]; timeout: Duration | undefined; continueOnTimeout: boolean })
  /** An inline condition: the run stops here (quietly) when it is false. */
  | (ActionBase & { kind: "condition"; condition: Condition })
  | (ActionBase & { kind: "choose"; choices: Array<{ conditions: Condition[]; sequence: Action[] }>; default: Action[] | undefined })
  | (ActionBase & { kind: "if"; if: Condition[]; then: Action[]; else: Action[] | undefined })
  | (ActionBase & {
      kind: "repeat";
      /** One of: a count (may be templated), while / until conditions, or a list (or template) to go through. */
      count: number | Template | undefined;
      while: Condition[] | undefined;
      until: Condition[] | undefined;
      forEach: unknown[] | Template | undefined;
      sequence: Action[];
    })
  | (ActionBase & { kind: "parallel"; branches: Action[][] })
  | (ActionBase & { kind: "sequence"; sequence: Action[] })
  | (ActionBase & { kind: "variables"; variables: Record<string, unknown> })
  | (ActionBase & { kind: "stop"; reason: string; error: boolean; responseVariable: string | undefined })
  | (ActionBase & { kind: "event"; eventType: Template; eventData: Record<string, unknown> })
  /** `scene: scene.evening` (HA's shorthand for scene.turn_on). */
  | (ActionBase & { kind: "scene"; sceneId: string });

/** One error in a rule: where (a path as in the source: `triggers[0].topic`) and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}
