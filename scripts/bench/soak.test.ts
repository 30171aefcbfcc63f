import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM bench script without types
import { floors, slope } from "./soak.mjs";

type Point = { x: number; y: number };
const floorsOf = floors as (samples: Array<Record<string, number>>, key: string, windowS: number) => Point[];
const slopeOf = slope as (points: Point[]) => number | null;

describe("soak growth verdict", () => {
  // Ten minutes sampled every 5 s: a burst each minute lifts RSS by 60 MiB, GC brings it back over the minute.
  const sawtooth = (growthPerMin: number) =>
    Array.from({ length: 120 }, (_, i) => {
      const t = (i + 1) * 5;
      const intoBurst = (t % 60) / 60;
      return { t_s: t, rss_mib: 200 + growthPerMin * (t / 60) + 60 * (1 - intoBurst) };
    });

  it("judges a sawtooth that does not grow as flat by its floors, wherever the run stops", () => {
    const flat = sawtooth(0);
    expect(Math.abs(slopeOf(floorsOf(flat, "rss_mib", 60))!)).toBeLessThan(0.05);
    // Stopping mid-tooth tilts the every-sample slope, not the floors'.
    const cut = flat.filter((s) => s.t_s <= 545);
    expect(Math.abs(slopeOf(cut.map((s) => ({ x: s.t_s / 60, y: s.rss_mib })))!)).toBeGreaterThan(0.2);
    expect(Math.abs(slopeOf(floorsOf(cut, "rss_mib", 60))!)).toBeLessThan(0.05);
  });

  it("still sees real growth under the sawtooth", () => {
    expect(slopeOf(floorsOf(sawtooth(2), "rss_mib", 60))!).toBeCloseTo(2, 0);
  });

  it("skips missing values and the window the run ended in, and keeps windows in time order", () => {
    const f = floorsOf([{ t_s: 130, v: 3 }, { t_s: 5, v: 1 }, { t_s: 65, v: Number.NaN }, { t_s: 70, v: 2 }, { t_s: 180, v: 9 }], "v", 60);
    expect(f.map((p) => p.y)).toEqual([1, 2, 3]);
  });
});
