import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  chartKindOf,
  chooseSource,
  coalesceSegments,
  climateToLines,
  formatDuration,
  hasHistoryChart,
  hasStatistics,
  historyByEntity,
  historyToLine,
  historyToTimeline,
  rangeMs,
  statisticsToLine,
  toneOf,
  type ChartEntity,
  type HistoryStateWire,
  type LineSeries,
} from "./chart-data";
import { alignLines, downsampleLine, valueAt } from "./chart-data-plot";
import { describeLine, describeTimeline, summarizeLine } from "./chart-data-summary";
import { sparklinePath } from "./chart-data-sparkline";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const at = (minutes: number) => T0 + minutes * MINUTE_MS;
const st = (minutes: number, state: string): HistoryStateWire => ({ state, last_changed: iso(at(minutes)) });

const temperature: ChartEntity = { entityId: "sensor.desk_temperature", name: "Desk temperature", attributes: { unit_of_measurement: "°C", state_class: "measurement", device_class: "temperature" } };
const energy: ChartEntity = { entityId: "sensor.meter_energy", name: "Meter energy", attributes: { unit_of_measurement: "kWh", state_class: "total_increasing" } };
const door: ChartEntity = { entityId: "binary_sensor.front_door", name: "Front door", attributes: { device_class: "door" } };

describe("historyByEntity", () => {
  it("names each array by its first state's entity id (minimal_response leaves it off the rest)", () => {
    const answer = [[{ entity_id: "sensor.a", state: "1", last_changed: iso(T0) }, st(5, "2")], [{ entity_id: "sensor.b", state: "x", last_changed: iso(T0) }], []];
    const by = historyByEntity(answer);
    expect([...by.keys()]).toEqual(["sensor.a", "sensor.b"]);
    expect(by.get("sensor.a")).toHaveLength(2);
  });
});

describe("chooseSource", () => {
  const now = T0 + 400 * DAY_MS;
  const window = (ms: number, endAgo = 0) => ({ start: now - endAgo - ms, end: now - endAgo, now });
  it.each([
    ["1 h", window(HOUR_MS), undefined, { kind: "history" }],
    ["24 h", window(DAY_MS), 50_000, { kind: "history" }],
    ["7 d, few raw points", window(7 * DAY_MS), 300, { kind: "history" }],
    ["7 d, chatty sensor", window(7 * DAY_MS), 8640, { kind: "statistics", period: "5minute" }],
    ["7 d, rate not known yet", window(7 * DAY_MS), undefined, { kind: "statistics", period: "5minute" }],
    ["30 d", window(30 * DAY_MS), 10, { kind: "statistics", period: "hour" }],
    ["1 y", window(365 * DAY_MS), 10, { kind: "statistics", period: "day" }],
    ["a day, panned back beyond the raw retention", window(DAY_MS, 20 * DAY_MS), 10, { kind: "statistics", period: "hour" }],
    ["7 d, panned back beyond the raw retention", window(7 * DAY_MS, 20 * DAY_MS), 10, { kind: "statistics", period: "hour" }],
  ] as const)("%s", (_name, w, rate, expected) => {
    expect(chooseSource({ ...w, hasStatistics: true, rawPointsPerDay: rate })).toEqual(expected);
  });

  it("uses raw history for every range when the entity has no statistics", () => {
    for (const ms of [HOUR_MS, 7 * DAY_MS, 365 * DAY_MS]) expect(chooseSource({ ...window(ms), hasStatistics: false })).toEqual({ kind: "history" });
  });

  it("knows the ranges", () => {
    expect(rangeMs("30d")).toBe(30 * DAY_MS);
  });
});

