import type { TriggerData } from "./triggers";

/** The trigger in words, for a trace's summary line. */
export function describeTrigger(t: TriggerData | null): string {
  if (!t) return "run by hand";
  const sample = t.sample === true ? " (a sample, fired by hand)" : "";
  const to = t.to_state as { state?: string } | null | undefined;
  if (t.platform === "state" && to?.state !== undefined) return `${String(t.entity_id)} became ${to.state}${sample}`;
  if (t.platform === "mqtt") return `message on ${String(t.topic)}${sample}`;
  return t.description || t.platform;
}

/** Variables for the stored trace: `this` and big values trimmed. */
export function redactVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (k === "this") continue;
    const text = JSON.stringify(v) ?? "null";
    out[k] = text.length > 4000 ? `${text.slice(0, 4000)}…` : v;
  }
  return out;
}
