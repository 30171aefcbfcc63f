// A sparkline as one SVG path: cards draw it without a charting library.

export interface SparkPoints {
  xs: readonly number[];
  ys: ReadonlyArray<number | null>;
}

export interface SparkOptions {
  start: number;
  end: number;
  width: number;
  height: number;
  /** Hold each value until the next (sensors without a measurement state class). */
  step: boolean;
  /** Room above and below the line for the stroke. */
  pad?: number;
}

export interface Sparkline {
  /** SVG path data; a gap starts a new subpath. */
  d: string;
  min: number;
  max: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The path of a sparkline over [start, end]: the value in effect at `start` opens it, the last value holds to
 * `end`, and per pixel column only the first, lowest, highest and last value are drawn (so a day of chatty
 * readings stays a few hundred segments). Undefined when no number falls in the window.
 */
export function sparklinePath(points: SparkPoints, o: SparkOptions): Sparkline | undefined {
  const span = Math.max(1, o.end - o.start);
  const columns = Math.max(1, Math.round(o.width));
  const px: number[] = [];
  const py: Array<number | null> = [];
  let min = Infinity;
  let max = -Infinity;
  let column = -1;
  // Per column: the first, lowest, highest and last number, and the first gap (indices into points).
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  let gap = -1;
  const keep: number[] = [];
  const flush = () => {
    keep.length = 0;
    for (const i of [first, lo, hi, last, gap]) if (i >= 0 && !keep.includes(i)) keep.push(i);
    keep.sort((a, b) => a - b);
    for (const i of keep) {
      px.push(Math.max(points.xs[i] ?? 0, o.start));
      py.push(points.ys[i] ?? null);
    }
    first = lo = hi = last = gap = -1;
  };
  const n = points.xs.length;
  let previous: number | null | undefined;
  for (let i = 0; i < n; i++) {
    const x = points.xs[i] ?? 0;
    const next = points.xs[i + 1];
    // Points before the window matter only as the value in effect at its start.
    if (x < o.start && next !== undefined && next <= o.start) continue;
    if (x > o.end) break;
    const c = Math.min(columns - 1, Math.floor(((Math.max(x, o.start) - o.start) / span) * columns));
    if (c !== column) {
      flush();
      column = c;
    }
    const y = points.ys[i] ?? null;
    previous = y;
    if (y === null) {
      if (gap < 0) gap = i;
      continue;
    }
    if (first < 0) first = i;
    last = i;
    if (lo < 0 || y < (points.ys[lo] ?? Infinity)) lo = i;
    if (hi < 0 || y > (points.ys[hi] ?? -Infinity)) hi = i;
    if (y < min) min = y;
    if (y > max) max = y;
  }
  flush();
  if (min === Infinity) return undefined;
  if (previous !== undefined && (px[px.length - 1] ?? o.end) < o.end) {
    px.push(o.end);
    py.push(previous);
  }
  const pad = o.pad ?? 2;
  const h = Math.max(1, o.height - 2 * pad);
  const yOf = (v: number) => r1(max === min ? o.height / 2 : pad + h - ((v - min) / (max - min)) * h);
  const xOf = (t: number) => r1(((t - o.start) / span) * o.width);
  let d = "";
  let pen = false;
  let lastY = 0;
  let vertices = 0;
  for (let i = 0; i < px.length; i++) {
    const v = py[i] ?? null;
    if (v === null) {
      // A held value lasts until the gap begins.
      if (pen && o.step) d += `H${xOf(px[i] ?? 0)}`;
      pen = false;
      continue;
    }
    const x = xOf(px[i] ?? 0);
    const y = yOf(v);
    if (!pen) d += `M${x} ${y}`;
    else if (o.step) d += `H${x}V${y}`;
    else d += `L${x} ${y}`;
    pen = true;
    lastY = y;
    vertices += 1;
  }
  // A single point still shows: a flat line to the end.
  if (vertices === 1) d += `H${r1(o.width)}V${lastY}`;
  return { d, min, max };
}