describe("chartKindOf and hasStatistics", () => {
  it.each([
    ["sensor.t", { unit_of_measurement: "°C" }, "line"],
    ["sensor.count", { state_class: "measurement" }, "line"],
    ["sensor.mode", {}, "timeline"],
    ["sensor.phase", { device_class: "enum", state_class: "measurement" }, "timeline"],
    ["number.level", {}, "line"],
    ["binary_sensor.door", { device_class: "door" }, "timeline"],
    ["light.lamp", {}, "timeline"],
    ["climate.hall", {}, "climate"],
  ] as const)("%s %o → %s", (entityId, attributes, kind) => {
    expect(chartKindOf({ entityId, attributes })).toBe(kind);
  });

  it("charts states, not actions", () => {
    expect(["sensor.t", "binary_sensor.d", "light.l", "climate.c"].every(hasHistoryChart)).toBe(true);
    expect(["button.b", "scene.s", "event.e", "update.u", "image.i"].some(hasHistoryChart)).toBe(false);
  });

  it("has statistics only for sensors with a state class", () => {
    expect(hasStatistics(temperature)).toBe(true);
    expect(hasStatistics(energy)).toBe(true);
    expect(hasStatistics({ entityId: "sensor.x", attributes: { unit_of_measurement: "W" } })).toBe(false);
    expect(hasStatistics({ entityId: "number.x", attributes: { state_class: "measurement" } })).toBe(false);
  });
});

describe("historyToLine", () => {
  const w = { start: at(0), end: at(60) };
  it("turns unavailable, unknown and words into gaps, dates the initial state at the start and holds the last to the end", () => {
    const line = historyToLine(temperature, [st(-30, "20.5"), st(10, "21"), st(20, "unavailable"), st(25, "unknown"), st(30, "22.25"), st(40, "n/a")], w);
    expect(line.xs).toEqual([at(0), at(10), at(20), at(25), at(30), at(40), at(60)]);
    expect(line.ys).toEqual([20.5, 21, null, null, 22.25, null, null]);
    expect(line.unit).toBe("°C");
    expect(line.step).toBe(false);
  });

  it("draws sensors without a measurement state class as steps, and keeps the newest of two states at one time", () => {
    const line = historyToLine(energy, [st(-5, "1"), st(-1, "2"), st(30, "3")], w);
    expect(line.step).toBe(true);
    expect(line.xs).toEqual([at(0), at(30), at(60)]);
    expect(line.ys).toEqual([2, 3, 3]);
  });

  it("leaves states after the window out", () => {
    expect(historyToLine(temperature, [st(0, "1"), st(90, "2")], w).ys).toEqual([1, 1]);
  });
});

describe("statisticsToLine", () => {
  const row = (hour: number, mean: number | null, min: number | null, max: number | null) => ({ start: T0 + hour * HOUR_MS, end: T0 + (hour + 1) * HOUR_MS, mean, min, max });
  it("draws means with the min/max band, and breaks the line where a period is missing", () => {
    const line = statisticsToLine(temperature, [row(0, 20, 19, 21), row(1, 21, 20, 22), row(3, 23, 22, 24)], { start: T0, end: T0 + 4 * HOUR_MS });
    expect(line.fromStatistics).toBe(true);
    expect(line.step).toBe(false);
    expect(line.xs).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS, T0 + 3 * HOUR_MS]);
    expect(line.ys).toEqual([20, 21, null, 23]);
    expect(line.min).toEqual([19, 20, null, 22]);
    expect(line.max).toEqual([21, 22, null, 24]);
  });

  it("draws a total's state and has no band without min and max", () => {
    const line = statisticsToLine(energy, [{ start: T0, end: T0 + HOUR_MS, state: 12.5, sum: 3 }], { start: T0, end: T0 + HOUR_MS });
    expect(line.ys).toEqual([12.5]);
    expect(line.min).toBeUndefined();
  });
});

describe("climateToLines", () => {
  it("draws the current and target temperatures from the attributes", () => {
    const hall: ChartEntity = { entityId: "climate.hall", name: "Hall", attributes: {} };
    const states = [
      { state: "heat", last_changed: iso(at(0)), attributes: { current_temperature: 19.5, temperature: 21 } },
      { state: "heat", last_changed: iso(at(10)), attributes: { current_temperature: 20.5, temperature: 21 } },
    ];
    const lines = climateToLines(hall, states, { start: at(0), end: at(20) }, "°C");
    expect(lines.map((l) => [l.name, l.unit, l.ys])).toEqual([
      ["Hall current temperature", "°C", [19.5, 20.5, 20.5]],
      ["Hall target temperature", "°C", [21, 21, 21]],
    ]);
  });
});

