"use client";
import { useId, useRef, useState, type KeyboardEvent } from "react";
import type { MqttTopicNodeView } from "@/server/hub-api";
import { formatCount, formatRelative } from "../format";
import { payloadPreview } from "./payload-format";
import { publisherLabel } from "./publisher";
import type { TreeRow } from "./use-topic-tree";

interface TopicTreeProps {
  rows: TreeRow[];
  selected: string | undefined;
  now: number;
  timeZone: string;
  onSelect: (node: MqttTopicNodeView) => void;
  onToggle: (topic: string) => void;
}

/** A level's name as people read it: topics such as "/home/x" start with an empty level. */
export const levelName = (name: string) => (name === "" ? "(empty)" : name);

/**
 * The topic tree, rendered flat (aria-level, aria-setsize, aria-posinset) so every row is one treeitem.
 * Keyboard as in the ARIA tree pattern; a tap selects a row and opens it, a second tap on it closes it.
 */
export function TopicTree({ rows, selected, now, timeZone, onSelect, onToggle }: TopicTreeProps) {
  const id = useId();
  const items = useRef(new Map<string, HTMLLIElement>());
  const [focused, setFocused] = useState<string>();
  const tabbable = rows.some((r) => r.node.topic === focused) ? focused : rows.some((r) => r.node.topic === selected) ? selected : rows[0]?.node.topic;

  function focusRow(topic: string | undefined) {
    if (topic === undefined) return;
    setFocused(topic);
    items.current.get(topic)?.focus();
  }

  function activate(row: TreeRow) {
    const { node } = row;
    if (node.children > 0 && (selected === node.topic || !row.expanded)) onToggle(node.topic);
    onSelect(node);
  }

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const i = rows.findIndex((r) => r.node.topic === tabbable);
    const row = rows[i];
    if (!row) return;
    const topic = row.node.topic;
    switch (event.key) {
      case "ArrowDown":
        focusRow(rows[i + 1]?.node.topic);
        break;
      case "ArrowUp":
        focusRow(rows[i - 1]?.node.topic);
        break;
      case "Home":
        focusRow(rows[0]?.node.topic);
        break;
      case "End":
        focusRow(rows.at(-1)?.node.topic);
        break;
      case "ArrowRight":
        if (row.node.children > 0 && !row.expanded) onToggle(topic);
        else if (row.expanded && rows[i + 1]?.parent === topic) focusRow(rows[i + 1]?.node.topic);
        break;
      case "ArrowLeft":
        if (row.expanded) onToggle(topic);
        else focusRow(row.parent);
        break;
      case "Enter":
      case " ":
        onSelect(row.node);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  return (
    <ul role="tree" aria-label="Topics" className="topic-tree" onKeyDown={onKeyDown}>
      {rows.map((row, index) => {
        const { node } = row;
        // The node carries its last payload's first bytes: no request per row for the preview.
        const preview = node.has_message && node.payload_size !== null ? { payload: node.preview, payload_base64: null, size: node.payload_size, truncated: false } : undefined;
        const metaId = `${id}-${index}`;
        const meta = [
          node.children > 0 ? `${formatCount(node.children)} ${node.children === 1 ? "topic" : "topics"}` : undefined,
          node.children > 0 && node.retained_below > 0 ? `${formatCount(node.retained_below)} retained` : undefined,
          `${formatCount(node.messages)} ${node.messages === 1 ? "message" : "messages"}`,
          node.last_at === null ? "restored at start" : formatRelative(node.last_at, now, timeZone),
          preview ? `by ${publisherLabel(node.client_id)}` : undefined,
        ].filter(Boolean);
        return (
          <li
            key={node.topic}
            ref={(el) => {
              if (el) items.current.set(node.topic, el);
              return () => {
                items.current.delete(node.topic);
              };
            }}
            role="treeitem"
            aria-label={levelName(node.name)}
            aria-describedby={preview ? `${metaId}-payload ${metaId}` : metaId}
            aria-level={row.depth}
            aria-setsize={row.setSize}
            aria-posinset={row.posInSet}
            aria-expanded={node.children > 0 ? row.expanded : undefined}
            aria-selected={selected === node.topic}
            aria-busy={row.loading || undefined}
            tabIndex={tabbable === node.topic ? 0 : -1}
            className="topic-row"
            style={{ paddingInlineStart: `${Math.min(row.depth - 1, 12) * 14 + 4}px` }}
            title={node.topic}
            onClick={() => {
              setFocused(node.topic);
              activate(row);
            }}
          >
            <span
              className="topic-toggle"
              aria-hidden="true"
              onClick={(event) => {
                if (node.children === 0) return;
                event.stopPropagation();
                setFocused(node.topic);
                onToggle(node.topic);
              }}
            >
              {node.children > 0 && <span className={row.expanded ? "chevron chevron-open" : "chevron"} />}
            </span>
            <span className="topic-main">
              <span className="topic-head">
                <span className={node.name === "" ? "topic-name topic-name-empty" : "topic-name"}>{levelName(node.name)}</span>
                {node.retained && <span className="pill pill-retained">Retained</span>}
              </span>
              {preview && (
                <span className="topic-preview" id={`${metaId}-payload`}>
                  {payloadPreview(preview)}
                </span>
              )}
              <span className="topic-meta" id={metaId}>
                {meta.join(" · ")}
                {row.loading && " · loading…"}
                {row.error && ` · ${row.error}`}
              </span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
