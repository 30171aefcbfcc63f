// The history API's wire shapes and the few helpers every history reader needs (cards included, so: small).

import { domainOf } from "../presentation/entity-kind";

/** One state of a GET /api/history/period answer; with minimal_response only the first of each entity carries entity_id. */
export interface HistoryStateWire {
  entity_id?: string;
  state: string;
  last_changed: string;
  last_updated?: string;
  attributes?: Record<string, unknown>;
}

export type HistoryAnswer = HistoryStateWire[][];

export type StatisticsPeriod = "5minute" | "hour" | "day" | "week" | "month";

/** One row of HA's recorder/statistics_during_period answer; times in epoch ms. */
export interface StatisticsRow {
  start: number;
  end: number;
  mean?: number | null;
  min?: number | null;
  max?: number | null;
  state?: number | null;
  sum?: number | null;
  change?: number | null;
  last_reset?: number | null;
}

/** By statistic id; statistics without rows in the range are left out (HA). */
export type StatisticsAnswer = Record<string, StatisticsRow[] | undefined>;

/** A history answer by entity id (HA leaves out entities without states and names each only once). */
export function historyByEntity(answer: HistoryAnswer): Map<string, HistoryStateWire[]> {
  const out = new Map<string, HistoryStateWire[]>();
  for (const states of answer) {
    const id = states[0]?.entity_id;
    if (id) out.set(id, states);
  }
  return out;
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A state as a number; null for unavailable, unknown and words (a gap on a chart). */
export function numericValue(state: string): number | null {
  if (!NUMERIC.test(state)) return null;
  const v = Number(state);
  return Number.isFinite(v) ? v : null;
}

/** Statistics exist for sensors with a state class (HA's sensor recorder platform). */
export function hasStatistics(e: { entityId: string; attributes: Readonly<Record<string, unknown>> }): boolean {
  const stateClass = e.attributes.state_class;
  return domainOf(e.entityId) === "sensor" && (stateClass === "measurement" || stateClass === "total" || stateClass === "total_increasing");
}

export type ChartKind = "line" | "timeline" | "climate";

const NUMERIC_DOMAINS = new Set(["sensor", "number", "input_number", "counter"]);

/** HA's split: numbers with a unit or state class are lines; climate draws its temperatures; the rest are timelines. */
export function chartKindOf(e: { entityId: string; attributes: Readonly<Record<string, unknown>> }): ChartKind {
  const domain = domainOf(e.entityId);
  const a = e.attributes;
  if (domain === "climate" || domain === "water_heater") return "climate";
  if (!NUMERIC_DOMAINS.has(domain)) return "timeline";
  if (a.device_class === "timestamp" || a.device_class === "enum") return "timeline";
  const has = (v: unknown) => typeof v === "string" && v !== "";
  if (domain === "sensor" && !has(a.unit_of_measurement) && !has(a.state_class)) return "timeline";
  return "line";
}
