"use client";
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from "react";

/** An on/off control: role switch, named after the entity. */
export function Switch({ label, checked, busy, disabled, onToggle }: { label: string; checked: boolean; busy: boolean; disabled: boolean; onToggle: (next: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      className="switch"
      aria-label={label}
      aria-checked={checked}
      aria-busy={busy || undefined}
      disabled={disabled}
      onClick={() => onToggle(!checked)}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
    </button>
  );
}

const COMMIT_AFTER_MS = 350;

/**
 * A level (role slider): follows the entity's value, but while the person drags it keeps their value
 * and sends it once they pause, so a drag is one command, not fifty.
 */
export function Slider({
  label,
  caption,
  value,
  min,
  max,
  step = 1,
  unit = "",
  disabled,
  onCommit,
  format,
}: {
  label: string;
  caption: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  unit?: string;
  disabled: boolean;
  onCommit: (value: number) => void;
  format?: (value: number) => string;
}) {
  const [draft, setDraft] = useState<number | undefined>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const shown = draft ?? value;
  const text = format ? format(shown) : `${shown}${unit}`;
  return (
    <label className="slider">
      <span className="slider-head">
        <span className="slider-label">{caption}</span>
        <output className="slider-value">{text}</output>
      </span>
      <input
        type="range"
        aria-label={label}
        aria-valuetext={text}
        min={min}
        max={max}
        step={step}
        value={shown}
        disabled={disabled}
        onChange={(e) => {
          const next = Number(e.target.value);
          setDraft(next);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            onCommit(next);
            setDraft(undefined);
          }, COMMIT_AFTER_MS);
        }}
        style={{ "--fill": `${((shown - min) / (max - min || 1)) * 100}%` } as CSSProperties}
      />
    </label>
  );
}

/** A choice among a few options (HVAC mode, preset, effect, select entity). */
export function Choice({ label, caption, value, options, disabled, onChange, display }: { label: string; caption: string; value: string | undefined; options: readonly string[]; disabled: boolean; onChange: (value: string) => void; display?: (value: string) => string }) {
  return (
    <label className="choice-field">
      <span className="choice-label">{caption}</span>
      <select className="input select" aria-label={label} value={value ?? ""} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {value === undefined || !options.includes(value) ? <option value="">—</option> : null}
        {options.map((o) => (
          <option key={o} value={o}>
            {display ? display(o) : o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** An action (open, stop, press, arm): role button, its accessible name says what and which entity. */
export function Action({ label, children, disabled, onClick, tone = "secondary" }: { label: string; children: ReactNode; disabled: boolean; onClick: () => void; tone?: "secondary" | "primary" | "danger" }) {
  return (
    <button type="button" className={`btn btn-${tone} btn-action`} aria-label={label} disabled={disabled} onClick={onClick}>
      {children}
    </button>
  );
}
