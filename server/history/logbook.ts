import type { HubDatabase } from "@/db/open-database";
import { LogbookQueries, type EventFilter, type LogbookEventRow, type LogbookStateRow } from "@/db/queries/logbook";
import {
  LOGBOOK_EVENT_TYPES,
  causePhrase,
  eventMessage,
  isContinuous,
  logbookSentence,
  stateMessage,
  type LogbookCauseKind,
  type LogbookMessage,
  type MessageStyle,
} from "@/devices/history/logbook-wording";
import { domainOf } from "@/devices/presentation/entity-kind";
import { iconFor, type IconName } from "@/devices/presentation/entity-icon";
import { HubError } from "../errors";
import { LogbookCauses, type EntryContext, type HaContextFields } from "./logbook-causes";
import type { LogbookDirectory } from "./logbook-directory";
import { parseLogbookRequest, type LogbookQuery, type LogbookRequest } from "./logbook-request";

/** Who or what made it happen, for the UI. */
export interface LogbookCauseView {
  kind: LogbookCauseKind;
  /** The person's or automation's name ("Hearth" for the hub); null for the device or an unknown person. */
  name: string | null;
  /** The person's user id when a person is behind it (directly or through an automation they ran). */
  user_id: string | null;
}

/** One line of the logbook (GET /api/logbook). */
export interface LogbookEntryView {
  /** Epoch ms. */
  when: number;
  entity_id: string | null;
  device_id: string | null;
  name: string;
  /** "turned on", "single press", "was added". */
  message: string;
  /** "verb": `${name} ${message}`; "label": `${name}: ${message}`. */
  style: MessageStyle;
  /** Who did it, in words ("by Ana", "by automation Evening lights", "by the device"); null when it goes without saying. */
  by: string | null;
  /** The line as a person reads it, without the time: "Hall lamp turned on by Ana". */
  sentence: string;
  state: string | null;
  domain: string | null;
  icon: IconName;
  cause: LogbookCauseView;
  context_id: string | null;
}

export interface LogbookPage {
  entries: LogbookEntryView[];
  /** The range read, epoch ms, [start, end). */
  start: number;
  end: number;
  /** More may follow: pass as `before` (newest first) or `after` (oldest first). Null at the end of the range. */
  next: number | null;
}

/** An entry with what only the HA-compatible answer needs. */
export interface BuiltEntry {
  view: LogbookEntryView;
  ha: HaContextFields;
  /** The state's own `icon` attribute (mdi:…), as HA reports it. */
  haIcon: string | null;
  /** The recorded event behind an event entry; null for a state change. */
  eventType: string | null;
  /** An automation run's trigger description (HA's `source`). */
  source: string | null;
}

export interface LogbookDeps {
  db: HubDatabase;
  directory: LogbookDirectory;
  now?: () => number;
  timeZone?: () => string | undefined;
  /** Writes what the recorder still buffers, so a read sees every change made before it. */
  flush?: () => Promise<void>;
}

type Raw = { kind: "state"; ts: number; row: LogbookStateRow } | { kind: "event"; ts: number; row: LogbookEventRow };

interface Selection {
  refs: number[];
  eventTypes: readonly string[];
  events: EventFilter;
}

/** Read from the newest (or oldest) end in windows that grow: a busy hour fills a page without reading the week. */
const FIRST_WINDOW_MS = 3_600_000;
const WINDOW_GROWTH = 8;
/** Changes sharing the last millisecond of a page all go on it (so the next page can start strictly before it). */
const TIE_LIMIT = 10_000;
const CACHE_MAX = 5_000;

/**
 * The logbook: what happened in the home, in words, with the cause. State changes are read per entity from
 * the recorder's clustered state table (one statement over the entities' ranges; SQLite stops each entity's
 * scan once the page is full), events from their time index; readings with a unit are left out unless asked
 * for by entity id, as in Home Assistant.
 */
export class Logbook {
  readonly #q: LogbookQueries;
  readonly #deps: LogbookDeps;
  readonly #causes: LogbookCauses;
  readonly #now: () => number;
  readonly #refs = new Map<string, number>();
  readonly #ids: string[] = [];
  #maxRef = 0;
  readonly #attributes = new Map<number, Record<string, unknown>>();
  /** Continuity of entities the hub no longer has, from their last recorded attributes. */
  readonly #pastContinuity = new Map<number, boolean>();

  constructor(deps: LogbookDeps) {
    this.#deps = deps;
    this.#q = new LogbookQueries(deps.db);
    this.#causes = new LogbookCauses(this.#q, deps.directory);
    this.#now = deps.now ?? Date.now;
  }

