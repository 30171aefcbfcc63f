/** Whether an MQTT topic matches a subscription pattern with `+` and `#` wildcards [MQTT-4.7]. */
export function topicMatches(pattern: string, topic: string): boolean {
  // [MQTT-4.7.2-1]: wildcards at the first level do not match topics starting with '$'.
  if (topic.startsWith("$") && (pattern.startsWith("+") || pattern.startsWith("#"))) return false;
  const p = pattern.split("/");
  const t = topic.split("/");
  for (let i = 0; i < p.length; i++) {
    const level = p[i];
    if (level === "#") return true;
    if (i >= t.length) return false;
    if (level !== "+" && level !== t[i]) return false;
  }
  return p.length === t.length;
}
