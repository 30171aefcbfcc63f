import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    environment: "node",
    include: ["{server,devices,db,scripts}/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests bind real loopback ports and spawn hubs; a few at a time keeps a 2-core box honest.
    maxWorkers: 2,
  },
});
