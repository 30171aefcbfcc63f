/** How a run ended, as the badges say it; `tone` picks the badge colour. */
export interface OutcomeWords {
  label: string;
  tone: "ok" | "danger" | "warn" | "muted";
}

/** The part of a trace summary after the trigger ("message on a/b; condition failed: …" → "condition failed: …"). */
export function summaryReason(summary: string): string {
  const i = summary.indexOf("; ");
  return i === -1 ? summary : summary.slice(i + 2);
}

/** "Ran", "Failed", "Didn't run: <why>", "Running", "Stopped"… for a run's outcome and its trace summary. */
export function outcomeWords(outcome: string | null, summary?: string): OutcomeWords {
  switch (outcome) {
    case "success":
      return { label: "Ran", tone: "ok" };
    case "failure":
      return { label: summary ? `Failed: ${summaryReason(summary).replace(/^failed: /, "")}` : "Failed", tone: "danger" };
    case "near_miss":
      return { label: summary ? `Didn't run: ${summaryReason(summary).replace(/^not run: /, "")}` : "Didn't run", tone: "warn" };
    case "running":
      return { label: "Running", tone: "muted" };
    case "stopped":
      return { label: "Stopped", tone: "muted" };
    case "aborted":
      return { label: "Interrupted", tone: "muted" };
    case null:
      return { label: "Never ran", tone: "muted" };
    default:
      return { label: outcome, tone: "muted" };
  }
}
