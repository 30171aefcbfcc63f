// Shaping line series for drawing: fewer points for long raw ranges, and one shared time axis for overlays.

import type { LineSeries } from "./chart-data";

export type Column = Array<number | null | undefined>;

/**
 * M4 downsampling (Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014):
 * per pixel-wide bucket keep the first, lowest, highest and last point, so the drawn shape is the same as
 * with every point. A gap (null) in a bucket is kept once, so gaps stay gaps. At most 5 points per bucket.
 * Band series (statistics) are already one point per period and pass through.
 */
export function downsampleLine(line: LineSeries, start: number, end: number, buckets: number): LineSeries {
  const n = line.xs.length;
  const size = Math.max(1, Math.floor(buckets));
  if (n <= size * 4 || line.min !== undefined) return line;
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  const span = Math.max(1, end - start);
  const keep: number[] = [];
  let bucket = -1;
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  let gap = -1;
  const flush = () => {
    keep.length = 0;
    for (const i of [first, lo, hi, last, gap]) if (i >= 0 && !keep.includes(i)) keep.push(i);
    keep.sort((a, b) => a - b);
    for (const i of keep) {
      xs.push(line.xs[i] ?? 0);
      ys.push(line.ys[i] ?? null);
    }
    first = lo = hi = last = gap = -1;
  };
  for (let i = 0; i < n; i++) {
    const x = line.xs[i] ?? 0;
    const b = Math.min(size - 1, Math.max(0, Math.floor(((x - start) / span) * size)));
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    const y = line.ys[i] ?? null;
    if (y === null) {
      if (gap < 0) gap = i;
      continue;
    }
    if (first < 0) first = i;
    last = i;
    if (lo < 0 || y < (line.ys[lo] ?? Infinity)) lo = i;
    if (hi < 0 || y > (line.ys[hi] ?? -Infinity)) hi = i;
  }
  flush();
  return { ...line, xs, ys };
}

export interface AlignedLine {
  ys: Column;
  min?: Column;
  max?: Column;
}

/**
 * Lines on one time axis (as uPlot wants): the union of their times; a line has `undefined` where it has no
 * point of its own (drawn through) and keeps `null` where it has a gap (drawn as a break).
 */
export function alignLines(lines: readonly LineSeries[]): { xs: number[]; lines: AlignedLine[] } {
  if (lines.length === 1 && lines[0]) {
    const only = lines[0];
    const aligned: AlignedLine = { ys: only.ys };
    if (only.min) aligned.min = only.min;
    if (only.max) aligned.max = only.max;
    return { xs: only.xs, lines: [aligned] };
  }
  const all = new Set<number>();
  for (const l of lines) for (const x of l.xs) all.add(x);
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const place = (source: ReadonlyArray<number | null>, l: LineSeries): Column => {
    const column: Column = new Array<number | null | undefined>(xs.length).fill(undefined);
    for (let i = 0; i < l.xs.length; i++) {
      const at = index.get(l.xs[i] ?? 0);
      if (at !== undefined) column[at] = source[i] ?? null;
    }
    return column;
  };
  return {
    xs,
    lines: lines.map((l) => {
      const aligned: AlignedLine = { ys: place(l.ys, l) };
      if (l.min) aligned.min = place(l.min, l);
      if (l.max) aligned.max = place(l.max, l);
      return aligned;
    }),
  };
}

/** The value in effect at `at` (the last point at or before it), for a readout; undefined before the first point. */
export function valueAt(line: Pick<LineSeries, "xs" | "ys" | "step">, at: number): number | null | undefined {
  const { xs, ys } = line;
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0 || (xs[0] ?? Infinity) > at) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((xs[mid] ?? Infinity) <= at) lo = mid;
    else hi = mid - 1;
  }
  const y = ys[lo] ?? null;
  if (line.step || y === null) return y;
  const x0 = xs[lo] ?? at;
  const x1 = xs[lo + 1];
  const y1 = ys[lo + 1];
  if (x1 === undefined || y1 === undefined || y1 === null || x1 === x0) return y;
  return y + ((y1 - y) * (at - x0)) / (x1 - x0);
}
