import type { DisplayNames } from "./display-text";
import { NamedText } from "./named-text";
import { summarizeRule, type SummaryLine } from "./rule-summary";

function Lines({ lines, empty, names, timeZone }: { lines: SummaryLine[]; empty?: string; names: DisplayNames; timeZone: string }) {
  if (lines.length === 0) return empty ? <p className="muted small">{empty}</p> : null;
  return (
    <ul className="summary-lines">
      {lines.map((l, i) => (
        <li key={i}>
          <NamedText text={l.text} names={names} timeZone={timeZone} />
          {l.children && <Lines lines={l.children} names={names} timeZone={timeZone} />}
        </li>
      ))}
    </ul>
  );
}

/** The saved rule at a glance: when it runs, what must hold, and what it does, in plain words, entities by name. */
export function RuleSummaryView({ config, names, timeZone }: { config: unknown; names: DisplayNames; timeZone: string }) {
  const s = summarizeRule(config);
  return (
    <section className="rule-summary" aria-label="What this rule does">
      <div className="rule-part">
        <h3 className="rule-part-title">When</h3>
        <Lines lines={s.triggers} empty="No triggers: it runs only by hand." names={names} timeZone={timeZone} />
      </div>
      {s.conditions.length > 0 && (
        <div className="rule-part">
          <h3 className="rule-part-title">Only if</h3>
          <Lines lines={s.conditions} names={names} timeZone={timeZone} />
        </div>
      )}
      <div className="rule-part">
        <h3 className="rule-part-title">Then</h3>
        <Lines lines={s.actions} empty="No actions yet." names={names} timeZone={timeZone} />
      </div>
    </section>
  );
}
