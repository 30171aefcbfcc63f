/** The few shape checks every part of the config parser and the duration reader share. */

/** HA's `is_template_string`: `{{`, `{%` or `{#` anywhere; without one the text is used as is. */
export function isTemplate(value: unknown): boolean {
  return typeof value === "string" && /\{[{%#]/.test(value);
}

/** A mapping (YAML) / object (JSON): not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SHOW_MAX = 80;

/** A value as it appears in a message: JSON (strings quoted), cut short so a pasted blob stays readable. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // A cycle (YAML aliases can make one) or a BigInt.
    text = Array.isArray(value) ? "[…]" : typeof value === "bigint" ? `${value}` : "{…}";
  }
  return text.length > SHOW_MAX ? `${text.slice(0, SHOW_MAX - 1)}…` : text;
}
