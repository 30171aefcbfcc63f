import type { RuleTrace } from "@/server/automations/rule-runtime";
import { formatClock, formatMoment, type DisplayNames } from "./display-text";
import { NamedText } from "./named-text";

type ConditionResult = NonNullable<RuleTrace["conditions"]>;

/** What the trace's text needs to show ids by name and times in the home's zone. */
interface Display {
  names: DisplayNames;
  timeZone: string;
}

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

function ConditionNode({ node, display }: { node: ConditionResult; display: Display }) {
  return (
    <li className={node.ok ? "cond cond-ok" : "cond cond-failed"}>
      <span className="cond-verdict">{node.ok ? "Passed" : "Failed"}</span> <span className="cond-kind">{node.alias ?? node.kind}</span>: <NamedText text={node.reason} {...display} />
      {node.error && (
        <span className="text-danger">
          {" "}
          (<NamedText text={node.error} {...display} />)
        </span>
      )}
      {node.children && node.children.length > 0 && (
        <ul className="cond-tree">
          {node.children.map((c, i) => (
            <ConditionNode key={i} node={c} display={display} />
          ))}
        </ul>
      )}
    </li>
  );
}

const ms = (n: number): string => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} s`);

const iso = (at: number): string => new Date(at).toISOString();

/** When the run started and ended, in the home's time zone. */
function RunTimes({ trace, timeZone }: { trace: RuleTrace; timeZone: string }) {
  const end = trace.finished_at;
  return (
    <p className="trace-times muted small">
      Started{" "}
      <time dateTime={iso(trace.started_at)} className="trace-started">
        {formatMoment(trace.started_at, timeZone)}
      </time>
      {end === null ? (
        " · still going"
      ) : (
        <>
          {" · finished "}
          <time dateTime={iso(end)}>{formatClock(end, timeZone)}</time> ({ms(end - trace.started_at)})
        </>
      )}
    </p>
  );
}

/** A run's detail: when it ran, its trigger, the condition tree with reasons, and each step with its result and time. */
export function TraceDetail({ trace, names, timeZone }: { trace: RuleTrace; names: DisplayNames; timeZone: string }) {
  const display = { names, timeZone };
  return (
    <div className="trace-detail">
      <RunTimes trace={trace} timeZone={timeZone} />
      <section>
        <h4 className="trace-part">Trigger</h4>
        <p className="trace-trigger">
          <NamedText text={triggerText(trace.trigger)} {...display} />
        </p>
      </section>
      <section>
        <h4 className="trace-part">Conditions</h4>
        {trace.conditions ? (
          <ul className="cond-tree">
            {/* The rule's conditions are an implicit "and": show its members, not the wrapper. */}
            {(trace.conditions.kind === "and" && !trace.conditions.alias && trace.conditions.children?.length ? trace.conditions.children : [trace.conditions]).map((c, i) => (
              <ConditionNode key={i} node={c} display={display} />
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
                  <span className="muted small trace-ms">
                    {Number.isFinite(s.startedAt) && (
                      <>
                        <time dateTime={iso(s.startedAt)}>{formatClock(s.startedAt, timeZone)}</time>
                        {" · "}
                      </>
                    )}
                    {s.result === "" && trace.outcome === "running" ? "waiting…" : ms(s.ms)}
                  </span>
                </div>
                {s.result && (
                  <p>
                    <NamedText text={s.result} {...display} />
                  </p>
                )}
                {s.error && (
                  <p className="text-danger">
                    Error: <NamedText text={s.error} {...display} />
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      {trace.error && (
        <p className="alert alert-error">
          <strong>Error:</strong> <NamedText text={trace.error} {...display} />
        </p>
      )}
    </div>
  );
}
