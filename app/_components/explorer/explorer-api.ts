import type { MqttClearInput, MqttPublishInput, MqttTopicMessageView, MqttTopicNodeView } from "@/server/hub-api";
import { callApi, type ApiResult } from "../api-client";

const q = encodeURIComponent;

/** One level of the topic tree ("" = the top; a node's children are at `node.topic + "/"`). */
export function fetchTopics(prefix: string, signal?: AbortSignal): Promise<ApiResult<MqttTopicNodeView[]>> {
  return callApi(`/api/mqtt/topics?prefix=${q(prefix)}`, signal ? { signal } : {});
}

/** The last message seen on one topic (404 not_found when none was). */
export function fetchMessage(topic: string, signal?: AbortSignal): Promise<ApiResult<MqttTopicMessageView>> {
  return callApi(`/api/mqtt/message?topic=${q(topic)}`, signal ? { signal } : {});
}

/** Publishes as the hub; 204 once the broker took it. */
export function publishMessage(input: MqttPublishInput): Promise<ApiResult<undefined>> {
  return callApi("/api/mqtt/publish", { method: "POST", body: input });
}

/** Deletes one retained topic, or every retained topic in a branch. */
export function clearRetained(input: MqttClearInput): Promise<ApiResult<{ cleared: number }>> {
  return callApi("/api/mqtt/clear", { method: "POST", body: input });
}

/** The live log's server-sent events (served by the custom server, not a Next route). */
export function streamUrl(filter: string): string {
  return `/api/mqtt/stream?filter=${q(filter)}`;
}

/** The children of `topic` are listed under this prefix. */
export const childPrefix = (topic: string): string => `${topic}/`;

/**
 * Whether `topic` matches the subscription filter [MQTT-4.7]; the same rules as server/mqtt/topic-match.ts
 * (app/ may not import server code), used to re-filter the messages already in the log.
 */
export function topicMatches(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1]: wildcards at the first level do not match topics starting with '$'.
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === "#") return true;
    if (i >= t.length) return false;
    if (level !== "+" && level !== t[i]) return false;
  }
  return f.length === t.length;
}
