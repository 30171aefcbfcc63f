import type { RecorderPolicyView } from "@/server/history/recorder-policies";

/** 1500 → "1.5 s", 300000 → "5 min", 5400000 → "1.5 h". */
export function formatInterval(ms: number): string {
  const trim = (n: number) => String(Math.round(n * 10) / 10);
  if (ms < 60_000) return `${trim(ms / 1000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

/** Short phrases for what a policy does, for a list row ("Not recorded", "Kept 30 days", ...). Empty: the defaults. */
export function policySummary(policy: RecorderPolicyView | null): string[] {
  if (!policy) return [];
  if (policy.exclude) return ["Not recorded"];
  const parts: string[] = [];
  if (policy.keep_days !== null) parts.push(`Kept ${policy.keep_days} ${policy.keep_days === 1 ? "day" : "days"}`);
  if (policy.min_change !== null && policy.min_change > 0) parts.push(`Changes of ${policy.min_change} or more`);
  if (policy.debounce_ms !== null && policy.debounce_ms > 0) parts.push(`At most every ${formatInterval(policy.debounce_ms)}`);
  return parts;
}

/** A policy with nothing set is no policy (the hub removes it). */
export function isDefaultPolicy(p: Pick<RecorderPolicyView, "exclude" | "keep_days" | "min_change" | "debounce_ms">): boolean {
  return !p.exclude && p.keep_days === null && p.min_change === null && p.debounce_ms === null;
}
