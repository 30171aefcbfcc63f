"use client";
import { useId, useMemo, useState } from "react";
import type { DatabaseEntityView, DatabaseStatsView } from "@/server/history/database-stats";
import type { RecorderPolicyView } from "@/server/history/recorder-policies";
import { formatBytes, formatCount } from "../format";
import { PolicyEditor } from "./policy-editor";
import { policySummary } from "./policy-text";

type OnSaved = (entityId: string, policy: RecorderPolicyView | null, message: string) => void;

const PAGE = 20;

/** One entity: what it has recorded, its policy in words, and the policy editor behind a disclosure button. */
function EntityRow({
  entity,
  scale,
  metric,
  defaultKeepDays,
  canManage,
  onSaved,
}: {
  entity: DatabaseEntityView;
  scale: number;
  metric: "bytes" | "rows_24h";
  defaultKeepDays: number;
  canManage: boolean;
  onSaved: OnSaved;
}) {
  const [open, setOpen] = useState(false);
  const editorId = useId();
  const name = entity.name ?? entity.entity_id;
  const summary = policySummary(entity.policy);
  const value = metric === "bytes" ? entity.bytes : entity.rows_24h;
  return (
    <li className="db-entity">
      <div className="db-entity-head">
        <div className="db-entity-main">
          <span className="db-entity-name">{name}</span>
          {entity.name && <span className="mono db-entity-id">{entity.entity_id}</span>}
          <span className="db-entity-meta">
            {formatCount(entity.rows)} rows · {formatBytes(entity.bytes)} · {formatCount(entity.rows_24h)} in 24 h · kept {entity.keep_days} d
          </span>
          {summary.length > 0 && (
            <span className="db-pills">
              {summary.map((s) => (
                <span key={s} className={entity.policy?.exclude ? "pill db-pill-off" : "pill db-pill"}>
                  {s}
                </span>
              ))}
            </span>
          )}
        </div>
        <button
          type="button"
          className="btn btn-secondary db-entity-toggle"
          aria-expanded={open}
          aria-controls={editorId}
          aria-label={`Edit recording policy for ${name}`}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Close" : "Policy"}
        </button>
      </div>
      <div className="db-bar" aria-hidden="true">
        <span style={{ width: `${scale > 0 ? Math.max(0.5, (value / scale) * 100).toFixed(1) : 0}%` }} />
      </div>
      <div id={editorId} hidden={!open}>
        {open && (
          <PolicyEditor
            entity={entity}
            defaultKeepDays={defaultKeepDays}
            canManage={canManage}
            onSaved={(entityId, policy, message) => {
              setOpen(false);
              onSaved(entityId, policy, message);
            }}
          />
        )}
      </div>
    </li>
  );
}

/** The entities writing the most: in the last 24 hours or overall. */
export function TopWriters({ stats, canManage, onSaved }: { stats: DatabaseStatsView; canManage: boolean; onSaved: OnSaved }) {
  const [span, setSpan] = useState<"last_24h" | "overall">("last_24h");
  const byId = useMemo(() => new Map(stats.entities.map((e) => [e.entity_id, e])), [stats.entities]);
  const list = stats.top_writers[span].flatMap((id) => byId.get(id) ?? []);
  const metric = span === "last_24h" ? "rows_24h" : "bytes";
  const scale = Math.max(0, ...list.map((e) => (metric === "bytes" ? e.bytes : e.rows_24h)));
  return (
    <section className="card" aria-labelledby="db-top-title">
      <div className="db-card-head">
        <h2 id="db-top-title" className="card-title">
          Top writers
        </h2>
        <div className="db-segments" role="group" aria-label="Top writers over">
          <button type="button" className="db-segment" aria-pressed={span === "last_24h"} onClick={() => setSpan("last_24h")}>
            Last 24 h
          </button>
          <button type="button" className="db-segment" aria-pressed={span === "overall"} onClick={() => setSpan("overall")}>
            All kept
          </button>
        </div>
      </div>
      {list.length === 0 ? (
        <p className="empty-inline">{span === "last_24h" ? "Nothing recorded in the last 24 hours." : "Nothing recorded yet."}</p>
      ) : (
        <ol className="db-entities" aria-label={span === "last_24h" ? "Top writers in the last 24 hours" : "Top writers overall"}>
          {list.map((e) => (
            <EntityRow key={e.entity_id} entity={e} scale={scale} metric={metric} defaultKeepDays={stats.retention.default_keep_days} canManage={canManage} onSaved={onSaved} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** Every entity with its size and policy, searchable, most bytes first. */
export function EntityPolicies({ stats, canManage, onSaved }: { stats: DatabaseStatsView; canManage: boolean; onSaved: OnSaved }) {
  const [query, setQuery] = useState("");
  const [onlyPolicies, setOnlyPolicies] = useState(false);
  const [shown, setShown] = useState(PAGE);
  const q = query.trim().toLowerCase();
  const matching = stats.entities.filter(
    (e) => (!onlyPolicies || e.policy !== null) && (q === "" || e.entity_id.includes(q) || (e.name ?? "").toLowerCase().includes(q)),
  );
  const scale = Math.max(0, ...stats.entities.map((e) => e.bytes));
  const withPolicy = stats.entities.filter((e) => e.policy !== null).length;
  return (
    <section className="card" aria-labelledby="db-entities-title">
      <h2 id="db-entities-title" className="card-title">
        Entities and their policies <span className="count">{stats.entities.length}</span>
      </h2>
      <div className="db-filter">
        <label className="field db-search">
          <span className="field-label">Find an entity</span>
          <input
            className="input"
            type="search"
            value={query}
            placeholder="Name or entity id"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            onChange={(e) => {
              setQuery(e.target.value);
              setShown(PAGE);
            }}
          />
        </label>
        <button type="button" className="db-segment db-only" aria-pressed={onlyPolicies} onClick={() => setOnlyPolicies((v) => !v)}>
          With a policy ({withPolicy})
        </button>
      </div>
      {matching.length === 0 ? (
        <p className="empty-inline">{q ? `No entity matches “${query.trim()}”.` : "No entity has a policy yet: the defaults apply to all."}</p>
      ) : (
        <ul className="db-entities" aria-label="Entities">
          {matching.slice(0, shown).map((e) => (
            <EntityRow key={e.entity_id} entity={e} scale={scale} metric="bytes" defaultKeepDays={stats.retention.default_keep_days} canManage={canManage} onSaved={onSaved} />
          ))}
        </ul>
      )}
      {matching.length > shown && (
        <button type="button" className="btn btn-secondary" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, matching.length - shown)} more of {formatCount(matching.length - shown)}
        </button>
      )}
    </section>
  );
}
