/** Entity ids as Home Assistant makes them: `<domain>.<slug>`, with `_2`, `_3` on a clash. */

/** Characters NFKD leaves alone that unidecode (behind HA's python-slugify) spells in ASCII. */
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  ð: "d",
  Ð: "D",
  đ: "d",
  Đ: "D",
  þ: "th",
  Þ: "Th",
  ł: "l",
  Ł: "L",
  ı: "i",
  ħ: "h",
  Ħ: "H",
  ŧ: "t",
  Ŧ: "T",
  ŋ: "ng",
  Ŋ: "NG",
  μ: "m",
  "°": "deg",
  "×": "x",
};
const TRANSLITERATE = new RegExp(`[${Object.keys(TRANSLITERATIONS).join("")}]`, "g");

/**
 * HA's slugify: ASCII-fold (accents dropped, ß → ss, ° → deg), lower-case, a comma between two digits
 * dropped, runs of anything else become one "_", no "_" at the ends.
 */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(TRANSLITERATE, (c) => TRANSLITERATIONS[c] ?? c)
    .toLowerCase()
    .replace(/(?<=\d),(?=\d)/g, "")
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
