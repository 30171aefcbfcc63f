"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { domainOf, isShownByDefault, orderEntities } from "@/devices/presentation/entity-kind";
import type { DeviceItem, EntityItem } from "../../_lib/home-snapshot";
import { callApi } from "../api-client";
import { EntityCard } from "../entity/entity-card";
import { LinkIndicator, SummaryLine } from "../home/summary-line";

interface RoomViewProps {
  room: { room_id: string; name: string };
  entities: EntityItem[];
  devices: DeviceItem[];
  timeZone: string;
  temperatureUnit: string;
  /** Owners and admins: the logbook link, editing the room, device pages. */
  manage?: boolean;
}

const READINGS = new Set(["sensor", "binary_sensor", "event"]);
const isReading = (e: EntityItem) => READINGS.has(domainOf(e.entity_id));

type EntityPatch = { hidden?: boolean; pinned?: boolean; position?: number | null };

function EditBar({ entity, index, count, busy, onMove, onPatch }: { entity: EntityItem; index: number; count: number; busy: boolean; onMove: (delta: -1 | 1) => void; onPatch: (patch: EntityPatch) => void }) {
  const name = entity.name;
  return (
    <div className="edit-bar">
      <button type="button" className="btn btn-secondary btn-small" aria-label={`Move ${name} up`} disabled={busy || index === 0} onClick={() => onMove(-1)}>
        ↑
      </button>
      <button type="button" className="btn btn-secondary btn-small" aria-label={`Move ${name} down`} disabled={busy || index === count - 1} onClick={() => onMove(1)}>
        ↓
      </button>
      <button type="button" className="btn btn-secondary btn-small" aria-pressed={entity.pinned} aria-label={`Pin ${name} to home`} disabled={busy} onClick={() => onPatch({ pinned: !entity.pinned })}>
        {entity.pinned ? "Pinned" : "Pin"}
      </button>
      <button type="button" className="btn btn-secondary btn-small" aria-label={`Hide ${name}`} disabled={busy} onClick={() => onPatch({ hidden: true })}>
        Hide
      </button>
    </div>
  );
}

/** A room: its entities in a sensible order, generated from the registry; Edit hides, reorders and pins. */
export function RoomView({ room, entities, devices, timeZone, temperatureUnit, manage = true }: RoomViewProps) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const main = orderEntities(entities.filter(isShownByDefault));
  const controls = main.filter((e) => !isReading(e));
  const readings = main.filter(isReading);
  const extra = orderEntities(entities.filter((e) => !e.hidden && !isShownByDefault(e)));
  const hidden = orderEntities(entities.filter((e) => e.hidden));

  const patch = async (changes: ReadonlyArray<readonly [string, EntityPatch]>) => {
    setBusy(true);
    setError(undefined);
    const results = await Promise.all(changes.map(([id, body]) => callApi(`/api/entities/${encodeURIComponent(id)}`, { method: "PATCH", body })));
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) setError(failed.error.message);
    setBusy(false);
    router.refresh();
  };

  // Moves within its group (controls or readings); positions are written for the whole room's order.
  const move = (group: EntityItem[], index: number, delta: -1 | 1) => {
    const ids = group.map((e) => e.entity_id);
    const [picked] = ids.splice(index, 1);
    if (picked === undefined) return;
    ids.splice(index + delta, 0, picked);
    const other = (group === controls ? readings : controls).map((e) => e.entity_id);
    const order = group === controls ? [...ids, ...other] : [...other, ...ids];
    void patch(order.map((id, position) => [id, { position }] as const));
  };

  const card = (e: EntityItem, toolbar?: ReactNode) => (
    <EntityCard key={e.entity_id} entityId={e.entity_id} fallbackName={e.name} deviceName={e.device_name} showDevice deviceClass={e.device_class} timeZone={timeZone} temperatureUnit={temperatureUnit} toolbar={toolbar} />
  );

  return (
    <div className="room">
      <div className="page-head">
        <h1 className="page-title">{room.name}</h1>
        {manage && (
          <div className="page-head-actions">
            <Link className="btn btn-ghost" href={`/logbook?room=${encodeURIComponent(room.room_id)}`}>
              Logbook
            </Link>
            <button type="button" className="btn btn-secondary" aria-pressed={editing} onClick={() => setEditing(!editing)}>
              {editing ? "Done" : "Edit"}
            </button>
          </div>
        )}
      </div>
      <div className="head-meta">
        <SummaryLine entityIds={entities.map((e) => e.entity_id)} devices={devices} label={`${room.name} summary`} />
        <LinkIndicator />
      </div>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {main.length === 0 && <p className="empty">Nothing in this room yet. Place a device here from its page.</p>}
      {controls.length > 0 && (
        <div className="cards">
          {controls.map((e, i) => card(e, editing ? <EditBar entity={e} index={i} count={controls.length} busy={busy} onMove={(d) => move(controls, i, d)} onPatch={(p) => void patch([[e.entity_id, p]])} /> : undefined))}
        </div>
      )}
      {readings.length > 0 && (
        <section aria-labelledby="readings-title">
          <h2 id="readings-title" className="section-title">
            Sensors
          </h2>
          <div className={editing ? "cards" : "tiles readings"}>
            {readings.map((e, i) => card(e, editing ? <EditBar entity={e} index={i} count={readings.length} busy={busy} onMove={(d) => move(readings, i, d)} onPatch={(p) => void patch([[e.entity_id, p]])} /> : undefined))}
          </div>
        </section>
      )}
      {extra.length > 0 && (
        <details className="more-section">
          <summary>Settings and diagnostics ({extra.length})</summary>
          <div className="cards">{extra.map((e) => card(e))}</div>
        </details>
      )}
      {editing && hidden.length > 0 && (
        <section className="hidden-section" aria-labelledby="hidden-title">
          <h2 id="hidden-title" className="section-title">
            Hidden
          </h2>
          <ul className="items">
            {hidden.map((e) => (
              <li key={e.entity_id} className="item">
                <span className="item-title">{e.name}</span>
                <button type="button" className="btn btn-secondary btn-small" aria-label={`Show ${e.name}`} disabled={busy} onClick={() => void patch([[e.entity_id, { hidden: false }]])}>
                  Show
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {devices.length > 0 && (
        <section className="room-devices" aria-labelledby="room-devices-title">
          <h2 id="room-devices-title" className="section-title">
            Devices
          </h2>
          <ul className="device-links">
            {devices.map((d) => (
              <li key={d.id}>
                {manage ? <Link href={`/devices/${encodeURIComponent(d.id)}`}>{d.name}</Link> : d.name}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
