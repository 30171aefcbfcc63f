// `npm start`: builds when the build is missing or older than the sources, then runs the hub in production mode.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { HUB_NODE_FLAGS } from "./hub-runtime.mjs";

const SOURCES = ["app", "server", "devices", "db", "public", "package.json", "package-lock.json", "next.config.ts", "tsconfig.json"];
const OUTPUTS = [".next/BUILD_ID", "dist/server.js", "dist/cli.js", "dist/broker-worker.js"];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function oldestOutput() {
  let oldest = Infinity;
  for (const out of OUTPUTS) {
    try {
      oldest = Math.min(oldest, fs.statSync(out).mtimeMs);
    } catch {
      return 0;
    }
  }
  return oldest;
}

const sourcesAt = Math.max(...SOURCES.map(newestMtime));
if (oldestOutput() < sourcesAt) {
  console.error("hearth: building (first start, or sources changed)...");
  const result = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("hearth: build failed");
    process.exit(result.status ?? 1);
  }
}

const child = spawn(process.execPath, [...HUB_NODE_FLAGS, "--enable-source-maps", "dist/server.js"], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
