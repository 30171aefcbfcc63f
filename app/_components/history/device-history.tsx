"use client";
import { hasHistoryChart } from "@/devices/history/chart-data";
import { orderEntities } from "@/devices/presentation/entity-kind";
import type { EntityItem } from "../../_lib/home-snapshot";
import { HistoryPanel } from "./history-panel";

/** A device's history: its main entities (all of them when it has no main ones), numbers of one unit overlaid. */
export function DeviceHistory({ entities, deviceName, timeZone, temperatureUnit }: { entities: EntityItem[]; deviceName: string; timeZone: string; temperatureUnit: string }) {
  const charted = orderEntities(entities.filter((e) => hasHistoryChart(e.entity_id)));
  const main = charted.filter((e) => e.entity_category === null);
  const shown = main.length > 0 ? main : charted;
  if (shown.length === 0) return <p className="muted">Nothing here keeps a history.</p>;
  return <HistoryPanel entities={shown.map((e) => ({ entityId: e.entity_id, name: e.name }))} deviceName={deviceName} timeZone={timeZone} temperatureUnit={temperatureUnit} />;
}
