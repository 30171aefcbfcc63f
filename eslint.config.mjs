import nextPlugin from "@next/eslint-plugin-next";
import drizzle from "eslint-plugin-drizzle";
import tseslint from "typescript-eslint";

const restrict = (patterns) => ["error", { patterns }];

export default tseslint.config(
  { ignores: [".next/**", "dist/**", "node_modules/**", "data/**", "bench-results/**", "test-results/**", "playwright-report/**", "db/migrations/**", "next-env.d.ts", "**/*.mjs", "public/**"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { drizzle },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "@next/next": nextPlugin },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      // app/ reads the hub through one accessor; server/ is types only (STYLE §3.3).
      "@typescript-eslint/no-restricted-imports": restrict([
        {
          // same-origin, body-limit and peer-address are pure request checks (no state), tested in server/'s vitest run.
          group: ["@/server/*", "!@/server/hub-slot", "!@/server/errors", "!@/server/hub-api", "!@/server/http", "@/server/http/*", "!@/server/http/same-origin", "!@/server/http/body-limit", "!@/server/http/peer-address"],
          allowTypeImports: true,
          message: "app/ may import only types from server/ (plus hub-slot, errors and the pure request checks).",
        },
        { group: ["@/db/*", "better-sqlite3", "aedes", "pino", "argon2"], message: "app/ never opens the database, the broker or the logger." },
      ]),
    },
  },
  {
    files: ["devices/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restrict([
        { group: ["@/server/*", "@/db/*", "@/app/*", "node:*", "next", "next/*", "react"], message: "devices/ is pure domain code." },
      ]),
    },
  },
  {
    files: ["db/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrict([{ group: ["@/server/*", "@/app/*"], message: "db/ knows nothing of server/ or app/." }]) },
  },
  {
    files: ["server/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrict([{ group: ["@/app/*"], message: "server/ never imports app/." }]) },
  },
  {
    files: ["**/*.test.ts", "e2e/**/*.ts", "scripts/**/*.ts", "server/cli/**/*.ts", "server/testing/**/*.ts"],
    rules: {
      "no-console": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
