"use client";
import { useCallback, useRef, useState } from "react";
import type { MqttTopicNodeView } from "@/server/hub-api";
import { goToLogin, type ApiError } from "../api-client";
import { ConfirmDialog } from "../confirm-dialog";
import { sentence } from "../form-errors";
import { formatCount } from "../format";
import { useNow } from "../use-now";
import { usePolling } from "../use-polling";
import { childPrefix, clearRetained } from "./explorer-api";
import { LiveLog } from "./live-log";
import { PublishForm } from "./publish-form";
import { TopicDetail, type ClearTarget } from "./topic-detail";
import { TopicTree } from "./topic-tree";
import { useTopicTree } from "./use-topic-tree";

const REFRESH_MS = 10_000;

interface MqttExplorerProps {
  initialTopics: MqttTopicNodeView[];
  renderedAt: number;
  timeZone: string;
}

/** The MQTT explorer: topic tree and selected topic side by side on wide screens, then the live log and publishing. */
export function MqttExplorer({ initialTopics, renderedAt, timeZone }: MqttExplorerProps) {
  const now = useNow(renderedAt);
  const [forbidden, setForbidden] = useState(false);
  const onApiError = useCallback((error: ApiError) => {
    if (error.status === 401) goToLogin();
    if (error.status === 403) setForbidden(true);
  }, []);
  const tree = useTopicTree(initialTopics, onApiError);
  const [selected, setSelected] = useState<string>();
  const [reloadKey, setReloadKey] = useState(0);
  const [notice, setNotice] = useState<string>();
  const [pendingClear, setPendingClear] = useState<ClearTarget>();
  const [clearBusy, setClearBusy] = useState(false);
  const [clearError, setClearError] = useState<string>();
  const [draft, setDraft] = useState({ key: 0, topic: "", payload: "" });
  const detailRef = useRef<HTMLElement>(null);
  const publishRef = useRef<HTMLDivElement>(null);

  const { refresh } = tree;
  usePolling(refresh, REFRESH_MS);

  const reload = useCallback(async () => {
    await refresh();
    setReloadKey((k) => k + 1);
  }, [refresh]);

  function select(topic: string, isLeaf: boolean) {
    setSelected(topic);
    setNotice(undefined);
    // On a phone the detail is below the tree: bring it up for a topic with a message, not while drilling down.
    if (isLeaf && window.matchMedia("(max-width: 859px)").matches) {
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      requestAnimationFrame(() => detailRef.current?.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" }));
    }
  }

  async function confirmClear(target: ClearTarget) {
    setClearBusy(true);
    setClearError(undefined);
    const result = await clearRetained(target.kind === "topic" ? { topic: target.topic } : { prefix: childPrefix(target.topic) });
    setClearBusy(false);
    if (!result.ok) {
      onApiError(result.error);
      setClearError(sentence(result.error.message));
      return;
    }
    const { cleared } = result.data;
    setPendingClear(undefined);
    setNotice(
      cleared === 0
        ? "There was nothing retained left to clear."
        : `Cleared ${formatCount(cleared)} retained ${cleared === 1 ? "message" : "messages"}. New subscribers no longer get ${cleared === 1 ? "it" : "them"}.`,
    );
    await reload();
  }

  if (forbidden) {
    return (
      <p role="alert" className="alert alert-error">
        Only the home’s owner or an admin can use the MQTT explorer.
      </p>
    );
  }

  const node = selected === undefined ? undefined : tree.findNode(selected);

  return (
    <div className="explorer">
      <div className="explorer-main">
        <section className="card explorer-tree-card" aria-labelledby="explorer-topics-title">
          <div className="explorer-card-head">
            <h2 id="explorer-topics-title" className="card-title">
              Topics
            </h2>
            <button type="button" className="btn btn-ghost" onClick={() => void reload()}>
              Refresh topics
            </button>
          </div>
          {tree.topError && (
            <p role="alert" className="alert alert-error">
              {tree.topError}
            </p>
          )}
          {tree.rows.length === 0 ? (
            <p className="empty-inline">{tree.topLoading ? "Loading topics…" : "No messages yet. Topics appear here as soon as something publishes."}</p>
          ) : (
            <div className="topic-tree-scroll">
              <TopicTree
                rows={tree.rows}
                selected={selected}
                now={now}
                timeZone={timeZone}
                onToggle={tree.toggle}
                onSelect={(n) => select(n.topic, n.children === 0 && n.has_message)}
              />
            </div>
          )}
        </section>
        <TopicDetail
          ref={detailRef}
          topic={selected}
          node={node}
          reloadKey={reloadKey}
          now={now}
          timeZone={timeZone}
          notice={notice}
          onApiError={onApiError}
          onClear={(target) => {
            setClearError(undefined);
            setPendingClear(target);
          }}
          onPublishHere={(topic, payload) => {
            setDraft((d) => ({ key: d.key + 1, topic, payload }));
            requestAnimationFrame(() => publishRef.current?.querySelector("input")?.focus());
          }}
        />
      </div>
      <div className="explorer-more">
        <LiveLog timeZone={timeZone} onApiError={onApiError} onSelect={(topic) => select(topic, true)} />
        <div ref={publishRef}>
          <PublishForm key={draft.key} initialTopic={draft.topic} initialPayload={draft.payload} onApiError={onApiError} onPublished={() => void reload()} />
        </div>
      </div>
      <ConfirmDialog
        open={pendingClear !== undefined}
        title={
          pendingClear?.kind === "branch"
            ? `Clear ${formatCount(pendingClear.count)} retained ${pendingClear.count === 1 ? "message" : "messages"}?`
            : "Clear the retained message?"
        }
        message={
          pendingClear?.kind === "branch"
            ? `Hearth sends an empty retained message to every retained topic under ${pendingClear.topic}, so the broker forgets them. Discovery configs cleared this way remove their entities; devices may announce them again.`
            : `Hearth sends an empty retained message to ${pendingClear?.topic ?? ""}, so the broker forgets it and new subscribers no longer get it. The device may publish it again.`
        }
        confirmLabel={pendingClear?.kind === "branch" ? "Clear branch" : "Clear"}
        busy={clearBusy}
        error={clearError}
        onConfirm={() => {
          if (pendingClear) void confirmClear(pendingClear);
        }}
        onCancel={() => setPendingClear(undefined)}
      />
    </div>
  );
}
