import type { ContextRow, LogbookQueries } from "@/db/queries/logbook";
import type { LogbookCause } from "@/devices/history/logbook-wording";
import type { LogbookDirectory } from "./logbook-directory";

/** HA's logbook context fields (logbook/const.py CONTEXT_*): what started the chain that led to an entry. */
export interface HaContextFields {
  context_user_id?: string;
  context_event_type?: string;
  context_domain?: string;
  context_service?: string;
  context_entity_id?: string;
  context_entity_id_name?: string;
  context_name?: string;
  context_source?: string;
}

export interface EntryContext {
  contextId: string | null;
  userId: string | null;
  cause: LogbookCause;
  ha: HaContextFields;
}

interface ContextEvent {
  id: number;
  eventType: string;
  data: Record<string, unknown>;
}

/** A stored context with the events recorded in it (oldest first): its origin is the first. */
interface ResolvedRow {
  row: ContextRow;
  events: ContextEvent[];
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A context's events happen when it is made (a service call, an automation run starting): look this far after. */
const ORIGIN_WINDOW_MS = 60_000;
/** Contexts whose id carries no time: look this far before the entry. */
const FALLBACK_LOOKBACK_MS = 3_600_000;
const CACHE_MAX = 5_000;

/** The creation time a ULID context id carries in its first 10 characters (48-bit ms, Crockford base32). */
export function ulidTime(id: string): number | undefined {
  if (id.length !== 26) return undefined;
  let ms = 0;
  for (let i = 0; i < 10; i++) {
    const v = CROCKFORD.indexOf(id.charAt(i).toUpperCase());
    if (v < 0) return undefined;
    ms = ms * 32 + v;
  }
  return ms <= 281_474_976_710_655 ? ms : undefined;
}

function parseData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Who or what caused a logbook entry, from the context the recorder stored with it (HA's ContextAugmenter):
 * a context's origin is the first event recorded in it — the service call a person made, or the
 * automation_triggered event an automation run starts with — else its parent's origin. Events are found by a
 * bounded scan of the events' time index, starting at the time the context id itself carries.
 */
export class LogbookCauses {
  readonly #q: LogbookQueries;
  readonly #directory: LogbookDirectory;
  readonly #byRef = new Map<number, ResolvedRow | null>();
  readonly #byContextId = new Map<string, ResolvedRow | null>();

  constructor(q: LogbookQueries, directory: LogbookDirectory) {
    this.#q = q;
    this.#directory = directory;
  }

  /** The cause of an entry made at `at`; `selfEventId` is the entry's own event (it is not its own cause). */
  resolve(contextRef: number | null, at: number, selfEventId?: number): EntryContext {
    const none: EntryContext = { contextId: null, userId: null, cause: { kind: "device", name: null }, ha: {} };
    if (contextRef === null) return none;
    const own = this.#resolveRef(contextRef, at);
    if (!own) return none;
    const ownEvents = own.events.filter((e) => e.id !== selfEventId);
    const parent = own.row.parentId ? this.#resolveContextId(own.row.parentId, at) : null;
    const parentEvents = parent?.events ?? [];
    const ha: HaContextFields = {};
    const userId = own.row.userId ?? parent?.row.userId ?? null;
    if (own.row.userId) ha.context_user_id = own.row.userId;
    // HA: the entry's own context's origin, or (when the entry is that origin) its parent's.
    const first = own.events[0];
    const origin = first && first.id !== selfEventId ? first : parentEvents[0];
    if (origin) this.#describeOrigin(origin, ha);
    const automation = [...ownEvents, ...parentEvents].find((e) => e.eventType === "automation_triggered");
    let cause: LogbookCause;
    if (automation) cause = { kind: "automation", name: str(automation.data.name) ?? null };
    else if (userId) cause = { kind: "user", name: this.#directory.userName(userId) ?? null };
    else cause = { kind: "hub", name: "Hearth" };
    return { contextId: own.row.contextId, userId, cause, ha };
  }

  #describeOrigin(origin: ContextEvent, ha: HaContextFields): void {
    const d = origin.data;
    if (origin.eventType === "call_service") {
      ha.context_event_type = "call_service";
      const domain = str(d.domain);
      const service = str(d.service);
      if (domain) ha.context_domain = domain;
      if (service) ha.context_service = service;
      return;
    }
    if (origin.eventType === "automation_triggered") {
      // automation/logbook.py describes the run: name, source, entity_id.
      ha.context_event_type = "automation_triggered";
      ha.context_domain = "automation";
      const name = str(d.name);
      const source = str(d.source);
      const entityId = str(d.entity_id);
      if (name) ha.context_name = name;
      if (source) ha.context_source = source;
      if (entityId) {
        ha.context_entity_id = entityId;
        ha.context_entity_id_name = this.#directory.entity(entityId)?.name ?? name ?? entityId;
      }
    }
  }

  #resolveRef(ref: number, at: number): ResolvedRow | null {
    const cached = this.#byRef.get(ref);
    if (cached !== undefined) return cached;
    const row = this.#q.context(ref);
    return this.#remember(ref, row ? this.#withEvents(row, at) : null);
  }

  #resolveContextId(contextId: string, at: number): ResolvedRow | null {
    const cached = this.#byContextId.get(contextId);
    if (cached !== undefined) return cached;
    const row = this.#q.contextById(contextId);
    const resolved = row ? this.#withEvents(row, at) : null;
    if (this.#byContextId.size >= CACHE_MAX) this.#byContextId.clear();
    this.#byContextId.set(contextId, resolved);
    if (row) this.#remember(row.id, resolved);
    return resolved;
  }

  #remember(ref: number, resolved: ResolvedRow | null): ResolvedRow | null {
    if (this.#byRef.size >= CACHE_MAX) this.#byRef.clear();
    // A context not found yet may still be written (the recorder commits in batches): do not remember its absence.
    if (resolved) this.#byRef.set(ref, resolved);
    return resolved;
  }

  #withEvents(row: ContextRow, at: number): ResolvedRow {
    const born = ulidTime(row.contextId);
    const [from, to] = born !== undefined && born <= at + ORIGIN_WINDOW_MS ? [born - 1000, born + ORIGIN_WINDOW_MS] : [at - FALLBACK_LOOKBACK_MS, at];
    const events = this.#q.contextEvents(row.id, from, to).map((e) => ({ id: e.id, eventType: e.eventType, data: parseData(e.data) }));
    return { row, events };
  }
}
