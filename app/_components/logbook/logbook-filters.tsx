"use client";
import { useRouter } from "next/navigation";
import { useId } from "react";
import { logbookHref, type LogbookFilterValues } from "./logbook-href";

/** Room, device and day pickers; each change loads the logbook for the new choice (the URL says what is shown). */
export function LogbookFilters({
  rooms,
  devices,
  value,
  today,
}: {
  rooms: ReadonlyArray<{ room_id: string; name: string }>;
  devices: ReadonlyArray<{ id: string; name: string; room_id: string | null }>;
  value: LogbookFilterValues;
  today: string;
}) {
  const router = useRouter();
  const id = useId();
  const go = (f: LogbookFilterValues) => router.push(logbookHref(f), { scroll: false });
  const shown = devices.filter((d) => value.room === null || d.room_id === value.room || d.id === value.device).sort((a, b) => a.name.localeCompare(b.name, "en"));
  return (
    <form className="logbook-filters" role="search" aria-label="Logbook filters" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-room`}>
          Room
        </label>
        <select id={`${id}-room`} className="input select" value={value.room ?? ""} onChange={(e) => go({ ...value, room: e.target.value || null, device: null })}>
          <option value="">All rooms</option>
          {rooms.map((r) => (
            <option key={r.room_id} value={r.room_id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-device`}>
          Device
        </label>
        <select id={`${id}-device`} className="input select" value={value.device ?? ""} onChange={(e) => go({ ...value, device: e.target.value || null })}>
          <option value="">{value.room ? "All devices in this room" : "All devices"}</option>
          {shown.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`${id}-day`}>
          Day
        </label>
        <div className="logbook-day-pick">
          <input id={`${id}-day`} className="input" type="date" max={today} value={value.day ?? ""} onChange={(e) => go({ ...value, day: e.target.value || null })} />
          {value.day && (
            <button type="button" className="btn btn-ghost" onClick={() => go({ ...value, day: null })}>
              Latest
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
