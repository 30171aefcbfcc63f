import { describe, expect, it } from "vitest";
import { calendarBounds, isTimeZone, localMidnight } from "./local-periods";
import {
  changes,
  combineRows,
  compileMeter,
  hourFromShortTerm,
  numericState,
  reduceToCalendar,
  spikeReference,
  timeWeighted,
  type MeterCarry,
  type MeterReading,
  type StatisticRow,
} from "./statistics-math";

const M = 60_000;
const H = 60 * M;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe("numericState", () => {
  it.each([
    ["12.5", 12.5],
    [" 3 ", 3],
    ["1e3", 1000],
    ["-.5", -0.5],
    ["5.", 5],
    ["unavailable", null],
    ["unknown", null],
    ["", null],
    ["nan", null],
    ["inf", null],
    ["0x10", null],
    ["1,5", null],
  ])("%j → %j", (text, expected) => {
    expect(numericState(text)).toBe(expected);
  });
});

describe("timeWeighted (one 5-minute period, 0 to 5 min)", () => {
  const cases: Array<[string, number | null, Array<[number, number | null]>, { mean: number; min: number; max: number; coveredMs: number } | null]> = [
    ["a change after 2 min: (20×2 + 22×3)/5", 20, [[2 * M, 22]], { mean: 21.2, min: 20, max: 22, coveredMs: 5 * M }],
    ["no state before: the mean starts at the first one: (10×2 + 20×2)/4", null, [[1 * M, 10], [3 * M, 20]], { mean: 15, min: 10, max: 20, coveredMs: 4 * M }],
    ["unavailable for 2 min counts for nothing: (20×2 + 30×1)/3", 20, [[2 * M, null], [4 * M, 30]], { mean: 70 / 3, min: 20, max: 30, coveredMs: 3 * M }],
    ["nothing numeric: no row", null, [], null],
    ["unavailable the whole period: no row", null, [[0, null]], null],
    ["a change exactly at the start replaces the state before", 5, [[0, 7]], { mean: 7, min: 7, max: 7, coveredMs: 5 * M }],
    ["a value that held for no time is not the max: (20×2 + 10×3)/5", 20, [[2 * M, 40], [2 * M, 10]], { mean: 14, min: 10, max: 20, coveredMs: 5 * M }],
    ["negative values: (-5×1 + 5×4)/5", -5, [[1 * M, 5]], { mean: 3, min: -5, max: 5, coveredMs: 5 * M }],
  ];
  it.each(cases)("%s", (_name, initial, changeList, expected) => {
    const result = timeWeighted(initial, changeList.map(([ts, value]) => ({ ts, value })), 0, 5 * M);
    if (expected === null) {
      expect(result).toBeNull();
      return;
    }
    expect(result).not.toBeNull();
    expect(result!.mean).toBeCloseTo(expected.mean, 12);
    expect({ min: result!.min, max: result!.max, coveredMs: result!.coveredMs }).toEqual({ min: expected.min, max: expected.max, coveredMs: expected.coveredMs });
  });
});

const readings = (...values: Array<number | null | [number | null, number | null]>): MeterReading[] =>
  values.map((v, i) => (Array.isArray(v) ? { ts: i * M, value: v[0], lastReset: v[1] } : { ts: i * M, value: v, lastReset: null }));
const carry = (state: number, sum: number, lastReset: number | null = null): MeterCarry => ({ state, sum, lastReset });

