"use client";
import { useEffect, useId, useState, type ReactNode, type Ref } from "react";
import type { MqttTopicMessageView, MqttTopicNodeView } from "@/server/hub-api";
import type { ApiError } from "../api-client";
import { sentence } from "../form-errors";
import { formatBytes, formatCount, formatDateTime, formatRelative } from "../format";
import { fetchMessage } from "./explorer-api";
import { PayloadView } from "./payload-view";
import { publisherLabel } from "./publisher";

/** What a clear asks the hub to forget: one topic's retained message, or every one in a branch. */
export type ClearTarget = { kind: "topic"; topic: string } | { kind: "branch"; topic: string; count: number };

interface TopicDetailProps {
  topic: string | undefined;
  /** The topic's tree node when its level is loaded (branch counts; a new stamp refetches the message). */
  node: MqttTopicNodeView | undefined;
  reloadKey: number;
  now: number;
  timeZone: string;
  notice: string | undefined;
  onClear: (target: ClearTarget) => void;
  onPublishHere: (topic: string, payload: string) => void;
  onApiError: (error: ApiError) => void;
  ref?: Ref<HTMLElement>;
}

type Loaded = { topic: string; message: MqttTopicMessageView | undefined; error: string | undefined };

/** The selected topic: its last message (payload, retained flag, QoS, time, publisher) and what can be cleared. */
export function TopicDetail({ topic, node, reloadKey, now, timeZone, notice, onClear, onPublishHere, onApiError, ref }: TopicDetailProps) {
  const id = useId();
  const [loaded, setLoaded] = useState<Loaded>();
  const hasMessage = node?.has_message ?? true;
  const stamp = node ? `${node.messages}:${node.last_at ?? ""}` : "";

  useEffect(() => {
    if (topic === undefined || !hasMessage) return;
    const controller = new AbortController();
    void fetchMessage(topic, controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      if (result.ok) setLoaded({ topic, message: result.data, error: undefined });
      else if (result.error.status === 404) setLoaded({ topic, message: undefined, error: undefined });
      else {
        onApiError(result.error);
        setLoaded({ topic, message: undefined, error: sentence(result.error.message) });
      }
    });
    return () => controller.abort();
  }, [topic, hasMessage, stamp, reloadKey, onApiError]);

  const current = loaded?.topic === topic && hasMessage ? loaded : undefined;
  const message = current?.message;

  return (
    <section ref={ref} className="card explorer-detail" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Selected topic
      </h2>
      {notice && (
        <p role="status" className="note note-ok">
          {notice}
        </p>
      )}
      {topic === undefined ? (
        <p className="empty-inline">Choose a topic in the tree, or a message in the live log, to see its last message.</p>
      ) : (
        <>
          <p className="detail-topic mono">{topic}</p>
          {!hasMessage ? (
            <p className="muted">No message was published to exactly this topic; it only groups the topics below.</p>
          ) : current === undefined ? (
            <p className="muted" aria-live="polite">
              Loading the last message…
            </p>
          ) : current.error ? (
            <p role="alert" className="alert alert-error">
              {current.error}
            </p>
          ) : !message ? (
            <p className="muted">The hub has no message for this topic any more.</p>
          ) : (
            <>
              <dl className="facts">
                <Fact label="Retained">{message.retained_stored ? "Yes" : "No"}</Fact>
                <Fact label="QoS">{message.qos}</Fact>
                <Fact label="Received">
                  {message.at === null ? "Before the hub started" : <time dateTime={new Date(message.at).toISOString()} title={formatDateTime(message.at, timeZone)}>{formatRelative(message.at, now, timeZone)}</time>}
                </Fact>
                <Fact label="Published by">
                  <span className="mono">{publisherLabel(message.client_id)}</span>
                  {message.username && message.username !== message.client_id && <span className="muted"> (user {message.username})</span>}
                </Fact>
                <Fact label="Messages">{formatCount(message.messages)}</Fact>
                <Fact label="Size">{formatBytes(message.size)}</Fact>
              </dl>
              {message.retained && message.size === 0 && (
                <p className="note">The last message was an empty retained message: it deleted the topic’s retained message.</p>
              )}
              <PayloadView message={message} />
              <div className="actions">
                {message.retained_stored && (
                  <button type="button" className="btn btn-danger-ghost" onClick={() => onClear({ kind: "topic", topic })}>
                    Clear retained message
                  </button>
                )}
                <button type="button" className="btn btn-secondary" onClick={() => onPublishHere(topic, message.payload ?? "")}>
                  Publish to this topic
                </button>
              </div>
            </>
          )}
          {node && node.children > 0 && (
            <div className="detail-branch">
              <h3 className="subhead">Branch</h3>
              <p className="muted">
                {formatCount(node.children)} {node.children === 1 ? "topic" : "topics"} below, {formatCount(node.retained_below)} with a retained message
                {node.retained ? " (counting this one)" : ""}.
              </p>
              {node.retained_below > 0 && (
                <button type="button" className="btn btn-danger-ghost" onClick={() => onClear({ kind: "branch", topic, count: node.retained_below })}>
                  Clear retained messages in this branch
                </button>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
