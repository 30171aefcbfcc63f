"use client";
import { useCallback, useId, useMemo, useState, type FormEvent } from "react";
import type { ApiError } from "../api-client";
import { parseApiErrors, sentence } from "../form-errors";
import { formatCount } from "../format";
import { TextField } from "../text-field";
import { payloadPreview } from "./payload-format";
import { publisherLabel } from "./publisher";
import { useLiveLog, type LiveStatus } from "./use-live-log";

/** The phone keeps this many messages; older ones fall off the end. */
export const LIVE_LOG_MAX = 200;

const STATUS_TEXT: Record<LiveStatus, string> = { connecting: "Connecting…", live: "Live", retrying: "Reconnecting…", stopped: "Stopped" };

interface LiveLogProps {
  timeZone: string;
  onSelect: (topic: string) => void;
  onApiError: (error: ApiError) => void;
}

/** Messages as the broker routes them, filtered by an MQTT topic filter; pause to read, resume to catch up. */
export function LiveLog({ timeZone, onSelect, onApiError }: LiveLogProps) {
  const id = useId();
  const [filter, setFilter] = useState("#");
  const [draft, setDraft] = useState("#");
  const [filterError, setFilterError] = useState<string>();
  const [streamError, setStreamError] = useState<string>();

  const onRefused = useCallback(
    (error: ApiError) => {
      onApiError(error);
      const parsed = parseApiErrors(error.message, { filter: "filter" } as const);
      if (error.status === 422 && parsed.fields.filter) setFilterError(parsed.fields.filter);
      else if (error.status === 422) setFilterError(sentence(error.message));
      else setStreamError(sentence(error.message));
    },
    [onApiError],
  );
  const log = useLiveLog(filter, LIVE_LOG_MAX, onRefused);
  const clock = useMemo(() => new Intl.DateTimeFormat("en", { timeStyle: "medium", hourCycle: "h23", timeZone }), [timeZone]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = draft.trim() || "#";
    setDraft(next);
    setFilterError(undefined);
    setStreamError(undefined);
    setFilter(next);
  }

  const status = log.paused ? "Paused" : STATUS_TEXT[log.status];
  const statusClass = log.paused || log.status !== "live" ? "live live-retrying" : "live live-live";

  return (
    <section className="card explorer-log-card" aria-labelledby={`${id}-title`}>
      <div className="explorer-card-head">
        <h2 id={`${id}-title`} className="card-title">
          Live messages
        </h2>
        <p className={statusClass} role="status">
          <span className="live-dot" aria-hidden="true" />
          {status}
        </p>
      </div>
      <form className="inline-form" onSubmit={apply} noValidate aria-label="Filter the live messages">
        <TextField
          label="Topic filter"
          name="live_filter"
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          error={filterError}
          hint="+ matches one level, # everything below: zigbee2mqtt/+/availability, homeassistant/#."
        />
        <button type="submit" className="btn btn-secondary">
          Apply filter
        </button>
      </form>
      {streamError && (
        <p role="alert" className="alert alert-error">
          {streamError}
        </p>
      )}
      <div className="actions log-actions">
        <button type="button" className="btn btn-secondary" onClick={() => log.setPaused(!log.paused)}>
          {log.paused ? "Resume" : "Pause"}
        </button>
        <button type="button" className="btn btn-ghost" onClick={log.clear} disabled={log.entries.length === 0 && log.waiting === 0}>
          Clear log
        </button>
        <span className="log-counts muted small">
          {log.paused && log.waiting > 0 && `${formatCount(log.waiting)} new while paused. `}
          {log.skipped > 0 && `${formatCount(log.skipped)} skipped by the hub’s rate limit.`}
        </span>
      </div>
      {log.entries.length === 0 ? (
        <p className="empty-inline">
          {filter === "#" ? "Waiting for messages…" : <>Waiting for messages on <code>{filter}</code>…</>}
        </p>
      ) : (
        <ol className="explorer-log" aria-label="Live messages">
          {log.entries.map((m) => (
            <li key={m.id} className="log-entry">
              <button type="button" className="log-topic mono" onClick={() => onSelect(m.topic)}>
                {m.topic}
              </button>
              <span className="log-payload mono">{payloadPreview(m, 300)}</span>
              <span className="log-meta">
                <time dateTime={new Date(m.at).toISOString()}>{clock.format(m.at)}</time> · QoS {m.qos}
                {m.retained && " · retained"} · {publisherLabel(m.client_id)}
              </span>
            </li>
          ))}
        </ol>
      )}
      <p className="field-hint">The last {LIVE_LOG_MAX} messages are kept. Choose a topic to see it in full.</p>
    </section>
  );
}