describe("historyToTimeline", () => {
  it("makes Open/Closed segments, merges repeats, and drops states that held for no time", () => {
    const t = historyToTimeline(door, [st(-60, "on"), st(-10, "off"), st(10, "off"), st(20, "on"), st(30, "unavailable"), st(40, "off")], { start: at(0), end: at(60) });
    expect(t.segments.map((s) => [s.label, s.tone, (s.start - T0) / MINUTE_MS, (s.end - T0) / MINUTE_MS])).toEqual([
      ["Closed", "off", 0, 20],
      ["Open", "on", 20, 30],
      ["Unavailable", "unavailable", 30, 40],
      ["Closed", "off", 40, 60],
    ]);
  });

  it("clips to the window and merges runs of short segments, keeping a lone short one", () => {
    const states = [st(0, "off"), st(10, "on"), st(10.1, "off")];
    for (let i = 0; i < 100; i++) states.push(st(20 + i * 0.05, i % 2 ? "on" : "off"));
    states.push(st(30, "off"), st(50, "on"));
    const t = historyToTimeline(door, states, { start: at(0), end: at(60) });
    const shown = coalesceSegments(t.segments, { start: at(5), end: at(55) }, MINUTE_MS);
    expect(shown.map((s) => [s.label, (s.start - T0) / MINUTE_MS, Math.round(((s.end - T0) / MINUTE_MS) * 100) / 100])).toEqual([
      ["Closed", 5, 10],
      ["Open", 10, 10.1],
      ["Closed", 10.1, 20.05],
      ["Several states", 20.05, 24.95],
      ["Open", 24.95, 30],
      ["Closed", 30, 50],
      ["Open", 50, 55],
    ]);
  });

  it("gives other states a stable tone of their own", () => {
    expect(toneOf("eco")).toBe(toneOf("eco"));
    expect(toneOf("eco")).toMatch(/^c[0-5]$/);
  });
});

const series = (xs: number[], ys: Array<number | null>, extra: Partial<LineSeries> = {}): LineSeries => ({
  kind: "line",
  entityId: "sensor.x",
  key: "sensor.x",
  name: "X",
  unit: "W",
  precision: undefined,
  step: false,
  fromStatistics: false,
  xs,
  ys,
  ...extra,
});

describe("downsampleLine", () => {
  // A week of readings every 10 s with a spike, a dip and an outage: 60 480 points.
  const start = T0;
  const end = T0 + 7 * DAY_MS;
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  for (let x = start, i = 0; x < end; x += 10_000, i++) {
    xs.push(x);
    ys.push(i === 30_000 ? 500 : i === 40_000 ? -50 : i >= 50_000 && i < 50_100 ? null : 100 + Math.sin(i / 500) * 20);
  }
  const line = series(xs, ys);

  it("keeps at most five points per bucket, the extremes, the ends and the gap", () => {
    const small = downsampleLine(line, start, end, 600);
    expect(small.xs.length).toBeLessThanOrEqual(600 * 5);
    expect(small.xs.length).toBeGreaterThan(600);
    expect(Math.max(...small.ys.filter((v): v is number => v !== null))).toBe(500);
    expect(Math.min(...small.ys.filter((v): v is number => v !== null))).toBe(-50);
    expect(small.xs[0]).toBe(xs[0]);
    expect(small.xs.at(-1)).toBe(xs.at(-1));
    expect(small.ys.filter((v) => v === null).length).toBeGreaterThanOrEqual(1);
    expect([...small.xs].sort((a, b) => a - b)).toEqual(small.xs);
  });

  it("leaves short series and statistics bands alone", () => {
    const short = series([1, 2, 3], [1, 2, 3]);
    expect(downsampleLine(short, 0, 4, 100)).toBe(short);
    const band = { ...line, min: ys, max: ys };
    expect(downsampleLine(band, start, end, 10)).toBe(band);
  });
});

describe("alignLines and valueAt", () => {
  it("puts overlaid lines on one time axis: undefined where a line has no point, null kept as a gap", () => {
    const a = series([1, 3, 5], [10, null, 30]);
    const b = series([2, 3], [7, 8], { min: [6, 7], max: [8, 9] });
    const aligned = alignLines([a, b]);
    expect(aligned.xs).toEqual([1, 2, 3, 5]);
    expect(aligned.lines[0]?.ys).toEqual([10, undefined, null, 30]);
    expect(aligned.lines[1]?.ys).toEqual([undefined, 7, 8, undefined]);
    expect(aligned.lines[1]?.min).toEqual([undefined, 6, 7, undefined]);
  });

  it("reads the value at a time: held for steps, interpolated for lines", () => {
    const line = series([0, 10, 20], [0, 10, null]);
    expect(valueAt(line, -1)).toBeUndefined();
    expect(valueAt(line, 5)).toBe(5);
    expect(valueAt({ ...line, step: true }, 5)).toBe(0);
    expect(valueAt(line, 25)).toBeNull();
  });
});

