import { describe, expect, it } from "vitest";
import { ReportingInterval } from "./reporting-interval";
import { HEALTH_THRESHOLDS as T } from "./thresholds";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 1);

function learn(times: number[]): ReportingInterval {
  const r = new ReportingInterval();
  for (const t of times) r.record(T0 + t);
  return r;
}

describe("ReportingInterval", () => {
  it("judges an unlearned device by Z2M's passive timeout (25 h)", () => {
    const r = learn([0, 5 * MIN, 10 * MIN]);
    expect(r.usualIntervalMs()).toBeNull();
    expect(r.staleAfterMs(T0)).toBe(T.unlearnedStaleMs);
    expect(T.unlearnedStaleMs).toBe(25 * HOUR);
  });

  it("learns the median gap after minGaps gaps; the floor keeps fast reporters from going stale in seconds", () => {
    const r = learn([0, 1, 2, 3, 4, 5].map((i) => i * MIN));
    expect(r.usualIntervalMs()).toBe(MIN);
    expect(r.staleAfterMs(T0 + 5 * MIN)).toBe(T.staleFloorMs);
  });

  it("uses 3 × the usual interval for slow regular reporters", () => {
    const r = learn([0, 1, 2, 3, 4, 5, 6].map((i) => i * HOUR));
    expect(r.usualIntervalMs()).toBe(HOUR);
    // The longest gap is also an hour: 1.5 h < 3 h.
    expect(r.staleAfterMs(T0 + 6 * HOUR)).toBe(3 * HOUR);
  });

  it("treats messages within the burst window as one report", () => {
    const r = learn([0, 10, 20, 1000, HOUR, HOUR + 5, 2 * HOUR, 2 * HOUR + 100, 3 * HOUR, 4 * HOUR]);
    expect(r.samples).toBe(4);
    expect(r.usualIntervalMs()).toBe(HOUR);
  });

  it("keeps the median robust to one odd gap", () => {
    const r = learn([0, 10, 20, 30, 40, 50, 60, 600, 610].map((m) => m * MIN));
    expect(r.usualIntervalMs()).toBe(10 * MIN);
  });

  it("remembers a quiet night of an event-driven device (longest normal gap), and forgets it with time", () => {
    // Busy day: a report every 2 min; then a 55 min heartbeat gap at night; then busy again.
    const times = [0, 2, 4, 6, 8, 10, 65, 67, 69, 71, 73].map((m) => m * MIN);
    const r = learn(times);
    expect(r.usualIntervalMs()).toBe(2 * MIN);
    const at = T0 + 73 * MIN;
    expect(r.staleAfterMs(at) / MIN).toBeCloseTo(1.5 * 55, 0);
    // Nine days later (three half-lives) the night weighs an eighth: the floor applies again.
    expect(r.staleAfterMs(at + 9 * 24 * HOUR)).toBe(T.staleFloorMs);
  });

  it("does not learn an outage as a normal gap, but a lasting slowdown moves the median", () => {
    const hourly = [0, 1, 2, 3, 4, 5].map((h) => h * HOUR);
    const r = learn([...hourly, 5 * HOUR + 48 * HOUR]);
    const after = T0 + 53 * HOUR;
    // The 48 h outage did not become "normal": the limit stays at 3 h.
    expect(r.staleAfterMs(after)).toBe(3 * HOUR);
    for (let i = 1; i <= 16; i++) r.record(after + i * 6 * HOUR);
    expect(r.usualIntervalMs()).toBe(6 * HOUR);
  });

  it("starts over when the clock goes back and never keeps more than gapsKept gaps", () => {
    const r = new ReportingInterval();
    for (let i = 0; i < 100; i++) r.record(T0 + i * MIN);
    expect(r.samples).toBe(T.gapsKept);
    r.record(T0 - HOUR);
    r.record(T0 - HOUR + MIN);
    expect(r.usualIntervalMs()).toBe(MIN);
  });
});
