"use client";
import { useState, type FormEvent } from "react";
import type { DatabaseEntityView } from "@/server/history/database-stats";
import type { RecorderPolicyView } from "@/server/history/recorder-policies";
import { callApi, goToLogin } from "../api-client";
import { Switch } from "../entity/primitives";
import { parseApiErrors, sentence } from "../form-errors";
import { TextField } from "../text-field";
import { isDefaultPolicy } from "./policy-text";
import { FormAlerts } from "../form-alerts";

type Field = "exclude" | "keep_days" | "min_change" | "debounce_ms";

const FIELDS: Record<string, Field> = { exclude: "exclude", keep_days: "keep_days", min_change: "min_change", debounce_ms: "debounce_ms" };

/** "" → null (the default); a number → that number; anything else goes as typed, so the hub names the problem. */
function parseNumber(text: string, scale = 1): number | string | null {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? Math.round(n * scale * 1000) / 1000 : trimmed;
}

function initialForm(policy: RecorderPolicyView | null) {
  return {
    exclude: policy?.exclude ?? false,
    keepDays: policy?.keep_days === null || policy?.keep_days === undefined ? "" : String(policy.keep_days),
    minChange: policy?.min_change === null || policy?.min_change === undefined ? "" : String(policy.min_change),
    debounceS: policy?.debounce_ms === null || policy?.debounce_ms === undefined ? "" : String(policy.debounce_ms / 1000),
  };
}

/** One entity's recording policy, edited in place: the hub's errors show next to their fields. */
export function PolicyEditor({
  entity,
  defaultKeepDays,
  canManage,
  onSaved,
}: {
  entity: DatabaseEntityView;
  defaultKeepDays: number;
  canManage: boolean;
  onSaved: (entityId: string, policy: RecorderPolicyView | null, message: string) => void;
}) {
  const name = entity.name ?? entity.entity_id;
  const [form, setForm] = useState(() => initialForm(entity.policy));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const path = `/api/history/policies/${encodeURIComponent(entity.entity_id)}`;
  const disabled = !canManage || busy;

  function fail(status: number, message: string) {
    if (status === 401) goToLogin();
    const parsed = parseApiErrors(message, FIELDS);
    setErrors(parsed.fields);
    if (parsed.general || Object.keys(parsed.fields).length === 0) setFormError(parsed.general ?? sentence(message));
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    const body = {
      exclude: form.exclude,
      keep_days: parseNumber(form.keepDays),
      min_change: parseNumber(form.minChange),
      debounce_ms: parseNumber(form.debounceS, 1000),
    };
    const result = await callApi<RecorderPolicyView>(path, { method: "PUT", body });
    setBusy(false);
    if (!result.ok) {
      fail(result.error.status, result.error.message);
      return;
    }
    const saved = isDefaultPolicy(result.data) ? null : result.data;
    onSaved(entity.entity_id, saved, saved ? `Recording policy for ${name} saved.` : `${name} is recorded with the defaults again.`);
  }

  async function reset() {
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    const result = await callApi(path, { method: "DELETE" });
    setBusy(false);
    if (!result.ok && result.error.status !== 404) {
      fail(result.error.status, result.error.message);
      return;
    }
    setForm(initialForm(null));
    onSaved(entity.entity_id, null, `${name} is recorded with the defaults again.`);
  }

  return (
    <form className="db-policy" onSubmit={(e) => void save(e)} noValidate aria-label={`Recording policy for ${name}`}>
      <FormAlerts formError={formError} fieldErrors={errors} />
      <div className="db-policy-exclude">
        <div className="db-policy-exclude-text">
          <span className="field-label" id={`${entity.entity_id}-exclude`}>
            Don’t record
          </span>
          <span className="field-hint">Nothing new is stored, and what was recorded goes at the next purge.</span>
          {errors.exclude && <span className="field-error">{errors.exclude}</span>}
        </div>
        <Switch label={`Don’t record ${name}`} checked={form.exclude} busy={false} disabled={disabled} onToggle={(next) => setForm((f) => ({ ...f, exclude: next }))} />
      </div>
      <div className="db-policy-fields">
        <TextField
          label="Keep days"
          name="keep_days"
          inputMode="numeric"
          autoComplete="off"
          placeholder={String(defaultKeepDays)}
          value={form.keepDays}
          disabled={disabled || form.exclude}
          onChange={(e) => setForm((f) => ({ ...f, keepDays: e.target.value }))}
          error={errors.keep_days}
          hint={`Raw history kept this long (1–3650). Empty: the default, ${defaultKeepDays} days.`}
        />
        <TextField
          label="Minimum change"
          name="min_change"
          inputMode="decimal"
          autoComplete="off"
          placeholder="Every change"
          value={form.minChange}
          disabled={disabled || form.exclude}
          onChange={(e) => setForm((f) => ({ ...f, minChange: e.target.value }))}
          error={errors.min_change}
          hint="Numbers only: a smaller change from the last recorded value is skipped. On/off, unavailable and text always count."
        />
        <TextField
          label="Debounce (seconds)"
          name="debounce_s"
          inputMode="decimal"
          autoComplete="off"
          placeholder="None"
          value={form.debounceS}
          disabled={disabled || form.exclude}
          onChange={(e) => setForm((f) => ({ ...f, debounceS: e.target.value }))}
          error={errors.debounce_ms}
          hint="At most one change per this many seconds; the last value of each stretch is still recorded when it ends."
        />
      </div>
      {canManage ? (
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : "Save policy"}
          </button>
          {entity.policy && (
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void reset()} aria-label={`Reset the recording policy of ${name}`}>
              Reset to defaults
            </button>
          )}
        </div>
      ) : (
        <p className="muted small">Only the home’s owner or an admin can change what is recorded.</p>
      )}
    </form>
  );
}
