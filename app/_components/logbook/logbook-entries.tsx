import { clockTime, dayHeading, dayKey } from "@/devices/history/logbook-days";
import type { LogbookEntryView } from "@/server/history/logbook";
import { EntityIcon } from "../entity/entity-icon";

/** A stable key for an entry: its time, what it is about and what it says. */
export function entryKey(e: LogbookEntryView): string {
  return `${e.when}|${e.entity_id ?? e.device_id ?? ""}|${e.sentence}`;
}

function groupByDay(entries: readonly LogbookEntryView[], timeZone: string): Array<{ day: string; entries: LogbookEntryView[] }> {
  const groups: Array<{ day: string; entries: LogbookEntryView[] }> = [];
  for (const e of entries) {
    const day = dayKey(e.when, timeZone);
    const last = groups.at(-1);
    if (last?.day === day) last.entries.push(e);
    else groups.push({ day, entries: [e] });
  }
  return groups;
}

function LogbookLine({ entry, timeZone }: { entry: LogbookEntryView; timeZone: string }) {
  const by = entry.by;
  return (
    <li className={`logbook-entry logbook-by-${entry.cause.kind}`}>
      <span className="logbook-icon">
        <EntityIcon name={entry.icon} size={20} />
      </span>
      <p className="logbook-text">
        <span className="logbook-name">{entry.name}</span>
        {entry.style === "label" ? ": " : " "}
        {entry.message}
        {by && <span className="logbook-cause"> {by}</span>}
        <span className="logbook-time">
          {" · "}
          <time dateTime={new Date(entry.when).toISOString()}>{clockTime(entry.when, timeZone)}</time>
        </span>
      </p>
    </li>
  );
}

/** Entries under one heading per day ("Today", "Yesterday", "Tuesday 17 November"), in the order given. */
export function LogbookEntries({ entries, timeZone, now }: { entries: readonly LogbookEntryView[]; timeZone: string; now: number }) {
  return (
    <div className="logbook-days">
      {groupByDay(entries, timeZone).map((group) => (
        <section key={group.day} className="logbook-day" aria-labelledby={`logbook-day-${group.day}`}>
          <h2 id={`logbook-day-${group.day}`} className="logbook-day-title">
            {dayHeading(group.day, now, timeZone)}
          </h2>
          <ol className="logbook-list">
            {group.entries.map((e) => (
              <LogbookLine key={entryKey(e)} entry={e} timeZone={timeZone} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
