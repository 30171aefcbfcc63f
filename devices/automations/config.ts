import { parseActions } from "./config-actions";
import { parseConditions } from "./config-conditions";
import { parseTriggers } from "./config-triggers";
import { isRecord, show } from "./config-shapes";
import { type Ctx, Fields } from "./config-values";
import type { AutomationConfig, AutomationMode, Condition, ConfigIssue } from "./types";

/**
 * An automation in Home Assistant's format (already parsed from YAML or JSON) into the normalized
 * AutomationConfig: legacy spellings folded in (trigger/platform/service/data_template …), shorthands
 * expanded, single items made lists. Every problem is collected with its path in the source's own terms
 * (`trigger[0].topic` when the rule says `trigger:`), so a pasted rule is fixed in one pass.
 * Validation follows HA's voluptuous schemas (automation/config.py, helpers/config_validation.py).
 */

export { durationFromTemplateResult, parseDuration } from "./duration";

export type ParseOutcome = { ok: true; config: AutomationConfig } | { ok: false; issues: ConfigIssue[] };

const MODES: readonly AutomationMode[] = ["single", "restart", "queued", "parallel"];

type MaxExceeded = AutomationConfig["maxExceeded"];
/** HA takes any Python log level name, upper or lower case; FATAL/WARN are aliases, NOTSET logs below debug. */
const MAX_EXCEEDED: Record<string, MaxExceeded> = {
  silent: "silent",
  critical: "critical",
  fatal: "critical",
  error: "error",
  warning: "warning",
  warn: "warning",
  info: "info",
  debug: "debug",
  notset: "debug",
};

/** `fallbackId` is used when the rule has no `id`. Never throws. */
export function parseAutomation(input: unknown, fallbackId: string): ParseOutcome {
  const ctx: Ctx = { issues: [] };
  try {
    const config = parseRoot(ctx, input, fallbackId);
    return config && ctx.issues.length === 0 ? { ok: true, config } : { ok: false, issues: ctx.issues };
  } catch (error) {
    // Plain JSON/YAML data cannot make the readers throw; an exotic object (a getter, a Proxy) still must not.
    return { ok: false, issues: [...ctx.issues, { path: "", message: `could not read the automation: ${String(error)}` }] };
  }
}

/** One condition or a list of them as a rule would hold them (the editor's "test this condition"). Never throws. */
export function parseConditionsOnly(input: unknown): { ok: true; conditions: Condition[] } | { ok: false; issues: ConfigIssue[] } {
  const ctx: Ctx = { issues: [] };
  try {
    if (input === undefined || input === null) return { ok: false, issues: [{ path: "", message: "a condition is required" }] };
    const conditions = parseConditions(ctx, input, "condition", 1);
    return ctx.issues.length === 0 ? { ok: true, conditions } : { ok: false, issues: ctx.issues };
  } catch (error) {
    return { ok: false, issues: [...ctx.issues, { path: "", message: `could not read the condition: ${String(error)}` }] };
  }
}

function parseRoot(ctx: Ctx, input: unknown, fallbackId: string): AutomationConfig | undefined {
  if (!isRecord(input)) {
    ctx.issues.push({ path: "", message: `an automation must be a mapping (id, alias, triggers, actions …), got ${show(input)}` });
    return undefined;
  }
  const f = new Fields(ctx, input, "");
  if (f.has("use_blueprint")) {
    f.issue("use_blueprint", "blueprints are not supported");
    return undefined;
  }
  const id = automationId(f) ?? fallbackId;
  const config = {
    id,
    alias: f.string("alias") ?? id,
    description: f.string("description") ?? "",
    mode: f.choice("mode", MODES, { fallback: "single" }) ?? "single",
    max: f.int("max", { fallback: 10, min: 1 }),
    maxExceeded: maxExceeded(f),
    variables: f.record("variables") ?? {},
    triggerVariables: f.record("trigger_variables") ?? {},
    initialState: f.has("initial_state") ? f.boolean("initial_state", true) : undefined,
    catchUp: f.boolean("catch_up", false),
  };
  trace(f);

  const triggers = f.oneOf(["triggers", "trigger"]);
  if (!triggers) f.issue("triggers", "required");
  const conditions = f.oneOf(["conditions", "condition"]);
  const actions = f.oneOf(["actions", "action"]);
  if (!actions) f.issue("actions", "required");
  const result: AutomationConfig = {
    ...config,
    triggers: triggers ? parseTriggers(ctx, triggers.value, triggers.key) : [],
    conditions: conditions ? parseConditions(ctx, conditions.value, conditions.key, 1) : [],
    actions: actions ? parseActions(ctx, actions.value, actions.key, 1) : [],
  };
  f.rejectUnknown();
  return result;
}

/** HA's `id` is text; YAML turns `id: 1700000000000` (the frontend's timestamp ids) into a number. */
function automationId(f: Fields): string | undefined {
  const value = f.raw("id");
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string" || typeof value === "number") return String(value);
  f.issue("id", `must be a string, got ${show(value)}`);
  return undefined;
}

function maxExceeded(f: Fields): MaxExceeded {
  const value = f.raw("max_exceeded");
  if (value === undefined) return "warning";
  const level = typeof value === "string" && Object.hasOwn(MAX_EXCEEDED, value.toLowerCase()) ? MAX_EXCEEDED[value.toLowerCase()] : undefined;
  if (level) return level;
  f.issue("max_exceeded", `must be silent or a log level (critical, error, warning, info, debug), got ${show(value)}`);
  return "warning";
}

/** HA's `trace: {stored_traces: n}` is accepted and ignored: Hearth keeps its own run history. */
function trace(f: Fields): void {
  const value = f.raw("trace");
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    f.issue("trace", "must be a mapping such as {stored_traces: 5}");
    return;
  }
  const t = new Fields(f.ctx, value, f.at("trace"));
  t.int("stored_traces", { fallback: 5, min: 0 });
  t.rejectUnknown();
}
