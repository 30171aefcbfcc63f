import type { IncomingMessage } from "node:http";
import type { NetworkTrust } from "@/devices/auth/network";

/**
 * Request header carrying the client's address to route handlers (Next does not expose the socket): the TCP peer,
 * or the client a trusted proxy names in X-Forwarded-For (HEARTH_TRUSTED_PROXIES). The custom server sets it on
 * every request and upgrade, over anything a client sent.
 */
export const CLIENT_ADDRESS_HEADER = "x-hearth-client-address";

const headerText = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(",") : value);

/** Resolves the request's client address once and stamps it on the request for everything after. */
export function stampClientAddress(req: IncomingMessage, network: NetworkTrust): void {
  req.headers[CLIENT_ADDRESS_HEADER] = network.clientAddress(req.socket.remoteAddress, headerText(req.headers["x-forwarded-for"])) ?? "";
}

/**
 * The client's address as the custom server stamped it; a request that did not pass through it (a test's bare
 * server) counts as its TCP peer, with no forwarded header believed.
 */
export function clientAddressOf(req: IncomingMessage): string | null {
  const stamped = req.headers[CLIENT_ADDRESS_HEADER];
  if (typeof stamped === "string") return stamped || null;
  return req.socket.remoteAddress ?? null;
}
