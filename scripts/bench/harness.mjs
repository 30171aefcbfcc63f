// The shared MQTT harness lives read-only beside the repo (../shared/bench). Its scripts import aedes and
// mqtt-packet, which Node resolves next to the importing file, so each bench run copies them into
// bench-results/.harness/<pid>/ with a node_modules link to this repo's: the plain aedes is then the same
// aedes build the hub bundles, and nothing is installed into the shared folder.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const FILES = ["mqtt-bench.mjs", "aedes-standalone.mjs"];
const PACKAGES = ["aedes", "mqtt-packet", "mqemitter"];

export class SetupError extends Error {}

/** Copies the harness next to our node_modules; returns its paths, versions and checksums. */
export function prepareHarness(root, outDir) {
  const source = path.resolve(root, "..", "shared", "bench");
  for (const file of FILES) {
    if (!fs.existsSync(path.join(source, file))) {
      throw new SetupError(`bench: shared harness not found: ${path.join(source, file)} (expected ../shared/bench beside the repo)`);
    }
  }
  const versions = {};
  for (const name of PACKAGES) {
    const manifest = path.join(root, "node_modules", name, "package.json");
    if (!fs.existsSync(manifest)) {
      throw new SetupError(`bench: node_modules/${name} is missing; run npm install (the harness needs ${PACKAGES.join(", ")})`);
    }
    versions[name] = JSON.parse(fs.readFileSync(manifest, "utf8")).version;
  }
  const dir = path.join(outDir, ".harness", String(process.pid));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const sha256 = {};
  for (const file of FILES) {
    const text = fs.readFileSync(path.join(source, file));
    fs.writeFileSync(path.join(dir, file), text);
    sha256[file] = crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
  }
  fs.symlinkSync(path.relative(dir, path.join(root, "node_modules")), path.join(dir, "node_modules"), "dir");
  return {
    source,
    dir,
    bench: path.join(dir, "mqtt-bench.mjs"),
    aedes: path.join(dir, "aedes-standalone.mjs"),
    sha256,
    versions,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** When the hub's build was last written: a change during the bench means runs measured different builds. */
export function buildStamp(root) {
  return ["dist/server.js", ".next/BUILD_ID"].map((f) => {
    try {
      return fs.statSync(path.join(root, f)).mtimeMs;
    } catch {
      return 0;
    }
  }).join("/");
}

/** The hub's build (dist/server.js, dist/cli.js, .next/BUILD_ID): missing is an error, older than sources a warning. */
export function checkBuild(root) {
  const outputs = ["dist/server.js", "dist/cli.js", ".next/BUILD_ID"];
  const missing = outputs.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length > 0) return { missing, stale: false };
  const built = Math.min(...outputs.map((f) => fs.statSync(path.join(root, f)).mtimeMs));
  const sources = ["app", "server", "devices", "db", "package-lock.json", "next.config.ts"];
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s), 0)));
  return { missing: [], stale: newest > built };
}

function newestMtime(p, depth) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory() || depth > 12) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry), depth + 1));
  return newest;
}
