/** What the logbook page shows: its URL's query. */
export interface LogbookFilterValues {
  room: string | null;
  device: string | null;
  /** "YYYY-MM-DD" in the home's zone; null for the latest entries. */
  day: string | null;
}

/** The URL of the logbook page showing these filters (used by the server page and the client pickers). */
export function logbookHref(f: LogbookFilterValues): string {
  const params = new URLSearchParams();
  if (f.room) params.set("room", f.room);
  if (f.device) params.set("device", f.device);
  if (f.day) params.set("day", f.day);
  const qs = params.toString();
  return qs ? `/logbook?${qs}` : "/logbook";
}
