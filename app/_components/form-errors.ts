/** What the API said, split into messages per form field plus whatever belongs to no field. */
export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  general: string | undefined;
}

/**
 * The API names fields as "field: message; other: message" (or starts a message with the field's
 * name); `aliases` maps the API's names (snake_case or camelCase) to the form's field keys.
 */
export function parseApiErrors<F extends string>(message: string, aliases: Record<string, F>): FormErrors<F> {
  const fields: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const part of message.split("; ").map((p) => p.trim()).filter(Boolean)) {
    const prefixed = /^([A-Za-z_.]+):\s*(.+)$/.exec(part);
    const named = prefixed?.[1] ? aliases[prefixed[1]] : undefined;
    if (prefixed?.[2] && named) {
      fields[named] ??= sentence(prefixed[2]);
      continue;
    }
    const leading = Object.keys(aliases).find((alias) => part.toLowerCase().startsWith(`${alias.toLowerCase()} `));
    const field = leading ? aliases[leading] : undefined;
    if (field) fields[field] ??= sentence(part);
    else rest.push(sentence(part));
  }
  return { fields, general: rest.length > 0 ? rest.join(" ") : undefined };
}

/** "password must be…" → "Password must be…." */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
