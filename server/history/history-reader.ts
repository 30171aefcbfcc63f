import { HistoryQueries, type HistoryRowRaw } from "@/db/queries/history";
import type { HubDatabase } from "@/db/open-database";
import { parseIsoDateTime } from "@/devices/templates/ha-datetime";
import { HubError } from "../errors";
import { haTimestamp } from "../state/context";

/** Domains whose attribute changes are significant on their own (HA: history.SIGNIFICANT_DOMAINS). */
const SIGNIFICANT_DOMAINS = new Set(["climate", "device_tracker", "humidifier", "thermostat", "water_heater"]);
/** Domains whose states mean little without their attributes (HA: history.NEED_ATTRIBUTE_DOMAINS). */
const NEED_ATTRIBUTE_DOMAINS = new Set(["climate", "humidifier", "input_datetime", "thermostat", "water_heater"]);
const DAY_MS = 86_400_000;
/** One answer holds at most this many states; longer ranges are what statistics are for. */
export const MAX_HISTORY_STATES = 1_000_000;

/** GET /api/history/period/<start>: the query string as Home Assistant reads it. */
export interface HistoryPeriodQuery {
  /** The path's ISO time; undefined means one day ago. */
  start?: string | undefined;
  end_time?: string | undefined;
  filter_entity_id?: string | undefined;
  /** Flags are present or not, as in HA (`?minimal_response`). */
  minimal_response?: boolean;
  no_attributes?: boolean;
  skip_initial_state?: boolean;
  /** "0" turns it off; anything else (or absent) leaves it on, as in HA. */
  significant_changes_only?: string | undefined;
}

/** A state as the history API answers it: full, or (minimal_response) only state and time. */
export type HistoryState =
  | { entity_id: string; state: string; attributes: Record<string, unknown>; last_changed: string; last_updated: string }
  | { state: string; last_changed: string };

/**
 * Reads recorded history in Home Assistant's shapes. Each entity's range is one contiguous scan of the
 * clustered state table, plus one lookup for the state it was in when the range starts.
 */
export class HistoryReader {
  readonly #q: HistoryQueries;
  readonly #now: () => number;
  readonly #timeZone: () => string | undefined;

  constructor(deps: { db: HubDatabase; now?: () => number; timeZone?: () => string | undefined }) {
    this.#q = new HistoryQueries(deps.db);
    this.#now = deps.now ?? Date.now;
    this.#timeZone = deps.timeZone ?? (() => undefined);
  }

  /** HA's GET /api/history/period answer: one array of states per entity, in the order asked for. */
  period(query: HistoryPeriodQuery): HistoryState[][] {
    const now = this.#now();
    const start = query.start === undefined ? now - DAY_MS : this.#time(query.start, "Invalid datetime");
    if (start > now) return [];
    const end = query.end_time === undefined ? start + DAY_MS : this.#time(query.end_time, "Invalid end_time");
    const ids = (query.filter_entity_id ?? "")
      .toLowerCase()
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0) throw new HubError("invalid_input", "filter_entity_id is missing");
    const changesOnly = query.significant_changes_only !== "0";
    const minimal = query.minimal_response === true;
    const noAttributes = query.no_attributes === true;
    const out: HistoryState[][] = [];
    let total = 0;
    for (const entityId of new Set(ids)) {
      const ref = this.#q.entityRef(entityId);
      if (ref === undefined) continue;
      const domain = entityId.slice(0, entityId.indexOf("."));
      const rows = this.#q.changes(ref, start, end, changesOnly && !SIGNIFICANT_DOMAINS.has(domain));
      const initial = query.skip_initial_state ? undefined : this.#q.stateBefore(ref, start);
      total += rows.length;
      if (total > MAX_HISTORY_STATES) {
        throw new HubError("payload_too_large", `more than ${MAX_HISTORY_STATES} states in this range: ask for a shorter one, or for statistics`);
      }
      const states = this.#entityStates(entityId, initial, rows, start, {
        minimal: minimal && !NEED_ATTRIBUTE_DOMAINS.has(domain),
        noAttributes: noAttributes && !NEED_ATTRIBUTE_DOMAINS.has(domain),
      });
      if (states.length > 0) out.push(states);
    }
    return out;
  }

  #entityStates(entityId: string, initial: HistoryRowRaw | undefined, rows: HistoryRowRaw[], start: number, o: { minimal: boolean; noAttributes: boolean }): HistoryState[] {
    const attributesByRef = new Map<number, Record<string, unknown>>();
    const attributesOf = (row: HistoryRowRaw): Record<string, unknown> => {
      if (o.noAttributes || row.attributesRef === null || row.attributes === null) return {};
      let parsed = attributesByRef.get(row.attributesRef);
      if (parsed === undefined) {
        try {
          parsed = JSON.parse(row.attributes) as Record<string, unknown>;
        } catch {
          parsed = {};
        }
        attributesByRef.set(row.attributesRef, parsed);
      }
      return parsed;
    };
    const full = (row: HistoryRowRaw, changed: number, updated: number): HistoryState => ({
      entity_id: entityId,
      state: row.state,
      attributes: attributesOf(row),
      last_changed: haTimestamp(changed),
      last_updated: haTimestamp(updated),
    });
    const out: HistoryState[] = [];
    // The state at the start of the range is dated at the start, as HA does.
    if (initial) out.push(full(initial, start, start));
    let previous = initial?.state;
    for (const row of rows) {
      if (o.minimal && out.length > 0) {
        // HA's minimal response: after the first state, only state changes, as state and time.
        if (row.state === previous) continue;
        out.push({ state: row.state, last_changed: haTimestamp(row.ts) });
      } else {
        out.push(full(row, row.changedTs, row.ts));
      }
      previous = row.state;
    }
    return out;
  }

  #time(text: string, message: string): number {
    // A "+01:00" offset in an unencoded query string arrives as " 01:00".
    const parsed = parseIsoDateTime(text.replace(/ (\d{2}:?\d{2})$/, "+$1"), this.#timeZone());
    if (!parsed) throw new HubError("invalid_input", message);
    return parsed.epochMs;
  }
}
