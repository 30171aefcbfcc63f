import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config";

export type { Logger };

/** The root logger: JSON lines on stdout (or `destination`), secrets redacted. Modules take `log.child({ module })`. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "hearth" },
      redact: {
        paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
