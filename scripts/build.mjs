// Builds what `npm start` runs: the Next app (.next/) and the custom server bundle (dist/server.js, dist/cli.js).
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

const next = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
if (next.status !== 0) process.exit(next.status ?? 1);

await build({
  entryPoints: { server: "server/main.ts", cli: "server/cli/main.ts", "broker-worker": "server/mqtt/broker-worker.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies stay in node_modules: native modules (better-sqlite3, argon2, classic-level) cannot be bundled.
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  tsconfig: "tsconfig.json",
});
console.log("built .next/ and dist/");
