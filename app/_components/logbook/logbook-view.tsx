"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { noiseReason } from "@/devices/history/logbook-wording";
import type { LogbookEntryView, LogbookPage } from "@/server/history/logbook";
import { useAllStates, useNowTick } from "../../_lib/use-live-states";
import { callApi, goToLogin } from "../api-client";
import { entryKey, LogbookEntries } from "./logbook-entries";

const PAGE = "50";
/** New entries are fetched at most this often while things keep changing. */
const REFRESH_MS = 1000;
/** Pages fetched in one catch-up before giving up on filling the gap (the rest stays reachable by reloading). */
const CATCH_UP_PAGES = 5;

export interface LogbookViewProps {
  initial: LogbookPage;
  /** The page's filter and range as GET /api/logbook parameters. */
  query: Record<string, string>;
  /** Follow the home live (the latest entries are shown, not a past day). */
  live: boolean;
  /** The entity ids the filter covers, for noticing changes; null for the whole home. */
  watch: readonly string[] | null;
  timeZone: string;
}

function apiPath(params: Record<string, string>): string {
  return `/api/logbook?${new URLSearchParams(params).toString()}`;
}

/** The logbook list: "Load earlier" pages back; while live, changes in the home bring new entries to the top. */
export function LogbookView({ initial, query, live, watch, timeZone }: LogbookViewProps) {
  const [entries, setEntries] = useState<LogbookEntryView[]>(initial.entries);
  const [next, setNext] = useState<number | null>(initial.next);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = useNowTick();
  const entriesRef = useRef(entries);
  useEffect(() => {
    entriesRef.current = entries;
  });

  const fail = (status: number, message: string) => {
    if (status === 401) goToLogin();
    else setError(message);
  };

  const loadEarlier = async () => {
    if (next === null) return;
    setLoading(true);
    const res = await callApi<LogbookPage>(apiPath({ ...query, before: String(next), limit: PAGE }));
    setLoading(false);
    if (!res.ok) return fail(res.error.status, res.error.message);
    setError(null);
    const known = new Set(entriesRef.current.map(entryKey));
    setEntries([...entriesRef.current, ...res.data.entries.filter((e) => !known.has(entryKey(e)))]);
    setNext(res.data.next);
  };

  // What happened since the newest entry shown: from its millisecond on (a tie there is filtered out by key).
  const catchUp = useCallback(async () => {
    const top = entriesRef.current[0];
    const fresh: LogbookEntryView[] = [];
    let before: number | null = null;
    for (let page = 0; page < CATCH_UP_PAGES; page++) {
      const params: Record<string, string> = { ...query, start_time: String(top?.when ?? query.start_time ?? 0), limit: PAGE };
      delete params.end_time;
      if (before !== null) params.before = String(before);
      const res = await callApi<LogbookPage>(apiPath(params));
      if (!res.ok) return;
      fresh.push(...res.data.entries);
      before = res.data.next;
      if (before === null) break;
    }
    const known = new Set(entriesRef.current.map(entryKey));
    const added = fresh.filter((e) => !known.has(entryKey(e)));
    if (added.length > 0) setEntries([...added, ...entriesRef.current]);
  }, [query]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const running = useRef(false);
  const pending = useRef(false);
  const schedule = useCallback(() => {
    if (timer.current !== undefined || running.current) {
      pending.current = true;
      return;
    }
    timer.current = setTimeout(() => {
      timer.current = undefined;
      running.current = true;
      pending.current = false;
      void catchUp().finally(() => {
        running.current = false;
        if (pending.current) schedule();
      });
    }, REFRESH_MS);
  }, [catchUp]);
  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <>
      {live && <ChangeWatcher watch={watch} onNews={schedule} />}
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {entries.length === 0 ? (
        <p className="empty">{live ? "Nothing has happened here yet. Changes appear here as they happen." : "Nothing happened here on this day."}</p>
      ) : (
        <LogbookEntries entries={entries} timeZone={timeZone} now={now} />
      )}
      {next !== null && (
        <div className="logbook-more">
          <button type="button" className="btn btn-secondary" onClick={() => void loadEarlier()} disabled={loading} aria-busy={loading}>
            {loading ? "Loading…" : "Load earlier"}
          </button>
        </div>
      )}
    </>
  );
}

/**
 * Calls `onNews` when a watched entity's state changes in a way the logbook shows (not a reading, not an
 * attribute). The live store already follows every entity; this only compares states, once per frame of changes.
 */
function ChangeWatcher({ watch, onNews }: { watch: readonly string[] | null; onNews: () => void }) {
  const states = useAllStates();
  const seen = useRef<Map<string, string> | null>(null);
  const [watched] = useState(() => (watch ? new Set(watch) : null));
  useEffect(() => {
    const before = seen.current;
    const after = new Map<string, string>();
    let news = false;
    for (const s of states) {
      after.set(s.entity_id, s.state);
      if (!before || news || (watched && !watched.has(s.entity_id))) continue;
      const previous = before.get(s.entity_id);
      if (previous !== undefined && previous !== s.state && noiseReason({ entityId: s.entity_id, state: s.state, previous, attributes: s.attributes }) === null) news = true;
    }
    seen.current = after;
    // The first look (or a reconnect's snapshot) may have missed changes: ask once.
    if (news || !before) onNews();
  }, [states, watched, onNews]);
  return null;
}
