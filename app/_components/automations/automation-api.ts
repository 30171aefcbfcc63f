import type { AutomationView } from "@/server/automations/automation-engine";

export interface ConfigIssue {
  path: string;
  message: string;
}

export type SaveResult = { ok: true; automation: AutomationView } | { ok: false; status: number; message: string; issues: ConfigIssue[] };

const readIssues = (v: unknown): ConfigIssue[] =>
  Array.isArray(v) ? v.filter((i): i is ConfigIssue => typeof i === "object" && i !== null && typeof (i as ConfigIssue).message === "string").map((i) => ({ path: String(i.path ?? ""), message: i.message })) : [];

/** Saves YAML as typed (comments kept): POST for a new rule, PUT for an existing one; a 422 answers every issue. */
export async function saveAutomation(yaml: string, id: string | null): Promise<SaveResult> {
  let res: Response;
  try {
    res = await fetch(id === null ? "/api/automations" : `/api/automations/${encodeURIComponent(id)}`, {
      method: id === null ? "POST" : "PUT",
      headers: { "Content-Type": "application/yaml" },
      body: yaml,
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, message: "Can't reach the hub. Check your connection and try again.", issues: [] };
  }
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (res.ok) return { ok: true, automation: body as AutomationView };
  const error = (body as { error?: { message?: unknown; issues?: unknown } } | undefined)?.error;
  const issues = readIssues(error?.issues);
  const message = typeof error?.message === "string" ? error.message : `The hub answered ${res.status} ${res.statusText}`.trim();
  return { ok: false, status: res.status, message: issues.length > 0 ? "The rule was not saved: fix these first." : message, issues };
}
