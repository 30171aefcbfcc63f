import { diffLines } from "diff";

/** One row of a line diff: a line kept, added or removed, or a run of unchanged lines folded away. */
export type DiffRow = { kind: "same" | "added" | "removed"; text: string } | { kind: "folded"; count: number };

export interface LineDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

// Lines of a change object's value; the last newline ends the last line rather than starting an empty one.
const linesOf = (value: string): string[] => (value.endsWith("\n") ? value.slice(0, -1) : value).split("\n");

// A missing final newline is not a change anyone needs to see.
const withNewline = (s: string): string => (s === "" || s.endsWith("\n") ? s : `${s}\n`);

/**
 * The line diff from `before` (null: nothing, the first revision) to `after`, computed by jsdiff. Unchanged stretches
 * keep `context` lines next to each change and fold the rest into one row, as a unified diff does.
 */
export function lineDiff(before: string | null, after: string, context = 3): LineDiff {
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  const changes = diffLines(withNewline(before ?? ""), withNewline(after), { stripTrailingCr: true });
  changes.forEach((change, i) => {
    const lines = linesOf(change.value);
    if (change.added || change.removed) {
      const kind = change.added ? "added" : "removed";
      if (change.added) added += lines.length;
      else removed += lines.length;
      for (const text of lines) rows.push({ kind, text });
      return;
    }
    // Context before the next change (unless this stretch ends the file) and after the previous one (unless it starts it).
    const head = i === 0 ? 0 : context;
    const tail = i === changes.length - 1 ? 0 : context;
    if (lines.length <= head + tail + 1) {
      for (const text of lines) rows.push({ kind: "same", text });
      return;
    }
    for (const text of lines.slice(0, head)) rows.push({ kind: "same", text });
    rows.push({ kind: "folded", count: lines.length - head - tail });
    for (const text of lines.slice(lines.length - tail)) rows.push({ kind: "same", text });
  });
  return { rows, added, removed };
}
