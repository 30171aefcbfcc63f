import { HubError } from "../errors";

// MQTT 3.1.1: topic names and filters are 1 to 65,535 bytes of UTF-8 without U+0000 [MQTT-4.7.3-1, -2, -3].
const MAX_TOPIC_BYTES = 65_535;
// aedes refuses deeper topics (its matcher's ceiling; aedes.js MAX_TOPIC_LEVELS).
const MAX_TOPIC_LEVELS = 100;

function checkName(value: string, what: string): void {
  if (value.length === 0) throw new HubError("unprocessable", `${what} is empty`);
  if (value.includes("\u0000")) throw new HubError("unprocessable", `${what} contains U+0000`);
  if (Buffer.byteLength(value) > MAX_TOPIC_BYTES) throw new HubError("unprocessable", `${what} is longer than ${MAX_TOPIC_BYTES} bytes`);
  if (value.split("/").length > MAX_TOPIC_LEVELS) throw new HubError("unprocessable", `${what} has more than ${MAX_TOPIC_LEVELS} levels`);
}

/** A topic a message can be published to: no wildcards [MQTT-3.3.2-2], nothing under the broker's `$SYS/`. */
export function checkTopicName(topic: string): void {
  checkName(topic, "topic");
  if (topic.includes("+") || topic.includes("#")) throw new HubError("unprocessable", "topic must not contain the wildcards + or #");
  if (topic === "$SYS" || topic.startsWith("$SYS/")) throw new HubError("unprocessable", "$SYS topics belong to the broker");
}

/** A subscription filter: `+` fills a whole level, `#` only the last [MQTT-4.7.1-2, MQTT-4.7.1-3]. */
export function checkTopicFilter(filter: string): void {
  checkName(filter, "filter");
  const levels = filter.split("/");
  levels.forEach((level, i) => {
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) {
      throw new HubError("unprocessable", "filter: # must be a whole level and the last one");
    }
    if (level.includes("+") && level !== "+") throw new HubError("unprocessable", "filter: + must be a whole level");
  });
}

/**
 * A tree prefix as the API takes it, as the level it names: "" is the top (null); one trailing "/" is dropped,
 * so "a/b" and "a/b/" are the same level and "/" is the empty first level of topics such as "/home/temp".
 */
export function parseTopicPrefix(prefix: string): string | null {
  if (prefix === "") return null;
  const level = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (level.includes("+") || level.includes("#")) throw new HubError("unprocessable", "prefix must not contain the wildcards + or #");
  if (level.includes("\u0000")) throw new HubError("unprocessable", "prefix contains U+0000");
  if (Buffer.byteLength(level) > MAX_TOPIC_BYTES) throw new HubError("unprocessable", `prefix is longer than ${MAX_TOPIC_BYTES} bytes`);
  return level;
}
