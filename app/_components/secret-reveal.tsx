"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { CopyButton } from "./copy-button";
import { WarningIcon } from "./icons";

interface SecretRevealProps {
  title: string;
  /** The accessible name of the field holding the secret. */
  label: string;
  secret: string;
  copyLabel: string;
  onDone: () => void;
  children?: ReactNode;
}

/** A secret the hub returns once: shown with a copy button and a warning, until dismissed. */
export function SecretReveal({ title, label, secret, copyLabel, onDone, children }: SecretRevealProps) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [secret]);
  return (
    <section className="reveal" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="reveal-title" tabIndex={-1} ref={headingRef}>
        {title}
      </h3>
      {children}
      <label htmlFor={`${id}-secret`} className="field-label">
        {label}
      </label>
      <textarea
        id={`${id}-secret`}
        className="secret"
        readOnly
        rows={2}
        value={secret}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        onFocus={(e) => e.currentTarget.select()}
      />
      <p className="reveal-warning">
        <WarningIcon />
        <span>Copy it now. It won’t be shown again.</span>
      </p>
      <div className="actions">
        <CopyButton value={secret} label={copyLabel} className="btn btn-primary" />
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
