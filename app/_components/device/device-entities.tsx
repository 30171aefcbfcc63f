"use client";
import { isShownByDefault, orderEntities } from "@/devices/presentation/entity-kind";
import { offlineSince } from "@/devices/presentation/value-format";
import type { EntityItem } from "../../_lib/home-snapshot";
import { useAllStates, useNowTick } from "../../_lib/use-live-states";
import { EntityCard } from "../entity/entity-card";

/** "Online" or "Offline since 14:02", live from the device's entities (the LWT marks them unavailable). */
export function DeviceAvailability({ entityIds, timeZone }: { entityIds: readonly string[]; timeZone: string }) {
  const all = useAllStates();
  const now = useNowTick();
  const mine = all.filter((s) => entityIds.includes(s.entity_id));
  const offline = mine.filter((s) => s.state === "unavailable");
  if (mine.length > 0 && offline.length === mine.length) {
    const since = Math.min(...offline.map((s) => Date.parse(s.last_changed)));
    return <span className="pill pill-offline">{offlineSince(since, now, timeZone)}</span>;
  }
  if (offline.length > 0) return <span className="pill pill-warn">Partly offline</span>;
  return <span className="pill pill-ok">Online</span>;
}

/** A device's entities with their controls; config and diagnostic ones under a disclosure. */
export function DeviceEntities({ entities, deviceName, timeZone, temperatureUnit }: { entities: EntityItem[]; deviceName: string; timeZone: string; temperatureUnit: string }) {
  const main = orderEntities(entities.filter((e) => e.entity_category === null));
  const extra = orderEntities(entities.filter((e) => e.entity_category !== null));
  const card = (e: EntityItem) => (
    <EntityCard key={e.entity_id} entityId={e.entity_id} fallbackName={e.name} deviceName={deviceName} deviceClass={e.device_class} timeZone={timeZone} temperatureUnit={temperatureUnit} />
  );
  return (
    <>
      {main.length > 0 && <div className="cards">{main.map(card)}</div>}
      {extra.length > 0 && (
        <details className="more-section" open={main.length === 0}>
          <summary>Settings and diagnostics ({extra.length})</summary>
          <div className="cards">{extra.map(card)}</div>
        </details>
      )}
      {entities.length > 0 && entities.every((e) => !isShownByDefault(e)) && main.length > 0 && <p className="muted small">Every entity is hidden on room pages.</p>}
    </>
  );
}
