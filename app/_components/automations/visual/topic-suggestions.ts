// Topic suggestions for the topic picker, from the topics the broker has seen (the explorer's tree API, one
// level at a time): the children of what is typed so far, with `+` and `#` to widen the match.
import { callApi } from "../../api-client";

interface TopicNode {
  name: string;
  topic: string;
  children: number;
}

const MAX_FANOUT = 8;
const MAX_REQUESTS = 20;

/** Topics that continue `typed`: its level's children (a `+` level stands for each of its siblings, a few of them). */
export async function suggestTopics(typed: string, signal: AbortSignal): Promise<string[]> {
  const cut = typed.lastIndexOf("/");
  const levels = cut < 0 ? [] : typed.slice(0, cut).split("/");
  if (levels.includes("#")) return [];
  const head = cut < 0 ? "" : `${typed.slice(0, cut)}/`;
  let budget = MAX_REQUESTS;
  const childrenOf = async (prefix: string): Promise<TopicNode[]> => {
    if (budget-- <= 0) return [];
    const res = await callApi<TopicNode[]>(`/api/mqtt/topics?prefix=${encodeURIComponent(prefix)}`, { signal });
    return res.ok && Array.isArray(res.data) ? res.data : [];
  };
  // The concrete topics a typed prefix stands for (a "+" level is each of its parent's children).
  let bases = [""];
  for (const level of levels) {
    const next: string[] = [];
    for (const base of bases) {
      if (level === "+") for (const child of (await childrenOf(base)).slice(0, MAX_FANOUT)) next.push(`${child.topic}/`);
      else next.push(`${base}${level}/`);
    }
    bases = next.slice(0, MAX_FANOUT);
  }
  const names = new Map<string, boolean>();
  for (const base of bases) {
    for (const child of await childrenOf(base)) names.set(child.name, (names.get(child.name) ?? false) || child.children > 0);
  }
  const out: string[] = [];
  for (const [name, hasChildren] of [...names].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`${head}${name}`);
    if (hasChildren) out.push(`${head}${name}/#`);
  }
  if (names.size > 1) out.push(`${head}+`, `${head}#`);
  return out.slice(0, 200);
}
