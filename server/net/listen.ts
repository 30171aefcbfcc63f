import type net from "node:net";
import { HubError } from "../errors";

/** Listens and resolves with the bound port; a port in use or not permitted becomes one clear HubError. */
export function listenOrThrow(server: net.Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") {
        reject(new HubError("conflict", `${what}: port ${port} on ${host} is already in use`, { cause: err }));
      } else if (err.code === "EACCES") {
        reject(new HubError("forbidden", `${what}: not permitted to listen on port ${port}`, { cause: err }));
      } else if (err.code === "EADDRNOTAVAIL") {
        reject(new HubError("invalid_input", `${what}: address ${host} is not on this machine`, { cause: err }));
      } else {
        reject(err);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}
