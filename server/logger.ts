import { pino, type Logger } from "pino";
import type { LogLevel } from "./config";

export type { Logger };

/** The root logger: JSON lines on stdout, secrets redacted. Modules take `log.child({ module })`. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { app: "hearth" },
    redact: {
      paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie"],
      censor: "[redacted]",
    },
  });
}
