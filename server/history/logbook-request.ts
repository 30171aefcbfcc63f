import { parseIsoDateTime } from "@/devices/templates/ha-datetime";
import { HubError } from "../errors";

/** GET /api/logbook: the query string as given (all optional). */
export interface LogbookRequest {
  /** ISO 8601 (or epoch ms); default: 24 hours before `end_time`. */
  start_time?: string | undefined;
  /** ISO 8601 (or epoch ms); default: now. */
  end_time?: string | undefined;
  /** Comma-separated entity ids; readings with a unit are included when asked for by id. */
  entity_id?: string | undefined;
  device_id?: string | undefined;
  room_id?: string | undefined;
  /** "newest" (default) or "oldest" first. */
  order?: string | undefined;
  /** Paging, newest first: entries strictly before this time (the previous page's `next`). */
  before?: string | undefined;
  /** Paging, oldest first: entries strictly after this time. */
  after?: string | undefined;
  /** Entries per page, 1–500 (default 100). */
  limit?: string | undefined;
}

/** A validated request. Times are epoch ms; the range is [from, to). */
export interface LogbookQuery {
  from: number;
  to: number;
  desc: boolean;
  limit: number;
  filter:
    | { kind: "home" }
    | { kind: "entities"; entityIds: string[] }
    | { kind: "device"; deviceId: string }
    | { kind: "room"; roomId: string }
    /** HA's WebSocket targets: these entities (readings left out, as HA does) and these devices' entities and events. */
    | { kind: "targets"; entityIds: string[]; deviceIds: string[] };
}

export const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;
const DAY_MS = 86_400_000;
/** HA's entity id rule (core.valid_entity_id). */
const ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

/** An ISO 8601 time (naive = the home's zone) or epoch milliseconds, as ms. */
export function parseTime(text: string, timeZone: string | undefined, what: string): number {
  const trimmed = text.trim();
  if (/^\d{1,16}$/.test(trimmed)) return Number(trimmed);
  // A "+01:00" offset in an unencoded query string arrives as " 01:00".
  const parsed = parseIsoDateTime(trimmed.replace(/ (\d{2}:?\d{2})$/, "+$1"), timeZone);
  if (!parsed) throw new HubError("invalid_input", `Invalid ${what}: "${text}" is not an ISO 8601 time`);
  return parsed.epochMs;
}

/** Comma-separated entity ids, each checked against HA's rule. */
export function parseEntityIds(text: string): string[] {
  const ids = [
    ...new Set(
      text
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = ids.filter((id) => !ENTITY_ID.test(id));
  if (bad.length > 0 || ids.length === 0) {
    throw new HubError("invalid_input", `Invalid entity id(s) encountered: ${text}. Format should be <domain>.<object_id>`);
  }
  if (ids.length > 1000) throw new HubError("invalid_input", "at most 1000 entity ids");
  return ids;
}

/** Checks GET /api/logbook's parameters; every mistake is an invalid_input with a sentence saying which. */
export function parseLogbookRequest(r: LogbookRequest, now: number, timeZone: string | undefined): LogbookQuery {
  const end = r.end_time ? parseTime(r.end_time, timeZone, "end_time") : now;
  const start = r.start_time ? parseTime(r.start_time, timeZone, "start_time") : end - DAY_MS;
  if (start >= end) throw new HubError("invalid_input", "end_time must be after start_time");
  const order = r.order ?? "newest";
  if (order !== "newest" && order !== "oldest") throw new HubError("invalid_input", `order must be "newest" or "oldest", not "${order}"`);
  const desc = order === "newest";
  if (r.before && r.after) throw new HubError("invalid_input", "give before or after, not both");
  if (r.before && !desc) throw new HubError("invalid_input", "before pages newest-first results; with order=oldest use after");
  if (r.after && desc) throw new HubError("invalid_input", "after pages oldest-first results (order=oldest); newest first uses before");
  let from = start;
  let to = end;
  if (r.before) to = Math.min(to, parseTime(r.before, timeZone, "before"));
  // Times are whole milliseconds: "after T" starts at T + 1.
  if (r.after) from = Math.max(from, parseTime(r.after, timeZone, "after") + 1);
  let limit = DEFAULT_PAGE;
  if (r.limit !== undefined) {
    limit = Number(r.limit);
    if (!/^\d+$/.test(r.limit.trim()) || limit < 1 || limit > MAX_PAGE) throw new HubError("invalid_input", `limit must be a whole number from 1 to ${MAX_PAGE}`);
  }
  const given = [r.entity_id, r.device_id, r.room_id].filter((v) => v !== undefined && v !== "");
  if (given.length > 1) throw new HubError("invalid_input", "filter by one of entity_id, device_id or room_id");
  let filter: LogbookQuery["filter"] = { kind: "home" };
  if (r.entity_id) filter = { kind: "entities", entityIds: parseEntityIds(r.entity_id) };
  else if (r.device_id) filter = { kind: "device", deviceId: r.device_id };
  else if (r.room_id) filter = { kind: "room", roomId: r.room_id };
  return { from, to, desc, limit, filter };
}
