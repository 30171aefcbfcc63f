import { StatisticsSourceQueries, type SourceStateTuple } from "@/db/queries/statistics";
import type { HubDatabase } from "@/db/open-database";
import { isStatisticsStateClass, numericState, type MeterReading, type Sample, type StatisticsStateClass } from "@/devices/history/statistics-math";
import { parseIsoDateTime } from "@/devices/templates/ha-datetime";
import type { HaState } from "../hub-api";

/** A sensor that gets statistics (HA: _get_sensor_states), as its current state describes it. */
export interface StatisticsSource {
  entityId: string;
  stateClass: StatisticsStateClass;
  /** friendly_name, kept as the statistic's name. */
  name: string | null;
  /** When the current state began (epoch ms): stands in for history that has none (purged or never written). */
  lastChanged: number;
  state: HaState;
}

/** Sensors whose current state has a state_class that statistics are compiled for. */
export function statisticsSources(states: readonly HaState[]): StatisticsSource[] {
  const out: StatisticsSource[] = [];
  for (const state of states) {
    const stateClass = state.attributes.state_class;
    if (!state.entity_id.startsWith("sensor.") || !isStatisticsStateClass(stateClass)) continue;
    const name = state.attributes.friendly_name;
    out.push({
      entityId: state.entity_id,
      stateClass,
      name: typeof name === "string" ? name : null,
      lastChanged: Math.floor(parseIsoDateTime(state.last_changed, "UTC")?.epochMs ?? 0),
      state,
    });
  }
  return out;
}

/** One recorded state with its attributes parsed. */
export interface RecordedState {
  ts: number;
  state: string;
  attributes: Record<string, unknown>;
}

const ATTRIBUTE_SETS_KEPT = 5000;

/**
 * What a period of one sensor looks like in the recorder's tables: the state in effect at the start and the
 * changes within. Entity keys are looked up in a map (reloaded for ids it does not know yet) and attribute
 * sets are parsed once per key: most states of a sensor share a few.
 */
export class PeriodStates {
  readonly #q: StatisticsSourceQueries;
  readonly #attributes = new Map<number, Record<string, unknown>>();
  #refs = new Map<string, number>();

  constructor(db: HubDatabase) {
    this.#q = new StatisticsSourceQueries(db);
  }

  /** The state at `start` (undefined when none was recorded before it) and the changes in [start, end). */
  read(entityId: string, start: number, end: number): { initial: RecordedState | undefined; changes: RecordedState[] } {
    let ref = this.#refs.get(entityId);
    if (ref === undefined) {
      this.#refs = this.#q.entityRefs();
      ref = this.#refs.get(entityId);
      if (ref === undefined) return { initial: undefined, changes: [] };
    }
    const before = this.#q.stateBefore(ref, start);
    return { initial: before && this.#recorded(before), changes: this.#q.states(ref, start, end).map((r) => this.#recorded(r)) };
  }

  #recorded([ts, state, attributesRef]: SourceStateTuple): RecordedState {
    return { ts, state, attributes: attributesRef === null ? {} : this.#attributesOf(attributesRef) };
  }

  #attributesOf(ref: number): Record<string, unknown> {
    let parsed = this.#attributes.get(ref);
    if (parsed === undefined) {
      try {
        parsed = JSON.parse(this.#q.attributes(ref) ?? "{}") as Record<string, unknown>;
      } catch {
        parsed = {};
      }
      if (this.#attributes.size >= ATTRIBUTE_SETS_KEPT) this.#attributes.clear();
      this.#attributes.set(ref, parsed);
    }
    return parsed;
  }
}

export const unitOf = (attributes: Record<string, unknown>): string | null => {
  const unit = attributes.unit_of_measurement;
  return typeof unit === "string" ? unit : null;
};

/** A recorded state as a number in the statistic's unit; a state in another unit counts as not numeric (HA suppresses it). */
export function sampleOf(s: RecordedState, unit: string | null): Sample {
  return { ts: s.ts, value: unitOf(s.attributes) === unit ? numericState(s.state) : null };
}

/** A meter reading: the sample plus the `last_reset` attribute (an ISO time) as epoch ms. */
export function readingOf(s: RecordedState, unit: string | null): MeterReading {
  const raw = s.attributes.last_reset;
  const parsed = typeof raw === "string" ? parseIsoDateTime(raw, "UTC") : undefined;
  const lastReset = parsed ? Math.floor(parsed.epochMs) : null;
  return { ...sampleOf(s, unit), lastReset };
}
