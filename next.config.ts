import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and worker-thread packages are imported only by server/, never bundled; kept as a safety net (STYLE §4 P7/P8).
  serverExternalPackages: ["better-sqlite3", "pino", "aedes", "argon2", "classic-level"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The custom server adds its own security headers and owns /mqtt and /api/websocket upgrades.
  typedRoutes: false,
  // HA clients call `/api/` with the slash; a redirect would break them.
  skipTrailingSlashRedirect: true,
};

export default nextConfig;
