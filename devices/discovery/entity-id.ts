/** Entity ids as Home Assistant makes them: `<domain>.<slug>`, with `_2`, `_3` on a clash. */

/** HA's slugify: ASCII-fold, lower-case, runs of anything else become one "_", no "_" at the ends. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export const ENTITY_ID_PATTERN = /^[a-z0-9_]+\.[a-z0-9_]+$/;

/**
 * The first free entity id for `domain` from a preferred object id (slugified), falling back to
 * `fallback` when the preference slugifies to nothing.
 */
export function allocateEntityId(domain: string, preferred: string, fallback: string, isTaken: (entityId: string) => boolean): string {
  const slug = slugify(preferred) || slugify(fallback) || "unnamed";
  const base = `${domain}.${slug}`;
  if (!isTaken(base)) return base;
  for (let n = 2; n < 100_000; n++) {
    const candidate = `${base}_${n}`;
    if (!isTaken(candidate)) return candidate;
  }
  throw new Error(`no free entity id for ${base}`);
}
