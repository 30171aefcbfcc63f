"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { MqttTopicNodeView } from "@/server/hub-api";
import type { ApiError } from "../api-client";
import { sentence } from "../form-errors";
import { childPrefix, fetchTopics } from "./explorer-api";

interface Level {
  nodes: MqttTopicNodeView[];
  loading: boolean;
  error: string | undefined;
}

/** One visible row of the tree, in display order (the tree is rendered flat, with aria-level). */
export interface TreeRow {
  node: MqttTopicNodeView;
  depth: number;
  posInSet: number;
  setSize: number;
  /** The parent's topic; undefined at the top level. */
  parent: string | undefined;
  expanded: boolean;
  /** Its children are being fetched for the first time. */
  loading: boolean;
  error: string | undefined;
}

export interface TopicTree {
  rows: TreeRow[];
  topLoading: boolean;
  topError: string | undefined;
  toggle: (topic: string) => void;
  expand: (topic: string) => void;
  findNode: (topic: string) => MqttTopicNodeView | undefined;
  /** Fetches the top level and every visible expanded level again. */
  refresh: () => Promise<void>;
}

/** Where `topic` is listed: "a/b/c" under "a/b/", a top-level topic under "". */
function parentPrefix(topic: string): string {
  const slash = topic.lastIndexOf("/");
  return slash < 0 ? "" : topic.slice(0, slash + 1);
}

/** The explorer's topic tree: levels fetched lazily as they are expanded (nodes carry their payload previews). */
export function useTopicTree(initialTop: MqttTopicNodeView[], onApiError: (error: ApiError) => void): TopicTree {
  const [levels, setLevels] = useState<ReadonlyMap<string, Level>>(() => new Map([["", { nodes: initialTop, loading: false, error: undefined }]]));
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const onApiErrorRef = useRef(onApiError);
  useEffect(() => {
    onApiErrorRef.current = onApiError;
  });

  const loadLevel = useCallback(
    async (prefix: string) => {
      setLevels((prev) => withLevel(prev, prefix, { nodes: prev.get(prefix)?.nodes ?? [], loading: true, error: undefined }));
      const result = await fetchTopics(prefix);
      if (!result.ok) {
        onApiErrorRef.current(result.error);
        setLevels((prev) => withLevel(prev, prefix, { nodes: prev.get(prefix)?.nodes ?? [], loading: false, error: sentence(result.error.message) }));
        return;
      }
      setLevels((prev) => withLevel(prev, prefix, { nodes: result.data, loading: false, error: undefined }));
    },
    [],
  );

  const rows = useMemo(() => visibleRows(levels, expanded), [levels, expanded]);

  const expand = useCallback(
    (topic: string) => {
      setExpanded((prev) => (prev.has(topic) ? prev : new Set(prev).add(topic)));
      if (!levels.has(childPrefix(topic))) void loadLevel(childPrefix(topic));
    },
    [levels, loadLevel],
  );

  const toggle = useCallback(
    (topic: string) => {
      if (!expanded.has(topic)) {
        expand(topic);
        return;
      }
      // Collapsing forgets the branch's open levels too, so no hidden level is left without its nodes.
      const below = childPrefix(topic);
      setExpanded((prev) => new Set([...prev].filter((t) => t !== topic && !t.startsWith(below))));
    },
    [expanded, expand],
  );

  const findNode = useCallback((topic: string) => levels.get(parentPrefix(topic))?.nodes.find((n) => n.topic === topic), [levels]);

  const refresh = useCallback(async () => {
    const visible = ["", ...rows.filter((r) => r.expanded).map((r) => childPrefix(r.node.topic))];
    // Levels out of sight are fetched afresh when they are expanded again.
    setLevels((prev) => new Map([...prev].filter(([prefix]) => visible.includes(prefix))));
    await Promise.all(visible.map((prefix) => loadLevel(prefix)));
  }, [rows, loadLevel]);

  const top = levels.get("");
  return { rows, topLoading: top?.loading ?? false, topError: top?.error, toggle, expand, findNode, refresh };
}

function withLevel(levels: ReadonlyMap<string, Level>, prefix: string, level: Level): ReadonlyMap<string, Level> {
  return new Map(levels).set(prefix, level);
}

function visibleRows(levels: ReadonlyMap<string, Level>, expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (prefix: string, depth: number, parent: string | undefined) => {
    const nodes = levels.get(prefix)?.nodes ?? [];
    nodes.forEach((node, i) => {
      const isOpen = node.children > 0 && expanded.has(node.topic);
      const children = isOpen ? levels.get(childPrefix(node.topic)) : undefined;
      rows.push({
        node,
        depth,
        posInSet: i + 1,
        setSize: nodes.length,
        parent,
        expanded: isOpen,
        loading: isOpen && (children?.loading ?? true) && (children?.nodes.length ?? 0) === 0,
        error: children?.error,
      });
      if (isOpen) walk(childPrefix(node.topic), depth + 1, node.topic);
    });
  };
  walk("", 1, undefined);
  return rows;
}
