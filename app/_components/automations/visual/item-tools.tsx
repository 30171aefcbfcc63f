"use client";
import { useId, useState } from "react";
import { callApi, goToLogin } from "../../api-client";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");

interface Verdict {
  ok: boolean;
  text: string;
}

interface ConditionDetail {
  ok: boolean;
  reason: string;
  children?: ConditionDetail[];
}

/** "Test": the condition as it stands in the editor (saved or not), evaluated on the hub now, with the reason. */
export function ConditionTest({ condition }: { condition: unknown }) {
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const test = async () => {
    setBusy(true);
    const res = await callApi<{ result: boolean; detail: ConditionDetail }>("/api/conditions/test", { method: "POST", body: { condition } });
    setBusy(false);
    if (res.ok) return setVerdict({ ok: res.data.result, text: `${res.data.result ? "Passes now" : "Fails now"}: ${res.data.detail.reason}` });
    if (res.error.status === 401) return goToLogin();
    setVerdict({ ok: false, text: res.error.message });
  };
  return (
    <div className="item-tool">
      <button type="button" className="btn btn-small btn-secondary" onClick={() => void test()} disabled={busy} aria-busy={busy || undefined}>
        {busy ? "Testing…" : "Test"}
      </button>
      <span role="status" className={verdict === null ? "small" : verdict.ok ? "text-ok small" : "text-danger small"}>
        {verdict?.text ?? ""}
      </span>
    </div>
  );
}

/** "Fire with a sample": the saved rule's trigger, as if this message (or state) happened; conditions are checked. */
export function TriggerFire({ automationId, index, trigger, disabledWhy }: { automationId: string | null; index: number; trigger: unknown; disabledWhy: string | null }) {
  const id = useId();
  const t = isObj(trigger) ? trigger : {};
  const kind = text(t.trigger ?? t.platform);
  const topicFilter = typeof t.topic === "string" ? t.topic : "";
  const [topic, setTopic] = useState(/[+#]/.test(topicFilter) ? "" : topicFilter);
  const [payload, setPayload] = useState(typeof t.payload === "string" ? t.payload : "");
  const [to, setTo] = useState(text(t.to));
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const why = automationId === null ? "Save the rule first: a trigger fires the saved rule." : disabledWhy;

  const fire = async () => {
    if (automationId === null) return;
    setBusy(true);
    const sample: Obj = { index };
    if (kind === "mqtt") Object.assign(sample, { topic, payload });
    if (kind === "webhook" || kind === "device") Object.assign(sample, { payload });
    if ((kind === "state" || kind === "numeric_state") && to !== "") sample.to = to;
    const res = await callApi<{ fired: boolean; reason?: string; outcome?: string; summary?: string }>(`/api/automations/${encodeURIComponent(automationId)}/trigger`, { method: "POST", body: { trigger: sample } });
    setBusy(false);
    if (res.ok) return setVerdict(firedWords(res.data));
    if (res.error.status === 401) return goToLogin();
    setVerdict({ ok: false, text: res.error.message });
  };

  const formId = `${id}-fire`;
  return (
    <div className="item-tool fire-tool">
      <button type="button" className="btn btn-small btn-ghost fire-toggle" aria-expanded={open} aria-controls={formId} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} Fire with a sample
      </button>
      {!open ? null : why ? (
        <p className="muted small">{why}</p>
      ) : (
        // A group, not a form: it sits inside the editor's form, whose submit is Save.
        <div
          id={formId}
          role="group"
          className="fire-form"
          aria-label="Fire with a sample"
          onKeyDown={(e) => {
            // Enter in a sample's field fires it (the editor's own Enter would save the rule).
            if (e.key === "Enter" && e.target instanceof HTMLInputElement) {
              e.preventDefault();
              void fire();
            }
          }}
        >
          {kind === "mqtt" && (
            <>
              <label htmlFor={`${id}-topic`} className="field-label">
                Topic {topicFilter && <span className="muted small">(matching {topicFilter})</span>}
              </label>
              <input id={`${id}-topic`} className="input" value={topic} onChange={(e) => setTopic(e.target.value)} placeholder={topicFilter.replace("+", "front_door")} spellCheck={false} autoCapitalize="off" />
            </>
          )}
          {(kind === "mqtt" || kind === "webhook" || kind === "device") && (
            <>
              <label htmlFor={`${id}-payload`} className="field-label">
                Payload
              </label>
              <textarea id={`${id}-payload`} className="input yaml-input" rows={2} value={payload} onChange={(e) => setPayload(e.target.value)} spellCheck={false} autoCapitalize="off" />
            </>
          )}
          {(kind === "state" || kind === "numeric_state") && (
            <>
              <label htmlFor={`${id}-to`} className="field-label">
                {kind === "state" ? "New state" : "New value"}
              </label>
              <input id={`${id}-to`} className="input" value={to} onChange={(e) => setTo(e.target.value)} spellCheck={false} autoCapitalize="off" />
            </>
          )}
          <div className="actions">
            <button type="button" className="btn btn-small btn-secondary" onClick={() => void fire()} disabled={busy} aria-busy={busy || undefined}>
              {busy ? "Firing…" : "Fire"}
            </button>
            <span role="status" className={verdict === null ? "small" : verdict.ok ? "text-ok small" : "text-danger small"}>
              {verdict?.text ?? ""}
            </span>
          </div>
        </div>
      )}
    </div>
  );
}

/** The answer to "fire" in words: it ran, it fired but a condition (or the mode) stopped it, or it would not fire. */
function firedWords(r: { fired: boolean; reason?: string; outcome?: string; summary?: string }): Verdict {
  if (!r.fired) return { ok: false, text: `Would not fire: ${r.reason ?? ""}` };
  if (r.outcome === "near_miss") {
    const why = r.summary?.split("; ").slice(1).join("; ") ?? "";
    return { ok: false, text: `Fired, but did not run: ${why || "see Runs"}.` };
  }
  return { ok: true, text: "Fired: it runs. Each step shows under Runs." };
}
