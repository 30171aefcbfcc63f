/** Discovery topics: `<prefix>/<component>/[<node_id>/]<object_id>/config` (DISCOVERY.md §2). */

export interface DiscoveryTopic {
  /** The component segment as sent; may be unsupported (the caller decides). */
  component: string;
  nodeId: string | null;
  objectId: string;
  /** `"<node_id> <object_id>"` or `"<object_id>"`: with the component, the config slot's key. */
  discoveryId: string;
}

export type DiscoveryTopicMatch =
  | { kind: "config"; topic: DiscoveryTopic }
  /** Ends in /config under the prefix but breaks HA's rules (dots, spaces, colons, too many levels). */
  | { kind: "illegal"; reason: string }
  /** Not a discovery topic at all (e.g. a state topic that lives under the prefix). */
  | { kind: "other" };

const SEGMENT = /^[a-zA-Z0-9_-]+$/;
const COMPONENT = /^\w+$/;

/** The wildcard subscriptions that cover every discovery topic under `prefix`. */
export function discoverySubscriptions(prefix: string): string[] {
  return [`${prefix}/+/+/config`, `${prefix}/+/+/+/config`];
}

/** The birth/last-will topic devices watch (`<prefix>/status`). */
export function birthTopic(prefix: string): string {
  return `${prefix}/status`;
}

/** Matches a topic the way HA's TOPIC_MATCHER does after stripping `<prefix>/` once. */
export function parseDiscoveryTopic(prefix: string, topic: string): DiscoveryTopicMatch {
  if (!topic.startsWith(`${prefix}/`) || !topic.endsWith("/config")) return { kind: "other" };
  const rest = topic.slice(prefix.length + 1).split("/");
  rest.pop(); // "config"
  if (rest.length < 2 || rest.length > 3) return { kind: "illegal", reason: "expected <component>/[<node_id>/]<object_id>/config" };
  const [component, ...ids] = rest as [string, ...string[]];
  if (!COMPONENT.test(component)) return { kind: "illegal", reason: `component '${component}' has characters other than letters, digits and _` };
  for (const id of ids) {
    if (!SEGMENT.test(id)) return { kind: "illegal", reason: `'${id}' may only contain letters, digits, _ and - (node_id and object_id)` };
  }
  const nodeId = ids.length === 2 ? ids[0]! : null;
  const objectId = ids[ids.length - 1]!;
  return { kind: "config", topic: { component, nodeId, objectId, discoveryId: nodeId === null ? objectId : `${nodeId} ${objectId}` } };
}
