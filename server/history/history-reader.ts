import { HistoryQueries } from "@/db/queries/history";
import type { HubDatabase } from "@/db/open-database";
import { parseIsoDateTime } from "@/devices/templates/ha-datetime";
import { HubError } from "../errors";
import { HistoryJsonWriter, jsonBytes, type EntityStates } from "./history-json";

/** Domains whose attribute changes are significant on their own (HA: history.SIGNIFICANT_DOMAINS). */
const SIGNIFICANT_DOMAINS = new Set(["climate", "device_tracker", "humidifier", "thermostat", "water_heater"]);
/** Domains whose states mean little without their attributes (HA: history.NEED_ATTRIBUTE_DOMAINS). */
const NEED_ATTRIBUTE_DOMAINS = new Set(["climate", "humidifier", "input_datetime", "thermostat", "water_heater"]);
const DAY_MS = 86_400_000;
/** One answer holds at most this many states; longer ranges are what statistics are for. */
export const MAX_HISTORY_STATES = 1_000_000;
const EMPTY_ANSWER = Uint8Array.from([0x5b, 0x5d]);
const EMPTY_ATTRIBUTES = Uint8Array.from([0x7b, 0x7d]);

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
 * clustered state table, plus one lookup for the state it was in when the range starts; the answer is written
 * as JSON bytes from the scan's blob (history-json.ts).
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
    return JSON.parse(Buffer.from(this.periodJson(query)).toString("utf8")) as HistoryState[][];
  }

  /** The same answer as UTF-8 JSON text, written without building it as objects first (history-json.ts). */
  periodJson(query: HistoryPeriodQuery): Uint8Array {
    const steps = this.#write(query);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * periodJson for the route: the event loop gets a turn after each entity, so a week of twenty sensors (a
   * fifth of a second of work) holds it ten milliseconds at a time.
   */
  async periodJsonAsync(query: HistoryPeriodQuery): Promise<Uint8Array> {
    const steps = this.#write(query);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Writes the answer, yielding after each entity. */
  *#write(query: HistoryPeriodQuery): Generator<void, Uint8Array> {
    const now = this.#now();
    const start = query.start === undefined ? now - DAY_MS : this.#time(query.start, "Invalid datetime");
    if (start > now) return EMPTY_ANSWER;
    const end = query.end_time === undefined ? start + DAY_MS : this.#time(query.end_time, "Invalid end_time");
    const ids = (query.filter_entity_id ?? "")
      .toLowerCase()
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0) throw new HubError("invalid_input", "filter_entity_id is missing");
    const changesOnly = query.significant_changes_only !== "0";
    const out = new HistoryJsonWriter();
    const attributeSets = new Map<number, Uint8Array>();
    const attributes = (ref: number): Uint8Array => {
      let bytes = attributeSets.get(ref);
      if (bytes === undefined) {
        bytes = EMPTY_ATTRIBUTES;
        const text = this.#q.attributes(ref);
        try {
          // Stored by the recorder as JSON.stringify wrote it; checked once per set all the same.
          if (text !== undefined && typeof JSON.parse(text) === "object") bytes = Buffer.from(text, "utf8");
        } catch {
          // A damaged set reads as none.
        }
        attributeSets.set(ref, bytes);
      }
      return bytes;
    };
    const noAttributes = () => EMPTY_ATTRIBUTES;
    out.byte(0x5b); // [
    let written = 0;
    for (const entityId of new Set(ids)) {
      const ref = this.#q.entityRef(entityId);
      if (ref === undefined) continue;
      const domain = entityId.slice(0, entityId.indexOf("."));
      const needsAttributes = NEED_ATTRIBUTE_DOMAINS.has(domain);
      const limit = MAX_HISTORY_STATES - out.records + 1;
      const changes = changesOnly && !SIGNIFICANT_DOMAINS.has(domain);
      const minimal = query.minimal_response === true && !needsAttributes;
      const rows = this.#q.changes(ref, start, end, { changesOnly: changes, form: minimal ? "minimal" : "full", limit });
      const initial = query.skip_initial_state ? undefined : this.#q.stateBefore(ref, start);
      // A minimal answer's first state is full: the state before the range, or else the range's first row.
      const first = initial ?? (minimal && rows ? this.#q.changes(ref, start, end, { changesOnly: changes, form: "full", limit: 1 }) : undefined);
      const entity: EntityStates = {
        entityJson: jsonBytes(entityId),
        attributes: query.no_attributes === true && !needsAttributes ? noAttributes : attributes,
        first,
        firstAt: initial ? start : undefined,
        rows,
        minimal,
        skipFirst: initial === undefined,
      };
      if (out.entity(entity, written > 0)) written++;
      if (out.records > MAX_HISTORY_STATES) {
        throw new HubError("payload_too_large", `more than ${MAX_HISTORY_STATES} states in this range: ask for a shorter one, or for statistics`);
      }
      yield;
    }
    out.byte(0x5d); // ]
    return out.bytes();
  }

  #time(text: string, message: string): number {
    // A "+01:00" offset in an unencoded query string arrives as " 01:00".
    const parsed = parseIsoDateTime(text.replace(/ (\d{2}:?\d{2})$/, "+$1"), this.#timeZone());
    if (!parsed) throw new HubError("invalid_input", message);
    return parsed.epochMs;
  }
}
