"use client";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { goToLogin } from "../api-client";
import { IssueList } from "./automation-list";
import { saveAutomation, type ConfigIssue } from "./automation-api";
import type { EditorCatalog } from "./visual/field-input";
import { VisualEditor } from "./visual/visual-editor";
import "../../automation-editor.css";

/** A first rule to start from: the hall light when a door opens after dark. */
export const NEW_RULE_TEMPLATE = `# Hall light when a door opens after dark
alias: Door after sunset
description: Turns the hall light on for five minutes when a door opens after sunset
mode: restart
triggers:
  - trigger: mqtt
    topic: zigbee2mqtt/+/contact
    payload: "false"
conditions:
  - condition: sun
    after: sunset
actions:
  - action: mqtt.publish
    data: { topic: hall/light/set, payload: "ON" }
  - delay: "00:05:00"
  - action: mqtt.publish
    data: { topic: hall/light/set, payload: "OFF" }
`;

export interface AutomationEditorProps {
  /** null for a new rule. */
  id: string | null;
  source: string;
  canEdit: boolean;
  catalog: EditorCatalog;
}

/**
 * The rule in two views of one text: forms with pickers, and the YAML itself (the source of truth: comments are
 * kept). Save sends the YAML as typed and lists every problem.
 */
export function AutomationEditor({ id, source, canEdit, catalog }: AutomationEditorProps) {
  const router = useRouter();
  const fieldId = useId();
  const [view, setView] = useState<"visual" | "yaml">("visual");
  const [text, setText] = useState(source);
  const [base, setBase] = useState(source);
  const [prevSource, setPrevSource] = useState(source);
  const [saving, setSaving] = useState(false);
  const [issues, setIssues] = useState<ConfigIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  // A restored revision arrives as a new source from the server: show it.
  if (source !== prevSource) {
    setPrevSource(source);
    setBase(source);
    setText(source);
  }
  const dirty = text !== base;

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setStatus(null);
    const res = await saveAutomation(text, id);
    setSaving(false);
    if (!res.ok) {
      if (res.status === 401) return goToLogin();
      setIssues(res.issues);
      setError(res.message);
      return;
    }
    setIssues([]);
    setError(null);
    setStatus(`Saved as revision ${res.automation.revision}.`);
    setBase(text);
    if (id === null) router.push(`/automations/${encodeURIComponent(res.automation.id)}`);
    else router.refresh();
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") {
      e.preventDefault();
      void save();
    }
  };

  return (
    <form className="automation-editor" onSubmit={onSubmit} aria-label="Edit the rule">
      <div className="editor-head">
        <div className="segmented" role="group" aria-label="Editor view">
          <button type="button" className="segment" aria-pressed={view === "visual"} onClick={() => setView("visual")}>
            Visual
          </button>
          <button type="button" className="segment" aria-pressed={view === "yaml"} onClick={() => setView("yaml")}>
            YAML
          </button>
        </div>
        <span className="muted small">{view === "yaml" ? "Home Assistant's automation format. Comments are kept." : "Changes here edit the YAML in place: its comments stay."}</span>
      </div>
      {view === "visual" ? (
        <VisualEditor text={text} onChange={setText} catalog={catalog} readOnly={!canEdit} automationId={id} dirty={dirty} />
      ) : (
        <>
          <label htmlFor={fieldId} className="visually-hidden">
            YAML
          </label>
          <textarea
            id={fieldId}
            className="input yaml-input"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            readOnly={!canEdit}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            autoComplete="off"
            rows={Math.min(30, Math.max(12, text.split("\n").length + 1))}
            aria-invalid={issues.length > 0 || undefined}
            aria-describedby={issues.length > 0 || error ? `${fieldId}-errors` : undefined}
          />
        </>
      )}
      {(error || issues.length > 0) && (
        <div id={`${fieldId}-errors`} className="alert alert-error editor-errors" role="alert">
          <p>{error}</p>
          {issues.length > 0 && <IssueList issues={issues} label="Problems in the YAML" />}
        </div>
      )}
      {canEdit && (
        <div className="actions editor-actions">
          <button type="submit" className="btn btn-primary" disabled={saving} aria-busy={saving || undefined}>
            {saving ? "Saving…" : id === null ? "Save automation" : "Save"}
          </button>
          <span className="text-ok small" role="status">
            {status && !dirty ? status : ""}
          </span>
          {dirty && id !== null && <span className="muted small">Unsaved changes</span>}
        </div>
      )}
    </form>
  );
}
