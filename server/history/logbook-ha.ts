import { dayBounds, dayKey } from "@/devices/history/logbook-days";
import { HubError } from "../errors";
import { haTimestamp } from "../state/context";
import type { HaContextFields } from "./logbook-causes";
import type { BuiltEntry, Logbook } from "./logbook";
import { MAX_PAGE, parseEntityIds, parseTime, type LogbookQuery } from "./logbook-request";

/** GET /api/logbook/<datetime>: the query as Home Assistant reads it (logbook/rest_api.py). */
export interface HaLogbookRequest {
  /** The path's ISO time; undefined means the start of today in the home's zone. */
  datetime?: string | undefined;
  /** Days from the start, default 1 (ignored when end_time is given). */
  period?: string | undefined;
  end_time?: string | undefined;
  /** Comma-separated entity ids. */
  entity?: string | undefined;
  context_id?: string | undefined;
}

/** One entry as Home Assistant's logbook REST API answers it; context fields only when known, as in HA. */
export interface HaLogbookEntry extends HaContextFields {
  when: string;
  name: string;
  message: string;
  entity_id: string | null;
  state?: string;
  domain: string | null;
  icon?: string;
  source?: string;
  context_id?: string;
}

const DAY_MS = 86_400_000;
/** HA answers a whole range in one array; this many entries is more than a person reads (ask for a shorter range). */
export const MAX_HA_ENTRIES = 50_000;

const EVENT_DOMAINS: Readonly<Record<string, string>> = { automation_triggered: "automation", tag_scanned: "tag", device_trigger: "mqtt", device_added: "mqtt", device_removed: "mqtt" };

function toHa(b: BuiltEntry): HaLogbookEntry {
  const v = b.view;
  const out: HaLogbookEntry = { when: haTimestamp(v.when), name: v.name, message: v.message, entity_id: v.entity_id, domain: v.domain ?? (b.eventType ? (EVENT_DOMAINS[b.eventType] ?? null) : null) };
  if (v.state !== null) out.state = v.state;
  if (b.haIcon) out.icon = b.haIcon;
  if (b.source) out.source = b.source;
  if (v.context_id) out.context_id = v.context_id;
  return { ...out, ...b.ha };
}

/** HA's `logbook/get_events` WebSocket command (logbook/websocket_api.py ws_get_events). */
export interface HaLogbookEventsRequest {
  start_time: string;
  end_time?: string | undefined;
  entity_ids?: string[] | undefined;
  device_ids?: string[] | undefined;
}

/** An entry as the WebSocket API sends it: `when` in epoch seconds, no name (HA: include_entity_name=False). */
export type HaLogbookWsEntry = Omit<HaLogbookEntry, "when" | "name"> & { when: number };

/** HA's GET /api/logbook[/<datetime>]: every entry of the range, oldest first. */
export async function haLogbook(logbook: Logbook, r: HaLogbookRequest, now: number, timeZone: string | undefined): Promise<HaLogbookEntry[]> {
  const zone = timeZone ?? "UTC";
  let start: number;
  if (r.datetime) start = parseHaTime(r.datetime, timeZone, "Invalid datetime");
  else start = dayBounds(dayKey(now, zone), zone)?.start ?? now - (now % DAY_MS);
  let end: number;
  if (r.end_time === undefined) {
    const period = r.period === undefined ? 1 : Number(r.period);
    if (!Number.isInteger(period) || period < 1 || period > 3650) throw new HubError("invalid_input", "Invalid period");
    start -= (period - 1) * DAY_MS;
    end = start + period * DAY_MS;
  } else {
    end = parseHaTime(r.end_time, timeZone, "Invalid end_time");
  }
  if (r.entity && r.context_id) throw new HubError("invalid_input", "Can't combine entity with context_id");
  if (r.context_id) throw new HubError("invalid_input", "context_id is not supported by this hub; filter by entity and time");
  if (end <= start) return [];
  const filter: LogbookQuery["filter"] = r.entity ? { kind: "entities", entityIds: parseEntityIds(r.entity) } : { kind: "home" };
  return (await readAll(logbook, start, end, filter)).map(toHa);
}

/** HA's `logbook/get_events`: every entry of the range, oldest first; a start in the future answers nothing. */
export async function haLogbookEvents(logbook: Logbook, r: HaLogbookEventsRequest, now: number, timeZone: string | undefined): Promise<HaLogbookWsEntry[]> {
  const start = parseHaTime(r.start_time, timeZone, "Invalid start_time");
  const end = r.end_time ? parseHaTime(r.end_time, timeZone, "Invalid end_time") : now;
  if (start > now || end <= start) return [];
  const entityIds = r.entity_ids && r.entity_ids.length > 0 ? parseEntityIds(r.entity_ids.join(",")) : [];
  const deviceIds = r.device_ids ?? [];
  const filter: LogbookQuery["filter"] = entityIds.length > 0 || deviceIds.length > 0 ? { kind: "targets", entityIds, deviceIds } : { kind: "home" };
  return (await readAll(logbook, start, end, filter)).map((b) => {
    const { when: _when, name: _name, ...rest } = toHa(b);
    return { ...rest, when: b.view.when / 1000 };
  });
}

async function readAll(logbook: Logbook, start: number, end: number, filter: LogbookQuery["filter"]): Promise<BuiltEntry[]> {
  const out: BuiltEntry[] = [];
  let from = start;
  for (;;) {
    const { built, next } = await logbook.read({ from, to: end, desc: false, limit: MAX_PAGE, filter });
    out.push(...built);
    if (out.length > MAX_HA_ENTRIES) throw new HubError("payload_too_large", `more than ${MAX_HA_ENTRIES} logbook entries in this range: ask for a shorter one`);
    if (next === null) return out;
    from = next + 1;
    // A busy day is tens of thousands of entries: let MQTT and HTTP through between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function parseHaTime(text: string, timeZone: string | undefined, message: string): number {
  try {
    return parseTime(text, timeZone, "datetime");
  } catch {
    throw new HubError("invalid_input", message);
  }
}
