import { asc, eq } from "drizzle-orm";
import type { HubDatabase } from "../open-database";
import { scenes } from "../schema";

export type SceneRow = typeof scenes.$inferSelect;
export type SceneOrigin = "created" | "saved";

/** Hub scenes (db/schema/scenes.ts): what scene.create stores, kept across restarts. */
export class SceneQueries {
  readonly #db: HubDatabase;

  constructor(db: HubDatabase) {
    this.#db = db;
  }

  list(): SceneRow[] {
    return this.#db.select().from(scenes).orderBy(asc(scenes.id)).all();
  }

  get(id: string): SceneRow | undefined {
    return this.#db.select().from(scenes).where(eq(scenes.id, id)).get();
  }

  /** Creates or replaces the scene; a replaced one keeps its creation time. */
  save(input: { id: string; name: string; entities: string; origin: SceneOrigin; at: number }): SceneRow {
    const row: SceneRow = { id: input.id, name: input.name, entities: input.entities, origin: input.origin, createdAt: input.at, updatedAt: input.at };
    return this.#db
      .insert(scenes)
      .values(row)
      .onConflictDoUpdate({ target: scenes.id, set: { name: row.name, entities: row.entities, origin: row.origin, updatedAt: row.updatedAt } })
      .returning()
      .get();
  }

  remove(id: string): boolean {
    return this.#db.delete(scenes).where(eq(scenes.id, id)).run().changes > 0;
  }
}
