/** What the measuring thread reads (server/history/database-stats.ts). */
export interface Measurement {
  entities: Array<{ entityId: string; rows: number; rows24h: number; oldest: number; newest: number; avgStateBytes: number }>;
  tables: Array<{ name: string; rows: number; bytes: number; index_bytes: number }>;
}

/**
 * The measuring thread, as source (CommonJS) so it needs no build step of its own: it opens the database
 * read-only, counts each entity's rows through the clustered key (one range per entity; the first and last
 * row by seek; the average state length from its latest 200 rows), sizes every table and index with dbstat,
 * counts every table's rows, posts the result and exits. workerData: { sqlite (module path), file, since }.
 */
export const MEASURE_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let db;
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  const entities = db.prepare(\`SELECT e.entity_id,
      (SELECT count(*) FROM state_history s WHERE s.entity_ref = e.id),
      (SELECT count(*) FROM state_history s WHERE s.entity_ref = e.id AND s.ts >= ?),
      (SELECT ts FROM state_history s WHERE s.entity_ref = e.id ORDER BY ts, seq LIMIT 1),
      (SELECT ts FROM state_history s WHERE s.entity_ref = e.id ORDER BY ts DESC, seq DESC LIMIT 1),
      (SELECT avg(length(CAST(state AS BLOB))) FROM (SELECT state FROM state_history s WHERE s.entity_ref = e.id ORDER BY ts DESC, seq DESC LIMIT 200))
    FROM recorder_entities e\`).raw().all(workerData.since)
    .filter((r) => r[1] > 0)
    .map((r) => ({ entityId: r[0], rows: r[1], rows24h: r[2], oldest: r[3], newest: r[4], avgStateBytes: r[5] || 0 }));
  const schema = db.prepare("SELECT type, name, tbl_name AS tbl FROM sqlite_schema WHERE type IN ('table', 'index')").all();
  const sizes = new Map(db.prepare("SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE").raw().all());
  const tables = schema.filter((t) => t.type === "table").map((t) => ({
    name: t.name,
    rows: db.prepare('SELECT count(*) FROM "' + t.name.replace(/"/g, '""') + '"').pluck().get(),
    bytes: sizes.get(t.name) || 0,
    index_bytes: schema.filter((i) => i.type === "index" && i.tbl === t.name).reduce((sum, i) => sum + (sizes.get(i.name) || 0), 0),
  }));
  parentPort.postMessage({ entities, tables });
} catch (err) {
  parentPort.postMessage({ error: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
`;
