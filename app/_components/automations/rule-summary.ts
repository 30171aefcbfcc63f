// Plain words for a rule in Home Assistant's format, read from the config as written (old and new key names).
// It only describes: the hub's parser is the judge of what is valid.

/** One line of the summary, with nested lines for blocks (if/then, choose, repeat…). */
export interface SummaryLine {
  text: string;
  children?: SummaryLine[];
}

export interface RuleSummary {
  triggers: SummaryLine[];
  conditions: SummaryLine[];
  actions: SummaryLine[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v));
const names = (v: unknown): string => list(v).map(str).join(" or ");
const MAX_DEPTH = 6;

const UNITS: Array<[string, number, string]> = [
  ["days", 86_400, "day"],
  ["hours", 3600, "hour"],
  ["minutes", 60, "minute"],
  ["seconds", 1, "second"],
];

function seconds(total: number): string {
  if (total === 0) return "0 seconds";
  const parts: string[] = [];
  let rest = total;
  for (const [, size, unit] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? "" : "s"}`);
  }
  const ms = Math.round(rest * 1000);
  if (ms > 0) parts.push(`${ms} ms`);
  return parts.join(" ");
}

/** "00:05:00" → "5 minutes"; 90 → "1 minute 30 seconds"; {minutes: 2} → "2 minutes"; templates as written. */
export function describeDuration(d: unknown): string {
  if (typeof d === "number") return seconds(d);
  if (typeof d === "string") {
    const m = /^(-)?(\d+):(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(d.trim());
    if (m) return seconds(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
    return /^\d+(\.\d+)?$/.test(d.trim()) ? seconds(Number(d)) : d;
  }
  if (isObj(d)) {
    let total = Number(d.milliseconds ?? 0) / 1000;
    for (const [key, size] of UNITS) total += Number(d[key] ?? 0) * size;
    return Number.isFinite(total) ? seconds(total) : JSON.stringify(d);
  }
  return str(d);
}

const forPart = (v: unknown): string => (v === undefined ? "" : ` for ${describeDuration(v)}`);

function describeTrigger(t: unknown): string {
  if (!isObj(t)) return `When ${str(t)}`;
  const kind = str(t.trigger ?? t.platform);
  switch (kind) {
    case "mqtt":
      return `When a message arrives on ${str(t.topic)}${t.payload === undefined ? "" : ` with payload ${str(t.payload)}`}`;
    case "state": {
      const change = t.to !== undefined ? (t.from !== undefined ? ` changes from ${names(t.from)} to ${names(t.to)}` : ` becomes ${names(t.to)}`) : t.from !== undefined ? ` changes from ${names(t.from)}` : " changes";
      return `When ${t.attribute === undefined ? "" : `${str(t.attribute)} of `}${names(t.entity_id)}${change}${forPart(t.for)}`;
    }
    case "numeric_state":
      return `When ${names(t.entity_id)} goes${t.above === undefined ? "" : ` above ${str(t.above)}`}${t.above !== undefined && t.below !== undefined ? " and" : ""}${t.below === undefined ? "" : ` below ${str(t.below)}`}${forPart(t.for)}`;
    case "time":
      return `At ${names(t.at)}`;
    case "time_pattern":
      return `On the time pattern${["hours", "minutes", "seconds"].filter((k) => t[k] !== undefined).map((k) => ` ${k} ${str(t[k])}`).join(",")}`;
    case "sun":
      return `At ${str(t.event)}${t.offset === undefined ? "" : ` (offset ${str(t.offset)})`}`;
    case "homeassistant":
      return t.event === "shutdown" ? "When the hub stops" : "When the hub starts";
    case "template":
      return `When ${str(t.value_template)} becomes true${forPart(t.for)}`;
    case "event":
      return `When the event ${names(t.event_type)} happens`;
    case "webhook":
      return `When the webhook ${str(t.webhook_id)} is called`;
    case "availability":
      return `When ${names(t.device_id)} goes ${str(t.to)}${forPart(t.for)}`;
    case "device":
      return `When device ${str(t.device_id)} reports ${[t.type, t.subtype].filter((x) => x !== undefined).map(str).join(" ")}`;
    default:
      return `When the ${kind} trigger fires`;
  }
}

function sunWords(c: Obj): string {
  const parts: string[] = [];
  if (c.after === "sunset" && c.before === undefined) return "the sun has set";
  if (c.after === "sunrise" && c.before === undefined) return "the sun has risen";
  if (c.after !== undefined) parts.push(`after ${str(c.after)}`);
  if (c.before !== undefined) parts.push(`before ${str(c.before)}`);
  return `it is ${parts.join(c.after === "sunset" ? " or " : " and ")}`;
}

/** A condition as a clause that follows "If" ("the sun has set", "light.hall is on"). */
export function conditionWords(c: unknown, depth = 0): string {
  if (typeof c === "string") return `${c} is true`;
  if (!isObj(c)) return str(c);
  const kind = str(c.condition);
  const nested = (joiner: string) => (depth > MAX_DEPTH ? "…" : list(c.conditions).map((x) => conditionWords(x, depth + 1)).join(joiner));
  switch (kind) {
    case "sun":
      return sunWords(c);
    case "state":
      return `${c.attribute === undefined ? "" : `${str(c.attribute)} of `}${names(c.entity_id)} is ${names(c.state)}${forPart(c.for)}`;
    case "numeric_state":
      return `${names(c.entity_id)} is${c.above === undefined ? "" : ` above ${str(c.above)}`}${c.above !== undefined && c.below !== undefined ? " and" : ""}${c.below === undefined ? "" : ` below ${str(c.below)}`}`;
    case "template":
      return `${str(c.value_template)} is true`;
    case "time": {
      const parts = [c.after === undefined ? "" : `after ${str(c.after)}`, c.before === undefined ? "" : `before ${str(c.before)}`, c.weekday === undefined ? "" : `on ${names(c.weekday)}`].filter(Boolean);
      return `it is ${parts.join(" and ")}`;
    }
    case "trigger":
      return `the trigger was ${names(c.id)}`;
    case "zone":
      return `${names(c.entity_id)} is in ${names(c.zone)}`;
    case "and":
      return `(${nested(" and ")})`;
    case "or":
      return `(${nested(" or ")})`;
    case "not":
      return `not (${nested(" or ")})`;
    default:
      return `the ${kind} condition passes`;
  }
}

const conditionLine = (c: unknown): SummaryLine => ({ text: `If ${conditionWords(c)}` });

function target(a: Obj): string {
  const t = isObj(a.target) ? a.target : a;
  const ids = [t.entity_id, t.device_id, t.area_id].flatMap(list).map(str);
  return ids.length > 0 ? ids.join(", ") : "";
}

function serviceLine(a: Obj, service: string): string {
  const data = isObj(a.data) ? a.data : isObj(a.data_template) ? a.data_template : {};
  if (service === "mqtt.publish") return `Publish ${data.payload === undefined ? "an empty message" : str(data.payload)} to ${str(data.topic)}`;
  const [domain = "", verb = ""] = service.split(".");
  const on = target(a);
  const words: Record<string, string> = { turn_on: "Turn on", turn_off: "Turn off", toggle: "Toggle", lock: "Lock", unlock: "Unlock", open_cover: "Open", close_cover: "Close" };
  if (words[verb] && on) return `${words[verb]} ${on}`;
  if (domain === "notify") return `Send a notification${data.message === undefined ? "" : `: ${str(data.message)}`}`;
  return `Call ${service}${on ? ` on ${on}` : ""}`;
}

function describeActions(actions: unknown, depth: number): SummaryLine[] {
  return list(actions).map((a) => describeAction(a, depth));
}

function block(text: string, actions: unknown, depth: number): SummaryLine {
  return depth > MAX_DEPTH ? { text: `${text} …` } : { text, children: describeActions(actions, depth + 1) };
}

function describeAction(a: unknown, depth: number): SummaryLine {
  if (!isObj(a)) return { text: str(a) };
  const service = a.action ?? a.service;
  if (typeof service === "string") return { text: serviceLine(a, service) };
  if ("delay" in a) return { text: `Wait ${describeDuration(a.delay)}` };
  if ("wait_template" in a) return { text: `Wait until ${str(a.wait_template)} is true${a.timeout === undefined ? "" : ` (at most ${describeDuration(a.timeout)})`}` };
  if ("wait_for_trigger" in a) return { text: `Wait for: ${list(a.wait_for_trigger).map(describeTrigger).join("; ").replace(/\bWhen\b/g, "when")}` };
  if ("condition" in a) return { text: `Go on only if ${conditionWords(a)}` };
  if ("if" in a) {
    const line = block(`If ${list(a.if).map((c) => conditionWords(c)).join(" and ")}:`, a.then, depth);
    return a.else === undefined ? line : { text: line.text, children: [...(line.children ?? []), block("Otherwise:", a.else, depth + 1)] };
  }
  if ("choose" in a) {
    const options = list(a.choose).map((o) => (isObj(o) ? block(`If ${list(o.conditions).map((c) => conditionWords(c)).join(" and ")}:`, o.sequence, depth + 1) : { text: str(o) }));
    if (a.default !== undefined) options.push(block("Otherwise:", a.default, depth + 1));
    return { text: "The first that matches of:", children: options };
  }
  if ("repeat" in a && isObj(a.repeat)) {
    const r = a.repeat;
    const how = r.count !== undefined ? `${str(r.count)} times` : r.while !== undefined ? `while ${list(r.while).map((c) => conditionWords(c)).join(" and ")}` : r.until !== undefined ? `until ${list(r.until).map((c) => conditionWords(c)).join(" and ")}` : `for each of ${str(r.for_each)}`;
    return block(`Repeat ${how}:`, r.sequence, depth);
  }
  if ("parallel" in a) return block("At the same time:", a.parallel, depth);
  if ("sequence" in a) return block("In order:", a.sequence, depth);
  if ("variables" in a) return { text: `Set ${isObj(a.variables) ? Object.keys(a.variables).join(", ") : "variables"}` };
  if ("stop" in a) return { text: `Stop: ${str(a.stop)}` };
  if ("event" in a) return { text: `Fire the event ${str(a.event)}` };
  if ("scene" in a) return { text: `Activate ${str(a.scene)}` };
  const key = Object.keys(a).find((k) => k !== "alias" && k !== "enabled");
  return { text: key ? `Do “${key}”` : "An empty step" };
}

/** The rule's triggers, conditions and actions in plain words. */
export function summarizeRule(config: unknown): RuleSummary {
  const c = isObj(config) ? config : {};
  return {
    triggers: list(c.triggers ?? c.trigger).map((t) => ({ text: describeTrigger(t) })),
    conditions: list(c.conditions ?? c.condition).map(conditionLine),
    actions: describeActions(c.actions ?? c.action, 0),
  };
}
