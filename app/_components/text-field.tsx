"use client";
import { useId, useState, type InputHTMLAttributes, type Ref } from "react";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "className" | "aria-invalid" | "aria-describedby">;

interface TextFieldProps extends InputProps {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Password fields get a show/hide toggle, handy on a phone keyboard. */
  revealable?: boolean;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled input with an optional hint and an inline error the screen reader hears with it. */
export function TextField({ id: idProp, label, hint, error, revealable = false, type = "text", ref, ...input }: TextFieldProps) {
  const generatedId = useId();
  const id = idProp ?? generatedId;
  const [shown, setShown] = useState(false);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : undefined, hint ? hintId : undefined].filter(Boolean).join(" ") || undefined;
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="field-control">
        <input
          {...input}
          ref={ref}
          id={id}
          type={revealable && shown ? "text" : type}
          className="input"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        {revealable && (
          <button
            type="button"
            className="field-toggle"
            aria-pressed={shown}
            aria-controls={id}
            onClick={() => setShown((s) => !s)}
          >
            {shown ? "Hide" : "Show"}
          </button>
        )}
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
