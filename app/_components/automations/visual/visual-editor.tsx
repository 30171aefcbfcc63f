"use client";
import { useId, useMemo } from "react";
import { RuleDocument, type Section } from "@/devices/automations/rule-document";
import { FieldInput, type EditorCatalog } from "./field-input";
import { ACTION_YAML_STARTERS, kindsOf } from "./forms";
import { ItemCard } from "./item-card";
import { ConditionTest, TriggerFire } from "./item-tools";

interface VisualEditorProps {
  text: string;
  onChange: (text: string) => void;
  catalog: EditorCatalog;
  readOnly: boolean;
  /** The saved rule's id (null before the first save): triggers fire the saved rule. */
  automationId: string | null;
  dirty: boolean;
}

const SECTIONS: Array<{ section: Section; title: string; empty: string; add: string }> = [
  { section: "triggers", title: "When", empty: "No trigger yet: the rule never starts by itself.", add: "Add a trigger" },
  { section: "conditions", title: "Only if", empty: "No conditions: every trigger runs the actions.", add: "Add a condition" },
  { section: "actions", title: "Then do", empty: "No actions yet.", add: "Add an action" },
];

const MODES = ["single", "restart", "queued", "parallel"] as const;

/** The rule as forms: the same YAML as the YAML view, changed in place so comments and layout stay as typed. */
export function VisualEditor({ text, onChange, catalog, readOnly, automationId, dirty }: VisualEditorProps) {
  const read = useMemo(() => RuleDocument.read(text), [text]);
  const names = useMemo(() => ({ entities: Object.fromEntries(catalog.entities.map((e) => [e.id, e.name])), devices: Object.fromEntries(catalog.devices.map((d) => [d.id, d.name])) }), [catalog]);
  const uid = useId();
  if (!read.ok) {
    return (
      <div className="alert alert-error" role="alert">
        <p>The YAML does not read as a rule ({read.error}). Fix it in the YAML view; the forms come back when it reads.</p>
      </div>
    );
  }
  const doc = read.doc;
  const v = doc.value;
  const mode = typeof v.mode === "string" ? v.mode : "single";
  return (
    <div className="visual-editor">
      <div className="rule-meta">
        <FieldInput field={{ key: "alias", label: "Name", kind: "text" }} value={v.alias} catalog={catalog} readOnly={readOnly} onChange={(x) => onChange(doc.set(["alias"], x))} />
        <FieldInput field={{ key: "description", label: "Description", kind: "text" }} value={v.description} catalog={catalog} readOnly={readOnly} onChange={(x) => onChange(doc.set(["description"], x))} />
        <FieldInput
          field={{ key: "mode", label: "When it fires while still running", kind: "select", options: MODES, hint: modeHint(mode) }}
          value={mode}
          catalog={catalog}
          readOnly={readOnly}
          onChange={(x) => onChange(doc.set(["mode"], x === "single" && v.mode === undefined ? undefined : x))}
        />
      </div>
      {SECTIONS.map(({ section, title, empty, add }) => {
        const items = doc.items(section);
        const key = doc.sectionKey(section);
        const single = key !== undefined && !Array.isArray(v[key]);
        const headingId = `${uid}-${section}`;
        return (
          <section key={section} className="rule-section" aria-labelledby={headingId}>
            <h3 id={headingId} className="rule-section-title">
              {title} <span className="count">{items.length}</span>
            </h3>
            {items.length === 0 ? (
              <p className="muted small">{empty}</p>
            ) : (
              <ol className="rule-items">
                {items.map((item, i) => (
                  <ItemCard
                    // Index keys: items have no ids, and moving re-renders from the new text anyway.
                    key={`${i}-${items.length}`}
                    section={section}
                    index={i}
                    count={items.length}
                    item={item}
                    catalog={catalog}
                    names={names}
                    readOnly={readOnly}
                    onSet={(path, value) => onChange(doc.set(single ? [key, ...path] : [key!, i, ...path], value))}
                    onReplace={(value) => onChange(doc.replace(section, i, value))}
                    onRemove={() => onChange(doc.remove(section, i))}
                    onMove={(delta) => onChange(doc.move(section, i, delta))}
                    tools={
                      section === "triggers" ? (
                        <TriggerFire automationId={automationId} index={i} trigger={item} disabledWhy={dirty ? "Save your changes first: a trigger fires the saved rule." : null} />
                      ) : section === "conditions" ? (
                        <ConditionTest condition={item} />
                      ) : undefined
                    }
                  />
                ))}
              </ol>
            )}
            {section === "conditions" && items.length > 1 && (
              <div className="rule-section-tools">
                <span className="muted small">All of them together:</span> <ConditionTest condition={items} />
              </div>
            )}
            {!readOnly && <AddItem section={section} label={add} onAdd={(item) => onChange(doc.add(section, item))} />}
          </section>
        );
      })}
    </div>
  );
}

function AddItem({ section, label, onAdd }: { section: Section; label: string; onAdd: (item: unknown) => void }) {
  const id = useId();
  const kinds = kindsOf(section);
  return (
    <div className="add-item">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <select
        id={id}
        className="input"
        value=""
        onChange={(e) => {
          const k = e.target.value;
          const starter = kinds[k]?.template ?? (section === "actions" ? ACTION_YAML_STARTERS[k]?.template : undefined);
          if (starter) onAdd(structuredClone(starter));
        }}
      >
        <option value="">+ {label}…</option>
        {Object.entries(kinds).map(([k, spec]) => (
          <option key={k} value={k}>
            {spec.label}
          </option>
        ))}
        {section === "actions" &&
          Object.entries(ACTION_YAML_STARTERS).map(([k, s]) => (
            <option key={k} value={k}>
              {s.label} (YAML)
            </option>
          ))}
      </select>
    </div>
  );
}

function modeHint(mode: string): string {
  switch (mode) {
    case "restart":
      return "The run under way stops and a new one starts (a motion light's timer starts over).";
    case "queued":
      return "Runs wait their turn, one after another.";
    case "parallel":
      return "Runs side by side.";
    default:
      return "A new trigger is ignored while a run is under way.";
  }
}