  /** GET /api/logbook: one page of entries. */
  async entries(request: LogbookRequest): Promise<LogbookPage> {
    const query = parseLogbookRequest(request, this.#now(), this.#deps.timeZone?.());
    const { built, next } = await this.read(query);
    return { entries: built.map((b) => b.view), start: query.from, end: query.to, next };
  }

  /** One page for a validated query. */
  async read(query: LogbookQuery): Promise<{ built: BuiltEntry[]; next: number | null }> {
    await this.#deps.flush?.();
    const sel = this.#select(query.filter);
    const raws: Raw[] = [];
    let next: number | null = null;
    let width = FIRST_WINDOW_MS;
    let lo = query.from;
    let hi = query.to;
    while (lo < hi) {
      const from = query.desc ? Math.max(lo, hi - width) : lo;
      const to = query.desc ? hi : Math.min(hi, lo + width);
      const got = this.#window(sel, from, to, query.desc, query.limit - raws.length);
      raws.push(...got.items);
      if (got.boundary !== undefined) {
        next = got.boundary;
        break;
      }
      if (query.desc) hi = from;
      else lo = to;
      width *= WINDOW_GROWTH;
    }
    return { built: raws.map((r) => this.#build(r)), next };
  }

  #window(sel: Selection, from: number, to: number, desc: boolean, need: number): { items: Raw[]; boundary?: number } {
    const merged = this.#fetch(sel, from, to, desc, need);
    if (merged.length < need) return { items: merged };
    const boundary = merged[need - 1]!.ts;
    // Everything at the boundary's millisecond, so the next page can start strictly past it.
    const kept = merged.filter((r) => (desc ? r.ts > boundary : r.ts < boundary));
    return { items: [...kept, ...this.#fetch(sel, boundary, boundary + 1, desc, TIE_LIMIT)], boundary };
  }

  #fetch(sel: Selection, from: number, to: number, desc: boolean, limit: number): Raw[] {
    const w = { from, to, desc, limit };
    const out: Raw[] = this.#q.states(sel.refs, w).map((row) => ({ kind: "state", ts: row.ts, row }));
    if (sel.eventTypes.length > 0) for (const row of this.#q.events(sel.eventTypes, sel.events, w)) out.push({ kind: "event", ts: row.ts, row });
    const sign = desc ? -1 : 1;
    return out.sort((a, b) => sign * (a.ts - b.ts || order(a) - order(b) || key(a) - key(b)));
  }

  #select(filter: LogbookQuery["filter"]): Selection {
    this.#refreshRefs();
    switch (filter.kind) {
      case "home":
        return { refs: this.#ids.flatMap((id, ref) => (id && !this.#continuous(id, ref) ? [ref] : [])), eventTypes: LOGBOOK_EVENT_TYPES, events: { deviceIds: null, entityIds: null } };
      case "entities": {
        // Asked for by id: readings are shown too. Automations' runs are events named by their entity id.
        const refs = filter.entityIds.flatMap((id) => this.#refOf(id));
        const automations = filter.entityIds.filter((id) => domainOf(id) === "automation");
        return { refs, eventTypes: automations.length > 0 ? ["automation_triggered"] : [], events: { deviceIds: [], entityIds: automations } };
      }
      case "device": {
        const ids = this.#deps.directory.entitiesOfDevice(filter.deviceId);
        if (!ids) throw new HubError("not_found", `no device ${filter.deviceId}`);
        return { refs: this.#changingRefs(ids), eventTypes: LOGBOOK_EVENT_TYPES, events: { deviceIds: [filter.deviceId], entityIds: [] } };
      }
      case "targets": {
        const { directory } = this.#deps;
        const ids = [...filter.entityIds, ...filter.deviceIds.flatMap((d) => directory.entitiesOfDevice(d) ?? [])];
        const automations = filter.entityIds.filter((id) => domainOf(id) === "automation");
        return { refs: this.#changingRefs([...new Set(ids)]), eventTypes: LOGBOOK_EVENT_TYPES, events: { deviceIds: filter.deviceIds, entityIds: automations } };
      }
      case "room": {
        const room = this.#deps.directory.room(filter.roomId);
        if (!room) throw new HubError("not_found", `no room ${filter.roomId}`);
        return { refs: this.#changingRefs(room.entityIds), eventTypes: LOGBOOK_EVENT_TYPES, events: { deviceIds: room.deviceIds, entityIds: [] } };
      }
    }
  }

  #changingRefs(entityIds: readonly string[]): number[] {
    return entityIds.flatMap((id) => this.#refOf(id).filter((ref) => !this.#continuous(id, ref)));
  }

  #refOf(entityId: string): number[] {
    const ref = this.#refs.get(entityId);
    return ref === undefined ? [] : [ref];
  }

  #refreshRefs(): void {
    for (const { id, entityId } of this.#q.entities(this.#maxRef)) {
      this.#refs.set(entityId, id);
      this.#ids[id] = entityId;
      this.#maxRef = Math.max(this.#maxRef, id);
    }
  }

  #continuous(entityId: string, ref: number): boolean {
    const current = this.#deps.directory.entity(entityId)?.attributes;
    if (current) return isContinuous(entityId, current);
    let past = this.#pastContinuity.get(ref);
    if (past === undefined) {
      past = isContinuous(entityId, parseObject(this.#q.lastAttributes(ref)));
      if (this.#pastContinuity.size >= CACHE_MAX) this.#pastContinuity.clear();
      this.#pastContinuity.set(ref, past);
    }
    return past;
  }

  #attributesOf(ref: number | null): Record<string, unknown> {
    if (ref === null) return {};
    let attributes = this.#attributes.get(ref);
    if (!attributes) {
      attributes = parseObject(this.#q.attributes(ref));
      if (this.#attributes.size >= CACHE_MAX) this.#attributes.clear();
      this.#attributes.set(ref, attributes);
    }
    return attributes;
  }

  #build(raw: Raw): BuiltEntry {
    return raw.kind === "state" ? this.#buildState(raw.row) : this.#buildEvent(raw.row);
  }

  #buildState(row: LogbookStateRow): BuiltEntry {
    const entityId = this.#ids[row.entityRef] ?? `unknown.entity_${row.entityRef}`;
    const attributes = this.#attributesOf(row.attributesRef);
    const current = this.#deps.directory.entity(entityId);
    const name = current?.name ?? (typeof attributes.friendly_name === "string" ? attributes.friendly_name : objectName(entityId));
    const deviceClass = typeof attributes.device_class === "string" ? attributes.device_class : null;
    const ctx = this.#causes.resolve(row.contextRef, row.ts);
    const haIcon = typeof attributes.icon === "string" ? attributes.icon : null;
    return this.#entry(row.ts, { entityId, deviceId: current?.deviceId ?? null, name, state: row.state }, stateMessage(entityId, row.state, attributes, row.cameBack ? "unavailable" : null), iconFor(entityId, deviceClass, row.state), ctx, { haIcon, eventType: null, source: null });
  }

  #buildEvent(row: LogbookEventRow): BuiltEntry {
    const data = parseObject(row.data);
    const text = (k: string) => (typeof data[k] === "string" && data[k] !== "" ? data[k] : null);
    const message = eventMessage(row.eventType, data) ?? { message: row.eventType, style: "label" as const };
    const deviceId = text("device_id");
    const ctx = this.#causes.resolve(row.contextRef, row.ts, row.id);
    if (row.eventType === "automation_triggered") {
      const entityId = text("entity_id");
      return this.#entry(row.ts, { entityId, deviceId: null, name: text("name") ?? "An automation", state: null }, message, "scene", ctx, { haIcon: null, eventType: row.eventType, source: text("source") });
    }
    const name = (deviceId ? this.#deps.directory.deviceName(deviceId) : undefined) ?? text("name") ?? "A device";
    const icon: IconName = row.eventType === "device_trigger" ? "button" : "event";
    return this.#entry(row.ts, { entityId: null, deviceId, name, state: null }, message, icon, ctx, { haIcon: null, eventType: row.eventType, source: null });
  }

  #entry(
    when: number,
    who: { entityId: string | null; deviceId: string | null; name: string; state: string | null },
    message: LogbookMessage,
    icon: IconName,
    ctx: EntryContext,
    extra: Pick<BuiltEntry, "haIcon" | "eventType" | "source">,
  ): BuiltEntry {
    return {
      view: {
        when,
        entity_id: who.entityId,
        device_id: who.deviceId,
        name: who.name,
        message: message.message,
        style: message.style,
        by: causePhrase(ctx.cause, who.entityId, message),
        sentence: logbookSentence(who.name, message, ctx.cause, who.entityId),
        state: who.state,
        domain: who.entityId ? domainOf(who.entityId) : null,
        icon,
        cause: { kind: ctx.cause.kind, name: ctx.cause.name, user_id: ctx.userId },
        context_id: ctx.contextId,
      },
      ha: ctx.ha,
      ...extra,
    };
  }
}

const order = (r: Raw) => (r.kind === "event" ? 0 : 1);
const key = (r: Raw) => (r.kind === "event" ? r.row.id : r.row.entityRef * 65_536 + r.row.seq);

function parseObject(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** HA's fallback name: the object id with spaces ("hall_lamp" → "hall lamp"). */
function objectName(entityId: string): string {
  return entityId.slice(entityId.indexOf(".") + 1).replace(/_/g, " ");
}
