/**
 * Per-MQTT-user access rules in the manner of Mosquitto's acl_file: each rule grants `read`, `write` or
 * `readwrite` on a topic filter, or `deny`s it; `%u` and `%c` in a pattern stand for the username and the
 * client id. Pure: validation, compiling for one connection, and the checks the broker runs per packet.
 */

export const ACL_ACCESS = ["read", "write", "readwrite", "deny"] as const;
export type AclAccess = (typeof ACL_ACCESS)[number];

export interface AclRule {
  access: AclAccess;
  pattern: string;
}

export const MAX_ACL_RULES = 100;
export const MAX_PATTERN_LENGTH = 256;

/** Why a pattern is not a topic filter ([MQTT-4.7.1-2], [MQTT-4.7.1-3]), or undefined when it is one. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return "pattern is empty";
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern is at most ${MAX_PATTERN_LENGTH} characters`;
  if (pattern.includes("\0")) return "pattern may not contain a NUL character";
  const levels = pattern.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? "";
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return "'#' must be a whole level and the last one (as in a/#)";
    if (level.includes("+") && level !== "+") return "'+' must be a whole level (as in a/+/b)";
  }
  return undefined;
}

/** One connection's rules with `%u`/`%c` filled in, split into levels: what the broker checks per packet. */
export interface CompiledAcl {
  read: string[][];
  write: string[][];
  deny: string[][];
}

/**
 * Rules for one connection. Mosquitto 2 ignores a pattern rule whose username or client id holds `+`, `#` or
 * `/` (they would turn into wildcards or levels); so do we. Undefined rules (none stored) mean full access.
 */
export function compileAcl(rules: readonly AclRule[], who: { username: string | null; clientId: string }): CompiledAcl {
  const out: CompiledAcl = { read: [], write: [], deny: [] };
  const unsafe = (v: string) => /[+#/]/.test(v);
  for (const rule of rules) {
    let pattern = rule.pattern;
    if (pattern.includes("%u")) {
      if (who.username === null || who.username === "" || unsafe(who.username)) continue;
      pattern = pattern.replaceAll("%u", who.username);
    }
    if (pattern.includes("%c")) {
      if (who.clientId === "" || unsafe(who.clientId)) continue;
      pattern = pattern.replaceAll("%c", who.clientId);
    }
    const levels = pattern.split("/");
    if (rule.access === "deny") out.deny.push(levels);
    if (rule.access === "read" || rule.access === "readwrite") out.read.push(levels);
    if (rule.access === "write" || rule.access === "readwrite") out.write.push(levels);
  }
  return out;
}

/** Whether a topic filter (split) matches a topic name (split); wildcards never match a leading `$` level. */
export function filterMatches(filter: readonly string[], topic: readonly string[]): boolean {
  if ((topic[0] ?? "").startsWith("$") && (filter[0] === "+" || filter[0] === "#")) return false;
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i];
    if (f === "#") return true; // `a/#` also matches `a` [MQTT-4.7.1-2]
    if (i >= topic.length) return false;
    if (f !== "+" && f !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

/** Whether every topic that `inner` matches is matched by `outer` (both filters, split). */
export function filterCovers(outer: readonly string[], inner: readonly string[]): boolean {
  if ((inner[0] ?? "").startsWith("$") && (outer[0] === "+" || outer[0] === "#")) return false;
  for (let i = 0; i < outer.length; i++) {
    const o = outer[i];
    if (o === "#") return true;
    const n = inner[i];
    if (n === undefined) return false;
    if (n === "#") return false;
    if (o === "+") continue;
    if (n === "+" || o !== n) return false;
  }
  return outer.length === inner.length;
}

const anyMatches = (filters: readonly string[][], topic: readonly string[]) => filters.some((f) => filterMatches(f, topic));

/** May this connection publish to `topic`? Deny rules win; otherwise a write rule must match. */
export function mayWrite(acl: CompiledAcl, topic: string): boolean {
  const levels = topic.split("/");
  return !anyMatches(acl.deny, levels) && anyMatches(acl.write, levels);
}

/**
 * May a message on `topic` be delivered to this connection? Deny rules win; otherwise a read rule must match.
 * Takes the topic split when the caller checks one message for many subscribers.
 */
export function mayRead(acl: CompiledAcl, topic: string | readonly string[]): boolean {
  const levels = typeof topic === "string" ? topic.split("/") : topic;
  return !anyMatches(acl.deny, levels) && anyMatches(acl.read, levels);
}

/**
 * May this connection subscribe to `filter`? A read rule must cover the whole filter, and no deny rule may
 * cover it. A deny rule that covers only part of it (`#` granted, `secret/#` denied) leaves the subscription
 * granted and is enforced per message (mayRead), as Mosquitto checks read access at delivery.
 */
export function maySubscribe(acl: CompiledAcl, filter: string): boolean {
  const levels = filter.split("/");
  return !acl.deny.some((d) => filterCovers(d, levels)) && acl.read.some((r) => filterCovers(r, levels));
}