describe("compileMeter", () => {
  const L1 = at("2025-01-06T00:00:00Z");
  const L2 = at("2025-01-07T00:00:00Z");
  const cases: Array<{
    name: string;
    cls: "total" | "total_increasing";
    carry: MeterCarry | null;
    readings: MeterReading[];
    reference?: number;
    expected: { state: number; sum: number; lastReset?: number | null; issues?: string[] } | null;
  }> = [
    { name: "the first reading is the zero point", cls: "total_increasing", carry: null, readings: readings(100, 100.5, 101), expected: { state: 101, sum: 1 } },
    { name: "carries on from the last row", cls: "total_increasing", carry: carry(101, 1), readings: readings(101, 102), expected: { state: 102, sum: 2 } },
    {
      name: "a drop of more than 10 % is a reset; the new cycle counts from 0: 3 + (104−103) + 2",
      cls: "total_increasing",
      carry: carry(103, 3),
      readings: readings(103, 104, 2),
      expected: { state: 2, sum: 6, issues: ["reset 104→2"] },
    },
    { name: "a dip under 10 % lowers the sum, as in HA: 10 + (95−100)", cls: "total_increasing", carry: carry(100, 10), readings: readings(100, 95), expected: { state: 95, sum: 5 } },
    { name: "negative readings are skipped", cls: "total_increasing", carry: carry(100, 10), readings: readings(100, -3, 101), expected: { state: 101, sum: 11 } },
    { name: "non-numeric readings are skipped", cls: "total_increasing", carry: carry(100, 10), readings: readings(100, null, 102), expected: { state: 102, sum: 12 } },
    {
      name: "an absurd step (4997 > 10 × 3) is left out of the sum; the meter carries on from it: 7 + 1",
      cls: "total_increasing",
      carry: carry(3, 7),
      readings: readings(3, 5000, 5001),
      reference: 3,
      expected: { state: 5001, sum: 8, issues: ["spike 3→5000"] },
    },
    {
      name: "a glitch to 0 and back: the reset is taken, the jump back is a spike, the sum stays",
      cls: "total_increasing",
      carry: carry(1000, 50),
      readings: readings(1000, 0, 1000.5),
      reference: 2,
      expected: { state: 1000.5, sum: 50, issues: ["reset 1000→0", "spike 0→1000.5"] },
    },
    {
      name: "the same glitch without a reference (a new meter) is counted, as HA would: 50 + 1000.5",
      cls: "total_increasing",
      carry: carry(1000, 50),
      readings: readings(1000, 0, 1000.5),
      expected: { state: 1000.5, sum: 1050.5, issues: ["reset 1000→0"] },
    },
    {
      name: "a replacement meter starting high: its first value is not counted (500 > 10 × 2)",
      cls: "total_increasing",
      carry: carry(1000, 50),
      readings: readings(1000, 500),
      reference: 2,
      expected: { state: 500, sum: 50, issues: ["reset 1000→500", "spike 0→500"] },
    },
    { name: "a normal step under the limit is counted", cls: "total_increasing", carry: carry(10, 1), readings: readings(10, 25), reference: 2, expected: { state: 25, sum: 16 } },
    { name: "nothing numeric and nothing carried: no row", cls: "total_increasing", carry: null, readings: readings(null), expected: null },
    { name: "nothing new: the last state and sum carry on", cls: "total_increasing", carry: carry(5, 1), readings: [], expected: { state: 5, sum: 1 } },
    {
      name: "total: the first last_reset sets the zero point",
      cls: "total",
      carry: null,
      readings: readings([3, L1], [5, L1]),
      expected: { state: 5, sum: 2, lastReset: L1 },
    },
    {
      name: "total: a new last_reset starts a cycle from 0: 2 + (7−5) + 4",
      cls: "total",
      carry: carry(5, 2, L1),
      readings: readings([5, L1], [7, L1], [1, L2], [4, L2]),
      expected: { state: 4, sum: 8, lastReset: L2 },
    },
    { name: "total without last_reset follows the value down and up: 12 − 10", cls: "total", carry: null, readings: readings(10, 8, 12), expected: { state: 12, sum: 2, lastReset: null } },
  ];
  it.each(cases)("$name", ({ cls, carry: c, readings: r, reference, expected }) => {
    const result = compileMeter(cls, c, r, reference ?? null);
    if (expected === null) {
      expect(result).toBeNull();
      return;
    }
    expect(result).not.toBeNull();
    expect(result!.state).toBe(expected.state);
    expect(result!.sum).toBeCloseTo(expected.sum, 9);
    if (expected.lastReset !== undefined) expect(result!.lastReset).toBe(expected.lastReset);
    expect(result!.issues.map((i) => `${i.kind} ${String(i.detail.from)}→${String(i.detail.to)}`)).toEqual(expected.issues ?? []);
  });

  it("a spike's issue names the step, the reference and the factor", () => {
    const result = compileMeter("total_increasing", carry(3, 7), readings(3, 5000), 3);
    expect(result!.issues).toEqual([{ kind: "spike", ts: M, detail: { from: 3, to: 5000, step: 4997, reference: 3, factor: 10, after_reset: false } }]);
  });
});

