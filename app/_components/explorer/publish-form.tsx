"use client";
import { useId, useState, type FormEvent } from "react";
import type { ApiError } from "../api-client";
import { parseApiErrors, sentence } from "../form-errors";
import { TextField } from "../text-field";
import { publishMessage } from "./explorer-api";
import { FormAlerts } from "../form-alerts";

type Field = "topic" | "payload" | "qos" | "retain";

// The API's names for the fields; "$SYS topics belong to the broker" is about the topic too.
const ALIASES: Record<string, Field> = { topic: "topic", payload: "payload", payload_base64: "payload", qos: "qos", retain: "retain", $SYS: "topic" };

interface PublishFormProps {
  initialTopic: string;
  initialPayload: string;
  onPublished: () => void;
  onApiError: (error: ApiError) => void;
}

/** Publishes one message as the hub, with the API's complaints shown next to the fields they are about. */
export function PublishForm({ initialTopic, initialPayload, onPublished, onApiError }: PublishFormProps) {
  const id = useId();
  const [form, setForm] = useState({ topic: initialTopic, payload: initialPayload, qos: "0", retain: false });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    setDone(undefined);
    const qos = form.qos === "2" ? 2 : form.qos === "1" ? 1 : 0;
    const result = await publishMessage({ topic: form.topic, payload: form.payload, qos, retain: form.retain });
    setBusy(false);
    if (!result.ok) {
      onApiError(result.error);
      const parsed = parseApiErrors(result.error.message, ALIASES);
      setErrors(parsed.fields);
      if (parsed.general || Object.keys(parsed.fields).length === 0) setFormError(parsed.general ?? sentence(result.error.message));
      return;
    }
    setDone(`Published to ${form.topic}${form.retain ? " (retained)" : ""}.`);
    onPublished();
  }

  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const payloadError = errors.payload;

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Publish a message
      </h2>
      <FormAlerts formError={formError} fieldErrors={errors} />
      <TextField
        label="Topic"
        name="publish_topic"
        autoComplete="off"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        placeholder="e.g. tasmota/plug/cmnd/POWER"
        value={form.topic}
        onChange={(e) => set("topic", e.target.value)}
        error={errors.topic}
      />
      <div className={payloadError ? "field field-invalid" : "field"}>
        <label htmlFor={`${id}-payload`} className="field-label">
          Payload
        </label>
        <textarea
          id={`${id}-payload`}
          name="publish_payload"
          className="input payload-input"
          rows={4}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={form.payload}
          onChange={(e) => set("payload", e.target.value)}
          aria-invalid={payloadError ? true : undefined}
          aria-describedby={payloadError ? `${id}-payload-error` : `${id}-payload-hint`}
        />
        {payloadError ? (
          <p id={`${id}-payload-error`} className="field-error">
            {payloadError}
          </p>
        ) : (
          <p id={`${id}-payload-hint`} className="field-hint">
            Text or JSON, up to 64 KB. Leave it empty to send an empty message.
          </p>
        )}
      </div>
      <div className="publish-options">
        <div className={errors.qos ? "field field-invalid" : "field"}>
          <label htmlFor={`${id}-qos`} className="field-label">
            QoS
          </label>
          <select
            id={`${id}-qos`}
            className="input select"
            value={form.qos}
            onChange={(e) => set("qos", e.target.value)}
            aria-invalid={errors.qos ? true : undefined}
            aria-describedby={errors.qos ? `${id}-qos-error` : undefined}
          >
            <option value="0">0 (at most once)</option>
            <option value="1">1 (at least once)</option>
            <option value="2">2 (exactly once)</option>
          </select>
          {errors.qos && (
            <p id={`${id}-qos-error`} className="field-error">
              {errors.qos}
            </p>
          )}
        </div>
        <div className="check">
          <label className="check-label">
            <input type="checkbox" checked={form.retain} onChange={(e) => set("retain", e.target.checked)} aria-describedby={`${id}-retain-hint`} />
            <span className="choice-title">Retain</span>
          </label>
          <span id={`${id}-retain-hint`} className="choice-detail">
            The broker keeps it for new subscribers.
          </span>
        </div>
      </div>
      {errors.retain && <p className="field-error">{errors.retain}</p>}
      <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy || undefined}>
        {busy ? "Publishing…" : "Publish"}
      </button>
      <p role="status" className={done ? "note note-ok" : "visually-hidden"}>
        {done}
      </p>
    </form>
  );
}
