import fs from "node:fs";
import type { Config } from "../config";
import { HubError } from "../errors";

export interface TlsMaterial {
  port: number;
  cert: Buffer;
  key: Buffer;
}

/** Reads the configured certificate and key once; a missing or unreadable file names its variable. */
export function readTlsMaterial(config: Config): TlsMaterial | undefined {
  if (!config.tls) return undefined;
  const read = (file: string, variable: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new HubError("invalid_input", `${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
        cause: err,
      });
    }
  };
  return { port: config.tls.port, cert: read(config.tls.certFile, "HEARTH_TLS_CERT"), key: read(config.tls.keyFile, "HEARTH_TLS_KEY") };
}