describe("spikeReference", () => {
  it.each([
    ["the first row's change is its sum", null, [3, 8], 5],
    ["against the row before the window", 2, [3, 3], 1],
    ["no rows", null, [], null],
    ["no change at all", 5, [5, 5], null],
    ["rows without a sum are skipped", 10, [null, 7], 3],
  ] as Array<[string, number | null, Array<number | null>, number | null]>)("%s", (_name, before, sums, expected) => {
    expect(spikeReference(before, sums)).toBe(expected);
  });
});

const row = (start: number, r: Partial<StatisticRow>): StatisticRow => ({ start, mean: null, min: null, max: null, lastReset: null, state: null, sum: null, ...r });

describe("hourly rows from 5-minute rows", () => {
  it("a measurement: the mean of the 5-minute means (each weighs 5 min), the lowest min and the highest max", () => {
    const means = [21, 19, 18, 18, 18, 18, 24, 24, 24, 24, 24, 24];
    const rows = means.map((mean, i) => row(i * 5 * M, { mean, min: i === 1 ? 18 : mean - (i === 0 ? 1 : 0), max: i === 0 ? 22 : mean }));
    const hour = hourFromShortTerm(0, rows)!;
    expect(hour.mean).toBeCloseTo(256 / 12, 12);
    expect([hour.min, hour.max, hour.sum, hour.state]).toEqual([18, 24, null, null]);
  });

  it("missing 5-minute rows (an unavailable stretch) weigh nothing", () => {
    const hour = hourFromShortTerm(0, [row(0, { mean: 10, min: 10, max: 10 }), row(5 * M, { mean: 20, min: 20, max: 20 })])!;
    expect(hour.mean).toBe(15);
  });

  it("a meter: the state, sum and last reset of the last row", () => {
    const hour = hourFromShortTerm(H, [row(H, { state: 104, sum: 4 }), row(H + 5 * M, { state: 2, sum: 6, lastReset: 7 })])!;
    expect(hour).toEqual({ start: H, mean: null, min: null, max: null, state: 2, sum: 6, lastReset: 7 });
  });

  it("nothing at all: no row", () => {
    expect(hourFromShortTerm(0, [])).toBeNull();
    expect(combineRows([row(0, {})], () => H)).toBeNull();
  });
});

