// Display only: rule summaries and stored traces keep entity ids, device ids and UTC timestamps as written;
// these helpers find them in a line of text so the page can show friendly names and the home's local time.

/** Friendly names the page knows, built on the server from the hub's states and devices (plain JSON). */
export interface DisplayNames {
  /** entity_id → friendly_name */
  entities: Record<string, string>;
  /** device id → the device's name (the user's, else the discovered one) */
  devices: Record<string, string>;
}

export type TextPart = string | { kind: "entity" | "device"; id: string; name: string } | { kind: "time"; iso: string; at: number };

// Templates are shown as written (a name inside `{{ states('light.hall') }}` would misquote it). ISO times are the
// shape `new Date().toISOString()` writes. Ids are words with at most one dot, not inside a topic or a path.
const TOKENS = /(?<template>\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})|(?<iso>\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?<![\w./-])(?<id>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)(?![\w/-]|\.\w)/g;

const own = (map: Record<string, string>, key: string): string | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);

/** Splits `text` into plain runs, known entity and device ids (with their names), and ISO timestamps. */
export function splitText(text: string, names: DisplayNames): TextPart[] {
  const parts: TextPart[] = [];
  let plain = "";
  let last = 0;
  for (const m of text.matchAll(TOKENS)) {
    const { iso, id } = m.groups ?? {};
    let part: TextPart | undefined;
    if (iso !== undefined) {
      const at = Date.parse(iso);
      if (Number.isFinite(at)) part = { kind: "time", iso, at };
    } else if (id !== undefined) {
      const entity = own(names.entities, id);
      const device = entity === undefined ? own(names.devices, id) : undefined;
      if (entity !== undefined) part = { kind: "entity", id, name: entity };
      else if (device !== undefined) part = { kind: "device", id, name: device };
    }
    if (!part) continue;
    plain += text.slice(last, m.index);
    if (plain) parts.push(plain);
    plain = "";
    parts.push(part);
    last = m.index + m[0].length;
  }
  plain += text.slice(last);
  if (plain) parts.push(plain);
  return parts;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withDate}`;
  let f = formats.get(key);
  if (!f) {
    // Fixed "en" like ../format.ts, so the server render and the browser's hydration agree.
    f = new Intl.DateTimeFormat("en", { ...(withDate ? { month: "short", day: "numeric" } : {}), hour: "numeric", minute: "2-digit", second: "2-digit", timeZone });
    formats.set(key, f);
  }
  return f;
}

/** "Jun 5, 2:37:05 PM" in the home's time zone: a moment in a run, to the second. */
export function formatMoment(at: number, timeZone: string): string {
  return format(timeZone, true).format(at);
}

/** "2:37:05 PM" in the home's time zone: a step's start, next to its run's date. */
export function formatClock(at: number, timeZone: string): string {
  return format(timeZone, false).format(at);
}
