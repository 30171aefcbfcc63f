"use client";
import { useEffect, useId, useState, type FormEvent } from "react";
import { callApi, goToLogin } from "./api-client";
import { sentence } from "./form-errors";

type Access = "read" | "write" | "readwrite" | "deny";
interface Rule {
  key: number;
  access: Access;
  pattern: string;
}
type RuleErrors = Record<number, { access?: string; pattern?: string }>;

const ACCESS_LABELS: Record<Access, string> = { read: "Read", write: "Write", readwrite: "Read and write", deny: "Deny" };
let nextKey = 1;

/** The hub's 422 names each bad field as `rules.<i>.<field>: message` (joined with "; "). */
function ruleErrors(message: string): { byRule: RuleErrors; rest: string | undefined } {
  const byRule: RuleErrors = {};
  const rest: string[] = [];
  for (const part of message.split("; ")) {
    const m = /^rules\.(\d+)\.(access|pattern): (.*)$/.exec(part);
    if (m) byRule[Number(m[1])] = { ...byRule[Number(m[1])], [m[2] as "access" | "pattern"]: sentence(m[3] ?? "") };
    else rest.push(sentence(part));
  }
  return { byRule, rest: rest.length ? rest.join(" ") : undefined };
}

/** One MQTT user's access rules (Mosquitto acl_file style): load, edit, save the whole list. */
export function MqttAclEditor({ username, onClose }: { username: string; onClose: () => void }) {
  const baseId = useId();
  const [rules, setRules] = useState<Rule[]>();
  const [errors, setErrors] = useState<RuleErrors>({});
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `/api/mqtt-users/${encodeURIComponent(username)}/acl`;

  useEffect(() => {
    const controller = new AbortController();
    void callApi<{ rules: Array<{ access: Access; pattern: string }> }>(path, { signal: controller.signal }).then((result) => {
      if (controller.signal.aborted) return;
      if (result.ok) setRules(result.data.rules.map((r) => ({ ...r, key: nextKey++ })));
      else {
        if (result.error.status === 401) goToLogin();
        setFormError(sentence(result.error.message));
      }
    });
    return () => controller.abort();
  }, [path]);

  function update(key: number, change: Partial<Rule>) {
    setSaved(false);
    setRules((list) => list?.map((r) => (r.key === key ? { ...r, ...change } : r)));
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!rules || busy) return;
    setBusy(true);
    setSaved(false);
    const result = await callApi<{ rules: unknown[] }>(path, { method: "PUT", body: { rules: rules.map(({ access, pattern }) => ({ access, pattern })) } });
    setBusy(false);
    if (result.ok) {
      setErrors({});
      setFormError(undefined);
      setSaved(true);
      return;
    }
    if (result.error.status === 401) goToLogin();
    const parsed = ruleErrors(result.error.message);
    setErrors(parsed.byRule);
    setFormError(parsed.rest ?? (Object.keys(parsed.byRule).length ? "Some rules need fixing." : undefined));
  }

  return (
    <form className="acl-editor" aria-label={`Access rules for ${username}`} onSubmit={(e) => void save(e)} noValidate>
      <p className="field-hint">
        No rules: full access. With rules, a topic is allowed only where a rule grants it, and Deny always wins. In a pattern, + is one level, #
        the rest, %u this username and %c the client id. Nobody may write the hub’s status topic.
      </p>
      {rules === undefined && !formError && <p className="muted">Loading…</p>}
      {rules && rules.length === 0 && <p className="empty-inline">No rules: this user may publish and subscribe anywhere.</p>}
      {rules && rules.length > 0 && (
        <ol className="acl-rules">
          {rules.map((rule, i) => {
            const err = errors[i];
            const accessId = `${baseId}-access-${rule.key}`;
            const patternId = `${baseId}-pattern-${rule.key}`;
            return (
              <li key={rule.key} className="acl-rule">
                <div className={err?.access ? "field field-invalid" : "field"}>
                  <label htmlFor={accessId} className="field-label">{`Access, rule ${i + 1}`}</label>
                  <select
                    id={accessId}
                    className="input"
                    value={rule.access}
                    aria-invalid={err?.access ? true : undefined}
                    aria-describedby={err?.access ? `${accessId}-error` : undefined}
                    onChange={(e) => update(rule.key, { access: e.target.value as Access })}
                  >
                    {(Object.keys(ACCESS_LABELS) as Access[]).map((a) => (
                      <option key={a} value={a}>
                        {ACCESS_LABELS[a]}
                      </option>
                    ))}
                  </select>
                  {err?.access && (
                    <p id={`${accessId}-error`} className="field-error">
                      {err.access}
                    </p>
                  )}
                </div>
                <div className={err?.pattern ? "field field-invalid acl-pattern" : "field acl-pattern"}>
                  <label htmlFor={patternId} className="field-label">{`Topic pattern, rule ${i + 1}`}</label>
                  <input
                    id={patternId}
                    className="input mono"
                    value={rule.pattern}
                    autoCapitalize="off"
                    autoCorrect="off"
                    spellCheck={false}
                    placeholder="tele/%c/#"
                    aria-invalid={err?.pattern ? true : undefined}
                    aria-describedby={err?.pattern ? `${patternId}-error` : undefined}
                    onChange={(e) => update(rule.key, { pattern: e.target.value })}
                  />
                  {err?.pattern && (
                    <p id={`${patternId}-error`} className="field-error">
                      {err.pattern}
                    </p>
                  )}
                </div>
                <button
                  type="button"
                  className="btn btn-danger-ghost"
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() => {
                    setSaved(false);
                    setErrors({});
                    setRules((list) => list?.filter((r) => r.key !== rule.key));
                  }}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {formError && (
        <p role="alert" className="alert alert-error">
          {formError}
        </p>
      )}
      {saved && (
        <p role="status" className="note note-ok">
          Saved. Connected clients follow the new rules now.
        </p>
      )}
      <div className="item-actions">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={rules === undefined}
          onClick={() => {
            setSaved(false);
            setRules((list) => [...(list ?? []), { key: nextKey++, access: "readwrite", pattern: "" }]);
          }}
        >
          Add rule
        </button>
        <button type="submit" className="btn btn-primary" disabled={rules === undefined || busy}>
          {busy ? "Saving…" : "Save rules"}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
