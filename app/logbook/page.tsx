import type { Metadata } from "next";
import { dayBounds, dayKey } from "@/devices/history/logbook-days";
import type { LogbookPage as Page } from "@/server/history/logbook";
import { isHubError } from "@/server/errors";
import { requireUser } from "../_lib/current-user";
import { readHome } from "../_lib/home-snapshot";
import { LiveStatesProvider } from "../_lib/use-live-states";
import { AppShell } from "../_components/app-shell";
import { LinkIndicator } from "../_components/home/summary-line";
import { LogbookFilters } from "../_components/logbook/logbook-filters";
import { logbookHref, type LogbookFilterValues } from "../_components/logbook/logbook-href";
import { LogbookView } from "../_components/logbook/logbook-view";
import "../logbook.css";

export const metadata: Metadata = { title: "Logbook" };

type SearchParams = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string | null => (typeof v === "string" && v !== "" ? v : null);

export default async function LogbookPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const filters: LogbookFilterValues = { room: one(sp.room), device: one(sp.device), day: one(sp.day) };
  const { api } = await requireUser(logbookHref(filters));
  const snapshot = readHome(api);
  const { timeZone, renderedAt } = snapshot;
  const range = filters.day ? dayBounds(filters.day, timeZone) : undefined;
  let problem = filters.day && !range ? `“${filters.day}” is not a day. Showing the latest entries.` : null;

  // A device is the narrower choice; the room then only narrows the device list.
  const query: Record<string, string> = { start_time: String(range?.start ?? 0) };
  if (range) query.end_time = String(range.end);
  if (filters.device) query.device_id = filters.device;
  else if (filters.room) query.room_id = filters.room;
  let initial: Page = { entries: [], start: range?.start ?? 0, end: range?.end ?? renderedAt, next: null };
  try {
    initial = await api.logbook.entries({ ...query, limit: "50" });
  } catch (err) {
    if (!isHubError(err) || err.code !== "not_found") throw err;
    problem = filters.device ? "That device is not in this home any more." : "That room is not in this home any more.";
  }

  const device = filters.device ? snapshot.devices.find((d) => d.id === filters.device) : undefined;
  const room = filters.room ? snapshot.rooms.find((r) => r.room_id === filters.room) : undefined;
  const scope = device?.name ?? room?.name ?? `Everything in ${snapshot.homeName}`;
  const watch = device ? device.entity_ids : room ? snapshot.entities.filter((e) => e.room_id === room.room_id).map((e) => e.entity_id) : null;
  const live = range === undefined;

  return (
    <AppShell homeName={snapshot.homeName}>
      <LiveStatesProvider initial={[]} renderedAt={renderedAt}>
        <div className="logbook">
          <div className="page-head">
            <div>
              <h1 className="page-title">Logbook</h1>
              <p className="muted">{scope}</p>
            </div>
            {live && <LinkIndicator />}
          </div>
          <LogbookFilters
            rooms={snapshot.rooms.map((r) => ({ room_id: r.room_id, name: r.name }))}
            devices={snapshot.devices.map((d) => ({ id: d.id, name: d.name, room_id: d.room_id }))}
            value={filters}
            today={dayKey(renderedAt, timeZone)}
          />
          {problem && (
            <p className="alert alert-error" role="alert">
              {problem}
            </p>
          )}
          <LogbookView key={JSON.stringify(query)} initial={initial} query={query} live={live} watch={watch} timeZone={timeZone} />
        </div>
      </LiveStatesProvider>
    </AppShell>
  );
}