describe("calendar periods in the home's time zone", () => {
  it.each([
    ["a day in Amsterdam in winter (UTC+1)", "2025-01-06T12:00:00Z", "day", "Europe/Amsterdam", "2025-01-05T23:00:00.000Z", "2025-01-06T23:00:00.000Z"],
    ["the 23-hour day of the spring change", "2025-03-30T12:00:00Z", "day", "Europe/Amsterdam", "2025-03-29T23:00:00.000Z", "2025-03-30T22:00:00.000Z"],
    ["the 25-hour day of the autumn change", "2025-10-26T12:00:00Z", "day", "Europe/Amsterdam", "2025-10-25T22:00:00.000Z", "2025-10-26T23:00:00.000Z"],
    ["a week starts on Monday (Sunday 30 March is in the week of Monday 24)", "2025-03-30T12:00:00Z", "week", "Europe/Amsterdam", "2025-03-23T23:00:00.000Z", "2025-03-30T22:00:00.000Z"],
    ["a Monday is the first day of its week", "2025-01-06T00:00:00Z", "week", "UTC", "2025-01-06T00:00:00.000Z", "2025-01-13T00:00:00.000Z"],
    ["a month", "2025-01-15T00:00:00Z", "month", "Europe/Amsterdam", "2024-12-31T23:00:00.000Z", "2025-01-31T23:00:00.000Z"],
    ["a week reaching back over the end of February in a common year", "2001-03-01T12:00:00Z", "week", "UTC", "2001-02-26T00:00:00.000Z", "2001-03-05T00:00:00.000Z"],
    ["December ends in the next year", "2024-12-15T00:00:00Z", "month", "UTC", "2024-12-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"],
    ["New York in winter (UTC−5), just after local midnight", "2025-01-06T05:30:00Z", "day", "America/New_York", "2025-01-06T05:00:00.000Z", "2025-01-07T05:00:00.000Z"],
    ["a zone that skips midnight: Santiago's day starts at 01:00 when DST begins", "2024-09-08T12:00:00Z", "day", "America/Santiago", "2024-09-08T04:00:00.000Z", "2024-09-09T03:00:00.000Z"],
  ] as const)("%s", (_name, instant, period, zone, start, end) => {
    const b = calendarBounds(at(instant), period, zone);
    expect([iso(b.start), iso(b.end)]).toEqual([start, end]);
  });

  it("local midnight of a given date; unknown zones are told apart", () => {
    expect(iso(localMidnight(2025, 7, 1, "Europe/Amsterdam"))).toBe("2025-06-30T22:00:00.000Z");
    expect(iso(localMidnight(2025, 1, 32, "UTC"))).toBe("2025-02-01T00:00:00.000Z");
    expect(iso(localMidnight(50, 3, 1, "UTC"))).toBe("0050-03-01T00:00:00.000Z");
    expect(iso(localMidnight(2001, 3, -2, "UTC"))).toBe("2001-02-26T00:00:00.000Z");
    expect(isTimeZone("Europe/Amsterdam")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});

describe("reduceToCalendar", () => {
  // 23:00 Monday, 00:00 and 01:00 Tuesday in Amsterdam.
  const t0 = at("2025-01-06T22:00:00Z");
  const hourly = [
    row(t0, { mean: 10, min: 8, max: 12, state: 103, sum: 3 }),
    row(t0 + H, { mean: 20, min: 15, max: 30, state: 104, sum: 4 }),
    row(t0 + 2 * H, { mean: 30, min: 25, max: 35, state: 5001, sum: 8 }),
  ];

  it("days: the hours of each local day; mean of the hours, min of mins, max of maxes, the last sum", () => {
    const days = reduceToCalendar(hourly, "day", "Europe/Amsterdam");
    expect(days.map((d) => ({ ...d, start: iso(d.start), end: iso(d.end) }))).toEqual([
      { start: "2025-01-05T23:00:00.000Z", end: "2025-01-06T23:00:00.000Z", mean: 10, min: 8, max: 12, state: 103, sum: 3, lastReset: null },
      { start: "2025-01-06T23:00:00.000Z", end: "2025-01-07T23:00:00.000Z", mean: 25, min: 15, max: 35, state: 5001, sum: 8, lastReset: null },
    ]);
    expect(changes(days, null)).toEqual([3, 5]);
    expect(changes(days, 1)).toEqual([2, 5]);
  });

  it("weeks and months", () => {
    const [week] = reduceToCalendar(hourly, "week", "Europe/Amsterdam");
    expect([iso(week!.start), iso(week!.end), week!.mean, week!.sum]).toEqual(["2025-01-05T23:00:00.000Z", "2025-01-12T23:00:00.000Z", 20, 8]);
    const months = reduceToCalendar(hourly, "month", "UTC");
    expect(months.map((m) => [iso(m.start), iso(m.end), m.min, m.max])).toEqual([["2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z", 8, 35]]);
  });

  it("a year of hours reduces in a few milliseconds", () => {
    const start = at("2024-01-01T00:00:00Z");
    const year = Array.from({ length: 8784 }, (_, i) => row(start + i * H, { mean: i % 24, min: 0, max: 23 }));
    // The best of three: the first warms up the JIT and the zone's formatter.
    let elapsed = Infinity;
    let days: ReturnType<typeof reduceToCalendar> = [];
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      days = reduceToCalendar(year, "day", "Europe/Amsterdam");
      elapsed = Math.min(elapsed, performance.now() - t);
    }
    expect(days).toHaveLength(367);
    expect(elapsed).toBeLessThan(50);
  });
});
