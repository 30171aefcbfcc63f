import { parseAutomation } from "./config";
import type { Action, AutomationConfig, Condition, ConfigIssue, Trigger } from "./types";

/** Test helpers for the config parser: wrap one trigger, condition or action in a minimal rule. */

export function parseOk(input: unknown): AutomationConfig {
  const outcome = parseAutomation(input, "fallback-id");
  if (!outcome.ok) throw new Error(`expected a valid rule, got ${JSON.stringify(outcome.issues, null, 2)}`);
  return outcome.config;
}

export function issuesOf(input: unknown): ConfigIssue[] {
  const outcome = parseAutomation(input, "fallback-id");
  if (outcome.ok) throw new Error("expected issues, the rule parsed");
  return outcome.issues;
}

const NOOP = [{ action: "light.turn_on", target: { entity_id: "light.x" } }];

export function oneTrigger(trigger: unknown): Trigger {
  const [first] = parseOk({ triggers: [trigger], actions: NOOP }).triggers;
  if (!first) throw new Error("no trigger");
  return first;
}

export function triggerIssues(trigger: unknown): ConfigIssue[] {
  return issuesOf({ triggers: [trigger], actions: NOOP });
}

export function oneCondition(condition: unknown): Condition {
  const [first] = parseOk({ triggers: [], conditions: [condition], actions: NOOP }).conditions;
  if (!first) throw new Error("no condition");
  return first;
}

export function conditionIssues(condition: unknown): ConfigIssue[] {
  return issuesOf({ triggers: [], conditions: [condition], actions: NOOP });
}

export function oneAction(action: unknown): Action {
  const [first] = parseOk({ triggers: [], actions: [action] }).actions;
  if (!first) throw new Error("no action");
  return first;
}

export function actionIssues(action: unknown): ConfigIssue[] {
  return issuesOf({ triggers: [], actions: [action] });
}
