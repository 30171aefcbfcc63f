// Summarizes V8 .cpuprofile files (node --cpu-prof): top functions by self time, by inclusive time, and self time
// per area (project folder, npm package, node internals, GC). Optionally only the samples inside a time window
// given in CLOCK_MONOTONIC microseconds (process.hrtime, the clock V8 stamps profiles with), so that a bench
// window can be isolated from start-up.
//
//   node scripts/bench/cpuprofile-top.mjs FILE.cpuprofile [...] [--from-us N --to-us N] [--top 25] [--json]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function shortUrl(url) {
  if (!url) return "";
  let u = url.replace(/^file:\/\//, "");
  const nm = u.lastIndexOf("/node_modules/");
  if (nm >= 0) return u.slice(nm + "/node_modules/".length);
  if (u.startsWith(ROOT + "/")) u = u.slice(ROOT.length + 1);
  return u;
}

function area(url, name) {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const u = shortUrl(url);
  if (url.includes("/node_modules/")) {
    const parts = u.split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (u.startsWith("node:")) return "node internals";
  const parts = u.split("/");
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Self and inclusive microseconds per function, and self per area, over the samples inside [fromUs, toUs]. */
export function summarizeProfile(profile, { fromUs = -Infinity, toUs = Infinity } = {}) {
  const byId = new Map();
  const parent = new Map();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const key = (n) => {
    const cf = n.callFrame;
    const name = cf.functionName || "(anonymous)";
    return cf.url ? `${name} ${shortUrl(cf.url)}:${cf.lineNumber + 1}` : name;
  };
  const self = new Map();
  const incl = new Map();
  const areas = new Map();
  let total = 0;
  let t = profile.startTime;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    if (dt <= 0) continue;
    const node = byId.get(samples[i]);
    if (!node) continue;
    total += dt;
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const a = area(node.callFrame.url, node.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      const nk = key(n);
      if (seen.has(nk)) continue;
      seen.add(nk);
      incl.set(nk, (incl.get(nk) ?? 0) + dt);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, us]) => ({ fn: k, ms: us / 1000, pct: total ? (100 * us) / total : 0 }));
  const idle = (self.get("(idle)") ?? 0) / 1000;
  return { total_ms: total / 1000, idle_ms: idle, self: sorted(self), inclusive: sorted(incl), areas: sorted(areas) };
}

export function renderSummary(name, s, top = 25) {
  const out = [];
  const busy = s.total_ms - s.idle_ms;
  out.push(`### ${name}: ${s.total_ms.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy (${s.total_ms ? ((100 * busy) / s.total_ms).toFixed(0) : 0} %)`);
  out.push("");
  out.push("| self ms | self % | function |");
  out.push("|---:|---:|---|");
  for (const r of s.self.slice(0, top)) out.push(`| ${r.ms.toFixed(0)} | ${r.pct.toFixed(1)} | \`${r.fn}\` |`);
  out.push("");
  out.push("| self ms by area | % |");
  out.push("|---|---:|");
  for (const r of s.areas.slice(0, 15)) out.push(`| ${r.fn} ${r.ms.toFixed(0)} | ${r.pct.toFixed(1)} |`);
  out.push("");
  out.push("| inclusive ms | % | function |");
  out.push("|---:|---:|---|");
  const boring = /^\((root|program|idle)\)$|processTicksAndRejections|^\(anonymous\) node:|runMicrotasks|listOnTimeout|processTimers/;
  for (const r of s.inclusive.filter((r) => !boring.test(r.fn)).slice(0, top)) out.push(`| ${r.ms.toFixed(0)} | ${r.pct.toFixed(1)} | \`${r.fn}\` |`);
  return out.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { "from-us": { type: "string" }, "to-us": { type: "string" }, top: { type: "string", default: "25" }, json: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const window = { fromUs: values["from-us"] ? Number(values["from-us"]) : -Infinity, toUs: values["to-us"] ? Number(values["to-us"]) : Infinity };
  for (const file of positionals) {
    const s = summarizeProfile(JSON.parse(fs.readFileSync(file, "utf8")), window);
    if (values.json) process.stdout.write(`${JSON.stringify({ file, ...s, self: s.self.slice(0, 50), inclusive: s.inclusive.slice(0, 50) })}\n`);
    else process.stdout.write(`${renderSummary(path.basename(file), s, Number(values.top))}\n\n`);
  }
}
