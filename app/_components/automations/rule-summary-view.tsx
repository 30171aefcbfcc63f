import { summarizeRule, type SummaryLine } from "./rule-summary";

function Lines({ lines, empty }: { lines: SummaryLine[]; empty?: string }) {
  if (lines.length === 0) return empty ? <p className="muted small">{empty}</p> : null;
  return (
    <ul className="summary-lines">
      {lines.map((l, i) => (
        <li key={i}>
          {l.text}
          {l.children && <Lines lines={l.children} />}
        </li>
      ))}
    </ul>
  );
}

/** The saved rule at a glance: when it runs, what must hold, and what it does, in plain words. */
export function RuleSummaryView({ config }: { config: unknown }) {
  const s = summarizeRule(config);
  return (
    <section className="rule-summary" aria-label="What this rule does">
      <div className="rule-part">
        <h3 className="rule-part-title">When</h3>
        <Lines lines={s.triggers} empty="No triggers: it runs only by hand." />
      </div>
      {s.conditions.length > 0 && (
        <div className="rule-part">
          <h3 className="rule-part-title">Only if</h3>
          <Lines lines={s.conditions} />
        </div>
      )}
      <div className="rule-part">
        <h3 className="rule-part-title">Then</h3>
        <Lines lines={s.actions} empty="No actions yet." />
      </div>
    </section>
  );
}
