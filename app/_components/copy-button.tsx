"use client";
import { useEffect, useState } from "react";
import { CheckIcon, CopyIcon } from "./icons";

// navigator.clipboard only exists on secure origins; a hub opened as http://192.168.x.x is not one.
async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused: fall back below.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

/** Copies `value`; says so visibly and to screen readers. */
export function CopyButton({
  value,
  label = "Copy",
  accessibleName,
  iconOnly = false,
  className = "btn btn-secondary",
}: {
  value: string;
  label?: string;
  /** A fuller name when several copy buttons share one screen; it must start with the visible label. */
  accessibleName?: string;
  /** Only the icon shows; the label (or accessibleName) still names the button. */
  iconOnly?: boolean;
  className?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        className={className}
        aria-label={accessibleName}
        onClick={() => {
          void copyText(value).then((ok) => setState(ok ? "copied" : "failed"));
        }}
      >
        {state === "copied" ? <CheckIcon /> : <CopyIcon />}
        <span className={iconOnly ? "visually-hidden" : undefined}>{state === "copied" ? "Copied" : label}</span>
      </button>
      <span className="visually-hidden" aria-live="polite">
        {state === "copied" ? "Copied to the clipboard." : state === "failed" ? "Could not copy. Select the text and copy it by hand." : ""}
      </span>
    </>
  );
}
