import type { HubDatabase } from "@/db/open-database";
import { deleteEntitySettings, loadEntitySettings, upsertEntitySettings } from "@/db/queries/rooms";

/** What a person set on one entity. `roomId` overrides the device's room; null follows the device. */
export interface EntitySettingsValue {
  roomId: string | null;
  hidden: boolean;
  pinned: boolean;
  /** Place on the dashboard; null leaves the order automatic. */
  position: number | null;
}

export type EntitySettingsPatch = Partial<EntitySettingsValue>;

export const DEFAULT_ENTITY_SETTINGS: Readonly<EntitySettingsValue> = Object.freeze({ roomId: null, hidden: false, pinned: false, position: null });

export interface EntitySettingsDeps {
  db: HubDatabase;
  now?: () => number;
}

/**
 * Per-entity settings keyed by entity id, in memory and in SQLite. Written through at once: they change
 * only when a person edits a dashboard, never in discovery bursts.
 */
export class EntitySettings {
  readonly #db: HubDatabase;
  readonly #now: () => number;
  readonly #byEntityId = new Map<string, EntitySettingsValue>();

  constructor(deps: EntitySettingsDeps) {
    this.#db = deps.db;
    this.#now = deps.now ?? Date.now;
  }

  load(): void {
    this.#byEntityId.clear();
    for (const row of loadEntitySettings(this.#db)) {
      this.#byEntityId.set(row.entityId, { roomId: row.roomId, hidden: row.hidden, pinned: row.pinned, position: row.position });
    }
  }

  /** The entity's settings (defaults when it has none). */
  of(entityId: string): EntitySettingsValue {
    return this.#byEntityId.get(entityId) ?? DEFAULT_ENTITY_SETTINGS;
  }

  /** Applies a patch; returns whether anything changed. Settings back at their defaults are deleted. */
  update(entityId: string, patch: EntitySettingsPatch): boolean {
    const before = this.of(entityId);
    const next: EntitySettingsValue = {
      roomId: patch.roomId !== undefined ? patch.roomId : before.roomId,
      hidden: patch.hidden ?? before.hidden,
      pinned: patch.pinned ?? before.pinned,
      position: patch.position !== undefined ? patch.position : before.position,
    };
    if (sameSettings(before, next)) return false;
    if (sameSettings(next, DEFAULT_ENTITY_SETTINGS)) {
      this.#byEntityId.delete(entityId);
      deleteEntitySettings(this.#db, [entityId]);
    } else {
      this.#byEntityId.set(entityId, next);
      upsertEntitySettings(this.#db, { entityId, ...next, updatedAt: this.#now() });
    }
    return true;
  }

  /** The entities whose own room is `roomId`. */
  entitiesInRoom(roomId: string): string[] {
    return [...this.#byEntityId].filter(([, s]) => s.roomId === roomId).map(([id]) => id);
  }

  /** Every entity with a room of its own, and that room. */
  roomOverrides(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, s] of this.#byEntityId) if (s.roomId !== null) out.set(id, s.roomId);
    return out;
  }

  /** Drops the settings of entities whose ids were given up (their device was deleted). */
  forget(entityIds: readonly string[]): void {
    const known = entityIds.filter((id) => this.#byEntityId.delete(id));
    deleteEntitySettings(this.#db, known);
  }
}

function sameSettings(a: EntitySettingsValue, b: EntitySettingsValue): boolean {
  return a.roomId === b.roomId && a.hidden === b.hidden && a.pinned === b.pinned && a.position === b.position;
}
