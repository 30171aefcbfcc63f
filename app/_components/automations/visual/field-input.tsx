"use client";
import { useEffect, useId, useState, type ReactNode } from "react";
import type { FieldSpec } from "./forms";
import { suggestTopics } from "./topic-suggestions";

/** What the pickers choose from: the hub's entities, devices, rooms and services, read when the page rendered. */
export interface EditorCatalog {
  entities: Array<{ id: string; name: string }>;
  devices: Array<{ id: string; name: string }>;
  rooms: Array<{ id: string; name: string }>;
  services: string[];
  /** Owners and admins may browse the broker's topics. */
  topics: boolean;
}

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A value as the field shows it ("" for none; a list as "a, b"). */
export function shown(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.map(shown).join(", ");
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v) ?? "";
}

/** What typing `text` writes for this field: undefined removes the key. */
export function parsed(field: FieldSpec, text: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  if (field.kind === "number") return Number.isFinite(Number(t)) ? Number(t) : t;
  if (field.kind === "select" && (t === "true" || t === "false")) return t === "true";
  if ((field.kind === "entity" || field.kind === "device") && t.includes(",")) return t.split(",").map((s) => s.trim()).filter(Boolean);
  // Templates and payloads keep their spaces and new lines as typed.
  return field.kind === "template" || field.kind === "text" ? text : t;
}

interface FieldInputProps {
  field: FieldSpec;
  value: unknown;
  catalog: EditorCatalog;
  readOnly: boolean;
  onChange: (value: unknown) => void;
}

/** One field of a trigger, condition or action, with the picker its kind calls for. */
export function FieldInput({ field, value, catalog, readOnly, onChange }: FieldInputProps) {
  const id = useId();
  const text = shown(value);
  const hintId = `${id}-hint`;
  const label = (
    <label htmlFor={id} className="field-label">
      {field.label}
    </label>
  );
  const hint = field.hint ? (
    <span id={hintId} className="muted small">
      {field.hint}
    </span>
  ) : null;
  const common = { id, disabled: readOnly, "aria-describedby": field.hint ? hintId : undefined };

  if (field.kind === "select") {
    return (
      <div className="vfield">
        {label}
        <select className="input" {...common} value={text} onChange={(e) => onChange(parsed(field, e.target.value))}>
          {!field.options?.includes(text) && <option value={text}>{text || "—"}</option>}
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {o === "" ? "—" : o}
            </option>
          ))}
        </select>
        {hint}
      </div>
    );
  }
  if (field.kind === "weekdays") {
    const days = new Set((Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String));
    return (
      <fieldset className="vfield weekdays" disabled={readOnly}>
        <legend className="field-label">{field.label}</legend>
        {WEEKDAYS.map((d) => (
          <label key={d} className="weekday">
            <input
              type="checkbox"
              checked={days.has(d)}
              onChange={(e) => {
                const next = WEEKDAYS.filter((w) => (w === d ? e.target.checked : days.has(w)));
                onChange(next.length === 0 ? undefined : [...next]);
              }}
            />
            {d}
          </label>
        ))}
        <span className="muted small">None ticked: every day.</span>
      </fieldset>
    );
  }
  if (field.kind === "device" || field.kind === "room") {
    const options = field.kind === "device" ? catalog.devices : catalog.rooms;
    const known = options.some((o) => o.id === text);
    return (
      <div className="vfield">
        {label}
        <select className="input" {...common} value={text} onChange={(e) => onChange(parsed(field, e.target.value))}>
          <option value="">{field.kind === "device" ? "No device" : "No room"}</option>
          {!known && text !== "" && <option value={text}>{text} (not on this hub)</option>}
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        {hint}
      </div>
    );
  }
  if (field.kind === "template") {
    return (
      <div className="vfield">
        {label}
        <textarea className="input yaml-input" {...common} rows={Math.min(6, Math.max(1, text.split("\n").length))} value={text} spellCheck={false} autoCapitalize="off" onChange={(e) => onChange(parsed(field, e.target.value))} />
        {hint}
      </div>
    );
  }
  return <TextField field={field} text={text} catalog={catalog} common={common} label={label} hint={hint} onChange={onChange} />;
}

interface TextFieldProps {
  field: FieldSpec;
  text: string;
  catalog: EditorCatalog;
  common: { id: string; disabled: boolean; "aria-describedby": string | undefined };
  label: ReactNode;
  hint: ReactNode;
  onChange: (value: unknown) => void;
}

function TextField({ field, text, catalog, common, label, hint, onChange }: TextFieldProps) {
  const listId = `${common.id}-list`;
  const topics = useTopicSuggestions(field.kind === "topic" && catalog.topics ? text : null);
  let options: Array<{ value: string; label?: string }> = [];
  if (field.kind === "entity") {
    const domains = field.domains;
    const all = catalog.entities;
    const preferred = domains ? all.filter((e) => domains.some((d) => e.id.startsWith(`${d}.`))) : all;
    options = preferred.map((e) => ({ value: e.id, label: e.name }));
  } else if (field.kind === "service") {
    const domains = field.domains;
    options = (domains ? catalog.services.filter((s) => domains.some((d) => s.startsWith(`${d}.`))) : catalog.services).map((s) => ({ value: s }));
  } else if (field.kind === "topic") {
    options = topics.map((t) => ({ value: t }));
  }
  const entityName = field.kind === "entity" ? text.split(",").map((s) => s.trim()).filter(Boolean).map((idText) => catalog.entities.find((e) => e.id === idText)?.name ?? null) : [];
  const unknownEntity = field.kind === "entity" && text !== "" && !text.includes("{") && entityName.some((n) => n === null);
  return (
    <div className="vfield">
      {label}
      <input
        className="input"
        {...common}
        value={text}
        list={options.length > 0 ? listId : undefined}
        inputMode={field.kind === "number" ? "decimal" : undefined}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        autoComplete="off"
        aria-invalid={unknownEntity || undefined}
        onChange={(e) => onChange(parsed(field, e.target.value))}
      />
      {options.length > 0 && (
        <datalist id={listId}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </datalist>
      )}
      {field.kind === "entity" && text !== "" && (
        <span className={unknownEntity ? "text-danger small" : "muted small"}>{unknownEntity ? "No such entity on this hub (yet)" : entityName.join(", ")}</span>
      )}
      {hint}
    </div>
  );
}

/** The broker's topics that continue what is typed, fetched as the typing reaches a new level. */
function useTopicSuggestions(typed: string | null): string[] {
  const [found, setFound] = useState<{ prefix: string; topics: string[] }>({ prefix: "\u0000", topics: [] });
  const prefix = typed === null ? null : typed.slice(0, typed.lastIndexOf("/") + 1);
  useEffect(() => {
    if (prefix === null) return;
    const ctrl = new AbortController();
    suggestTopics(prefix, ctrl.signal)
      .then((topics) => {
        if (!ctrl.signal.aborted) setFound({ prefix, topics });
      })
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [prefix]);
  return found.prefix === prefix ? found.topics : [];
}
