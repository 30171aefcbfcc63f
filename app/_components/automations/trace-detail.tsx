import type { RuleTrace } from "@/server/automations/rule-runtime";

type ConditionResult = NonNullable<RuleTrace["conditions"]>;

const show = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

function stateOf(v: unknown): string {
  if (typeof v === "object" && v !== null && "state" in v) return show(v.state);
  return v === null || v === undefined ? "nothing" : show(v);
}

/** What started the run, in a line: the MQTT message, the entity's change, or "run by hand". */
export function triggerText(t: RuleTrace["trigger"]): string {
  if (!t || t.platform === "manual") return "Run by hand";
  if (t.platform === "mqtt") return `Message on ${show(t.topic)}: ${show(t.payload)}`;
  if ((t.platform === "state" || t.platform === "numeric_state" || t.platform === "template") && t.entity_id) {
    return `${show(t.entity_id)}: ${stateOf(t.from_state)} → ${stateOf(t.to_state)}`;
  }
  return t.description || t.platform;
}

function ConditionNode({ node }: { node: ConditionResult }) {
  return (
    <li className={node.ok ? "cond cond-ok" : "cond cond-failed"}>
      <span className="cond-verdict">{node.ok ? "Passed" : "Failed"}</span> <span className="cond-kind">{node.alias ?? node.kind}</span>: {node.reason}
      {node.error && <span className="text-danger"> ({node.error})</span>}
      {node.children && node.children.length > 0 && (
        <ul className="cond-tree">
          {node.children.map((c, i) => (
            <ConditionNode key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

const ms = (n: number): string => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} s`);

/** A run's detail: its trigger, the condition tree with reasons, and each step with its result and time. */
export function TraceDetail({ trace }: { trace: RuleTrace }) {
  return (
    <div className="trace-detail">
      <section>
        <h4 className="trace-part">Trigger</h4>
        <p className="trace-trigger">{triggerText(trace.trigger)}</p>
      </section>
      <section>
        <h4 className="trace-part">Conditions</h4>
        {trace.conditions ? (
          <ul className="cond-tree">
            {/* The rule's conditions are an implicit "and": show its members, not the wrapper. */}
            {(trace.conditions.kind === "and" && !trace.conditions.alias && trace.conditions.children?.length ? trace.conditions.children : [trace.conditions]).map((c, i) => (
              <ConditionNode key={i} node={c} />
            ))}
          </ul>
        ) : (
          <p className="muted small">None checked.</p>
        )}
      </section>
      <section>
        <h4 className="trace-part">Steps</h4>
        {trace.steps.length === 0 ? (
          <p className="muted small">No steps ran.</p>
        ) : (
          <ol className="trace-steps">
            {trace.steps.map((s, i) => (
              <li key={`${s.path}-${i}`} className={s.error ? "trace-step trace-step-error" : "trace-step"}>
                <div className="trace-step-head">
                  <code className="issue-path">{s.path}</code>
                  <span className="muted small">{s.alias ?? s.kind}</span>
                  <span className="muted small trace-ms">{s.result === "" && trace.outcome === "running" ? "waiting…" : ms(s.ms)}</span>
                </div>
                {s.result && <p>{s.result}</p>}
                {s.error && <p className="text-danger">Error: {s.error}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
      {trace.error && (
        <p className="alert alert-error">
          <strong>Error:</strong> {trace.error}
        </p>
      )}
    </div>
  );
}
