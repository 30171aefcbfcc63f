"use client";
import { useId, useState, type ReactNode } from "react";
import { parse, stringify } from "yaml";
import type { Path, Section } from "@/devices/automations/rule-document";
import type { DisplayNames } from "../display-text";
import { NamedText } from "../named-text";
import { summarizeRule } from "../rule-summary";
import { FieldInput, type EditorCatalog } from "./field-input";
import { fieldPath, fieldValue, kindOf, kindsOf } from "./forms";

const NOUN: Record<Section, string> = { triggers: "trigger", conditions: "condition", actions: "action" };

interface ItemCardProps {
  section: Section;
  index: number;
  count: number;
  item: unknown;
  catalog: EditorCatalog;
  /** Entity and device names for the heading (the fields show the ids). */
  names: DisplayNames;
  readOnly: boolean;
  /** Sets a value inside the item (undefined removes it). */
  onSet: (path: Path, value: unknown) => void;
  onReplace: (item: unknown) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1) => void;
  /** Fire (triggers) or Test (conditions). */
  tools?: ReactNode;
}

/** One trigger, condition or action: a plain-words heading, its form (or its YAML), and its tools. */
export function ItemCard({ section, index, count, item, catalog, names, readOnly, onSet, onReplace, onRemove, onMove, tools }: ItemCardProps) {
  const kind = kindOf(section, item);
  const spec = kind === undefined ? undefined : kindsOf(section)[kind];
  const [asYaml, setAsYaml] = useState(spec === undefined);
  const summary = summarizeRule({ [section]: [item] })[section][0]?.text ?? "";
  const noun = NOUN[section];
  const headingId = useId();
  const disabled = typeof item === "object" && item !== null && (item as { enabled?: unknown }).enabled === false;

  const setField = (path: string[], value: unknown) => {
    // Clearing the last key of a nested block (target.entity_id) removes the block too.
    if (value === undefined && path.length > 1) {
      const parent = fieldValue(item, { key: path.slice(0, -1).join("."), label: "", kind: "text" });
      if (typeof parent === "object" && parent !== null && Object.keys(parent).every((k) => k === path.at(-1))) return onSet(path.slice(0, -1), undefined);
    }
    onSet(path, value);
  };

  return (
    <li className={`rule-item${disabled ? " rule-item-off" : ""}`} aria-labelledby={headingId}>
      <div className="rule-item-head">
        <div>
          <span className="rule-item-kind">{spec?.label ?? `${noun[0]!.toUpperCase()}${noun.slice(1)} in YAML`}</span>
          <h4 id={headingId} className="rule-item-title">
            <NamedText text={summary} names={names} timeZone="UTC" ids="title" />
            {disabled && <span className="muted small"> (turned off)</span>}
          </h4>
        </div>
        {!readOnly && (
          <div className="rule-item-buttons">
            <button type="button" className="btn btn-icon" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move ${noun} ${index + 1} up`}>
              ↑
            </button>
            <button type="button" className="btn btn-icon" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move ${noun} ${index + 1} down`}>
              ↓
            </button>
            <button type="button" className="btn btn-icon btn-danger-ghost" onClick={onRemove} aria-label={`Remove ${noun} ${index + 1}`}>
              ✕
            </button>
          </div>
        )}
      </div>
      {spec && !asYaml && (
        <div className="rule-item-fields">
          {spec.fields.map((f) => (
            <FieldInput key={f.key} field={f} value={fieldValue(item, f)} catalog={catalog} readOnly={readOnly} onChange={(v) => setField(fieldPath(item, f), v)} />
          ))}
        </div>
      )}
      {asYaml && <ItemYaml item={item} readOnly={readOnly} onReplace={onReplace} noun={noun} />}
      <div className="rule-item-foot">
        {tools}
        {spec && (
          <button type="button" className="btn btn-link small" onClick={() => setAsYaml(!asYaml)} aria-pressed={asYaml}>
            {asYaml ? "Show the form" : "Edit as YAML"}
          </button>
        )}
      </div>
    </li>
  );
}

/** The item's own YAML, for what the forms do not cover (choose, repeat, data …): applied when it parses. */
function ItemYaml({ item, readOnly, onReplace, noun }: { item: unknown; readOnly: boolean; onReplace: (item: unknown) => void; noun: string }) {
  const id = useId();
  const source = stringify(item, { lineWidth: 0 });
  const [text, setText] = useState(source);
  const [base, setBase] = useState(source);
  const [error, setError] = useState<string | null>(null);
  // The item changed elsewhere (the whole-rule YAML, a move): show the new one unless this box has edits.
  if (source !== base && text === base) {
    setBase(source);
    setText(source);
  }
  const apply = () => {
    let value: unknown;
    try {
      value = parse(text) as unknown;
    } catch (err) {
      return setError((err as Error).message.split("\n")[0]!);
    }
    if (value === null || value === undefined) return setError(`the ${noun} is empty: remove it instead`);
    setError(null);
    setBase(stringify(value, { lineWidth: 0 }));
    onReplace(value);
  };
  return (
    <div className="vfield">
      <label htmlFor={id} className="field-label">
        YAML of this {noun}
      </label>
      <textarea id={id} className="input yaml-input" rows={Math.min(16, Math.max(3, text.split("\n").length))} value={text} readOnly={readOnly} spellCheck={false} autoCapitalize="off" onChange={(e) => setText(e.target.value)} aria-invalid={error !== null || undefined} />
      {error && (
        <p className="text-danger small" role="alert">
          {error}
        </p>
      )}
      {!readOnly && text !== base && (
        <div className="actions">
          <button type="button" className="btn btn-small btn-secondary" onClick={apply}>
            Apply
          </button>
          <button type="button" className="btn btn-link small" onClick={() => setText(base)}>
            Undo
          </button>
        </div>
      )}
    </div>
  );
}