describe("summaries", () => {
  it("gives min, max, time-weighted mean and last over the window, with unit", () => {
    // 20 for 30 min, 26 for 10 min, then unavailable (not counted), then 23 for the last 10 min.
    const line = historyToLine(temperature, [st(0, "20"), st(30, "26"), st(40, "unavailable"), st(50, "23")], { start: at(0), end: at(60) });
    const s = summarizeLine(line, { start: at(0), end: at(60) });
    expect(s).toEqual({ min: 20, max: 26, mean: (20 * 30 + 26 * 10 + 23 * 10) / 50, last: 23 });
    expect(describeLine(line, s)).toBe("Desk temperature: min 20 °C, max 26 °C, mean 21.8 °C, last 23 °C");
  });

  it("counts only the zoomed part, and the statistics band for min and max", () => {
    const line = series([0, 10, 20, 30], [1, 2, 3, 4], { min: [0, 1, 2, 3], max: [2, 3, 4, 9], fromStatistics: true });
    expect(summarizeLine(line, { start: 10, end: 25 })).toEqual({ min: 1, max: 4, mean: (2 * 10 + 3 * 5) / 15, last: 3 });
    expect(summarizeLine(line, { start: 100, end: 200 })?.last).toBe(4);
    expect(summarizeLine(series([], []), { start: 0, end: 1 })).toBeUndefined();
    expect(describeLine(series([], []), undefined)).toBe("X: no numbers in this range");
  });

  it("says how long each state held and what it was at the end", () => {
    const t = historyToTimeline(door, [st(0, "off"), st(10, "on"), st(15, "off"), st(40, "on"), st(41, "off")], { start: at(0), end: at(60) });
    expect(describeTimeline(t, { start: at(0), end: at(60) })).toBe("Front door: Closed 54 min (3 times), Open 6 min (2 times); last Closed");
    expect(describeTimeline(t, { start: at(0), end: at(12) })).toBe("Front door: Closed 10 min, Open 2 min; last Open");
  });

  it("formats durations", () => {
    expect([formatDuration(30_000), formatDuration(12 * MINUTE_MS), formatDuration(3 * HOUR_MS + 5 * MINUTE_MS), formatDuration(2 * DAY_MS + 4 * HOUR_MS)]).toEqual(["30 s", "12 min", "3 h 5 min", "2 d 4 h"]);
  });
});

describe("sparklinePath", () => {
  const o = { start: 0, end: 100, width: 100, height: 20, step: false, pad: 0 };
  it("scales into the box, starts with the value in effect at the start and holds the last to the end", () => {
    const s = sparklinePath({ xs: [-50, 50], ys: [0, 10] }, o);
    expect(s).toEqual({ d: "M0 20L50 0L100 0", min: 0, max: 10 });
  });

  it("draws steps, and starts a new subpath after a gap", () => {
    const s = sparklinePath({ xs: [0, 25, 50, 75], ys: [0, null, 10, 5] }, { ...o, step: true });
    expect(s?.d).toBe("M0 20H25M50 0H75V10H100V10");
  });

  it("is undefined without numbers, and a flat line for one value", () => {
    expect(sparklinePath({ xs: [0, 10], ys: [null, null] }, o)).toBeUndefined();
    expect(sparklinePath({ xs: [10], ys: [5] }, o)?.d).toBe("M10 10L100 10");
    expect(sparklinePath({ xs: [100], ys: [5] }, o)?.d).toBe("M100 10H100V10");
  });

  it("stays small for a day of readings every second", () => {
    const xs = Array.from({ length: 86_400 }, (_, i) => i * 1000);
    const ys = xs.map((_, i) => Math.sin(i / 1000));
    const s = sparklinePath({ xs, ys }, { ...o, end: 86_400_000, width: 120 });
    expect(s?.d.split(/[LM]/).length).toBeLessThanOrEqual(120 * 5 + 3);
  });
});
